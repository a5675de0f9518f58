/**
 * SCIM list queries in SQL (RFC 7644 §3.4.2): a checked filter (src/scim checkFilter) becomes one
 * WHERE condition over `scim_users u` or `scim_groups g`, with `startIndex`/`count` as LIMIT/OFFSET
 * in a stable order and `totalResults` counted by the database, so a list on 100,000 users reads
 * one page, not the directory. The in-memory evaluator (src/scim matchesFilter) stays the
 * reference: a differential test (scim-query.test.ts) holds the two equal on random users and
 * filters, on SQLite and on PostgreSQL.
 *
 * Where values come from:
 * - columns: id, externalId (caseExact, RFC 7643 §3.1), userName / displayName (caseExact false,
 *   RFC 7643 §4.1.1 / §4.2: compared on the lower-cased key column), active, meta.created and
 *   meta.lastModified (dateTime, RFC 7643 §2.3.5: compared as instants), meta.location and
 *   meta.version (built from the id and version, caseExact), meta.resourceType (a constant);
 * - every other user attribute: `scim_user_values`, one row per leaf value of the document
 *   (attribute, item index in a multi-valued attribute, sub-attribute, the value and its
 *   lower-cased key), written with the user (writeScimUserValues) so keys are lower-cased by the
 *   same JavaScript that the reference uses, never by the database's idea of case;
 * - a group's members: `scim_memberships` joined with the member users (value = the user id,
 *   display = its userName, $ref built from the id, type the constant "User").
 *
 * Every condition is two-valued (never SQL NULL), so `not (…)` means what RFC 7644's `not` means.
 * Strings order by code point on both dialects (SQLite's BINARY, PostgreSQL's `COLLATE "C"`), as
 * the reference does. co/sw/ew are LIKE patterns with `\`, `%` and `_` of the user's text escaped;
 * caseExact ones on SQLite are GLOB patterns (SQLite's LIKE ignores ASCII case) with `*`, `?`, `[`
 * escaped.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { ParapetError } from '../policy/index.ts';
import { findAttribute, resolvePath, type AttributeDefinition, type Filter, type ResolvedPath, type Scope } from '../scim/index.ts';
import type { Database } from './database.ts';
import type { StoreKind } from './store.ts';

type Condition = RawBuilder<unknown>;

const TRUE: Condition = sql`(1 = 1)`;
const FALSE: Condition = sql`(1 = 0)`;

// ------------------------------------------------------------------ the values table

/** one leaf value of a user's document, as scim_user_values keeps it */
export interface ScimValueRow {
  readonly user_id: string;
  /** the top attribute, lower-cased; an extension's attribute is `urn…:user:department` */
  readonly attribute: string;
  /** the position in a multi-valued attribute (0 for a single value) */
  readonly item: number;
  /** the sub-attribute, lower-cased; '' for the attribute's own value, or for a complex item's marker row */
  readonly sub: string;
  /** s: string, b: boolean, n: number, o: the marker of a complex item */
  readonly kind: 's' | 'b' | 'n' | 'o';
  readonly value: string;
  /** the value lower-cased (JavaScript's toLowerCase, as the reference compares) */
  readonly value_key: string;
}

function leafRow(userId: string, attribute: string, item: number, sub: string, value: unknown): ScimValueRow | undefined {
  if (typeof value === 'string') return { user_id: userId, attribute, item, sub, kind: 's', value, value_key: value.toLowerCase() };
  if (typeof value === 'boolean') return { user_id: userId, attribute, item, sub, kind: 'b', value: String(value), value_key: String(value) };
  if (typeof value === 'number' && Number.isFinite(value)) return { user_id: userId, attribute, item, sub, kind: 'n', value: String(value), value_key: String(value) };
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function attributeRows(userId: string, attribute: string, raw: unknown): ScimValueRow[] {
  const rows: ScimValueRow[] = [];
  const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  items.forEach((item, index) => {
    if (isObject(item)) {
      rows.push({ user_id: userId, attribute, item: index, sub: '', kind: 'o', value: '', value_key: '' });
      for (const [sub, value] of Object.entries(item)) {
        const row = leafRow(userId, attribute, index, sub.toLowerCase(), value);
        if (row !== undefined) rows.push(row);
      }
    } else {
      const row = leafRow(userId, attribute, index, '', item);
      if (row !== undefined) rows.push(row);
    }
  });
  return rows;
}

/**
 * The rows of a user's document (every attribute but the columns: id, externalId, userName,
 * active, meta); extension attributes under `urn…:attribute`. The document is the canonical one
 * (src/scim normalizeResource): names as the schema spells them, values of their declared types.
 */
export function scimValueRows(userId: string, document: Readonly<Record<string, unknown>>): ScimValueRow[] {
  const rows: ScimValueRow[] = [];
  for (const [name, raw] of Object.entries(document)) {
    const lower = name.toLowerCase();
    if (lower === 'schemas') continue;
    if (lower.startsWith('urn:') && isObject(raw)) {
      for (const [attribute, value] of Object.entries(raw)) rows.push(...attributeRows(userId, `${lower}:${attribute.toLowerCase()}`, value));
    } else {
      rows.push(...attributeRows(userId, lower, raw));
    }
  }
  return rows;
}

const ROW_CHUNK = 500;

/** replaces a user's rows in scim_user_values; runs in the transaction that writes the user */
export async function writeScimUserValues(tx: Kysely<Database>, userId: string, document: Readonly<Record<string, unknown>> | undefined): Promise<void> {
  await tx.deleteFrom('scim_user_values').where('user_id', '=', userId).execute();
  if (document === undefined) return;
  const rows = scimValueRows(userId, document);
  for (let i = 0; i < rows.length; i += ROW_CHUNK) await tx.insertInto('scim_user_values').values(rows.slice(i, i + ROW_CHUNK)).execute();
}

// ------------------------------------------------------------------ translation

/** one value: an SQL expression, with its lower-cased key when it is compared ignoring case */
interface Scalar {
  readonly exact: Condition;
  readonly key: Condition | undefined;
  /** mixed: a scim_user_values row, whose `kind` column says the type */
  readonly type: 'string' | 'boolean' | 'dateTime' | 'mixed';
  readonly kindColumn?: Condition;
  readonly nullable: boolean;
}

/** the values a path names: none, at most one (a column), or any number (rows of a table) */
type ValueSet =
  | { readonly kind: 'none' }
  | { readonly kind: 'scalar'; readonly value: Scalar }
  | { readonly kind: 'rows'; readonly value: Scalar; readonly some: (condition: Condition) => Condition };

/** the items of a complex attribute that a value path `attr[…]` filters, and where their sub-attributes are */
interface Items {
  readonly scope: SqlScope;
  readonly some: (condition: Condition) => Condition;
}

interface SqlScope {
  /** the reference scope the filter was checked against, to resolve names */
  readonly scope: Scope;
  values(path: ResolvedPath, forComparison: boolean): ValueSet;
  items(path: ResolvedPath, filter: Filter): Items;
}

interface Context {
  readonly dialect: StoreKind;
  /** `https://…/scim/v2`: meta.location and members.$ref are built from it */
  readonly baseUrl: string;
  aliases: number;
}

function alias(context: Context, prefix: string): Condition {
  context.aliases += 1;
  return sql.raw(`${prefix}${context.aliases}`);
}

/** code-point order: SQLite compares text bytewise (BINARY), PostgreSQL does with COLLATE "C" */
function ordered(context: Context, expression: Condition): Condition {
  return context.dialect === 'postgres' ? sql`(${expression} collate "C")` : expression;
}

function column(exact: Condition, options: { key?: Condition; type?: Scalar['type']; nullable?: boolean } = {}): ValueSet {
  return { kind: 'scalar', value: { exact, key: options.key, type: options.type ?? 'string', nullable: options.nullable ?? false } };
}

function caseExactOf(path: ResolvedPath): boolean {
  const definition = path.subAttribute ?? path.attribute;
  if (definition.type === 'complex') return findAttribute(definition.subAttributes ?? [], 'value')?.caseExact ?? false;
  return definition.caseExact;
}

function typeOf(path: ResolvedPath): AttributeDefinition['type'] {
  const definition = path.subAttribute ?? path.attribute;
  if (definition.type === 'complex') return findAttribute(definition.subAttributes ?? [], 'value')?.type ?? 'complex';
  return definition.type;
}

/** meta of a row of `table` (u or g): the same columns for users and groups */
function metaValues(context: Context, table: Condition, resourceType: 'User' | 'Group', sub: string | undefined): ValueSet {
  switch (sub?.toLowerCase()) {
    case 'created':
      return column(sql`${table}.created_at`, { type: 'dateTime' });
    case 'lastmodified':
      return column(sql`${table}.modified_at`, { type: 'dateTime' });
    case 'resourcetype':
      return column(sql`${resourceType}`, { key: sql`${resourceType.toLowerCase()}` });
    case 'location':
      return column(sql`(${`${context.baseUrl}/${resourceType}s/`} || ${table}.id)`);
    case 'version':
      return column(sql`(${'W/"'} || cast(${table}.version as text) || ${'"'})`);
    default:
      // meta itself: always there, one object
      return column(sql`${'meta'}`);
  }
}

function metaItems(context: Context, table: Condition, resourceType: 'User' | 'Group', parent: AttributeDefinition): Items {
  const scope: SqlScope = {
    scope: { kind: 'sub', parent },
    values: (path) => metaValues(context, table, resourceType, path.attribute.name),
    items: () => {
      throw new ParapetError('internal', 'meta has no complex sub-attributes');
    },
  };
  // meta is one object on every resource: `meta[…]` is its inner filter
  return { scope, some: (condition) => condition };
}

/** rows of scim_user_values for one attribute (and sub-attribute) of the user `u`, or of one item `it` */
function valueRows(context: Context, attribute: string, sub: string, owner: { readonly user: Condition; readonly item?: Condition }): ValueSet {
  const v = alias(context, 'v');
  const value: Scalar = { exact: sql`${v}.value`, key: sql`${v}.value_key`, type: 'mixed', kindColumn: sql`${v}.kind`, nullable: false };
  return {
    kind: 'rows',
    value,
    some: (condition) =>
      owner.item === undefined
        ? sql`${owner.user} in (select ${v}.user_id from scim_user_values ${v} where ${v}.attribute = ${attribute} and ${v}.sub = ${sub} and ${condition})`
        : sql`exists (select 1 from scim_user_values ${v} where ${v}.user_id = ${owner.user} and ${v}.attribute = ${attribute} and ${v}.item = ${owner.item} and ${v}.sub = ${sub} and ${condition})`,
  };
}

function attributeKey(path: ResolvedPath): string {
  return `${path.schema === undefined ? '' : `${path.schema.toLowerCase()}:`}${path.attribute.name.toLowerCase()}`;
}

function userScope(context: Context, scope: Scope): SqlScope {
  const u = sql.raw('u');
  return {
    scope,
    values(path, forComparison) {
      if (path.schema === undefined) {
        switch (path.attribute.name) {
          case 'id':
            return column(sql`u.id`);
          case 'externalId':
            return column(sql`u.external_id`, { nullable: true });
          case 'userName':
            return column(sql`u.user_name`, { key: sql`u.user_name_key` });
          case 'active':
            return column(sql`u.active`, { type: 'boolean' });
          case 'meta':
            return metaValues(context, u, 'User', path.subAttribute?.name);
          default:
        }
      }
      const sub = path.subAttribute !== undefined ? path.subAttribute.name.toLowerCase() : path.attribute.type === 'complex' ? (forComparison ? 'value' : '') : '';
      return valueRows(context, attributeKey(path), sub, { user: sql`u.id` });
    },
    items(path, filter) {
      if (path.schema === undefined && path.attribute.name === 'meta') return metaItems(context, u, 'User', path.attribute);
      const attribute = attributeKey(path);
      const subScope: Scope = { kind: 'sub', parent: path.attribute };
      const itemScope = (owner: Condition): SqlScope => ({
        scope: subScope,
        values: (subPath) => valueRows(context, attribute, subPath.attribute.name.toLowerCase(), { user: sql`${owner}.user_id`, item: sql`${owner}.item` }),
        items: () => {
          throw new ParapetError('internal', 'sub-attributes are not complex');
        },
      });
      // an item that matches matches each conjunct: the rows of the most selective positive one (an
      // eq on `value` first) drive the query through an index, instead of every item of the attribute
      const driver = drivingConjunct(filter);
      if (driver !== undefined) {
        const d = alias(context, 'd');
        const sub = resolvePath(subScope, driver.path, 'invalidFilter').attribute.name.toLowerCase();
        const scalar: Scalar = { exact: sql`${d}.value`, key: sql`${d}.value_key`, type: 'mixed', kindColumn: sql`${d}.kind`, nullable: false };
        const driving: SqlScope = { ...itemScope(d), values: () => ({ kind: 'scalar', value: scalar }) };
        const inner = itemScope(d);
        return {
          scope: inner,
          some: (condition) =>
            sql`u.id in (select ${d}.user_id from scim_user_values ${d} where ${d}.attribute = ${attribute} and ${d}.sub = ${sub} and ${translate(context, driving, driver)} and ${condition})`,
        };
      }
      const it = alias(context, 'it');
      return {
        scope: itemScope(it),
        some: (condition) => sql`u.id in (select ${it}.user_id from scim_user_values ${it} where ${it}.attribute = ${attribute} and ${it}.sub = ${''} and ${it}.kind = ${'o'} and ${condition})`,
      };
    },
  };
}

/** a conjunct of a value filter that every matching item has a row for: a comparison with a value (not ne, not null) */
function drivingConjunct(filter: Filter): (Filter & { kind: 'compare' }) | undefined {
  const conjuncts: Filter[] = [];
  const collect = (f: Filter): void => {
    if (f.kind === 'and') {
      collect(f.left);
      collect(f.right);
    } else conjuncts.push(f);
  };
  collect(filter);
  const candidates = conjuncts.filter((f): f is Filter & { kind: 'compare' } => f.kind === 'compare' && f.operator !== 'ne' && f.value !== null);
  const rank = (f: Filter & { kind: 'compare' }): number => (f.operator === 'eq' ? 0 : f.operator === 'sw' ? 2 : 4) + (f.path.attribute.toLowerCase() === 'value' ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

function memberValues(context: Context, m: Condition, mu: Condition, sub: string | undefined): ValueSet {
  switch (sub?.toLowerCase()) {
    case 'display':
      return column(sql`${mu}.user_name`, { key: sql`${mu}.user_name_key` });
    case '$ref':
      return column(sql`(${`${context.baseUrl}/Users/`} || ${m}.user_id)`);
    case 'type':
      return column(sql`${'User'}`, { key: sql`${'user'}` });
    default:
      return column(sql`${m}.user_id`);
  }
}

function groupScope(context: Context, scope: Scope): SqlScope {
  const g = sql.raw('g');
  function members(): { m: Condition; mu: Condition; some: (condition: Condition) => Condition } {
    const m = alias(context, 'm');
    const mu = alias(context, 'mu');
    return {
      m,
      mu,
      some: (condition) => sql`exists (select 1 from scim_memberships ${m} join scim_users ${mu} on ${mu}.id = ${m}.user_id where ${m}.group_id = g.id and ${condition})`,
    };
  }
  return {
    scope,
    values(path, forComparison) {
      if (path.schema === undefined) {
        switch (path.attribute.name) {
          case 'id':
            return column(sql`g.id`);
          case 'externalId':
            return column(sql`g.external_id`, { nullable: true });
          case 'displayName':
            return column(sql`g.display_name`, { key: sql`g.display_name_key` });
          case 'meta':
            return metaValues(context, g, 'Group', path.subAttribute?.name);
          case 'members': {
            const set = members();
            // `members pr`: any member (each is an object with value, $ref and type)
            const value = path.subAttribute === undefined && !forComparison ? column(sql`${'member'}`) : memberValues(context, set.m, set.mu, path.subAttribute?.name ?? 'value');
            if (value.kind !== 'scalar') throw new ParapetError('internal', 'a member value is one column');
            return { kind: 'rows', value: value.value, some: set.some };
          }
          default:
        }
      }
      // a group keeps no other attribute (the Group schema has displayName and members only)
      return { kind: 'none' };
    },
    items(path) {
      if (path.schema === undefined && path.attribute.name === 'meta') return metaItems(context, g, 'Group', path.attribute);
      if (path.schema === undefined && path.attribute.name === 'members') {
        const set = members();
        const inner: SqlScope = {
          scope: { kind: 'sub', parent: path.attribute },
          values: (subPath) => memberValues(context, set.m, set.mu, subPath.attribute.name),
          items: () => {
            throw new ParapetError('internal', 'sub-attributes are not complex');
          },
        };
        return { scope: inner, some: set.some };
      }
      return { scope: groupScope(context, scope), some: () => FALSE };
    },
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** the smallest string above every string that starts with `prefix`, in code-point order (undefined: none to give) */
function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return points.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

type Operator = Exclude<(Filter & { kind: 'compare' })['operator'], 'ne'>;

/** a string, compared exactly or by its key */
function compareString(context: Context, target: Condition, operator: Operator, value: string, caseExact: boolean): Condition {
  const pattern = (before: string, after: string): Condition => {
    if (!caseExact || context.dialect === 'postgres') return sql`${target} like ${`${before}${escapeLike(value)}${after}`} escape ${'\\'}`;
    return sql`${target} glob ${`${before === '%' ? '*' : ''}${escapeGlob(value)}${after === '%' ? '*' : ''}`}`;
  };
  switch (operator) {
    case 'eq':
      return sql`${target} = ${value}`;
    case 'co':
      return pattern('%', '%');
    case 'sw': {
      // a range on the ordered value lets an index answer it; the pattern keeps it exact
      const end = prefixEnd(value);
      const range = end === undefined ? sql`${ordered(context, target)} >= ${value}` : sql`${ordered(context, target)} >= ${value} and ${ordered(context, target)} < ${end}`;
      return sql`(${range} and ${pattern('', '%')})`;
    }
    case 'ew':
      return pattern('%', '');
    case 'gt':
      return sql`${ordered(context, target)} > ${value}`;
    case 'ge':
      return sql`${ordered(context, target)} >= ${value}`;
    case 'lt':
      return sql`${ordered(context, target)} < ${value}`;
    case 'le':
      return sql`${ordered(context, target)} <= ${value}`;
    default:
      return FALSE;
  }
}

const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');

/** one value against the filter's value, as the reference's compareOne does */
function compareOne(context: Context, value: Scalar, operator: Operator, expected: string | number | boolean, caseExact: boolean, isDate: boolean): Condition {
  if (typeof expected === 'boolean') {
    if (operator !== 'eq') return FALSE; // checkFilter lets only eq/ne reach a boolean; ne is `not eq`
    if (value.type === 'boolean') return sql`${value.exact} = ${expected ? 1 : 0}`;
    if (value.type === 'mixed') return sql`(${value.kindColumn} = ${'b'} and ${value.exact} = ${String(expected)})`;
    return FALSE;
  }
  // no attribute of these schemas holds a number (normalizeValue keeps strings as strings): a number matches nothing
  if (typeof expected === 'number') return value.type === 'mixed' ? sql`(${value.kindColumn} = ${'n'} and ${compareNumber(context, value.exact, operator, expected)})` : FALSE;
  if (value.type === 'boolean') return FALSE;
  if (isDate || value.type === 'dateTime') {
    if (!['eq', 'gt', 'ge', 'lt', 'le'].includes(operator)) return FALSE;
    const time = Date.parse(expected);
    if (Number.isNaN(time)) return FALSE;
    // every stored instant is toISOString text of a year 0000-9999: one beyond that range compares as a constant
    if (time > LATEST) return operator === 'lt' || operator === 'le' ? TRUE : FALSE;
    if (time < EARLIEST) return operator === 'gt' || operator === 'ge' ? TRUE : FALSE;
    return compareString(context, value.exact, operator, new Date(time).toISOString(), true);
  }
  const target = caseExact || value.key === undefined ? value.exact : value.key;
  const text = caseExact ? expected : expected.toLowerCase();
  const comparison = compareString(context, target, operator, text, caseExact || value.key === undefined);
  return value.type === 'mixed' ? sql`(${value.kindColumn} = ${'s'} and ${comparison})` : comparison;
}

function compareNumber(context: Context, expression: Condition, operator: Operator, expected: number): Condition {
  const number = context.dialect === 'postgres' ? sql`cast(${expression} as double precision)` : sql`cast(${expression} as real)`;
  switch (operator) {
    case 'eq':
      return sql`${number} = ${expected}`;
    case 'gt':
      return sql`${number} > ${expected}`;
    case 'ge':
      return sql`${number} >= ${expected}`;
    case 'lt':
      return sql`${number} < ${expected}`;
    case 'le':
      return sql`${number} <= ${expected}`;
    default:
      return FALSE;
  }
}

/** present (RFC 7644 §3.4.2.2 `pr`): not null, not an empty string */
function presentOne(value: Scalar): Condition {
  switch (value.type) {
    case 'boolean':
      return TRUE;
    case 'mixed':
      return sql`(${value.kindColumn} <> ${'s'} or ${value.exact} <> ${''})`;
    default:
      return sql`${value.exact} <> ${''}`;
  }
}

function some(set: ValueSet, predicate: (value: Scalar) => Condition): Condition {
  switch (set.kind) {
    case 'none':
      return FALSE;
    case 'scalar':
      return set.value.nullable ? sql`(${set.value.exact} is not null and ${predicate(set.value)})` : sql`(${predicate(set.value)})`;
    case 'rows':
      return set.some(predicate(set.value));
  }
}

function translate(context: Context, scope: SqlScope, filter: Filter): Condition {
  switch (filter.kind) {
    case 'and':
      return sql`(${translate(context, scope, filter.left)} and ${translate(context, scope, filter.right)})`;
    case 'or':
      return sql`(${translate(context, scope, filter.left)} or ${translate(context, scope, filter.right)})`;
    case 'not':
      return sql`(not ${translate(context, scope, filter.filter)})`;
    case 'present': {
      const path = resolvePath(scope.scope, filter.path, 'invalidFilter');
      return some(scope.values(path, false), presentOne);
    }
    case 'compare': {
      const path = resolvePath(scope.scope, filter.path, 'invalidFilter');
      const caseExact = caseExactOf(path);
      const isDate = typeOf(path) === 'dateTime';
      const expected = filter.value;
      // null is "not there" (as the reference reads it): eq null is `not pr`, ne null is `pr`
      if (expected === null) {
        if (filter.operator === 'eq') return sql`(not ${some(scope.values(path, true), presentOne)})`;
        if (filter.operator === 'ne') return some(scope.values(path, true), presentOne);
        return FALSE;
      }
      // ne holds when no value equals, an absent attribute included
      if (filter.operator === 'ne') return sql`(not ${some(scope.values(path, true), (v) => compareOne(context, v, 'eq', expected, caseExact, isDate))})`;
      const operator = filter.operator;
      return some(scope.values(path, true), (v) => compareOne(context, v, operator, expected, caseExact, isDate));
    }
    case 'value-path': {
      const path = resolvePath(scope.scope, filter.path, 'invalidFilter');
      const items = scope.items(path, filter.filter);
      return items.some(translate(context, items.scope, filter.filter));
    }
  }
}

// ------------------------------------------------------------------ queries

export interface ScimListOptions {
  /** a filter that passed checkFilter for the resource type; undefined: every resource */
  readonly filter: Filter | undefined;
  /** 1-based (RFC 7644 §3.4.2.4) */
  readonly startIndex: number;
  readonly count: number;
  /** the SCIM base URL (`https://…/scim/v2`) that meta.location and members.$ref are built from */
  readonly baseUrl: string;
}

/** the WHERE condition of a filter on users (`u`) or groups (`g`) */
export function scimFilterCondition(kind: StoreKind, resourceType: 'User' | 'Group', scope: Scope, filter: Filter | undefined, baseUrl: string): Condition {
  if (filter === undefined) return TRUE;
  const context: Context = { dialect: kind, baseUrl: baseUrl.replace(/\/+$/, ''), aliases: 0 };
  const sqlScope = resourceType === 'User' ? userScope(context, scope) : groupScope(context, scope);
  return translate(context, sqlScope, filter);
}

/**
 * One page and the total: rows in creation order (created_at, then id: stable while rows are
 * added), the total counted by the database. When the page is the first and not full, it is the
 * whole answer and no count is run.
 */
export async function pageOfRows<T>(
  db: Kysely<Database> | Transaction<Database>,
  table: 'scim_users' | 'scim_groups',
  condition: Condition,
  startIndex: number,
  count: number,
): Promise<{ readonly total: number; readonly rows: T[] }> {
  const from = table === 'scim_users' ? 'scim_users as u' : 'scim_groups as g';
  const prefix = table === 'scim_users' ? 'u' : 'g';
  let rows: T[] = [];
  if (count > 0) {
    rows = (await db
      .selectFrom(from as 'scim_users as u')
      .selectAll(prefix as 'u')
      .where(condition as RawBuilder<boolean>)
      .orderBy(`${prefix}.created_at` as 'u.created_at')
      .orderBy(`${prefix}.id` as 'u.id')
      .limit(count)
      .offset(startIndex - 1)
      .execute()) as T[];
    if (startIndex === 1 && rows.length < count) return { total: rows.length, rows };
  }
  const counted = await db
    .selectFrom(from as 'scim_users as u')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('total'))
    .where(condition as RawBuilder<boolean>)
    .executeTakeFirstOrThrow();
  return { total: Number(counted.total), rows };
}
