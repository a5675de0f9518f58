/**
 * Conditions, compiled once: values are parsed ahead (numbers, dates, CIDR blocks, wildcard
 * patterns) so a decision only compares. Semantics follow
 * reference_policies_elements_condition_operators.html and
 * reference_policies_condition-single-vs-multi-valued-context-keys.html:
 * - several values for a key: any may match; for a negated operator, none may
 * - a key missing from the request: false, except negated operators (true), `...IfExists` (true),
 *   `ForAllValues:` (true) and `Null`
 * - `ForAllValues:` every request value must match; `ForAnyValue:` at least one
 */
import { splitArn } from './arn.ts';
import { addressInCidr, parseAddress, parseCidr, parseDate, parseNumber, type Address } from './condition-values.ts';
import { compileGlob, matchTokens, type TextMatcher } from './glob.ts';
import { memoize } from './memoize.ts';
import { NEGATED_OPERATORS, type BaseOperator, type Condition, type PolicyVersion, type SetOperator } from './policy.ts';
import type { ContextValue, PreparedRequest } from './request.ts';
import { parseTemplate, resolveGlobTemplate, resolveTemplate, type ContextLookup, type Template } from './variables.ts';

/** does one request value match any of the policy's values (a value whose variable has no value matches nothing) */
type ValueTest = (value: string, lookup: ContextLookup, caches: ValueCaches) => boolean;

/**
 * Request values parsed by evaluation, remembered: dates and addresses repeat from request to
 * request. Owned by a decider (see `createDecider`), bounded because the values come from callers.
 */
export interface ValueCaches {
  readonly parseDate: (text: string) => number | undefined;
  readonly parseAddress: (text: string) => Address | undefined;
}

export function createValueCaches(): ValueCaches {
  return { parseDate: memoize(parseDate), parseAddress: memoize(parseAddress) };
}

export interface CompiledCondition {
  readonly source: Condition;
  readonly keyLower: string;
  readonly base: BaseOperator;
  readonly set: SetOperator | undefined;
  readonly ifExists: boolean;
  readonly negated: boolean;
  readonly test: ValueTest;
}

export function compileCondition(condition: Condition, version: PolicyVersion): CompiledCondition {
  return {
    source: condition,
    keyLower: condition.key.toLowerCase(),
    base: condition.base,
    set: condition.set,
    ifExists: condition.ifExists,
    negated: NEGATED_OPERATORS.has(condition.base),
    test: compileTest(condition.base, condition.values, version),
  };
}

type Compare = (a: number, b: number) => boolean;
const COMPARE: Record<string, Compare> = {
  Equals: (a, b) => a === b,
  NotEquals: (a, b) => a === b, // negation is applied by the caller
  LessThan: (a, b) => a < b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThan: (a, b) => a > b,
  GreaterThanEquals: (a, b) => a >= b,
};

function templatesOf(values: readonly string[], version: PolicyVersion): (Template | undefined)[] {
  return values.map((value) => {
    if (version !== '2012-10-17' || !value.includes('${')) return undefined;
    const parsed = parseTemplate(value);
    return parsed.ok ? parsed.template : undefined;
  });
}

/** the test of one operator family, with the policy's values parsed ahead where they have no variables */
function compileTest(base: BaseOperator, values: readonly string[], version: PolicyVersion): ValueTest {
  const templates = templatesOf(values, version);
  const dynamic = templates.some((t) => t !== undefined);
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return stringEqualsTest(values, templates, dynamic);
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return stringEqualsIgnoreCaseTest(values, templates, dynamic);
    case 'StringLike':
    case 'StringNotLike':
      return stringLikeTest(values, templates, dynamic);
    case 'NumericEquals':
    case 'NumericNotEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
      return parsedCompare(values, templates, parseNumber, COMPARE[base.slice('Numeric'.length)]!, parseNumber);
    case 'DateEquals':
    case 'DateNotEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals':
      return parsedCompare(values, templates, parseDate, COMPARE[base.slice('Date'.length)]!, parseRequestDate);
    case 'Bool': {
      const set = new Set(values.map((v) => v.toLowerCase()));
      return (value) => set.has(value.toLowerCase());
    }
    case 'BinaryEquals': {
      const set = new Set(values);
      return (value) => set.has(value);
    }
    case 'IpAddress':
    case 'NotIpAddress':
      return ipAddressTest(values, templates);
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnTest(values, templates);
    case 'Null':
      // evaluated on presence, never on a value
      return () => false;
    default: {
      const never: never = base;
      return never;
    }
  }
}

/** the policy values with variables resolved; a value whose variable has no value is null and left out */
function resolveValues(values: readonly string[], templates: readonly (Template | undefined)[], lookup: ContextLookup): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const template = templates[i];
    if (template === undefined) out.push(values[i]!);
    else {
      const text = resolveTemplate(template, lookup);
      if (text !== undefined) out.push(text);
    }
  }
  return out;
}

function stringEqualsTest(values: readonly string[], templates: readonly (Template | undefined)[], dynamic: boolean): ValueTest {
  if (!dynamic) {
    const set = new Set(values);
    return (value) => set.has(value);
  }
  return (value, lookup) => resolveValues(values, templates, lookup).includes(value);
}

function stringEqualsIgnoreCaseTest(values: readonly string[], templates: readonly (Template | undefined)[], dynamic: boolean): ValueTest {
  if (!dynamic) {
    const set = new Set(values.map((v) => v.toLowerCase()));
    return (value) => set.has(value.toLowerCase());
  }
  return (value, lookup) => {
    const list = resolveValues(values, templates, lookup);
    const lower = value.toLowerCase();
    return list.some((v) => v.toLowerCase() === lower);
  };
}

function stringLikeTest(values: readonly string[], templates: readonly (Template | undefined)[], dynamic: boolean): ValueTest {
  if (!dynamic) {
    const matchers = values.map((v) => compileGlob(v));
    return (value) => matchers.some((m) => m(value));
  }
  return (value, lookup) => {
    for (let i = 0; i < values.length; i++) {
      const template = templates[i];
      const tokens = resolveGlobTemplate(template ?? [values[i]!], lookup, false);
      if (tokens === undefined) continue;
      if (matchTokens(tokens, value)) return true;
    }
    return false;
  };
}

function ipAddressTest(values: readonly string[], templates: readonly (Template | undefined)[]): ValueTest {
  const blocks = values.map((v, i) => (templates[i] === undefined ? parseCidr(v) : undefined));
  return (value, lookup, caches) => {
    const address = caches.parseAddress(value);
    return address !== undefined && anyExpected(blocks, templates, parseCidr, lookup, address, addressInCidr);
  };
}

/** both ArnEquals and ArnLike compare the six ARN parts one by one, each with * and ? wildcards */
function arnTest(values: readonly string[], templates: readonly (Template | undefined)[]): ValueTest {
  const staticPatterns = values.map((v, i) => (templates[i] === undefined ? compileArnPattern(v) : undefined));
  return (value, lookup) => {
    const parts = splitArn(value);
    return parts !== undefined && anyExpected(staticPatterns, templates, compileArnPattern, lookup, parts, arnMatches);
  };
}

function arnMatches(parts: readonly string[], pattern: ArnPattern): boolean {
  return pattern(parts);
}

function parsedCompare(
  values: readonly string[],
  templates: readonly (Template | undefined)[],
  parse: (text: string) => number | undefined,
  compare: Compare,
  parseActual: (text: string, caches: ValueCaches) => number | undefined,
): ValueTest {
  const parsed = values.map((v, i) => (templates[i] === undefined ? parse(v) : undefined));
  return (value, lookup, caches) => {
    const actual = parseActual(value, caches);
    return actual !== undefined && anyExpected(parsed, templates, parse, lookup, actual, compare);
  };
}

/**
 * Does `actual` pass `test` against any policy value: the value parsed at compile time, or, for a
 * value with variables, the resolved text parsed now (a variable with no value matches nothing).
 * `test` is passed with `actual` rather than closed over it, so a decision allocates nothing here.
 */
function anyExpected<A, E>(
  compiled: readonly (E | undefined)[],
  templates: readonly (Template | undefined)[],
  parse: (text: string) => E | undefined,
  lookup: ContextLookup,
  actual: A,
  test: (actual: A, expected: E) => boolean,
): boolean {
  for (let i = 0; i < compiled.length; i++) {
    let expected = compiled[i];
    const template = templates[i];
    if (template !== undefined) {
      const text = resolveTemplate(template, lookup);
      if (text === undefined) continue;
      expected = parse(text);
    }
    if (expected !== undefined && test(actual, expected)) return true;
  }
  return false;
}

/** a request's date, remembered (numbers are too cheap to) */
function parseRequestDate(text: string, caches: ValueCaches): number | undefined {
  return caches.parseDate(text);
}

type ArnPattern = (parts: readonly string[]) => boolean;

function compileArnPattern(pattern: string): ArnPattern | undefined {
  if (pattern === '*') return () => true;
  const parts = splitArn(pattern);
  if (parts === undefined) {
    // fewer than six parts: only a trailing wildcard can stand for the rest
    if (!pattern.startsWith('arn:')) return undefined;
    const whole = compileGlob(pattern);
    return (valueParts) => whole(valueParts.join(':'));
  }
  const matchers: TextMatcher[] = parts.map((p) => compileGlob(p));
  return (valueParts) => matchers.every((m, i) => m(valueParts[i]!));
}

function isEmpty(value: ContextValue | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string') return false;
  return value.length === 0;
}

/** evaluate one condition against the request; adds the key to `missing` when the request lacks it */
export function evaluateCondition(condition: CompiledCondition, request: PreparedRequest, missing: string[], caches: ValueCaches): boolean {
  const raw = request.context.get(condition.keyLower);
  if (condition.base === 'Null') {
    const absent = isEmpty(raw);
    return condition.source.values.some((v) => (v === 'true' ? absent : !absent));
  }
  if (raw === undefined) missing.push(condition.source.key);
  const values: readonly string[] = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  // "ForAllValues also returns true if ... the context key value resolves to a null dataset, such as an empty string"
  const empty = values.length === 0 || (condition.set !== undefined && values.length === 1 && values[0] === '');
  if (empty) {
    if (condition.ifExists) return true;
    if (condition.set === 'ForAllValues') return true;
    if (condition.set === 'ForAnyValue') return false;
    return condition.negated;
  }
  const lookup = request.context;
  // a policy value whose variable has no value is a null value: it matches nothing, so negated
  // operators hold ("Inverted condition operators like StringNotEquals or StringNotLike do match
  // against a null value", reference_policies_variables.html#policy-vars-no-value)
  if (condition.set === 'ForAllValues') {
    for (const value of values) {
      const hit = condition.test(value, lookup, caches);
      if (hit === condition.negated) return false;
    }
    return true;
  }
  // ForAnyValue, and a plain operator: a multivalued request value matches when any member does
  let any = false;
  for (const value of values) {
    const hit = condition.test(value, lookup, caches);
    if (condition.set === 'ForAnyValue' ? hit !== condition.negated : hit) {
      any = true;
      break;
    }
  }
  if (condition.set === 'ForAnyValue') return any;
  return condition.negated ? !any : any;
}
