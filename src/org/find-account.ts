import type { Account, OrgConfig, Unit } from './org-config.ts';
import { internalError } from '../policy/index.ts';

/** an account by name, or by its 12-digit id */
export function findAccount(config: OrgConfig, nameOrId: string): Account | undefined {
  const byName = config.accounts.get(nameOrId);
  if (byName !== undefined) return byName;
  for (const account of config.accounts.values()) if (account.id === nameOrId) return account;
  return undefined;
}

/** the units from the root (included) down to the one the account sits in */
export function unitsAbove(config: OrgConfig, account: Account): Unit[] {
  const chain: Unit[] = [config.organization.root];
  let unit = config.organization.root;
  for (const name of account.units) {
    // sibling units have different names (validated), so the path leads to one unit
    const next = unit.units.find((u) => u.name === name);
    if (next === undefined) throw internalError(`unitsAbove: account \`${account.name}\` names unit \`${name}\` that is not in the tree`);
    chain.push(next);
    unit = next;
  }
  return chain;
}
