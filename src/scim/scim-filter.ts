/**
 * SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): a small recursive-descent parser
 * into a tree, the resolution of attribute paths against a resource type's schema (names are
 * case-insensitive; an unknown attribute is refused, not silently matched by nothing), and the
 * evaluation of a filter on a resource. Hand-written because no SCIM filter library is installed
 * (docs/scim.md says which one was considered); the grammar is the RFC's ABNF:
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   PATH      = attrPath / valuePath [subAttr]
 *
 * with "and" binding tighter than "or", keywords case-insensitive.
 */
import { isWellFormedText, scimError, scimTypeOf, type ScimType } from './scim-error.ts';
import { coreAttributes, findAttribute, findExtension, type AttributeDefinition, type ResourceTypeDefinition } from './scim-schemas.ts';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompareValue = string | number | boolean | null;

/** an attribute as written: `urn:…:User:manager.value` is schema + attribute + subAttribute */
export interface AttributePath {
  readonly schema: string | undefined;
  readonly attribute: string;
  readonly subAttribute: string | undefined;
}

export type Filter =
  | { readonly kind: 'and' | 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  | { readonly kind: 'present'; readonly path: AttributePath }
  | { readonly kind: 'compare'; readonly path: AttributePath; readonly operator: CompareOperator; readonly value: CompareValue }
  | { readonly kind: 'value-path'; readonly path: AttributePath; readonly filter: Filter };

/** a PATCH target: an attribute, optionally narrowed to the values a filter selects, and a sub-attribute of those */
export interface PatchPath {
  readonly path: AttributePath;
  readonly filter: Filter | undefined;
  readonly subAttribute: string | undefined;
}

/** filters longer than this, or nested deeper, are refused before they are evaluated */
export const MAX_FILTER_LENGTH = 4096;
const MAX_DEPTH = 32;

const COMPARE = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | '[' | ']'; readonly at: number };

function tokenize(text: string, errorType: ScimType): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: 'punct', text: c, at: i });
      i += 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw scimError(errorType, `unterminated string at character ${i + 1}`);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, j + 1));
      } catch {
        throw scimError(errorType, `invalid string at character ${i + 1}`);
      }
      if (typeof value !== 'string' || !isWellFormedText(value)) throw scimError(errorType, `the string at character ${i + 1} contains a NUL character or an unpaired surrogate`);
      tokens.push({ kind: 'string', value, at: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !' \t\n\r()[]"'.includes(text[j]!)) j += 1;
      tokens.push({ kind: 'word', text: text.slice(i, j), at: i });
      i = j;
    }
  }
  return tokens;
}

const ATTRIBUTE_NAME = /^\$?[A-Za-z][\w$-]*$/;

/** `name.givenName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` */
export function parseAttributePath(text: string, errorType: ScimType): AttributePath {
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => ATTRIBUTE_NAME.test(p))) throw scimError(errorType, `\`${text}\` is not an attribute path`);
  return { schema, attribute: parts[0]!, subAttribute: parts[1] };
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly errorType: ScimType,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private fail(message: string): never {
    throw scimError(this.errorType, message);
  }

  private describe(token: Token | undefined): string {
    if (token === undefined) return 'the end';
    return token.kind === 'string' ? `"${token.value}" at character ${token.at + 1}` : `\`${token.text}\` at character ${token.at + 1}`;
  }

  private keyword(token: Token | undefined, word: string): boolean {
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private expect(text: ')' | ']'): void {
    const token = this.peek();
    if (token?.kind !== 'punct' || token.text !== text) this.fail(`expected \`${text}\`, found ${this.describe(token)}`);
    this.position += 1;
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }

  filter(depth: number): Filter {
    if (depth > MAX_DEPTH) this.fail(`the filter is nested deeper than ${MAX_DEPTH} levels`);
    let left = this.and(depth);
    while (this.keyword(this.peek(), 'or')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): Filter {
    let left = this.unary(depth);
    while (this.keyword(this.peek(), 'and')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): Filter {
    const token = this.peek();
    if (this.keyword(token, 'not')) {
      this.position += 1;
      const open = this.peek();
      if (open?.kind !== 'punct' || open.text !== '(') this.fail(`expected \`(\` after \`not\`, found ${this.describe(open)}`);
      this.position += 1;
      const inner = this.filter(depth + 1);
      this.expect(')');
      return { kind: 'not', filter: inner };
    }
    if (token?.kind === 'punct' && token.text === '(') {
      this.position += 1;
      const inner = this.filter(depth + 1);
      this.expect(')');
      return inner;
    }
    if (token?.kind !== 'word') this.fail(`expected an attribute, found ${this.describe(token)}`);
    this.position += 1;
    const path = parseAttributePath(token.text, this.errorType);
    const after = this.peek();
    if (after?.kind === 'punct' && after.text === '[') {
      if (path.subAttribute !== undefined) this.fail(`\`${token.text}\` cannot be followed by a value filter`);
      this.position += 1;
      const inner = this.filter(depth + 1);
      this.expect(']');
      // Entra ID queries `emails[type eq "work"].value eq "…"` (a PATCH path's form, not RFC 7644's filter grammar): the
      // value filter and the comparison of a sub-attribute hold for the same value, so it is `emails[type eq "work" and value eq "…"]`
      const sub = this.peek();
      if (sub?.kind === 'word' && sub.text.startsWith('.')) {
        this.position += 1;
        const subPath = parseAttributePath(sub.text.slice(1), this.errorType);
        if (subPath.schema !== undefined || subPath.subAttribute !== undefined) this.fail(`\`${sub.text}\` is not a sub-attribute`);
        return { kind: 'value-path', path, filter: { kind: 'and', left: inner, right: this.comparison(subPath, sub.text.slice(1)) } };
      }
      return { kind: 'value-path', path, filter: inner };
    }
    return this.comparison(path, token.text);
  }

  /** `pr`, or a comparison operator and its value, after the attribute path `path` */
  private comparison(path: AttributePath, written: string): Filter {
    const after = this.peek();
    if (after?.kind !== 'word') this.fail(`expected an operator after \`${written}\`, found ${this.describe(after)}`);
    const operator = after.text.toLowerCase();
    this.position += 1;
    if (operator === 'pr') return { kind: 'present', path };
    if (!COMPARE.has(operator)) this.fail(`\`${after.text}\` is not a SCIM operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)`);
    return { kind: 'compare', path, operator: operator as CompareOperator, value: this.value() };
  }

  private value(): CompareValue {
    const token = this.next();
    if (token === undefined) this.fail('expected a value, found the end');
    if (token.kind === 'string') return token.value;
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.text)) return Number(token.text);
    }
    return this.fail(`expected a value (a "string", a number, true, false or null), found ${this.describe(token)}`);
  }
}

/** parses a `filter` query parameter; invalidFilter on anything the grammar does not allow */
export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw scimError('invalidFilter', `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const parser = new Parser(tokenize(text, 'invalidFilter'), 'invalidFilter');
  if (parser.atEnd()) throw scimError('invalidFilter', 'the filter is empty');
  const filter = parser.filter(0);
  if (!parser.atEnd()) {
    const token = parser.next()!;
    throw scimError('invalidFilter', `unexpected ${token.kind === 'string' ? `"${token.value}"` : `\`${token.text}\``} at character ${token.at + 1}`);
  }
  return filter;
}

/** parses a PATCH operation's `path`; invalidPath when it is not one */
export function parsePatchPath(text: string): PatchPath {
  if (text.length > MAX_FILTER_LENGTH) throw scimError('invalidPath', `the path is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(text, 'invalidPath');
  const first = tokens[0];
  if (first?.kind !== 'word') throw scimError('invalidPath', `\`${text}\` is not an attribute path`);
  const path = parseAttributePath(first.text, 'invalidPath');
  if (tokens.length === 1) return { path, filter: undefined, subAttribute: undefined };
  const open = tokens[1]!;
  if (open.kind !== 'punct' || open.text !== '[' || path.subAttribute !== undefined) throw scimError('invalidPath', `\`${text}\` is not an attribute path`);
  const last = tokens[tokens.length - 1]!;
  let subAttribute: string | undefined;
  let end = tokens.length;
  if (last.kind === 'word' && last.text.startsWith('.')) {
    subAttribute = last.text.slice(1);
    if (!ATTRIBUTE_NAME.test(subAttribute)) throw scimError('invalidPath', `\`${last.text}\` is not a sub-attribute`);
    end -= 1;
  }
  const closing = tokens[end - 1];
  if (closing?.kind !== 'punct' || closing.text !== ']') throw scimError('invalidPath', `\`${text}\`: the value filter must end with \`]\``);
  let filter: Filter;
  try {
    const parser = new Parser(tokens.slice(2, end - 1), 'invalidPath');
    filter = parser.filter(0);
    if (!parser.atEnd()) throw scimError('invalidPath', `\`${text}\`: unexpected text in the value filter`);
  } catch (error) {
    if (scimTypeOf(error) !== undefined) throw error;
    throw scimError('invalidPath', `\`${text}\` is not an attribute path`);
  }
  return { path, filter, subAttribute };
}

// ------------------------------------------------------------------ resolution

/** an attribute path checked against the schema: which schema it is in (undefined: the core one) and its definitions */
export interface ResolvedPath {
  readonly schema: string | undefined;
  readonly attribute: AttributeDefinition;
  readonly subAttribute: AttributeDefinition | undefined;
}

/** where attribute names are looked up: a resource type at the top, a complex attribute's sub-attributes inside `[…]` */
export type Scope = { readonly kind: 'resource'; readonly resource: ResourceTypeDefinition } | { readonly kind: 'sub'; readonly parent: AttributeDefinition };

export function resolvePath(scope: Scope, path: AttributePath, errorType: ScimType): ResolvedPath {
  const written = `${path.schema === undefined ? '' : `${path.schema}:`}${path.attribute}${path.subAttribute === undefined ? '' : `.${path.subAttribute}`}`;
  let attributes: readonly AttributeDefinition[];
  let schema: string | undefined;
  if (scope.kind === 'sub') {
    if (path.schema !== undefined || path.subAttribute !== undefined) throw scimError(errorType, `\`${written}\` is not a sub-attribute of \`${scope.parent.name}\``);
    attributes = scope.parent.subAttributes ?? [];
  } else if (path.schema === undefined || path.schema.toLowerCase() === scope.resource.schema.id.toLowerCase()) {
    attributes = coreAttributes(scope.resource);
  } else {
    const extension = findExtension(scope.resource, path.schema);
    if (extension === undefined) throw scimError(errorType, `\`${path.schema}\` is not a schema of ${scope.resource.name}`);
    attributes = extension.attributes;
    schema = extension.id;
  }
  const attribute = findAttribute(attributes, path.attribute);
  if (attribute === undefined) throw scimError(errorType, `\`${written}\` is not an attribute of ${scope.kind === 'resource' ? scope.resource.name : scope.parent.name}`);
  let subAttribute: AttributeDefinition | undefined;
  if (path.subAttribute !== undefined) {
    subAttribute = findAttribute(attribute.subAttributes ?? [], path.subAttribute);
    if (subAttribute === undefined) throw scimError(errorType, `\`${written}\` is not an attribute of ${scope.kind === 'resource' ? scope.resource.name : scope.parent.name}`);
  }
  return { schema, attribute, subAttribute };
}

/** checks every attribute a filter names against the scope; the filter is then safe to evaluate */
export function checkFilter(scope: Scope, filter: Filter, errorType: ScimType = 'invalidFilter'): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilter(scope, filter.left, errorType);
      checkFilter(scope, filter.right, errorType);
      return;
    case 'not':
      checkFilter(scope, filter.filter, errorType);
      return;
    case 'present':
      resolvePath(scope, filter.path, errorType);
      return;
    case 'compare': {
      const resolved = resolvePath(scope, filter.path, errorType);
      const definition = resolved.subAttribute ?? resolved.attribute;
      const type = definition.type === 'complex' ? (findAttribute(definition.subAttributes ?? [], 'value')?.type ?? 'complex') : definition.type;
      if (type === 'complex') throw scimError(errorType, `\`${definition.name}\` is complex: compare one of its sub-attributes`);
      if (type === 'boolean' && !['eq', 'ne'].includes(filter.operator)) throw scimError(errorType, `\`${filter.operator}\` does not apply to the boolean \`${definition.name}\``);
      if (['co', 'sw', 'ew'].includes(filter.operator) && typeof filter.value !== 'string') throw scimError(errorType, `\`${filter.operator}\` needs a string`);
      if (filter.value !== null && type === 'boolean' && typeof filter.value !== 'boolean') throw scimError(errorType, `\`${definition.name}\` is a boolean: compare it with true or false`);
      if (filter.value !== null && type !== 'boolean' && typeof filter.value === 'boolean') throw scimError(errorType, `\`${definition.name}\` is not a boolean`);
      return;
    }
    case 'value-path': {
      const resolved = resolvePath(scope, filter.path, errorType);
      if (resolved.attribute.type !== 'complex') throw scimError(errorType, `\`${resolved.attribute.name}\` has no sub-attributes to filter on`);
      checkFilter({ kind: 'sub', parent: resolved.attribute }, filter.filter, errorType);
      return;
    }
  }
}

// ------------------------------------------------------------------ evaluation

type Json = Readonly<Record<string, unknown>>;

function get(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** the values a resolved path names in an object: multi-valued attributes flatten; complex multi-values compare by `value` */
function valuesAt(object: Json, resolved: ResolvedPath, forComparison: boolean): unknown[] {
  const holder = resolved.schema === undefined ? object : get(object, resolved.schema);
  const raw = get(holder, resolved.attribute.name);
  const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (resolved.subAttribute !== undefined) return items.map((item) => get(item, resolved.subAttribute!.name)).filter((v) => v !== undefined && v !== null);
  if (forComparison && resolved.attribute.type === 'complex') return items.map((item) => get(item, 'value')).filter((v) => v !== undefined && v !== null);
  return items;
}

function caseExactOf(resolved: ResolvedPath): boolean {
  const definition = resolved.subAttribute ?? resolved.attribute;
  if (definition.type === 'complex') return findAttribute(definition.subAttributes ?? [], 'value')?.caseExact ?? false;
  return definition.caseExact;
}

function compareOne(actual: unknown, operator: CompareOperator, expected: CompareValue, caseExact: boolean, isDate: boolean): boolean {
  if (expected === null) return false;
  if (typeof expected === 'boolean' || typeof actual === 'boolean') return operator === 'eq' ? actual === expected : actual !== expected;
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    return compareOrdered(actual - expected, operator);
  }
  if (typeof actual !== 'string') return false;
  if (isDate) {
    const a = Date.parse(actual);
    const b = Date.parse(expected);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return compareOrdered(a - b, operator);
  }
  const a = caseExact ? actual : actual.toLowerCase();
  const b = caseExact ? expected : expected.toLowerCase();
  switch (operator) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return compareOrdered(compareCodePoints(a, b), operator);
  }
}

/**
 * Strings order by Unicode code point (RFC 7644 §3.4.2.2 says "lexicographically" without more):
 * the order SQLite's BINARY and PostgreSQL's COLLATE "C" give, so lists filtered in SQL agree with
 * this evaluator. JavaScript's `<` compares UTF-16 code units, which differs above U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const difference = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

function compareOrdered(difference: number, operator: CompareOperator): boolean {
  switch (operator) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** whether the object matches; the filter must have passed checkFilter for this scope */
export function matchesFilter(scope: Scope, object: Json, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(scope, object, filter.left) && matchesFilter(scope, object, filter.right);
    case 'or':
      return matchesFilter(scope, object, filter.left) || matchesFilter(scope, object, filter.right);
    case 'not':
      return !matchesFilter(scope, object, filter.filter);
    case 'present': {
      const resolved = resolvePath(scope, filter.path, 'invalidFilter');
      return valuesAt(object, resolved, false).some(present);
    }
    case 'compare': {
      const resolved = resolvePath(scope, filter.path, 'invalidFilter');
      const values = valuesAt(object, resolved, true);
      const caseExact = caseExactOf(resolved);
      const isDate = (resolved.subAttribute ?? resolved.attribute).type === 'dateTime';
      // null compares with "not there": `title eq null` is `not (title pr)`
      if (filter.value === null) return filter.operator === 'eq' ? !values.some(present) : filter.operator === 'ne' ? values.some(present) : false;
      // ne holds when no value equals (an absent attribute included)
      if (filter.operator === 'ne') return !values.some((v) => compareOne(v, 'eq', filter.value, caseExact, isDate));
      return values.some((v) => compareOne(v, filter.operator, filter.value, caseExact, isDate));
    }
    case 'value-path': {
      const resolved = resolvePath(scope, filter.path, 'invalidFilter');
      const inner: Scope = { kind: 'sub', parent: resolved.attribute };
      return valuesAt(object, resolved, false).some((item) => typeof item === 'object' && item !== null && matchesFilter(inner, item as Json, filter.filter));
    }
  }
}
