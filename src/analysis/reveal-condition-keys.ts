/**
 * The engine reports a condition key as missing (`missingContextKeys`) when a condition of an
 * applying statement reads it and the request lacks it. Two kinds of reads are not reported: a
 * `Null` condition (absent is a value it tests, not a gap), and a policy variable in a condition
 * value (`${aws:PrincipalTag/team}`). The conditional search starts from the missing keys, so
 * without them it never tries the contexts such statements tell apart: the AWS example SCP that
 * denies `ec2:RunInstances` while `aws:RequestTag/Project` is null would deny every context.
 *
 * `revealConditionKeys` adds to each such statement a condition that holds for every request and
 * reads the key: `StringLikeIfExists` with the value `*` (true when the key is absent, by
 * IfExists; true when present, as `*` matches any text). The decisions are unchanged; the engine
 * now reports those keys when the statement applies to the request and they are absent.
 */
import type { Condition, Policy, Statement } from '../policy/index.ts';

/** the keys a condition value's policy variables read, as written: `${aws:PrincipalTag/team, 'none'}` reads `aws:PrincipalTag/team` */
export function variableKeysOf(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const match of value.matchAll(/\$\{([^}]*)\}/g)) {
      const name = (match[1] ?? '').split(',')[0]!.trim();
      if (name !== '' && name !== '*' && name !== '?' && name !== '$') out.push(name);
    }
  }
  return out;
}

function revealingCondition(key: string): Condition {
  return { operator: 'StringLikeIfExists', base: 'StringLike', ifExists: true, key, values: ['*'] };
}

/** the policy with every key that `Null` conditions and policy variables read made reportable; the same object when there is none */
export function revealConditionKeys(policy: Policy): Policy {
  let changed = false;
  const statements = policy.statements.map((statement): Statement => {
    const keys = new Map<string, string>();
    for (const condition of statement.conditions) {
      if (condition.base === 'Null') keys.set(condition.key.toLowerCase(), condition.key);
      // under 2008-10-17 a `${...}` is plain text
      if (policy.version === '2012-10-17') for (const key of variableKeysOf(condition.values)) keys.set(key.toLowerCase(), key);
    }
    if (keys.size === 0) return statement;
    changed = true;
    return { ...statement, conditions: [...statement.conditions, ...[...keys.values()].map(revealingCondition)] };
  });
  return changed ? { ...policy, statements } : policy;
}
