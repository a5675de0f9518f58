/**
 * Values worth trying for conditions that compare a key with a policy variable:
 * `"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}` (the attribute-based
 * access control of id_credentials_temp_control-access_tags / tutorial_attribute-based-access-control),
 * or a boundary ARN `arn:aws:iam::${aws:PrincipalAccount}:policy/boundary`. Such a value names no
 * fixed value to try; what makes the condition hold is both sides agreeing:
 * - for the compared key: the value with each variable resolved from what the request is known to
 *   hold (the principal's account, its tags when given), and a placeholder for a variable whose
 *   key is unknown, which is then set to the same placeholder (`${a}` = `${b}` = `parapet-other-value`);
 * - for a variable's key when the compared key is known: the part of the known value the variable
 *   stands for (`team-red` against `team-${aws:PrincipalTag/team}` gives `red`).
 * Negated operators (`StringNotEquals`) are satisfied by values that differ, which the fixed
 * candidates already give (condition-candidates.ts).
 */
import { OPERATOR_FAMILY, type Condition, type ContextValue, type Policy } from '../policy/index.ts';
import { OTHER_VALUE } from './condition-candidates.ts';
import { variableKeysOf } from './reveal-condition-keys.ts';

type Context = Readonly<Record<string, ContextValue>>;

/** the request context by lower-cased key (a prepared request's) */
export interface KnownContext {
  get(lowerKey: string): ContextValue | undefined;
}

export interface VariableCandidates {
  /** partial contexts that make a condition with a variable hold, for a key that remains */
  optionsFor(key: string, known: KnownContext): Context[];
  /** the conditions with variables that read any of the keys, as `key Operator value` */
  relationsOf(keys: readonly string[]): string[];
}

interface VariableCondition {
  readonly condition: Condition;
  readonly keyLower: string;
  /** the values holding a variable */
  readonly values: readonly string[];
  /** the keys the variables read, lower-cased */
  readonly reads: ReadonlySet<string>;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** a value standing for an unknown variable's key that the condition's operator can compare */
function placeholderFor(condition: Condition): string {
  switch (OPERATOR_FAMILY[condition.base]) {
    case 'numeric':
      return '1';
    case 'date':
      return '2020-01-01T00:00:00Z';
    case 'bool':
      return 'true';
    case 'ip':
      return '192.0.2.1';
    default:
      return OTHER_VALUE;
  }
}

export function variableCandidates(policies: Iterable<Policy>): VariableCandidates {
  const conditions: VariableCondition[] = [];
  for (const policy of policies) {
    // under 2008-10-17 a `${...}` is plain text
    if (policy.version !== '2012-10-17') continue;
    for (const statement of policy.statements) {
      for (const condition of statement.conditions) {
        if (condition.base === 'Null') continue;
        const values = condition.values.filter((v) => variableKeysOf([v]).length > 0);
        if (values.length === 0) continue;
        conditions.push({ condition, keyLower: condition.key.toLowerCase(), values, reads: new Set(variableKeysOf(values).map((k) => k.toLowerCase())) });
      }
    }
  }

  /** the value with its variables resolved, and the unknown variable keys set to the placeholder */
  const resolve = (value: string, condition: Condition, known: KnownContext): { text: string; set: Record<string, string> } => {
    const set: Record<string, string> = {};
    const text = value.replace(VARIABLE, (_, inner: string) => {
      const [rawName, ...rest] = inner.split(',');
      const name = rawName!.trim();
      if (name === '*' || name === '?' || name === '$') return name;
      const have = known.get(name.toLowerCase());
      if (typeof have === 'string') return have;
      const fallback = /^\s*'([^']*)'\s*$/.exec(rest.join(','));
      if (fallback !== null) return fallback[1]!;
      const placeholder = placeholderFor(condition);
      set[name] = placeholder;
      return placeholder;
    });
    return { text, set };
  };

  return {
    optionsFor(key, known) {
      const lower = key.toLowerCase();
      const out = new Map<string, Context>();
      const add = (context: Context) => out.set(JSON.stringify(context), context);
      for (const { condition, keyLower, values, reads } of conditions) {
        if (keyLower === lower) {
          for (const value of values) {
            const { text, set } = resolve(value, condition, known);
            add({ ...set, [key]: text });
          }
        } else if (reads.has(lower)) {
          const compared = known.get(keyLower);
          for (const value of values) {
            if (typeof compared === 'string') {
              // one variable, the rest literal: the part of the known value it stands for
              const parts = value.split(VARIABLE);
              if (parts.length !== 3 || parts[1]!.split(',')[0]!.trim().toLowerCase() !== lower) continue;
              const [prefix, , suffix] = parts as [string, string, string];
              if (compared.length >= prefix.length + suffix.length && compared.startsWith(prefix) && compared.endsWith(suffix)) {
                add({ [key]: compared.slice(prefix.length, compared.length - suffix.length) });
              }
            } else {
              const { text, set } = resolve(value, condition, known);
              add({ ...set, [condition.key]: text });
            }
          }
        }
      }
      return [...out.values()];
    },
    relationsOf(keys) {
      const lower = new Set(keys.map((k) => k.toLowerCase()));
      const out = new Set<string>();
      for (const { condition, keyLower, values, reads } of conditions) {
        if (lower.has(keyLower) || [...reads].some((k) => lower.has(k))) out.add(`${condition.key} ${condition.operator} ${values.join(', ')}`);
      }
      return [...out];
    },
  };
}
