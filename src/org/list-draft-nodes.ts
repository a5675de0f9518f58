import type { DraftAccount, DraftUnit } from './draft-config.ts';

/** every unit from the root down, depth first, the root first */
export function listDraftUnits(root: DraftUnit | undefined): DraftUnit[] {
  const out: DraftUnit[] = [];
  const walk = (unit: DraftUnit) => {
    out.push(unit);
    unit.units.forEach(walk);
  };
  if (root !== undefined) walk(root);
  return out;
}

/** every account in the tree, depth first: a unit's accounts before its sub-units */
export function listDraftAccounts(root: DraftUnit | undefined): DraftAccount[] {
  return listDraftUnits(root).flatMap((unit) => unit.accounts);
}

/** how messages name a unit: `the root` or unit `workloads/prod` */
export function describeDraftUnit(unit: DraftUnit): string {
  return unit.unitPath.length === 0 ? 'the root' : `unit \`${unit.unitPath.join('/')}\``;
}

export function describeDraftAccount(account: DraftAccount): string {
  return account.name !== undefined ? `account \`${account.name.name}\`` : account.id !== undefined ? `account \`${account.id.name}\`` : 'an account';
}
