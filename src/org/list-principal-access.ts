/**
 * What the configuration gives a principal: a user's groups, the assignments that reach a group
 * or a user, and the flat list of (account, permission set) a principal holds, standing or
 * eligible. A user's groups come from the directory (by default the configuration's own).
 */
import { configDirectory } from './config-directory.ts';
import type { Directory } from './directory.ts';
import type { Assignment, Group, OrgConfig } from './org-config.ts';
import type { PrincipalRef } from './principal-ref.ts';

/** the groups of the configuration the directory puts `user` in */
export function groupsOfUser(config: OrgConfig, user: string, directory: Directory = configDirectory(config)): Group[] {
  return directory.groupsOf(user).flatMap((name) => config.groups.get(name) ?? []);
}

/** assignments to a group, or to any group of a user; none for a service account */
export function assignmentsOf(config: OrgConfig, principal: PrincipalRef, directory: Directory = configDirectory(config)): Assignment[] {
  switch (principal.kind) {
    case 'group':
      return config.assignments.filter((a) => a.group === principal.name);
    case 'user': {
      const groups = new Set(directory.groupsOf(principal.name));
      return config.assignments.filter((a) => groups.has(a.group));
    }
    case 'serviceAccount':
      return [];
    default: {
      const never: never = principal.kind;
      return never;
    }
  }
}

/** how a permission set is held: without asking, or requested just in time (an `eligible` assignment) */
export type AccessMode = 'standing' | 'eligible';

/** how a principal holds a permission set in an account: through an assignment to one of its groups, or as a service account */
export type HoldingSource =
  | { readonly kind: 'assignment'; readonly group: string; readonly assignment: Assignment; readonly eligible: boolean }
  | { readonly kind: 'serviceAccount'; readonly serviceAccount: string };

export interface AccessEntry {
  /** account name */
  readonly account: string;
  readonly permissionSet: string;
  readonly source: HoldingSource;
}

/** every (account, permission set) the principal holds, one entry per source, in configuration order */
export function listPrincipalAccess(config: OrgConfig, principal: PrincipalRef, directory: Directory = configDirectory(config)): AccessEntry[] {
  if (principal.kind === 'serviceAccount') {
    const serviceAccount = config.serviceAccounts.get(principal.name);
    if (serviceAccount === undefined) return [];
    return serviceAccount.accounts.map((account) => ({
      account,
      permissionSet: serviceAccount.permissionSet,
      source: { kind: 'serviceAccount', serviceAccount: serviceAccount.name },
    }));
  }
  return assignmentsOf(config, principal, directory).flatMap((assignment) =>
    assignment.accounts.map((account) => ({
      account,
      permissionSet: assignment.permissionSet,
      source: { kind: 'assignment', group: assignment.group, assignment, eligible: assignment.eligible } as const,
    })),
  );
}
