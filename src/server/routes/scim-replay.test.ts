/**
 * The request sequences the directories' own documentation shows, replayed against /scim/v2 on
 * SQLite and on PostgreSQL, each answered as the vendor expects:
 * - Okta, "SCIM 2.0 protocol reference" (https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20):
 *   the connector test (`GET /Users?startIndex=1&count=2`), look-up by userName before a create,
 *   create with a password and `groups: []`, PUT with `id`, `meta` and `groups`, deactivate and
 *   password change by path-less `replace`, groups: create, rename with the `id` repeated, add
 *   members, PUT members, remove a member by `members[value eq "…"]`, delete.
 * - Microsoft Entra ID, "Tutorial: Develop and plan provisioning for a SCIM endpoint"
 *   (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups):
 *   user create with the enterprise extension, get, filter by userName (found, not found), PATCH
 *   `Replace` of `emails[type eq "work"].value` and `name.familyName`, of `userName`, disable
 *   (`active` false, and the string "False"), delete; group create with the ADSCIM schema, get and
 *   filter with `excludedAttributes=members`, rename, `Add` members with `$ref: null`, `Remove`
 *   members by value list, delete.
 * - Microsoft Entra ID, "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft
 *   Entra user provisioning service"
 *   (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility):
 *   every request it shows, without and with the `aadOptscim062020` flag in the tenant URL (disable
 *   with "False" and false, add nickName, replace several attributes by paths and by one path-less
 *   value with dotted keys, remove a member by value list and by `members[value eq "…"]`); and the
 *   tutorial's rule that an attribute used for matching works in a filter, `emails[type eq "work"].value eq "…"`
 *   included.
 * - Okta, the same page: a membership PATCH that removes one member and adds another in one request,
 *   and the full push of members by `replace` with `path: "members"`.
 * The example ids and names are the documentation's; the server's own ids replace its ids.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA, SCIM_ERROR_SCHEMA, USER_SCHEMA } from '../../scim/index.ts';
import { startTestDatabases } from '../../store/test-databases.test-support.ts';
import { issueSignIn } from '../issue-sign-in.ts';
import { scimClient, scimToken, type ScimCall, type ScimResponse } from '../scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

type Json = Record<string, unknown>;

function answer(response: ScimResponse, status: number): Json {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/scim\+json/);
  return response.json() as Json;
}

function list(response: ScimResponse, total: number): Json[] {
  const body = answer(response, 200);
  assert.deepEqual(body['schemas'], [LIST_RESPONSE_SCHEMA]);
  assert.equal(body['totalResults'], total);
  assert.equal(body['startIndex'], 1);
  const resources = body['Resources'] as Json[];
  assert.equal(body['itemsPerPage'], resources.length);
  return resources;
}

const patchOf = (...operations: unknown[]): Json => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });
const q = (filter: string): string => encodeURIComponent(filter);

async function withServer(options: Awaited<ReturnType<(typeof databases)[number]['fresh']>>, body: (server: TestServer, scim: ScimCall) => Promise<void>): Promise<void> {
  const server = await startTestServer({ database: options });
  try {
    const { token } = await scimToken(server);
    await body(server, scimClient(server, token));
  } finally {
    await server.close();
  }
}

async function whoami(server: TestServer, credential: string): Promise<number> {
  return (await server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${credential}` } })).statusCode;
}

for (const database of databases) {
  describe(`scim replay on ${database.name}`, () => {
    test('Okta: users', async () => {
      await withServer(await database.fresh(), async (server, scim) => {
        // the connector test, then the look-up before a create
        list(await scim('GET', 'Users?startIndex=1&count=2'), 0);
        assert.deepEqual(list(await scim('GET', `Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`), 0), []);
        const created = answer(
          await scim('POST', 'Users', {
            schemas: [USER_SCHEMA],
            userName: 'test.user@okta.local',
            name: { givenName: 'Test', familyName: 'User' },
            emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
            displayName: 'Test User',
            locale: 'en-US',
            externalId: '00ujl29u0le5T6Aj10h7',
            groups: [],
            password: '1mz050nq',
            active: true,
          }),
          201,
        );
        const id = created['id'] as string;
        assert.equal(typeof id, 'string');
        assert.equal(created['userName'], 'test.user@okta.local');
        assert.equal(created['active'], true);
        assert.equal(created['password'], undefined);
        assert.deepEqual(answer(await scim('GET', `Users/${id}`), 200)['name'], { givenName: 'Test', familyName: 'User' });
        assert.deepEqual(list(await scim('GET', `Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`), 1).map((u) => u['id']), [id]);

        const credential = (await issueSignIn(server.context, { user: 'test.user@okta.local', authTime: Math.floor(Date.now() / 1000) - 5 })).token;
        assert.equal(await whoami(server, credential), 200);

        const put = answer(
          await scim('PUT', `Users/${id}`, {
            schemas: [USER_SCHEMA],
            id,
            userName: 'test.user@okta.local',
            name: { givenName: 'Another', familyName: 'User' },
            emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
            displayName: 'Another User',
            locale: 'en-US',
            externalId: '00ujl29u0le5T6Aj10h7',
            groups: [],
            password: '1mz050nq',
            active: true,
            meta: { resourceType: 'User' },
          }),
          200,
        );
        assert.equal(put['displayName'], 'Another User');
        assert.equal(await whoami(server, credential), 200);

        const deactivated = answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'replace', value: { active: false } })), 200);
        assert.equal(deactivated['active'], false);
        // the deactivation took access: the user's credential is refused from the next request
        assert.equal(await whoami(server, credential), 401);
        answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'replace', value: { password: 't1meMa$heen' } })), 200);
        assert.equal(answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'replace', value: { active: true } })), 200)['active'], true);

        const duplicate = answer(await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'Test.User@okta.local', active: true }), 409);
        assert.deepEqual(duplicate['schemas'], [SCIM_ERROR_SCHEMA]);
        assert.equal(duplicate['scimType'], 'uniqueness');
        assert.equal(duplicate['status'], '409');
      });
    });

    test('Okta: groups', async () => {
      await withServer(await database.fresh(), async (_server, scim) => {
        const user = answer(await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'test.user@okta.local', active: true }), 201);
        const userId = user['id'] as string;
        list(await scim('GET', 'Groups?startIndex=1&count=100'), 0);
        list(await scim('GET', `Groups?filter=${q('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`), 0);
        const group = answer(await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Test SCIMv2', members: [] }), 201);
        const id = group['id'] as string;
        assert.equal(group['displayName'], 'Test SCIMv2');
        assert.deepEqual(list(await scim('GET', `Groups?filter=${q('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`), 1).map((g) => g['id']), [id]);
        assert.equal(answer(await scim('GET', `Groups/${id}`), 200)['displayName'], 'Test SCIMv2');
        // rename: Okta repeats the group's id in the value
        assert.equal(answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'replace', value: { id, displayName: 'Test SCIMv2 renamed' } })), 200)['displayName'], 'Test SCIMv2 renamed');
        const added = answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'add', path: 'members', value: [{ value: userId, display: 'test.user@okta.local' }] })), 200);
        assert.deepEqual((added['members'] as Json[]).map((m) => [m['value'], m['display']]), [[userId, 'test.user@okta.local']]);
        const put = answer(await scim('PUT', `Groups/${id}`, { schemas: [GROUP_SCHEMA], id, displayName: 'Test SCIMv2', members: [{ value: userId, display: 'test.user@okta.local' }] }), 200);
        assert.equal(put['displayName'], 'Test SCIMv2');
        const removed = answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'remove', path: `members[value eq "${userId}"]` })), 200);
        assert.equal(removed['members'], undefined);
        assert.equal((await scim('DELETE', `Groups/${id}`)).statusCode, 204);
        assert.equal((await scim('GET', `Groups/${id}`)).statusCode, 404);
      });
    });

    test('Microsoft Entra ID: users', async () => {
      await withServer(await database.fresh(), async (server, scim) => {
        const userName = 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1';
        const created = answer(
          await scim('POST', 'Users', {
            schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
            externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
            userName,
            active: true,
            emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
            meta: { resourceType: 'User' },
            name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
            roles: [],
            [ENTERPRISE_USER_SCHEMA]: { department: 'Human Resources US', employeeNumber: '100009' },
          }),
          201,
        );
        const id = created['id'] as string;
        assert.deepEqual(created['schemas'], [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
        assert.equal((created['meta'] as Json)['resourceType'], 'User');
        assert.equal(answer(await scim('GET', `Users/${id}`), 200)['userName'], userName);
        assert.deepEqual(list(await scim('GET', `Users?filter=${q(`userName eq "${userName}"`)}`), 1).map((u) => u['id']), [id]);
        list(await scim('GET', `Users?filter=${q('userName eq "non-existent user"')}`), 0);
        list(await scim('GET', `Users?filter=${q('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`), 1);

        const multi = answer(
          await scim(
            'PATCH',
            `Users/${id}`,
            patchOf({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' }, { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' }),
          ),
          200,
        );
        assert.deepEqual(multi['emails'], [{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
        assert.equal((multi['name'] as Json)['familyName'], 'updatedFamilyName');
        const renamed = answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' })), 200);
        assert.equal(renamed['userName'], '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
        const manager = answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'Add', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: '2819c223-7f76-453a-919d-413861904646' })), 200);
        assert.deepEqual((manager[ENTERPRISE_USER_SCHEMA] as Json)['manager'], { value: '2819c223-7f76-453a-919d-413861904646' });

        const credential = (await issueSignIn(server.context, { user: 'updatedEmail@microsoft.com', authTime: Math.floor(Date.now() / 1000) - 5 })).token;
        assert.equal(await whoami(server, credential), 200);
        const disabled = answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: false })), 200);
        assert.equal(disabled['active'], false);
        assert.equal(await whoami(server, credential), 401);
        // the validator's check: a GET with a filter on a disabled user still shows `active`
        assert.deepEqual(list(await scim('GET', `Users?filter=${q('userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"')}`), 1).map((u) => u['active']), [false]);
        assert.equal(answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: 'True' })), 200)['active'], true);
        assert.equal(answer(await scim('PATCH', `Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: 'False' })), 200)['active'], false);

        assert.equal((await scim('DELETE', `Users/${id}`)).statusCode, 204);
        const gone = answer(await scim('GET', `Users/${id}`), 404);
        assert.deepEqual(gone['schemas'], [SCIM_ERROR_SCHEMA]);
        assert.equal(gone['status'], '404');
      });
    });

    test('Okta: membership changes in one PATCH, and the full push by replace', async () => {
      await withServer(await database.fresh(), async (_server, scim) => {
        const first = answer(await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'test.user@okta.local', active: true }), 201)['id'] as string;
        const second = answer(await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'other.user@okta.local', active: true }), 201)['id'] as string;
        const id = answer(await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Test SCIMv2', members: [{ value: second }] }), 201)['id'] as string;
        // "Update specific Group membership": one request removes a member by filter and adds another
        const changed = answer(
          await scim('PATCH', `Groups/${id}`, patchOf({ op: 'remove', path: `members[value eq "${second}"]` }, { op: 'add', path: 'members', value: [{ value: first, display: 'test.user@okta.local' }] })),
          200,
        );
        assert.equal(changed['displayName'], 'Test SCIMv2');
        assert.deepEqual((changed['members'] as Json[]).map((m) => m['value']), [first]);
        // the full push of the membership: replace with path members
        const pushed = answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'replace', path: 'members', value: [{ value: first, display: 'test.user@okta.local' }, { value: second, display: 'test.user@okta.local' }] })), 200);
        assert.deepEqual((pushed['members'] as Json[]).map((m) => m['value']).sort(), [first, second].sort());
        // the display Okta sends is not kept: a member's display is its user's userName
        assert.deepEqual((pushed['members'] as Json[]).map((m) => m['display']).sort(), ['other.user@okta.local', 'test.user@okta.local']);
      });
    });

    test('Microsoft Entra ID: the known-issues page, without and with aadOptscim062020 in the tenant URL', async () => {
      await withServer(await database.fresh(), async (_server, scim) => {
        const created = answer(
          await scim('POST', 'Users?aadOptscim062020', {
            schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
            userName: 'pvlo@test.microsoft.com',
            active: true,
            emails: [{ primary: true, type: 'work', value: 'TestBcwqnm@test.microsoft.com' }],
          }),
          201,
        );
        const id = created['id'] as string;
        // the tutorial (/Users): an attribute used to match users works in a filter, emails[type eq "work"] included
        for (const filter of ['emails[type eq "work"].value eq "TestBcwqnm@test.microsoft.com"', 'emails[type eq "work"].value eq "testbcwqnm@TEST.microsoft.com"', 'userName eq "PVLO@test.microsoft.com"']) {
          assert.deepEqual(list(await scim('GET', `Users?aadOptscim062020&filter=${q(filter)}`), 1).map((u) => u['id']), [id], filter);
        }
        list(await scim('GET', `Users?filter=${q('emails[type eq "home"].value eq "TestBcwqnm@test.microsoft.com"')}`), 0);

        for (const url of [`Users/${id}`, `Users/${id}?aadOptscim062020`]) {
          // disable: "False" as a string without the flag, false with it
          assert.equal(answer(await scim('PATCH', url, patchOf({ op: 'Replace', path: 'active', value: 'False' })), 200)['active'], false);
          assert.equal(answer(await scim('PATCH', url, patchOf({ op: 'replace', path: 'active', value: true })), 200)['active'], true);
          assert.equal(answer(await scim('PATCH', url, patchOf({ op: 'replace', path: 'active', value: false })), 200)['active'], false);
          // add a single-valued string attribute
          assert.equal(answer(await scim('PATCH', url, patchOf({ op: 'Add', path: 'nickName', value: 'Babs' })), 200)['nickName'], 'Babs');
          assert.equal(answer(await scim('PATCH', url, patchOf({ op: 'add', path: 'nickName', value: 'Babs2' })), 200)['nickName'], 'Babs2');
        }
        // replace several attributes: one operation each without the flag
        const without = answer(
          await scim(
            'PATCH',
            `Users/${id}`,
            patchOf(
              { op: 'Replace', path: 'displayName', value: 'Pvlo' },
              { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
              { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
              { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
              { op: 'Replace', path: 'externalId', value: 'Eqpj' },
              { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, value: 'Eqpj' },
            ),
          ),
          200,
        );
        assert.deepEqual([without['displayName'], without['name'], without['externalId'], (without[ENTERPRISE_USER_SCHEMA] as Json)['employeeNumber']], ['Pvlo', { givenName: 'Gtfd', familyName: 'Pkqf' }, 'Eqpj', 'Eqpj']);
        // with the flag: the e-mail by path, the rest as one path-less value with dotted and URN-qualified keys
        const flagged = answer(
          await scim(
            'PATCH',
            `Users/${id}?aadOptscim062020`,
            patchOf(
              { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
              { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: 'Aklq' } },
            ),
          ),
          200,
        );
        assert.deepEqual(flagged['emails'], [{ primary: true, type: 'work', value: 'TestMhvaes@test.microsoft.com' }]);
        assert.deepEqual([flagged['displayName'], flagged['name'], (flagged[ENTERPRISE_USER_SCHEMA] as Json)['employeeNumber']], ['Bjfe', { givenName: 'Kkom', familyName: 'Unua' }, 'Aklq']);
        assert.deepEqual(list(await scim('GET', `Users?filter=${q('emails[type eq "work"].value eq "TestMhvaes@test.microsoft.com"')}`), 1).map((u) => u['id']), [id]);

        // remove a group member: by value list without the flag, by a filtered path with it
        const other = answer(await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'u1091@test.microsoft.com', active: true }), 201)['id'] as string;
        const group = answer(await scim('POST', 'Groups?aadOptscim062020', { schemas: [GROUP_SCHEMA], displayName: 'Known issues', members: [{ value: id }, { value: other }] }), 201)['id'] as string;
        const first = answer(await scim('PATCH', `Groups/${group}`, patchOf({ op: 'Remove', path: 'members', value: [{ value: other }] })), 200);
        assert.deepEqual((first['members'] as Json[]).map((m) => m['value']), [id]);
        const second = answer(await scim('PATCH', `Groups/${group}?aadOptscim062020`, patchOf({ op: 'remove', path: `members[value eq "${id}"]` })), 200);
        assert.equal(second['members'], undefined);
      });
    });

    test('Microsoft Entra ID: groups', async () => {
      await withServer(await database.fresh(), async (server, scim) => {
        const member = answer(await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'member@testuser.com', active: true }), 201);
        const memberId = member['id'] as string;
        const group = answer(
          await scim('POST', 'Groups', {
            schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
            externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
            displayName: 'displayName',
            meta: { resourceType: 'Group' },
          }),
          201,
        );
        const id = group['id'] as string;
        assert.equal(group['externalId'], '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
        const read = answer(await scim('GET', `Groups/${id}?excludedAttributes=members`), 200);
        assert.equal(read['displayName'], 'displayName');
        assert.equal(read['members'], undefined);
        assert.deepEqual(list(await scim('GET', `Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`), 1).map((g) => g['id']), [id]);
        answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' })), 200);
        const added = answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'Add', path: 'members', value: [{ $ref: null, value: memberId }] })), 200);
        assert.deepEqual((added['members'] as Json[]).map((m) => m['value']), [memberId]);

        const credential = (await issueSignIn(server.context, { user: 'member@testuser.com', authTime: Math.floor(Date.now() / 1000) - 5 })).token;
        assert.equal(await whoami(server, credential), 200);
        const removed = answer(await scim('PATCH', `Groups/${id}`, patchOf({ op: 'Remove', path: 'members', value: [{ $ref: null, value: memberId }] })), 200);
        assert.equal(removed['members'], undefined);
        // removal from a group takes only the sessions it gave (src/server/synced-directory.test.ts): the sign-in stays
        assert.equal(await whoami(server, credential), 200);
        assert.equal((await scim('DELETE', `Groups/${id}`)).statusCode, 204);
        list(await scim('GET', `Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`), 0);
      });
    });
  });
}
