/**
 * Values worth trying for each condition key the policies in force test: the values the policies
 * name (a pattern stands for the values it matches), and their neighbours for numeric and date comparisons. A
 * search over these finds a request context that changes a decision whenever one exists among
 * the ways the policies can tell contexts apart, without guessing values from outside them.
 */
import { OPERATOR_FAMILY, parseDate, type Condition, type Policy } from '../policy/index.ts';

/** lower-cased key → the values to try, in first-seen order */
export type ConditionCandidates = ReadonlyMap<string, readonly string[]>;

/** a value that no policy names: for "any other value" */
export const OTHER_VALUE = 'parapet-other-value';

export function conditionCandidates(policies: Iterable<Policy>): ConditionCandidates {
  const out = new Map<string, Set<string>>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const condition of statement.conditions) {
        const key = condition.key.toLowerCase();
        let values = out.get(key);
        if (values === undefined) {
          values = new Set();
          out.set(key, values);
        }
        for (const value of valuesOf(condition)) values.add(value);
      }
    }
  }
  return new Map([...out].map(([key, values]) => [key, [...values]]));
}

function valuesOf(condition: Condition): string[] {
  // a value with a policy variable depends on another key: it names no fixed value to try
  const fixed = condition.values.filter((v) => !v.includes('${'));
  const family = OPERATOR_FAMILY[condition.base];
  switch (family) {
    case 'string':
    case 'binary':
    case 'arn':
      // a pattern (`StringLike`, `Arn*`) matches itself, as its `*` and `?` match those characters,
      // and reads as "any" in an example
      return [...fixed, OTHER_VALUE];
    case 'numeric':
      return fixed.flatMap((v) => {
        const n = Number(v);
        return Number.isFinite(n) ? [String(n), String(n - 1), String(n + 1)] : [];
      });
    case 'date':
      return fixed.flatMap((v) => {
        const ms = parseDate(v);
        return ms !== undefined && Number.isFinite(ms) ? [v, new Date(ms - 1000).toISOString(), new Date(ms + 1000).toISOString()] : [];
      });
    case 'bool':
      return ['true', 'false'];
    case 'ip':
      // the block's own address is inside it; one from the documentation range is outside most
      return [...fixed.map((v) => v.replace(/\/\d+$/, '')), '192.0.2.1'];
    case 'null':
      // present, with any value; absent is what a search that does not set the key tries
      // (reveal-condition-keys.ts makes the engine report a key only `Null` reads)
      return [OTHER_VALUE];
    default: {
      const never: never = family;
      return never;
    }
  }
}
