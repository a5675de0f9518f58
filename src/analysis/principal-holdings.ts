/**
 * The (account, permission set) pairs a principal holds, one entry per pair however many
 * assignments give it: standing when one of its sources is (HoldingSource), the groups it comes through.
 *
 * `holdingIndex` indexes the configuration once (assignments by group, accounts by name and id), and
 * a user's groups are a lookup in the directory, so that asking for every principal of an
 * organization costs the size of the configuration, not principals × (groups + assignments):
 * who-can asks for all of them.
 */
import { configDirectory, type Account, type Assignment, type Directory, type OrgConfig, type PrincipalRef } from '../org/index.ts';

export interface Holding {
  readonly account: Account;
  readonly permissionSet: string;
  /** held without asking: a standing assignment, or a service account's permission set */
  readonly standing: boolean;
  /** may be requested just in time */
  readonly eligible: boolean;
  /** the groups the assignments are made to; empty for a service account */
  readonly groups: readonly string[];
}

export type HoldingIndex = (principal: PrincipalRef) => Holding[];

/** the holdings of every principal, from one pass over the configuration; users' groups from the directory */
export function holdingIndex(config: OrgConfig, directory: Directory = configDirectory(config)): HoldingIndex {
  const accounts = new Map<string, Account>();
  // ids first, then names: a name wins over an id that spells the same (as findAccount)
  for (const account of config.accounts.values()) accounts.set(account.id, account);
  for (const account of config.accounts.values()) accounts.set(account.name, account);
  /** per group: its assignments with their position in the configuration */
  const byGroup = new Map<string, { readonly at: number; readonly assignment: Assignment }[]>();
  config.assignments.forEach((assignment, at) => {
    const list = byGroup.get(assignment.group);
    if (list === undefined) byGroup.set(assignment.group, [{ at, assignment }]);
    else list.push({ at, assignment });
  });

  return (principal) => {
    const byPair = new Map<string, { account: Account; permissionSet: string; standing: boolean; eligible: boolean; groups: string[] }>();
    const add = (accountName: string, permissionSet: string, group: string | undefined, eligible: boolean) => {
      const account = accounts.get(accountName);
      // a validated configuration assigns only accounts of its tree
      if (account === undefined) return;
      const key = `${account.name}\u0000${permissionSet}`;
      let holding = byPair.get(key);
      if (holding === undefined) {
        holding = { account, permissionSet, standing: false, eligible: false, groups: [] };
        byPair.set(key, holding);
      }
      if (group === undefined) holding.standing = true;
      else {
        if (eligible) holding.eligible = true;
        else holding.standing = true;
        if (!holding.groups.includes(group)) holding.groups.push(group);
      }
    };
    switch (principal.kind) {
      case 'serviceAccount': {
        const serviceAccount = config.serviceAccounts.get(principal.name);
        for (const account of serviceAccount?.accounts ?? []) add(account, serviceAccount!.permissionSet, undefined, false);
        break;
      }
      case 'group':
      case 'user': {
        const groups = principal.kind === 'group' ? [principal.name] : directory.groupsOf(principal.name);
        // in configuration order, as listPrincipalAccess gives them
        const assignments = groups.flatMap((g) => byGroup.get(g) ?? []).sort((a, b) => a.at - b.at);
        for (const { assignment } of assignments) {
          for (const account of assignment.accounts) add(account, assignment.permissionSet, assignment.group, assignment.eligible);
        }
        break;
      }
      default: {
        const never: never = principal.kind;
        return never;
      }
    }
    return [...byPair.values()];
  };
}

export function principalHoldings(config: OrgConfig, principal: PrincipalRef, directory: Directory = configDirectory(config)): Holding[] {
  return holdingIndex(config, directory)(principal);
}
