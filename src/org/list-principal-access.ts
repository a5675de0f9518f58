/**
 * What the configuration gives a principal: a user's groups, the assignments that reach a group
 * or a user, and the flat list of (account, permission set) a principal holds, standing or
 * eligible.
 */
import type { Assignment, Group, OrgConfig } from './org-config.ts';
import type { PrincipalRef } from './principal-ref.ts';

/** the groups that list `user` among their members */
export function groupsOfUser(config: OrgConfig, user: string): Group[] {
  return [...config.groups.values()].filter((group) => group.members.includes(user));
}

/** assignments to a group, or to any group of a user; none for a service account */
export function assignmentsOf(config: OrgConfig, principal: PrincipalRef): Assignment[] {
  switch (principal.kind) {
    case 'group':
      return config.assignments.filter((a) => a.group === principal.name);
    case 'user': {
      const groups = new Set(groupsOfUser(config, principal.name).map((g) => g.name));
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

/** how a principal holds a permission set in an account */
export type AccessGrant =
  | { readonly kind: 'assignment'; readonly group: string; readonly assignment: Assignment; readonly eligible: boolean }
  | { readonly kind: 'serviceAccount'; readonly serviceAccount: string };

export interface AccessEntry {
  /** account name */
  readonly account: string;
  readonly permissionSet: string;
  readonly grant: AccessGrant;
}

/** every (account, permission set) the principal holds, one entry per grant, in configuration order */
export function listPrincipalAccess(config: OrgConfig, principal: PrincipalRef): AccessEntry[] {
  if (principal.kind === 'serviceAccount') {
    const serviceAccount = config.serviceAccounts.get(principal.name);
    if (serviceAccount === undefined) return [];
    return serviceAccount.accounts.map((account) => ({
      account,
      permissionSet: serviceAccount.permissionSet,
      grant: { kind: 'serviceAccount', serviceAccount: serviceAccount.name },
    }));
  }
  return assignmentsOf(config, principal).flatMap((assignment) =>
    assignment.accounts.map((account) => ({
      account,
      permissionSet: assignment.permissionSet,
      grant: { kind: 'assignment', group: assignment.group, assignment, eligible: assignment.eligible } as const,
    })),
  );
}
