/**
 * What changed inside one policy document, statement by statement, for a reviewer: statements are
 * matched by Sid; statements without one are matched by content first (so moving a statement is
 * no change), then by their order among the unmatched.
 */
import type { Condition, Effect, Policy, PrincipalSpec, Statement } from '../policy/index.ts';

export type StatementChangeKind = 'added' | 'removed' | 'changed';

/** a statement as a reviewer scans it: its effect, actions, resources and the condition keys it tests */
export interface StatementOutline {
  readonly effect: Effect;
  /** the actions are `NotAction` */
  readonly notAction: boolean;
  readonly actions: readonly string[];
  /** the resources are `NotResource` */
  readonly notResource: boolean;
  /** absent when the statement names no resource (a resource-based policy's) */
  readonly resources?: readonly string[];
  /** the condition keys of its conditions, once each */
  readonly conditionKeys: readonly string[];
}

/** what changed in a statement kept (same Sid, or paired in order); absent fields did not change */
export interface StatementDifferences {
  readonly effect?: { readonly from: Effect; readonly to: Effect };
  /** the statement switched between `Action` and `NotAction` */
  readonly notAction?: { readonly from: boolean; readonly to: boolean };
  /** in the element the new version uses (`NotAction` when its outline's `notAction`) */
  readonly actionsAdded: readonly string[];
  readonly actionsRemoved: readonly string[];
  readonly notResource?: { readonly from: boolean; readonly to: boolean };
  readonly resourcesAdded: readonly string[];
  readonly resourcesRemoved: readonly string[];
  readonly principalChanged: boolean;
  /** when the conditions changed: the keys of either version's conditions */
  readonly conditionKeys?: readonly string[];
}

interface StatementChangeBase {
  /** `Sid` when the statement has one, else `statement N` (1-based, in the version that has it) */
  readonly statement: string;
}

export type StatementChange =
  | (StatementChangeBase & { readonly change: 'added' | 'removed'; readonly outline: StatementOutline })
  /** `outline`: the statement as it is now */
  | (StatementChangeBase & { readonly change: 'changed'; readonly outline: StatementOutline; readonly differences: StatementDifferences });

export function diffPolicyStatements(before: Policy, after: Policy): StatementChange[] {
  const changes: StatementChange[] = [];
  const oldLeft = [...before.statements];
  const newLeft = [...after.statements];
  const take = (list: Statement[], statement: Statement) => list.splice(list.indexOf(statement), 1);

  // 1. by Sid
  for (const statement of after.statements) {
    if (statement.sid === undefined) continue;
    const match = oldLeft.find((s) => s.sid === statement.sid);
    if (match === undefined) continue;
    take(oldLeft, match);
    take(newLeft, statement);
    const differences = differencesOf(match, statement);
    if (differences !== undefined) changes.push({ change: 'changed', statement: labelOf(statement), outline: outlineOf(statement), differences });
  }
  // 2. unnamed statements with the same content, wherever they moved
  for (const statement of [...newLeft]) {
    if (statement.sid !== undefined) continue;
    const text = contentOf(statement);
    const match = oldLeft.find((s) => s.sid === undefined && contentOf(s) === text);
    if (match === undefined) continue;
    take(oldLeft, match);
    take(newLeft, statement);
  }
  // 3. the remaining unnamed statements in order
  const oldUnnamed = oldLeft.filter((s) => s.sid === undefined);
  const newUnnamed = newLeft.filter((s) => s.sid === undefined);
  const pairs = Math.min(oldUnnamed.length, newUnnamed.length);
  for (let i = 0; i < pairs; i++) {
    const was = oldUnnamed[i]!;
    const now = newUnnamed[i]!;
    take(oldLeft, was);
    take(newLeft, now);
    const differences = differencesOf(was, now);
    if (differences !== undefined) changes.push({ change: 'changed', statement: labelOf(now), outline: outlineOf(now), differences });
  }
  for (const statement of oldLeft) changes.push({ change: 'removed', statement: labelOf(statement), outline: outlineOf(statement) });
  for (const statement of newLeft) changes.push({ change: 'added', statement: labelOf(statement), outline: outlineOf(statement) });
  return changes;
}

/** the documents decide alike: the same statements, whatever their order (names and Ids aside) */
export function samePolicyContent(a: Policy, b: Policy): boolean {
  if (a.version !== b.version || a.statements.length !== b.statements.length) return false;
  const left = a.statements.map((s) => `${s.sid ?? ''}\u0000${contentOf(s)}`).sort();
  const right = b.statements.map((s) => `${s.sid ?? ''}\u0000${contentOf(s)}`).sort();
  return left.every((text, i) => text === right[i]);
}

function labelOf(statement: Statement): string {
  return statement.sid !== undefined && statement.sid !== '' ? statement.sid : `statement ${statement.index + 1}`;
}

/** everything that decides, without the position */
function contentOf(statement: Statement): string {
  const { index: _index, sid: _sid, ...rest } = statement;
  return JSON.stringify(rest);
}

export function outlineOf(statement: Statement): StatementOutline {
  return {
    effect: statement.effect,
    notAction: statement.notAction,
    actions: statement.actions,
    notResource: statement.notResource,
    ...(statement.resources !== undefined ? { resources: statement.resources } : {}),
    conditionKeys: [...new Set(statement.conditions.map((c) => c.key))],
  };
}

function differencesOf(was: Statement, now: Statement): StatementDifferences | undefined {
  const [actionsAdded, actionsRemoved] = listDifference(was.actions, now.actions);
  const [resourcesAdded, resourcesRemoved] = listDifference(was.resources ?? [], now.resources ?? []);
  const conditions = (list: readonly Condition[]) => list.map((c) => JSON.stringify([c.operator, c.key, c.values])).sort();
  const before = conditions(was.conditions);
  const after = conditions(now.conditions);
  const conditionsChanged = before.length !== after.length || before.some((c, i) => c !== after[i]);
  const differences: StatementDifferences = {
    ...(was.effect !== now.effect ? { effect: { from: was.effect, to: now.effect } } : {}),
    ...(was.notAction !== now.notAction ? { notAction: { from: was.notAction, to: now.notAction } } : {}),
    actionsAdded,
    actionsRemoved,
    ...(was.notResource !== now.notResource ? { notResource: { from: was.notResource, to: now.notResource } } : {}),
    resourcesAdded,
    resourcesRemoved,
    principalChanged: !samePrincipal(was.principal, now.principal) || was.notPrincipal !== now.notPrincipal,
    ...(conditionsChanged ? { conditionKeys: [...new Set([...was.conditions, ...now.conditions].map((c) => c.key))] } : {}),
  };
  const changed =
    differences.effect !== undefined ||
    differences.notAction !== undefined ||
    differences.notResource !== undefined ||
    actionsAdded.length + actionsRemoved.length + resourcesAdded.length + resourcesRemoved.length > 0 ||
    differences.principalChanged ||
    conditionsChanged;
  return changed ? differences : undefined;
}

/** [added, removed] */
function listDifference(before: readonly string[], after: readonly string[]): [string[], string[]] {
  const was = new Set(before);
  const now = new Set(after);
  return [after.filter((v) => !was.has(v)), before.filter((v) => !now.has(v))];
}

function samePrincipal(a: PrincipalSpec | undefined, b: PrincipalSpec | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
