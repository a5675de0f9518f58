/**
 * The (account, permission set) pairs a principal holds, one entry per pair however many
 * assignments give it: standing when one grant is, the groups it comes through.
 */
import { findAccount, listPrincipalAccess, type Account, type OrgConfig, type PrincipalRef } from '../org/index.ts';

export interface PrincipalGrant {
  readonly account: Account;
  readonly permissionSet: string;
  /** held without asking: a standing assignment, or a service account's permission set */
  readonly standing: boolean;
  /** may be requested just in time */
  readonly eligible: boolean;
  /** the groups the assignments are made to; empty for a service account */
  readonly groups: readonly string[];
}

export function principalGrants(config: OrgConfig, principal: PrincipalRef): PrincipalGrant[] {
  const byPair = new Map<string, { account: Account; permissionSet: string; standing: boolean; eligible: boolean; groups: string[] }>();
  for (const entry of listPrincipalAccess(config, principal)) {
    const account = findAccount(config, entry.account);
    // a validated configuration assigns only accounts of its tree
    if (account === undefined) continue;
    const key = `${account.name}\u0000${entry.permissionSet}`;
    let grant = byPair.get(key);
    if (grant === undefined) {
      grant = { account, permissionSet: entry.permissionSet, standing: false, eligible: false, groups: [] };
      byPair.set(key, grant);
    }
    if (entry.grant.kind === 'serviceAccount') grant.standing = true;
    else {
      if (entry.grant.eligible) grant.eligible = true;
      else grant.standing = true;
      if (!grant.groups.includes(entry.grant.group)) grant.groups.push(entry.grant.group);
    }
  }
  return [...byPair.values()];
}
