/**
 * What changed inside one policy document, statement by statement, for a reviewer: statements are
 * matched by Sid; statements without one are matched by content first (so moving a statement is
 * no change), then by their order among the unmatched.
 */
import type { Condition, Policy, PrincipalSpec, Statement } from '../policy/index.ts';

export type StatementChangeKind = 'added' | 'removed' | 'changed';

export interface StatementChange {
  readonly change: StatementChangeKind;
  /** `Sid` when the statement has one, else `statement N` (1-based, in the version that has it) */
  readonly statement: string;
  /** a line for the reviewer: `Deny s3:DeleteBucket on *` or `actions +s3:DeleteBucket; conditions changed` */
  readonly summary: string;
}

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
    const summary = describeDifference(match, statement);
    if (summary !== undefined) changes.push({ change: 'changed', statement: labelOf(statement), summary });
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
    const summary = describeDifference(was, now);
    if (summary !== undefined) changes.push({ change: 'changed', statement: labelOf(now), summary });
  }
  for (const statement of oldLeft) changes.push({ change: 'removed', statement: labelOf(statement), summary: describeStatementBriefly(statement) });
  for (const statement of newLeft) changes.push({ change: 'added', statement: labelOf(statement), summary: describeStatementBriefly(statement) });
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

const SHOWN = 4;

function listed(values: readonly string[]): string {
  const shown = values.slice(0, SHOWN).join(', ');
  return values.length > SHOWN ? `${shown} and ${values.length - SHOWN} more` : shown;
}

/** `Deny s3:DeleteBucket on *` or `Allow NotAction iam:* on NotResource arn:... when aws:MultiFactorAuthPresent` */
export function describeStatementBriefly(statement: Statement): string {
  const actions = `${statement.notAction ? 'NotAction ' : ''}${listed(statement.actions)}`;
  const resources = statement.resources === undefined ? '' : ` on ${statement.notResource ? 'NotResource ' : ''}${listed(statement.resources)}`;
  const keys = [...new Set(statement.conditions.map((c) => c.key))];
  const when = keys.length === 0 ? '' : ` when ${listed(keys)}`;
  return `${statement.effect} ${actions}${resources}${when}`;
}

function describeDifference(was: Statement, now: Statement): string | undefined {
  const parts: string[] = [];
  if (was.effect !== now.effect) parts.push(`effect ${was.effect} → ${now.effect}`);
  if (was.notAction !== now.notAction) parts.push(now.notAction ? 'Action → NotAction' : 'NotAction → Action');
  parts.push(...listDifference(now.notAction ? 'not-actions' : 'actions', was.actions, now.actions));
  if (was.notResource !== now.notResource) parts.push(now.notResource ? 'Resource → NotResource' : 'NotResource → Resource');
  parts.push(...listDifference(now.notResource ? 'not-resources' : 'resources', was.resources ?? [], now.resources ?? []));
  if (!samePrincipal(was.principal, now.principal) || was.notPrincipal !== now.notPrincipal) parts.push('principal changed');
  const conditions = (list: readonly Condition[]) => list.map((c) => JSON.stringify([c.operator, c.key, c.values])).sort();
  const before = conditions(was.conditions);
  const after = conditions(now.conditions);
  if (before.length !== after.length || before.some((c, i) => c !== after[i])) {
    const keys = [...new Set([...was.conditions, ...now.conditions].map((c) => c.key))];
    parts.push(`conditions changed (${listed(keys)})`);
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

function listDifference(what: string, before: readonly string[], after: readonly string[]): string[] {
  const was = new Set(before);
  const now = new Set(after);
  const added = after.filter((v) => !was.has(v));
  const removed = before.filter((v) => !now.has(v));
  const out: string[] = [];
  if (added.length > 0) out.push(`${what} +${listed(added)}`);
  if (removed.length > 0) out.push(`${what} −${listed(removed)}`);
  return out;
}

function samePrincipal(a: PrincipalSpec | undefined, b: PrincipalSpec | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
