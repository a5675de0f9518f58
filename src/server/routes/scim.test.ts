/**
 * /scim/v2 over HTTP (Fastify inject, real SQLite): SCIM tokens only, the SCIM error body, CRUD
 * of users and groups with filters, paging, projections, ETags; bad input answered with the right
 * status and scimType and nothing half-applied; deprovisioning revoking at once.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ErrorBody } from '../../contract/error-body.ts';
import { ParapetError } from '../../policy/index.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA, SCIM_ERROR_SCHEMA, USER_SCHEMA } from '../../scim/index.ts';
import { listScimChanges, revokeScimToken } from '../../store/index.ts';
import { issueSignIn } from '../issue-sign-in.ts';
import { scimClient, scimToken, type ScimCall, type ScimResponse } from '../scim-test-client.test-support.ts';
import { startTestServer } from '../test-server.test-support.ts';

let now = new Date('2026-12-06T12:00:00Z');
const server = await startTestServer({ clock: () => now, settings: { bodyLimit: 64 * 1024 } });
after(() => server.close());
const { token, id: tokenId } = await scimToken(server, 'okta');
const scim: ScimCall = scimClient(server, token);

type Json = Record<string, unknown>;

function ok(response: ScimResponse, status: number): Json {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/scim\+json/);
  return response.json() as Json;
}

/** a SCIM error: its status (also as the body's string), scimType, and detail */
function scimFailure(response: ScimResponse, status: number, scimType: string | undefined): string {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/scim\+json/);
  const body = response.json() as Json;
  assert.deepEqual(body['schemas'], [SCIM_ERROR_SCHEMA]);
  assert.equal(body['status'], String(status));
  assert.equal(body['scimType'], scimType);
  assert.equal(typeof body['detail'], 'string');
  return body['detail'] as string;
}

function newUser(userName: string, extra: Json = {}): Json {
  return { schemas: [USER_SCHEMA], userName, name: { givenName: 'Given', familyName: 'Family' }, emails: [{ value: userName, type: 'work', primary: true }], active: true, ...extra };
}

async function createUser(userName: string, extra: Json = {}): Promise<Json> {
  return ok(await scim('POST', 'Users', newUser(userName, extra)), 201);
}

async function whoami(credential: string): Promise<number> {
  return (await server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${credential}` } })).statusCode;
}

async function signIn(user: string): Promise<string> {
  return (await issueSignIn(server.context, { user, authTime: Math.floor(now.getTime() / 1000) - 10 })).token;
}

describe('scim authentication', () => {
  test('no token, a malformed or unknown SCIM token: 401 with the SCIM error body', async () => {
    assert.match(scimFailure(await scimClient(server, undefined)('GET', 'Users'), 401, undefined), /no credential/);
    assert.match(scimFailure(await scimClient(server, 'pscim_short')('GET', 'Users'), 401, undefined), /malformed/);
    assert.match(scimFailure(await scimClient(server, `pscim_${'A'.repeat(43)}`)('GET', 'Users'), 401, undefined), /unknown, or revoked/);
  });

  test('a SCIM token reaches /scim/v2 only; a person\'s credential does not reach /scim/v2', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 403);
    assert.equal(ErrorBody.parse(response.json()).error.code, 'forbidden');
    const person = await signIn('someone@example.com');
    assert.match(scimFailure(await scimClient(server, person)('GET', 'Users'), 403, undefined), /only a SCIM token/);
  });

  test('a revoked token is refused at once', async () => {
    const other = await scimToken(server, 'entra');
    ok(await scimClient(server, other.token)('GET', 'Users'), 200);
    assert.equal(await revokeScimToken(server.context.store, other.id, now), true);
    scimFailure(await scimClient(server, other.token)('GET', 'Users'), 401, undefined);
  });
});

describe('scim discovery', () => {
  test('ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const config = ok(await scim('GET', 'ServiceProviderConfig'), 200);
    assert.deepEqual(config['patch'], { supported: true });
    assert.deepEqual(config['etag'], { supported: true });
    const types = ok(await scim('GET', 'ResourceTypes'), 200);
    assert.deepEqual((types['Resources'] as Json[]).map((t) => t['endpoint']), ['/Users', '/Groups']);
    const user = ok(await scim('GET', 'ResourceTypes/User'), 200);
    assert.deepEqual(user['schemaExtensions'], [{ schema: ENTERPRISE_USER_SCHEMA, required: false }]);
    const schemas = ok(await scim('GET', 'Schemas'), 200);
    assert.deepEqual((schemas['Resources'] as Json[]).map((s) => s['id']), [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
    const userSchema = ok(await scim('GET', `Schemas/${USER_SCHEMA}`), 200);
    assert.equal(((userSchema['attributes'] as Json[]).find((a) => a['name'] === 'userName') ?? {})['uniqueness'], 'server');
    scimFailure(await scim('GET', 'Schemas/urn:nothing'), 404, undefined);
    scimFailure(await scim('GET', 'Nothing'), 404, undefined);
  });
});

describe('scim users', () => {
  test('create, read, ETag, If-None-Match, duplicate userName case-insensitively is 409 uniqueness', async () => {
    const created = await scim('POST', 'Users', newUser('carol@example.com', { externalId: 'ext-carol', password: 'never-kept', [ENTERPRISE_USER_SCHEMA]: { department: 'Finance' } }));
    const body = ok(created, 201);
    assert.equal(created.headers['location'], `http://parapet.test/scim/v2/Users/${body['id'] as string}`);
    assert.equal(created.headers['etag'], 'W/"1"');
    assert.deepEqual(body['schemas'], [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    assert.equal(body['password'], undefined);
    assert.deepEqual((body['meta'] as Json)['version'], 'W/"1"');
    const read = ok(await scim('GET', `Users/${body['id'] as string}`), 200);
    assert.deepEqual(read, body);
    assert.equal((await scim('GET', `Users/${body['id'] as string}`, undefined, { 'if-none-match': 'W/"1"' })).statusCode, 304);
    assert.match(scimFailure(await scim('POST', 'Users', newUser('CAROL@example.com')), 409, 'uniqueness'), /already exists/);
    scimFailure(await scim('GET', 'Users/no-such-id'), 404, undefined);
  });

  test('list: filter, paging, attributes and excludedAttributes', async () => {
    for (const name of ['dan', 'erin', 'frank']) await createUser(`${name}@example.com`, { title: name === 'erin' ? 'Manager' : 'Engineer' });
    const all = ok(await scim('GET', 'Users'), 200);
    assert.deepEqual(all['schemas'], [LIST_RESPONSE_SCHEMA]);
    assert.equal(all['totalResults'], 4);
    const filtered = ok(await scim('GET', `Users?filter=${encodeURIComponent('userName eq "DAN@example.com"')}`), 200);
    assert.deepEqual((filtered['Resources'] as Json[]).map((u) => u['userName']), ['dan@example.com']);
    const complex = ok(await scim('GET', `Users?filter=${encodeURIComponent('title eq "engineer" and (userName sw "f" or emails[type eq "work" and value co "dan"])')}`), 200);
    // users created in the same instant are listed by id: compare as a set
    assert.deepEqual((complex['Resources'] as Json[]).map((u) => u['userName']).sort(), ['dan@example.com', 'frank@example.com']);
    const page = ok(await scim('GET', 'Users?startIndex=2&count=2&attributes=userName'), 200);
    assert.equal(page['totalResults'], 4);
    assert.equal(page['startIndex'], 2);
    assert.equal(page['itemsPerPage'], 2);
    assert.deepEqual((page['Resources'] as Json[]).map((u) => Object.keys(u).sort()), [['id', 'schemas', 'userName'], ['id', 'schemas', 'userName']]);
    const excluded = ok(await scim('GET', 'Users?count=1&excludedAttributes=emails,name.givenName'), 200);
    const first = (excluded['Resources'] as Json[])[0]!;
    assert.equal(first['emails'], undefined);
    assert.deepEqual(first['name'], { familyName: 'Family' });
    const none = ok(await scim('GET', 'Users?count=0'), 200);
    assert.equal(none['totalResults'], 4);
    assert.deepEqual(none['Resources'], []);
  });

  test('PUT replaces, PATCH changes; If-Match with a stale version is 412 and changes nothing', async () => {
    const user = await createUser('gina@example.com');
    const id = user['id'] as string;
    const put = ok(await scim('PUT', `Users/${id}`, newUser('gina@example.com', { displayName: 'Gina', name: { givenName: 'Gina' } }), { 'if-match': 'W/"1"' }), 200);
    assert.equal(put['displayName'], 'Gina');
    assert.deepEqual(put['name'], { givenName: 'Gina' });
    scimFailure(await scim('PATCH', `Users/${id}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }, { 'if-match': 'W/"1"' }), 412, undefined);
    const patched = await scim('PATCH', `Users/${id}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] }, { 'if-match': 'W/"2"' });
    assert.equal(ok(patched, 200)['title'], 'Lead');
    assert.equal(patched.headers['etag'], 'W/"3"');
  });

  test('bad input: SCIM errors with the right status and scimType, never a 500, nothing half-applied', async () => {
    const user = await createUser('hana@example.com');
    const id = user['id'] as string;
    const changes = (await listScimChanges(server.context.store)).length;
    scimFailure(await scim('GET', `Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
    scimFailure(await scim('GET', `Users?filter=${encodeURIComponent('userName eq "x" or (')}`), 400, 'invalidFilter');
    assert.match(scimFailure(await scim('GET', `Users?filter=${encodeURIComponent('shoeSize eq "9"')}`), 400, 'invalidFilter'), /shoeSize/);
    scimFailure(await scim('GET', 'Users?attributes=shoeSize'), 400, 'invalidValue');
    scimFailure(await scim('GET', 'Users?count=many'), 400, 'invalidValue');
    assert.match(scimFailure(await scim('POST', 'Users', newUser('x@example.com', { shoeSize: 9 })), 400, 'invalidSyntax'), /shoeSize/);
    scimFailure(await scim('POST', 'Users', { ...newUser('y@example.com'), schemas: [GROUP_SCHEMA] }), 400, 'invalidSyntax');
    scimFailure(await scim('POST', 'Users', { schemas: [USER_SCHEMA] }), 400, 'invalidValue');
    scimFailure(await scim('POST', 'Users', '{"schemas": ['), 400, 'invalidSyntax');
    scimFailure(await scim('POST', 'Users', newUser('z@example.com', { displayName: 'x'.repeat(70 * 1024) })), 413, undefined);
    const patch = (operations: unknown[]) => scim('PATCH', `Users/${id}`, { schemas: [PATCH_OP_SCHEMA], Operations: operations });
    // the first operation is valid: the second fails the request, and the first is not applied either
    assert.match(scimFailure(await patch([{ op: 'replace', path: 'title', value: 'Half' }, { op: 'replace', path: 'shoeSize', value: 1 }]), 400, 'invalidPath'), /Operations\[1\]/);
    scimFailure(await patch([{ op: 'replace', path: 'title', value: 'Half' }, { op: 'remove' }]), 400, 'noTarget');
    scimFailure(await patch([{ op: 'replace', path: 'id', value: 'mine' }]), 400, 'mutability');
    scimFailure(await patch([{ op: 'replace', path: 'active', value: 'maybe' }]), 400, 'invalidValue');
    scimFailure(await patch([{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }]), 400, 'invalidPath');
    scimFailure(await scim('PATCH', `Users/${id}`, { Operations: [] }), 400, 'invalidSyntax');
    const after = ok(await scim('GET', `Users/${id}`), 200);
    assert.equal(after['title'], undefined);
    assert.equal((after['meta'] as Json)['version'], 'W/"1"');
    assert.equal((await listScimChanges(server.context.store)).length, changes);
  });

  test('every change is recorded with the token that made it', async () => {
    const records = await listScimChanges(server.context.store);
    assert.ok(records.length > 0);
    assert.ok(records.every((r) => r.tokenId === tokenId));
  });
});

describe('scim groups', () => {
  test('create with members, read with member display names, Entra\'s excludedAttributes=members, filter by member, duplicate displayName 409', async () => {
    const ivy = await createUser('ivy@example.com');
    const jon = await createUser('jon@example.com');
    const created = ok(await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Payments', externalId: 'ext-pay', members: [{ value: ivy['id'] }, { value: jon['id'] }] }), 201);
    const id = created['id'] as string;
    assert.deepEqual(
      (created['members'] as Json[]).map((m) => m['display']).sort(),
      ['ivy@example.com', 'jon@example.com'],
    );
    const lean = ok(await scim('GET', `Groups/${id}?excludedAttributes=members`), 200);
    assert.equal(lean['members'], undefined);
    assert.equal(lean['displayName'], 'Payments');
    const list = ok(await scim('GET', `Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "payments"')}`), 200);
    assert.deepEqual((list['Resources'] as Json[]).map((g) => [g['id'], g['members']]), [[id, undefined]]);
    const byMember = ok(await scim('GET', `Groups?filter=${encodeURIComponent(`members[value eq "${jon['id'] as string}"]`)}`), 200);
    assert.equal(byMember['totalResults'], 1);
    scimFailure(await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'PAYMENTS' }), 409, 'uniqueness');
    assert.match(scimFailure(await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ghosts', members: [{ value: 'no-such-user' }] }), 400, 'invalidValue'), /no-such-user/);
    assert.equal((await scim('DELETE', `Users/${ivy['id'] as string}`)).statusCode, 204);
    assert.deepEqual((ok(await scim('GET', `Groups/${id}`), 200)['members'] as Json[]).map((m) => m['value']), [jon['id']]);
    assert.equal((await scim('DELETE', `Groups/${id}`)).statusCode, 204);
    scimFailure(await scim('GET', `Groups/${id}`), 404, undefined);
  });
});

describe('scim deprovisioning', () => {
  test('PATCH active "False" (Entra) revokes the user\'s credentials at once', async () => {
    const user = await createUser('kim@example.com');
    const credential = await signIn('kim@example.com');
    assert.equal(await whoami(credential), 200);
    now = new Date(now.getTime() + 1000);
    ok(await scim('PATCH', `Users/${user['id'] as string}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }), 200);
    assert.equal(await whoami(credential), 401);
    // and no new sign-in while deactivated; once active again, sign-in works and the new credential is not revoked
    now = new Date(now.getTime() + 2000);
    await assert.rejects(signIn('KIM@example.com'), (error) => error instanceof ParapetError && error.code === 'forbidden' && /deactivated in the directory/.test(error.message));
    ok(await scim('PATCH', `Users/${user['id'] as string}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] }), 200);
    assert.equal(await whoami(await signIn('kim@example.com')), 200);
  });

  test('DELETE revokes; an active user\'s other changes do not', async () => {
    const user = await createUser('lee@example.com');
    const credential = await signIn('lee@example.com');
    now = new Date(now.getTime() + 1000);
    ok(await scim('PATCH', `Users/${user['id'] as string}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: { title: 'New title' } }] }), 200);
    assert.equal(await whoami(credential), 200);
    assert.equal((await scim('DELETE', `Users/${user['id'] as string}`)).statusCode, 204);
    assert.equal(await whoami(credential), 401);
  });

  // the sessions a removal takes are revoked, nothing else: src/server/synced-directory.test.ts
  test('removal from a group keeps the members\' sign-in credentials (no session depended on it here)', async () => {
    const mia = await createUser('mia@example.com');
    const ned = await createUser('ned@example.com');
    const group = ok(await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ops', members: [{ value: mia['id'] }, { value: ned['id'] }] }), 201);
    const miaCredential = await signIn('mia@example.com');
    const nedCredential = await signIn('ned@example.com');
    now = new Date(now.getTime() + 1000);
    ok(await scim('PATCH', `Groups/${group['id'] as string}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${mia['id'] as string}"]` }] }), 200);
    assert.equal(await whoami(miaCredential), 200);
    assert.equal(await whoami(nedCredential), 200);
  });
});
