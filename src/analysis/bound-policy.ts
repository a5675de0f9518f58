/**
 * A policy rewritten so that its decision no longer depends on the request context or on which
 * resource is asked for: the engine can then decide each action once, against resource `*`, and
 * the answer holds for every request.
 *
 * A statement that may or may not apply (its conditions depend on keys only the request carries,
 * or it names some resources and not others) is resolved towards one bound:
 * - `most`: what some request could be allowed: such an Allow applies (to every resource), such a
 *   Deny does not;
 * - `least`: what every request is allowed: such an Allow does not apply, such a Deny applies (to
 *   every resource);
 * - `most-everywhere`: like `most`, except that an Allow naming only some resources does not
 *   apply: what some request could be allowed on every resource (`iam:PassRole` on any role).
 * A statement that can never apply (a condition on a known key that fails) is dropped; one that
 * always applies loses its conditions. Positions are kept, so decisions name the original
 * statements.
 */
import type { Policy, Statement } from '../policy/index.ts';
import type { StatementStatus } from './statement-status-reader.ts';

export type PolicyBound = 'most' | 'least' | 'most-everywhere';

/** the statement names every resource: no `Resource`, or `Resource` with `*` (never `NotResource`) */
export function coversEveryResource(statement: Statement): boolean {
  if (statement.resources === undefined) return true;
  return !statement.notResource && statement.resources.includes('*');
}

/**
 * what a statement that may or may not apply depends on: its unknown condition keys, and
 * `Resource` when it names only some resources
 */
export function dependsOn(statement: Statement, status: StatementStatus): string[] {
  const keys = status.kind === 'unknown' ? [...status.keys] : [];
  if (!coversEveryResource(statement)) keys.push('Resource');
  return keys;
}

export function boundPolicy(policy: Policy, bound: PolicyBound, statusOf: (statement: Statement) => StatementStatus): Policy {
  const statements: Statement[] = [];
  for (const statement of policy.statements) {
    const bounded = boundStatement(statement, bound, statusOf(statement));
    if (bounded !== undefined) statements.push(bounded);
  }
  return { ...policy, statements };
}

function boundStatement(statement: Statement, bound: PolicyBound, status: StatementStatus): Statement | undefined {
  if (status.kind === 'never') return undefined;
  const allow = statement.effect === 'Allow';
  const conditional = status.kind === 'unknown';
  const scoped = !coversEveryResource(statement);
  // `most` keeps a maybe-Allow and drops a maybe-Deny; `least` the other way round
  const keepWhenUnsure = bound === 'least' ? !allow : allow;
  if (conditional && !keepWhenUnsure) return undefined;
  if (scoped && (!keepWhenUnsure || bound === 'most-everywhere')) return undefined;
  return { ...statement, conditions: [], ...(scoped ? { resources: ['*'], notResource: false } : {}) };
}
