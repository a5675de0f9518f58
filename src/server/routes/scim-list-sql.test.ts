/**
 * SCIM lists are filtered, paged and counted in SQL (src/store/scim-query.ts); the in-memory
 * evaluator (src/scim matchesFilter) is the reference. Differential property tests, on SQLite and on
 * PostgreSQL: random users and groups are provisioned over HTTP, then for random filters (every
 * operator, and/or/not, grouping, value paths, members, the enterprise extension, meta, null,
 * text with `%`, `_`, `\`, `*`, `?`, `[`, mixed case, non-ASCII and astral characters) the list the
 * server answers equals the reference applied to every resource: the same resources, in the same
 * order, with the same totalResults; and any page (startIndex, count) is the matching slice.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { checkFilter, ENTERPRISE_USER_SCHEMA, GROUP_RESOURCE, GROUP_SCHEMA, matchesFilter, parseFilter, USER_RESOURCE, USER_SCHEMA, type Scope } from '../../scim/index.ts';
import { startTestDatabases } from '../../store/test-databases.test-support.ts';
import { scimClient, scimToken, type ScimCall } from '../scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';

type Json = Record<string, unknown>;

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const USER_SCOPE: Scope = { kind: 'resource', resource: USER_RESOURCE };
const GROUP_SCOPE: Scope = { kind: 'resource', resource: GROUP_RESOURCE };
const RUNS = Number(process.env['PARAPET_SCIM_FILTER_RUNS'] ?? 150);

/** characters that LIKE, GLOB, case folding and code-point order treat specially */
const ALPHABET = ['a', 'A', 'b', 'B', 'z', '%', '_', '\\', '*', '?', '[', ']', ' ', '.', '@', 'é', 'É', 'ß', 'İ', 'ﬀ', '😀', '"'];
const piece = fc.constantFrom(...ALPHABET);
const text = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
const BASE = Date.parse('2026-12-06T12:00:00.000Z');

const userArb = fc.record({
  userName: fc.array(piece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
  externalId: fc.option(text, { nil: undefined }),
  active: fc.constantFrom(true, false, 'False', 'True'),
  displayName: fc.option(text, { nil: undefined }),
  title: fc.option(text, { nil: undefined }),
  name: fc.option(fc.record({ givenName: fc.option(text, { nil: undefined }), familyName: fc.option(text, { nil: undefined }) }), { nil: undefined }),
  emails: fc.array(fc.record({ value: text, type: fc.option(fc.constantFrom('work', 'home', 'Work', ''), { nil: undefined }), primary: fc.option(fc.boolean(), { nil: undefined }) }), { maxLength: 3 }),
  addresses: fc.array(fc.record({ locality: fc.option(text, { nil: undefined }), country: fc.option(text, { nil: undefined }) }), { maxLength: 2 }),
  department: fc.option(text, { nil: undefined }),
  manager: fc.option(text, { nil: undefined }),
  seconds: fc.integer({ min: 1, max: 100_000 }),
  patched: fc.option(text, { nil: undefined }),
});

type UserSeed = typeof userArb extends fc.Arbitrary<infer T> ? T : never;

function userBody(seed: UserSeed, index: number): Json {
  const strip = (value: Json): Json => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  return strip({
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: `${seed.userName}${index}`,
    externalId: seed.externalId,
    active: seed.active,
    displayName: seed.displayName,
    title: seed.title,
    name: seed.name === undefined ? undefined : strip(seed.name),
    emails: seed.emails.map(strip),
    addresses: seed.addresses.map(strip),
    [ENTERPRISE_USER_SCHEMA]: strip({ department: seed.department, manager: seed.manager }),
  });
}

// ---------------------------------------------------------------- filters

const STRING_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;

function quoted(value: string): string {
  return JSON.stringify(value);
}

/** a value: random text, or one the directory holds, in a random case */
function valueArb(pool: readonly string[]): fc.Arbitrary<string> {
  const held = pool.length === 0 ? text : fc.constantFrom(...pool);
  const recased = fc.tuple(held, fc.constantFrom('same', 'upper', 'lower', 'prefix', 'suffix')).map(([value, how]) => {
    const points = [...value];
    switch (how) {
      case 'upper':
        return value.toUpperCase();
      case 'lower':
        return value.toLowerCase();
      case 'prefix':
        return points.slice(0, Math.ceil(points.length / 2)).join('');
      case 'suffix':
        return points.slice(Math.floor(points.length / 2)).join('');
      default:
        return value;
    }
  });
  return fc.oneof(text, recased, recased);
}

function comparison(attributes: readonly string[], pool: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.tuple(fc.constantFrom(...attributes), fc.constantFrom(...STRING_OPS), valueArb(pool)).map(([a, op, v]) => `${a} ${op} ${quoted(v)}`), weight: 8 },
    { arbitrary: fc.constantFrom(...attributes).map((a) => `${a} pr`), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...attributes), fc.constantFrom('eq', 'ne')).map(([a, op]) => `${a} ${op} null`), weight: 1 },
  );
}

function dateComparison(attributes: readonly string[]): fc.Arbitrary<string> {
  const instant = fc.integer({ min: -10, max: 100_010 }).map((s) => new Date(BASE + s * 1000));
  const written = fc.oneof(
    instant.map((d) => d.toISOString()),
    instant.map((d) => d.toISOString().replace('.000Z', 'Z')),
    instant.map((d) => d.toISOString().replace('Z', '+00:00')),
    fc.constantFrom('not a date', '', '+020000-01-01T00:00:00Z', '2026-12-06'),
  );
  return fc.tuple(fc.constantFrom(...attributes), fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'co', 'sw'), written).map(([a, op, v]) => `${a} ${op} ${quoted(v)}`);
}

/** and/or/not and grouping over atoms, a few levels deep */
function combined(atom: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const { tree } = fc.letrec<{ tree: string }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: atom, weight: 3 },
      { arbitrary: fc.tuple(tie('tree'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('tree')).map(([l, op, r]) => `${l} ${op} ${r}`), weight: 2 },
      { arbitrary: tie('tree').map((f) => `not (${f})`), weight: 1 },
      { arbitrary: tie('tree').map((f) => `(${f})`), weight: 1 },
    ),
  }));
  return tree;
}

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;
const USER_STRINGS = [
  'userName',
  'USERNAME',
  'externalId',
  'id',
  'displayName',
  'title',
  'name.givenName',
  'name.familyName',
  'emails',
  'emails.value',
  'emails.type',
  'addresses.locality',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:manager`,
  'meta.resourceType',
  'meta.location',
  'meta.version',
  'nickName',
];

function userFilterArb(pool: readonly string[]): fc.Arbitrary<string> {
  const booleans = fc.tuple(fc.constantFrom('active', 'emails.primary'), fc.constantFrom('eq', 'ne'), fc.constantFrom('true', 'false', 'null')).map(([a, op, v]) => `${a} ${op} ${v}`);
  const present = fc.constantFrom('active pr', 'emails pr', 'name pr', 'addresses pr', 'meta pr', `${ENTERPRISE}:manager pr`, 'emails.primary pr');
  const emailInner = combined(fc.oneof({ arbitrary: comparison(['value', 'type', 'display'], pool), weight: 4 }, { arbitrary: fc.constantFrom('primary eq true', 'primary ne false', 'primary pr'), weight: 1 }));
  const valuePaths = fc.oneof(
    emailInner.map((f) => `emails[${f}]`),
    // Entra's form: a value filter, then a comparison of one sub-attribute of the same value
    fc.tuple(emailInner, comparison(['value', 'type', 'display'], pool)).map(([f, c]) => `emails[${f}].${c}`),
    combined(comparison(['givenName', 'familyName'], pool)).map((f) => `name[${f}]`),
    combined(comparison(['locality', 'country'], pool)).map((f) => `addresses[${f}]`),
    combined(dateComparison(['created', 'lastModified'])).map((f) => `meta[${f}]`),
    combined(comparison(['value'], pool)).map((f) => `${ENTERPRISE}:manager[${f}]`),
  );
  return combined(
    fc.oneof(
      { arbitrary: comparison(USER_STRINGS, pool), weight: 8 },
      { arbitrary: booleans, weight: 1 },
      { arbitrary: present, weight: 1 },
      { arbitrary: dateComparison(['meta.created', 'meta.lastModified']), weight: 1 },
      { arbitrary: valuePaths, weight: 3 },
    ),
  );
}

function groupFilterArb(pool: readonly string[]): fc.Arbitrary<string> {
  const members = fc.oneof(
    combined(fc.oneof(comparison(['value', 'display', 'type', '$ref'], pool))).map((f) => `members[${f}]`),
    fc.constantFrom('members pr', 'members.display pr'),
  );
  return combined(fc.oneof(comparison(['displayName', 'externalId', 'id', 'members', 'members.value', 'members.display', 'members.type', 'meta.version'], pool), dateComparison(['meta.created', 'meta.lastModified']), members));
}

// ---------------------------------------------------------------- the directory

interface Directory {
  readonly server: TestServer;
  readonly scim: ScimCall;
  readonly users: readonly Json[];
  readonly groups: readonly Json[];
  readonly pool: readonly string[];
}

function strings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) strings(item, into);
}

async function provision(database: (typeof databases)[number]): Promise<Directory> {
  let now = new Date(BASE);
  const server = await startTestServer({ database: await database.fresh(), clock: () => now });
  const { token } = await scimToken(server, 'differential');
  const scim = scimClient(server, token);
  const seeds = fc.sample(userArb, { numRuns: 70 });
  const ids: string[] = [];
  for (const [index, seed] of seeds.entries()) {
    // several users share an instant: the order falls back to the id
    if (index % 3 !== 0) now = new Date(BASE + seed.seconds * 1000);
    const created = await scim('POST', 'Users', userBody(seed, index));
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as Json)['id'] as string;
    ids.push(id);
    if (seed.patched !== undefined) {
      now = new Date(now.getTime() + 1000);
      const patched = await scim('PATCH', `Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: seed.patched }] });
      assert.equal(patched.statusCode, 200, patched.body);
    }
  }
  const groupSeeds = fc.sample(fc.record({ name: text, externalId: fc.option(text, { nil: undefined }), members: fc.subarray(ids, { maxLength: 12 }) }), { numRuns: 12 });
  for (const [index, seed] of groupSeeds.entries()) {
    now = new Date(BASE + index * 7000);
    const created = await scim('POST', 'Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `${seed.name}${index}`,
      ...(seed.externalId === undefined ? {} : { externalId: seed.externalId }),
      members: seed.members.map((value) => ({ value })),
    });
    assert.equal(created.statusCode, 201, created.body);
  }
  const users = ((await scim('GET', 'Users?count=1000')).json() as Json)['Resources'] as Json[];
  const groups = ((await scim('GET', 'Groups?count=1000')).json() as Json)['Resources'] as Json[];
  assert.equal(users.length, seeds.length);
  assert.equal(groups.length, groupSeeds.length);
  const pool: string[] = [];
  strings(users, pool);
  strings(groups, pool);
  return { server, scim, users, groups, pool: [...new Set(pool)] };
}

async function listed(scim: ScimCall, endpoint: 'Users' | 'Groups', filter: string, startIndex: number, count: number): Promise<{ total: number; ids: string[] }> {
  const response = await scim('GET', `${endpoint}?filter=${encodeURIComponent(filter)}&startIndex=${startIndex}&count=${count}`);
  assert.equal(response.statusCode, 200, `${filter}: ${response.body}`);
  const body = response.json() as Json;
  return { total: body['totalResults'] as number, ids: (body['Resources'] as Json[]).map((r) => r['id'] as string) };
}

function reference(scope: Scope, resources: readonly Json[], filter: string): string[] {
  const parsed = parseFilter(filter);
  checkFilter(scope, parsed);
  return resources.filter((r) => matchesFilter(scope, r, parsed)).map((r) => r['id'] as string);
}

for (const database of databases) {
  describe(`scim lists in SQL agree with the reference evaluator on ${database.name}`, () => {
    let directory: Directory;
    test('provision random users and groups', async () => {
      directory = await provision(database);
    });
    after(async () => {
      await directory?.server.close();
    });

    test('users: every random filter selects what the reference selects, in the same order, with the same total', async () => {
      await fc.assert(
        fc.asyncProperty(userFilterArb(directory.pool), async (filter) => {
          const expected = reference(USER_SCOPE, directory.users, filter);
          const actual = await listed(directory.scim, 'Users', filter, 1, 1000);
          assert.deepEqual(actual.ids, expected, filter);
          assert.equal(actual.total, expected.length, filter);
        }),
        { numRuns: RUNS },
      );
    });

    test('groups: members, displayName, externalId and meta filters agree with the reference', async () => {
      await fc.assert(
        fc.asyncProperty(groupFilterArb(directory.pool), async (filter) => {
          const expected = reference(GROUP_SCOPE, directory.groups, filter);
          const actual = await listed(directory.scim, 'Groups', filter, 1, 1000);
          assert.deepEqual(actual.ids, expected, filter);
          assert.equal(actual.total, expected.length, filter);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });

    test('a page (startIndex, count) is the slice of the whole answer; totalResults is the whole answer\'s size', async () => {
      await fc.assert(
        fc.asyncProperty(userFilterArb(directory.pool), fc.integer({ min: -2, max: 80 }), fc.integer({ min: -1, max: 30 }), async (filter, startIndex, count) => {
          const expected = reference(USER_SCOPE, directory.users, filter);
          const actual = await listed(directory.scim, 'Users', filter, startIndex, count);
          const from = Math.max(1, startIndex) - 1;
          assert.deepEqual(actual.ids, expected.slice(from, from + Math.max(0, count)), filter);
          assert.equal(actual.total, expected.length, filter);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });
  });
}
