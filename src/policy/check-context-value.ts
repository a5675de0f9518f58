/**
 * A request value of a typed condition key must read as that type, with the parsers the evaluator
 * uses (`condition-values.ts`), so the validator and the evaluator agree: every value accepted here
 * is read by the operators of its type as the value it says. A value the evaluator could not read
 * would make every condition on the key false, and a Deny guarded by it would silently not apply.
 */
import { parseArn } from './arn.ts';
import { parseAddress, parseDate, parseNumber } from './condition-values.ts';
import { globalContextKeyType, type ContextKeyTyper, type ContextValueType } from './context-key-types.ts';
import type { ContextValue } from './request.ts';

const BOOL = /^(true|false)$/i;
/** dotted decimal without leading zeros: the evaluator's parser would read `010` as octal */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** undefined when `value` reads as `type`, else why not (`\`no\` is not a boolean: ...`) */
export function checkContextValueType(type: ContextValueType, value: string): string | undefined {
  switch (type) {
    case 'String':
      return undefined;
    case 'Bool':
      return BOOL.test(value) ? undefined : `\`${value}\` is not a boolean: expected \`true\` or \`false\``;
    case 'Date':
      return parseDate(value) !== undefined && dayExists(value) ? undefined : `\`${value}\` is not a date: expected ISO 8601 (\`2026-01-31T12:00:00Z\`) or epoch seconds`;
    case 'Numeric':
      return parseNumber(value) !== undefined ? undefined : `\`${value}\` is not a number`;
    case 'IPAddress':
      return isRequestAddress(value) ? undefined : `\`${value}\` is not an IP address: expected an IPv4 (\`203.0.113.7\`) or IPv6 (\`2001:db8::1\`) address`;
    case 'ARN':
      return parseArn(value) !== undefined ? undefined : `\`${value}\` is not an ARN (\`arn:partition:service:region:account:resource\`)`;
    default: {
      const never: never = type;
      return never;
    }
  }
}

const YEAR_MONTH_DAY = /^(\d{4})-(\d{2})-(\d{2})/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * the date's day is in its month: the clock's parser rolls `2026-02-31` over to March 3rd, a date
 * no request carries (a stricter check than the evaluator's, so every value accepted is still read)
 */
function dayExists(value: string): boolean {
  const m = YEAR_MONTH_DAY.exec(value);
  if (m === null) return true;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]!);
}

/** one address as AWS puts it in a request: IPv4 dotted decimal, or IPv6 without a zone */
function isRequestAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  return value.includes(':') && !value.includes('%') && !value.includes('/') && parseAddress(value) !== undefined;
}

export interface ContextValueProblem {
  /** the key as the request writes it */
  readonly key: string;
  /** the position of the value in a list of values; undefined for a single value */
  readonly index: number | undefined;
  readonly value: string;
  /** ``context key `aws:SourceIp`: `999.1.1.1` is not an IP address: ...`` */
  readonly message: string;
}

/** the problems of one key's value (each value of a multivalued key is checked) */
export function checkContextEntry(key: string, value: ContextValue, typeOf: ContextKeyTyper = globalContextKeyType): ContextValueProblem[] {
  const types = typeOf(key);
  if (types === undefined) return [];
  const values = typeof value === 'string' ? [value] : value;
  const problems: ContextValueProblem[] = [];
  values.forEach((text, i) => {
    for (const type of types) {
      const why = checkContextValueType(type, text);
      if (why === undefined) continue;
      problems.push({ key, index: typeof value === 'string' ? undefined : i, value: text, message: `context key \`${key}\`: ${why}` });
      break;
    }
  });
  return problems;
}

/**
 * every value of a request context that does not read as its key's type; empty when the context is
 * valid. `typeOf` gives the keys' types: by default AWS's global keys; the catalog adds services' keys
 */
export function checkContext(context: Readonly<Record<string, ContextValue>>, typeOf: ContextKeyTyper = globalContextKeyType): ContextValueProblem[] {
  return Object.entries(context).flatMap(([key, value]) => checkContextEntry(key, value, typeOf));
}
