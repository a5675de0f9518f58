/**
 * The User resource's read-only `groups` (RFC 7643 §4.1.2): the groups the user is a direct member
 * of, each with `value` (the group's id), `$ref`, `display` and `type`, read from the memberships
 * so that it follows every change (a member added, the group renamed, a member removed, the group
 * deleted); left out by `excludedAttributes=groups`; never writable.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../scim/index.ts';
import { scimClient, scimToken } from '../scim-test-client.test-support.ts';
import { startTestServer } from '../test-server.test-support.ts';

const server = await startTestServer();
after(() => server.close());
const scim = scimClient(server, (await scimToken(server)).token);
const base = `${server.context.settings.publicUrl.replace(/\/+$/, '')}/scim/v2`;

type Json = Record<string, unknown>;
async function json(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, status = 200): Promise<Json> {
  const response = await scim(method, url, body);
  assert.equal(response.statusCode, status, response.body);
  return status === 204 ? {} : (response.json() as Json);
}

test('groups follows membership: added, renamed, removed, deleted; excluded on request; read-only', async () => {
  const user = await json('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'ann@example.com' }, 201);
  assert.equal(user['groups'], undefined, 'a new user is in no group');
  const id = user['id'] as string;
  const devs = (await json('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Developers', members: [{ value: id }] }, 201))['id'] as string;
  const admins = (await json('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'admins' }, 201))['id'] as string;
  await json('PATCH', `Groups/${admins}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }] });
  const entry = (gid: string, display: string) => ({ value: gid, $ref: `${base}/Groups/${gid}`, display, type: 'direct' });
  assert.deepEqual((await json('GET', `Users/${id}`))['groups'], [entry(admins, 'admins'), entry(devs, 'Developers')]);

  await json('PATCH', `Groups/${devs}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: { displayName: 'Engineering' } }] });
  assert.deepEqual((await json('GET', `Users/${id}`))['groups'], [entry(admins, 'admins'), entry(devs, 'Engineering')]);
  const listed = await json('GET', 'Users?filter=userName%20eq%20%22ann@example.com%22');
  assert.deepEqual(listed['schemas'], [LIST_RESPONSE_SCHEMA]);
  assert.deepEqual((listed['Resources'] as Json[])[0]?.['groups'], [entry(admins, 'admins'), entry(devs, 'Engineering')]);

  assert.equal((await json('GET', `Users/${id}?excludedAttributes=groups`))['groups'], undefined);
  assert.deepEqual(Object.keys(await json('GET', `Users/${id}?attributes=groups`)).sort(), ['groups', 'id', 'schemas']);

  await json('PATCH', `Groups/${admins}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });
  assert.deepEqual((await json('GET', `Users/${id}`))['groups'], [entry(devs, 'Engineering')]);
  await json('DELETE', `Groups/${devs}`, undefined, 204);
  assert.equal((await json('GET', `Users/${id}`))['groups'], undefined);

  const refused = await scim('PATCH', `Users/${id}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 'groups', value: [{ value: admins }] }] });
  assert.equal(refused.statusCode, 400);
  assert.equal((refused.json() as Json)['scimType'], 'mutability');
  // a client's `groups` on PUT is ignored, as for every read-only attribute
  const put = await json('PUT', `Users/${id}`, { schemas: [USER_SCHEMA], userName: 'ann@example.com', groups: [{ value: admins }] });
  assert.equal(put['groups'], undefined);
});
