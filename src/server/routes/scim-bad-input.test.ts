/**
 * Bad input on /scim/v2, as a class, on SQLite and on PostgreSQL: every refusal is a SCIM error
 * (RFC 7644 §3.12: the `…:api:messages:2.0:Error` schema, `status` as a string equal to the HTTP
 * status, a `scimType` where §3.12 gives one), never a 5xx, and the store is exactly as it was
 * (users, their filter rows, groups, memberships, the audit records). A fast-check fuzz sends
 * hostile requests: malformed and hostile filters, unknown attributes in filters, `attributes=` and
 * PATCH paths, wrong and missing schemas, read-only and immutable attributes, wrong types, NUL and
 * unpaired surrogates, oversized and deeply nested bodies, wrong content types, bad tokens.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, SCIM_ERROR_SCHEMA, USER_SCHEMA } from '../../scim/index.ts';
import { revokeScimToken, type Store } from '../../store/index.ts';
import { startTestDatabases } from '../../store/test-databases.test-support.ts';
import { issueSignIn } from '../issue-sign-in.ts';
import { scimToken } from '../scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';

type Json = Record<string, unknown>;

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const RUNS = Number(process.env['PARAPET_SCIM_FUZZ_RUNS'] ?? 250);
const BODY_LIMIT = 64 * 1024;

/** everything SCIM writes: a refused request must leave every row as it was */
async function snapshot(store: Store): Promise<string> {
  const db = store.db;
  const tables = await Promise.all([
    db.selectFrom('scim_users').selectAll().orderBy('id').execute(),
    db.selectFrom('scim_user_values').selectAll().orderBy('user_id').orderBy('attribute').orderBy('item').orderBy('sub').orderBy('kind').orderBy('value').execute(),
    db.selectFrom('scim_groups').selectAll().orderBy('id').execute(),
    db.selectFrom('scim_memberships').selectAll().orderBy('group_id').orderBy('user_id').execute(),
    db.selectFrom('scim_changes').select(['id', 'resource_id', 'operation']).orderBy('id').execute(),
    db.selectFrom('revocations').select(['id']).orderBy('id').execute(),
  ]);
  return JSON.stringify(tables);
}

interface Sent {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string | undefined;
}

interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/** a refusal: the SCIM error body with the status as a string, and a scimType RFC 7644 §3.12 knows */
function assertScimError(answer: Answer, what: string): Json {
  assert.ok(answer.statusCode < 500, `${what}: ${answer.statusCode} ${answer.body}`);
  assert.match(String(answer.headers['content-type']), /^application\/scim\+json/, `${what}: ${answer.body}`);
  const body = JSON.parse(answer.body) as Json;
  assert.deepEqual(body['schemas'], [SCIM_ERROR_SCHEMA], what);
  assert.equal(body['status'], String(answer.statusCode), what);
  assert.equal(typeof body['detail'], 'string', what);
  if (body['scimType'] !== undefined) {
    assert.ok(['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'].includes(body['scimType'] as string), what);
    assert.equal(answer.statusCode, body['scimType'] === 'uniqueness' ? 409 : body['scimType'] === 'sensitive' ? 403 : 400, what);
  }
  return body;
}

// ---------------------------------------------------------------- hostile parts

/** encodeURIComponent, except that an unpaired surrogate is sent as the (invalid) UTF-8 bytes it would have */
function encodeLoose(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[^\ud800-\udfff]+|[\ud800-\udbff][\udc00-\udfff]/g, (part) => {
    if (part.length === 1 && part.charCodeAt(0) >= 0xd800 && part.charCodeAt(0) <= 0xdfff) {
      const unit = part.charCodeAt(0);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(part);
  });
}

const nasty = fc.constantFrom('\u0000', '\ud800', '\udfff', '😀', '%', '_', '\\', '"', "'", ';', '--', '/*', ')', ']', '[', '(', ' or 1=1', '${x}', '\n', '\u202e', 'é', 'İ');
const nastyText = fc.array(fc.oneof(nasty, fc.string({ maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join(''));

const ATTRIBUTE_WORDS = ['userName', 'externalId', 'id', 'emails', 'emails.value', 'emails.type', 'name.givenName', 'meta.created', 'meta.version', 'members', 'members.value', 'displayName', 'active', 'shoeSize', 'name.shoe', `${ENTERPRISE_USER_SCHEMA}:department`, 'urn:x:y:z', 'groups', 'password', '$ref', 'emails..value', '9lives', 'a-b'];
const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'like', '=', 'and', 'or', 'not'];
const VALUES = ['"x"', '"%"', 'true', 'false', 'null', '1', '-1.5e3', '"\\u0000"', '"\\ud800"', '"unterminated', 'bare', '"a\\"b"', '2026-12-06T12:00:00Z'];
const filterText = fc
  .array(fc.oneof(fc.constantFrom(...ATTRIBUTE_WORDS), fc.constantFrom(...OPERATORS), fc.constantFrom(...VALUES), fc.constantFrom('(', ')', '[', ']', 'not (', ' '), nastyText), { maxLength: 12 })
  .map((parts) => parts.join(' '));
const filterParameter = fc.oneof(filterText, fc.constantFrom('(('.repeat(40) + 'userName pr' + '))'.repeat(40), 'userName eq "x" ' + 'or userName eq "y" '.repeat(600), ''));

const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    nastyText,
    fc.constantFrom('True', 'False', 'true', ''),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom('value', 'type', 'primary', 'display', '$ref', 'givenName', '__proto__', 'constructor', 'Value'), nastyText), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const SCHEMAS_CHOICES: readonly unknown[] = [[USER_SCHEMA], [GROUP_SCHEMA], [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], [USER_SCHEMA, 'urn:unknown'], [], 'urn:x', undefined, null, [PATCH_OP_SCHEMA]];
const USER_KEYS = ['userName', 'USERNAME', 'externalId', 'id', 'meta', 'active', 'name', 'emails', 'groups', 'password', 'displayName', 'shoeSize', ENTERPRISE_USER_SCHEMA, 'members', 'schemas'];

const resourceBody = fc
  .tuple(fc.constantFrom(...SCHEMAS_CHOICES), fc.dictionary(fc.constantFrom(...USER_KEYS), anyJson, { maxKeys: 5 }), fc.option(nastyText, { nil: undefined }))
  .map(([schemas, fields, userName]) => ({ ...(schemas === undefined ? {} : { schemas }), ...(userName === undefined ? {} : { userName }), ...fields }));

const PATHS = ['title', 'userName', 'active', 'id', 'meta', 'meta.version', 'emails[type eq "work"].value', 'emails[type eq "work"', 'members', 'members[value eq "x"]', 'members.value', 'name.givenName', 'shoeSize', 'groups', `${ENTERPRISE_USER_SCHEMA}:manager`, 'externalId', '', 'displayName'];
const patchBody = fc
  .tuple(
    fc.constantFrom<unknown>([PATCH_OP_SCHEMA], [USER_SCHEMA], undefined),
    fc.array(
      fc.record({ op: fc.constantFrom<unknown>('add', 'Replace', 'remove', 'move', 'copy', '', 3, null), path: fc.option(fc.oneof(fc.constantFrom(...PATHS), filterText), { nil: undefined }), value: fc.option(anyJson, { nil: undefined }) }, { requiredKeys: ['op'] }),
      { maxLength: 4 },
    ),
  )
  .map(([schemas, operations]) => ({ ...(schemas === undefined ? {} : { schemas }), Operations: operations }));

const rawBody = fc.oneof(
  fc.constantFrom('{', '[]', 'null', '"text"', '42', '{"schemas":', '{"__proto__":{"polluted":true},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"p@x"}', '\u0000', '{"userName":"a","userName":"b"}'),
  fc.constant(JSON.stringify({ schemas: [USER_SCHEMA], userName: 'big@example.com', displayName: 'x'.repeat(BODY_LIMIT + 10) })),
  fc.constant(`${'['.repeat(5000)}${']'.repeat(5000)}`),
  fc.constant(JSON.stringify({ schemas: [PATCH_OP_SCHEMA], Operations: Array.from({ length: 1001 }, () => ({ op: 'add', path: 'title', value: 'x' })) })),
  nastyText,
);

const CONTENT_TYPES = ['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', ''];

// ---------------------------------------------------------------- the suites

for (const database of databases) {
  describe(`scim bad input on ${database.name}`, () => {
    let server: TestServer;
    let token: string;
    let userId: string;
    let otherUserId: string;
    let groupId: string;
    let revoked: string;
    let person: string;

    const send = async (request: Sent): Promise<Answer> => {
      const answer = await server.app.inject({ method: request.method, url: request.url, headers: request.headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
      return { statusCode: answer.statusCode, headers: answer.headers, body: answer.body };
    };
    const scim = (method: Sent['method'], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
      send({
        method,
        url: `/scim/v2/${path}`,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });

    test('setup: a server, a token, two users and a group', async () => {
      server = await startTestServer({ database: await database.fresh(), settings: { bodyLimit: BODY_LIMIT } });
      token = (await scimToken(server, 'fuzz')).token;
      const revokedToken = await scimToken(server, 'revoked');
      await revokeScimToken(server.context.store, revokedToken.id, new Date());
      revoked = revokedToken.token;
      person = (await issueSignIn(server.context, { user: 'someone@example.com', authTime: Math.floor(Date.now() / 1000) - 10 })).token;
      const create = async (body: Json, path: string): Promise<string> => {
        const answer = await scim('POST', path, body);
        assert.equal(answer.statusCode, 201, answer.body);
        return (JSON.parse(answer.body) as Json)['id'] as string;
      };
      userId = await create({ schemas: [USER_SCHEMA], userName: 'ada@example.com', externalId: 'ext-ada', emails: [{ value: 'ada@example.com', type: 'work', primary: true }] }, 'Users');
      otherUserId = await create({ schemas: [USER_SCHEMA], userName: 'bob@example.com' }, 'Users');
      groupId = await create({ schemas: [GROUP_SCHEMA], displayName: 'Engineers', members: [{ value: userId }] }, 'Groups');
    });
    after(async () => {
      await server?.close();
    });

    test('a PATCH whose third operation fails changes nothing (user and group)', async () => {
      const before = await snapshot(server.context.store);
      const userPatch = await scim('PATCH', `Users/${userId}`, {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'replace', path: 'title', value: 'First' },
          { op: 'add', path: 'emails', value: [{ value: 'second@example.com', type: 'home' }] },
          { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' },
        ],
      });
      assert.match(assertScimError(userPatch, 'user patch')['detail'] as string, /Operations\[2\]/);
      const groupPatch = await scim('PATCH', `Groups/${groupId}`, {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'add', path: 'members', value: [{ value: otherUserId }] },
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] },
        ],
      });
      assert.equal(assertScimError(groupPatch, 'group patch')['scimType'], 'invalidValue');
      assert.equal(await snapshot(server.context.store), before);
    });

    test('the class, one example each: status, scimType, and the store unchanged', async () => {
      const cases: { readonly name: string; readonly request: () => Promise<Answer>; readonly status: number; readonly scimType: string | undefined }[] = [
        { name: 'malformed filter', request: () => scim('GET', `Users?filter=${encodeURIComponent('userName eq "a" and')}`), status: 400, scimType: 'invalidFilter' },
        { name: 'unknown attribute in a filter', request: () => scim('GET', `Users?filter=${encodeURIComponent('shoeSize eq "9"')}`), status: 400, scimType: 'invalidFilter' },
        { name: 'NUL in a filter value', request: () => scim('GET', `Users?filter=${encodeURIComponent('userName eq "a\\u0000"')}`), status: 400, scimType: 'invalidFilter' },
        { name: 'unknown attribute in attributes=', request: () => scim('GET', 'Users?attributes=shoeSize'), status: 400, scimType: 'invalidValue' },
        { name: 'unknown attribute in excludedAttributes=', request: () => scim('GET', `Groups?excludedAttributes=memberz`), status: 400, scimType: 'invalidValue' },
        { name: 'unknown PATCH path', request: () => scim('PATCH', `Users/${userId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'shoeSize', value: 9 }] }), status: 400, scimType: 'invalidPath' },
        { name: 'wrong schemas', request: () => scim('POST', 'Users', { schemas: [GROUP_SCHEMA], userName: 'w@example.com' }), status: 400, scimType: 'invalidSyntax' },
        { name: 'missing schemas', request: () => scim('POST', 'Users', { userName: 'm@example.com' }), status: 400, scimType: 'invalidSyntax' },
        { name: 'PATCH without the PatchOp schema', request: () => scim('PATCH', `Users/${userId}`, { Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), status: 400, scimType: 'invalidSyntax' },
        { name: 'readOnly id by PATCH', request: () => scim('PATCH', `Users/${userId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'id', value: 'mine' }] }), status: 400, scimType: 'mutability' },
        { name: 'readOnly meta by PATCH', request: () => scim('PATCH', `Users/${userId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'meta.version', value: 'W/"9"' }] }), status: 400, scimType: 'mutability' },
        { name: 'immutable: a member\'s value by PATCH', request: () => scim('PATCH', `Groups/${groupId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: `members[value eq "${userId}"].value`, value: otherUserId }] }), status: 400, scimType: 'mutability' },
        { name: 'readOnly: a user\'s groups by PATCH', request: () => scim('PATCH', `Users/${userId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 'groups', value: [{ value: groupId }] }] }), status: 400, scimType: 'mutability' },
        { name: 'uniqueness on create, in another case', request: () => scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'ADA@example.com' }), status: 409, scimType: 'uniqueness' },
        { name: 'uniqueness on rename', request: () => scim('PATCH', `Users/${otherUserId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: 'Ada@Example.com' }] }), status: 409, scimType: 'uniqueness' },
        { name: 'uniqueness of a group displayName', request: () => scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'ENGINEERS' }), status: 409, scimType: 'uniqueness' },
        { name: 'NUL in a userName', request: () => scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'nul\u0000@example.com' }), status: 400, scimType: 'invalidValue' },
        { name: 'an unpaired surrogate in a value', request: () => scim('POST', 'Users', `{"schemas":["${USER_SCHEMA}"],"userName":"s\\ud800@example.com"}`), status: 400, scimType: 'invalidValue' },
        { name: 'oversized payload', request: () => scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'big@example.com', displayName: 'x'.repeat(BODY_LIMIT) }), status: 413, scimType: undefined },
        { name: 'malformed JSON', request: () => scim('POST', 'Users', '{"schemas": ['), status: 400, scimType: 'invalidSyntax' },
        { name: 'a prototype-polluting key', request: () => scim('POST', 'Users', `{"schemas":["${USER_SCHEMA}"],"userName":"p@example.com","__proto__":{"x":1}}`), status: 400, scimType: 'invalidSyntax' },
        { name: 'text/plain', request: () => scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 't@example.com' }, { 'content-type': 'text/plain' }), status: 415, scimType: undefined },
        { name: 'too many operations', request: () => scim('PATCH', `Users/${userId}`, { schemas: [PATCH_OP_SCHEMA], Operations: Array.from({ length: 1001 }, () => ({ op: 'add', path: 'title', value: 'x' })) }), status: 400, scimType: 'tooMany' },
        { name: 'no token', request: () => send({ method: 'GET', url: '/scim/v2/Users', headers: {} }), status: 401, scimType: undefined },
        { name: 'a malformed token', request: () => send({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: 'Bearer pscim_x' } }), status: 401, scimType: undefined },
        { name: 'a revoked token', request: () => send({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${revoked}` } }), status: 401, scimType: undefined },
        { name: 'a person\'s credential', request: () => send({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${person}` } }), status: 403, scimType: undefined },
        { name: 'an expired or forged JWT', request: () => send({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2ln' } }), status: 401, scimType: undefined },
        { name: 'a Basic header', request: () => send({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: 'Basic dXNlcjpwYXNz' } }), status: 401, scimType: undefined },
        { name: 'an id with NUL', request: () => scim('GET', 'Users/a%00b'), status: 404, scimType: undefined },
        { name: 'a URL that is not UTF-8', request: () => scim('DELETE', 'Groups/a%ED%A0%80b'), status: 400, scimType: undefined },
        { name: 'an id longer than the router takes', request: () => scim('PATCH', `Users/${'a'.repeat(300)}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), status: 404, scimType: undefined },
        { name: 'an unknown route under /scim/v2', request: () => scim('GET', 'Bulk'), status: 404, scimType: undefined },
        { name: 'count not a number', request: () => scim('GET', 'Users?count=1e3'), status: 400, scimType: 'invalidValue' },
      ];
      for (const example of cases) {
        const before = await snapshot(server.context.store);
        const answer = await example.request();
        assert.equal(answer.statusCode, example.status, `${example.name}: ${answer.body}`);
        const body = assertScimError(answer, example.name);
        assert.equal(body['scimType'], example.scimType, example.name);
        assert.equal(await snapshot(server.context.store), before, `${example.name}: the store changed`);
      }
    });

    test('both application/scim+json and application/json are accepted', async () => {
      for (const type of ['application/scim+json', 'application/json', 'application/scim+json; charset=utf-8', 'application/json; charset=UTF-8']) {
        const answer = await scim('PATCH', `Users/${otherUserId}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: type }] }, { 'content-type': type });
        assert.equal(answer.statusCode, 200, `${type}: ${answer.body}`);
        assert.equal((JSON.parse(answer.body) as Json)['title'], type);
      }
    });

    test('fuzz: hostile requests never get a 5xx; a refused one changes nothing and answers a SCIM error', async () => {
      const ids = () => fc.constantFrom(userId, otherUserId, groupId, 'no-such-id', '..%2F..%2Fetc', '%00', encodeURIComponent('\u202e'), 'a'.repeat(300));
      const auth = fc.constantFrom<string | undefined>(`Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`, `Bearer ${revoked}`, `Bearer ${person}`, undefined, 'Bearer ', `bearer ${token}`, `Bearer ${token}x`, 'Bearer pscim_\u0000');
      const request = fc.oneof(
        fc.record({ resource: fc.constantFrom('Users', 'Groups'), filter: filterParameter, extra: fc.constantFrom('', '&count=5', '&startIndex=-3&count=-1', '&attributes=userName,shoeSize', '&excludedAttributes=members', '&count=2&count=3', '&sortBy=userName', '&startIndex=999999999') }).map(
          ({ resource, filter, extra }): Omit<Sent, 'headers'> => ({ method: 'GET', url: `/scim/v2/${resource}?filter=${encodeLoose(filter)}${extra}` }),
        ),
        fc.record({ resource: fc.constantFrom('Users', 'Groups'), body: fc.oneof(resourceBody.map((b) => JSON.stringify(b)), rawBody) }).map(({ resource, body }): Omit<Sent, 'headers'> => ({ method: 'POST', url: `/scim/v2/${resource}`, payload: body })),
        fc.record({ resource: fc.constantFrom('Users', 'Groups'), id: ids(), body: fc.oneof(resourceBody.map((b) => JSON.stringify(b)), rawBody) }).map(({ resource, id, body }): Omit<Sent, 'headers'> => ({ method: 'PUT', url: `/scim/v2/${resource}/${id}`, payload: body })),
        fc.record({ resource: fc.constantFrom('Users', 'Groups'), id: ids(), body: fc.oneof(patchBody.map((b) => JSON.stringify(b)), rawBody) }).map(({ resource, id, body }): Omit<Sent, 'headers'> => ({ method: 'PATCH', url: `/scim/v2/${resource}/${id}`, payload: body })),
        fc.record({ resource: fc.constantFrom('Users', 'Groups', 'Schemas', 'ResourceTypes'), id: ids() }).map(({ resource, id }): Omit<Sent, 'headers'> => ({ method: 'DELETE', url: `/scim/v2/${resource}/${id}` })),
        fc.record({ resource: fc.constantFrom('Users', 'Groups', 'Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'Me', 'Bulk', '.search'), id: ids() }).map(({ resource, id }): Omit<Sent, 'headers'> => ({ method: 'GET', url: `/scim/v2/${resource}/${id}` })),
      );
      await fc.assert(
        fc.asyncProperty(request, auth, fc.constantFrom(...CONTENT_TYPES), fc.constantFrom<string | undefined>(undefined, 'W/"1"', 'W/"999"', '*', '"x"'), async (partial, authorization, contentType, ifMatch) => {
          const headers: Record<string, string> = {
            ...(authorization === undefined ? {} : { authorization }),
            ...(partial.payload === undefined || contentType === '' ? {} : { 'content-type': contentType }),
            ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }),
          };
          const before = await snapshot(server.context.store);
          const answer = await send({ ...partial, headers });
          const what = `${partial.method} ${partial.url} ${JSON.stringify(headers)} ${partial.payload?.slice(0, 300) ?? ''}`;
          assert.ok(answer.statusCode < 500, `${what}: ${answer.statusCode} ${answer.body}`);
          if (answer.statusCode >= 400) {
            assertScimError(answer, what);
            assert.equal(await snapshot(server.context.store), before, `${what}: refused with ${answer.statusCode}, but the store changed`);
          }
        }),
        { numRuns: RUNS, includeErrorInReport: true },
      );
    });
  });
}
