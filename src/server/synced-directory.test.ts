/**
 * Groups synced from the directory on the server: what SCIM pushes becomes the membership of the
 * configuration's synced groups, on every process sharing the database, within a second; and a
 * user taken out of the synced group loses the sessions it gave, denied with a reason.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/index.ts';
import { startTestDatabases } from '../store/test-databases.test-support.ts';
import { applyTestConfig } from './apply-test-config.test-support.ts';
import { issueSignIn } from './issue-sign-in.ts';
import { scimClient, scimToken, type ScimCall } from './scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

const SYNCED = fileURLToPath(new URL('../../test/fixtures/org-synced/', import.meta.url));
const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

async function within(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    assert.ok(Date.now() - started < 1000, `${what}: not within a second`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function createUser(scim: ScimCall, userName: string): Promise<string> {
  const created = await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName, active: true, emails: [{ value: userName, type: 'work', primary: true }] });
  assert.equal(created.statusCode, 201, created.body);
  return (created.json() as { id: string }).id;
}

async function createGroup(scim: ScimCall, displayName: string, memberIds: readonly string[], externalId?: string): Promise<string> {
  const created = await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName, ...(externalId === undefined ? {} : { externalId }), members: memberIds.map((value) => ({ value })) });
  assert.equal(created.statusCode, 201, created.body);
  return (created.json() as { id: string }).id;
}

const SEND: { action: string; resource: string; context: Record<string, string> } = { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' } };

const READ_PROD: typeof SEND = { action: 'sqs:GetQueueUrl', resource: 'arn:aws:sqs:eu-west-1:111111111111:jobs', context: SEND.context };

async function assume(server: TestServer, signIn: string, account: string, permissionSet: string): Promise<string> {
  const response = await server.app.inject({ method: 'POST', url: '/v1/sessions', headers: { authorization: `Bearer ${signIn}` }, payload: { account, permissionSet } });
  assert.equal(response.statusCode, 201, response.body);
  return (response.json() as { token: string }).token;
}

async function decide(server: TestServer, token: string, request: typeof SEND): Promise<{ status: number; decision?: string; code?: string; message?: string }> {
  const response = await server.app.inject({ method: 'POST', url: '/v1/authorize', headers: { authorization: `Bearer ${token}` }, payload: { request } });
  const body = response.json() as { decision?: { decision: string }; error?: { code: string; message: string } };
  return { status: response.statusCode, ...(body.decision === undefined ? {} : { decision: body.decision.decision }), ...(body.error === undefined ? {} : { code: body.error.code, message: body.error.message }) };
}

for (const database of databases) {
  test(`on ${database.name}: SCIM membership of a synced group reaches every process's directory and decisions within a second`, async () => {
    const options = await database.fresh();
    const first = await startTestServer({ database: options, settings: { pollMilliseconds: 100 } });
    const second = await startTestServer({ database: options, settings: { pollMilliseconds: 100 } });
    try {
      await applyTestConfig(first.context, SYNCED);
      await second.context.config.refresh();
      const scim = scimClient(first, (await scimToken(first)).token);
      const zoe = await createUser(scim, 'zoe@example.com');
      assert.deepEqual(first.context.config.current()?.directory.groupsOf('zoe@example.com'), []);
      await createGroup(scim, 'engineering', [zoe]);
      await createGroup(scim, 'Operators (Okta)', [zoe], 'ext-operators');
      for (const server of [first, second]) {
        await within(`process ${server === first ? 1 : 2} sees zoe in ops and operators`, () => server.context.config.current()?.directory.groupsOf('zoe@example.com').join() === 'ops,operators');
      }
      const signIn = (await issueSignIn(second.context, { user: 'zoe@example.com', authTime: Math.floor(Date.now() / 1000) - 5 })).token;
      const session = await assume(second, signIn, 'dev', 'operator');
      assert.equal((await decide(first, session, SEND)).decision, 'Allow', JSON.stringify(await decide(first, session, SEND)));
      assert.equal((await decide(second, session, SEND)).decision, 'Allow');
    } finally {
      await second.close();
      await first.close();
    }
  });
}

for (const database of databases) {
  test(`on ${database.name}: removal from a group revokes exactly the sessions it takes, on every process within a second, saying why`, async () => {
    const options = await database.fresh();
    const first = await startTestServer({ database: options, settings: { pollMilliseconds: 100 } });
    const second = await startTestServer({ database: options, settings: { pollMilliseconds: 100 } });
    try {
      await applyTestConfig(first.context, SYNCED);
      await second.context.config.refresh();
      const scim = scimClient(first, (await scimToken(first, 'okta')).token);
      const zoe = await createUser(scim, 'zoe@example.com');
      const otto = await createUser(scim, 'otto@example.com');
      const ann = await createUser(scim, 'ann@example.com');
      const engineering = await createGroup(scim, 'Engineering', [zoe, ann]);
      const operators = await createGroup(scim, 'Operators', [zoe, otto], 'ext-operators');
      for (const server of [first, second]) {
        await within('both processes see the groups', () => server.context.config.current()?.directory.membersOf('operators').length === 2);
      }
      const signIn = async (user: string) => (await issueSignIn(second.context, { user, authTime: Math.floor(Date.now() / 1000) - 5 })).token;
      const zoeSignIn = await signIn('zoe@example.com');
      const zoeReader = await assume(second, zoeSignIn, 'prod', 'reader');
      const zoeOperator = await assume(second, zoeSignIn, 'dev', 'operator');
      const ottoOperator = await assume(second, await signIn('otto@example.com'), 'dev', 'operator');
      const annReader = await assume(second, await signIn('ann@example.com'), 'prod', 'reader');
      for (const [token, request] of [[zoeReader, READ_PROD], [zoeOperator, SEND], [ottoOperator, SEND], [annReader, READ_PROD]] as const) {
        assert.equal((await decide(first, token, request)).decision, 'Allow');
      }

      // zoe leaves Operators (PATCH remove by filter): ops (Engineering) still gives her the operator set in dev
      const left = await scim('PATCH', `Groups/${operators}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${zoe}"]` }] });
      assert.equal(left.statusCode, 200, left.body);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const server of [first, second]) {
        assert.equal((await decide(server, zoeOperator, SEND)).decision, 'Allow', 'a session another group covers stays valid');
        assert.equal((await decide(server, zoeReader, READ_PROD)).decision, 'Allow');
      }

      // zoe leaves Engineering too (Entra's remove by value list): both her sessions are lost; her sign-in stays
      const removed = await scim('PATCH', `Groups/${engineering}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Remove', path: 'members', value: [{ value: zoe }] }] });
      assert.equal(removed.statusCode, 200, removed.body);
      const denied = await decide(first, zoeOperator, SEND);
      assert.equal(denied.status, 401);
      assert.equal(denied.message, 'the credential is not valid: revoked by scim-token:okta: removed from directory group `Engineering`: `zoe@example.com` no longer holds `operator` in `dev`');
      assert.match((await decide(first, zoeReader, READ_PROD)).message ?? '', /removed from directory group `Engineering`: `zoe@example\.com` no longer holds `reader` in `prod`/);
      await within('the second process refuses both of zoe\'s sessions', async () => (await decide(second, zoeOperator, SEND)).status === 401 && (await decide(second, zoeReader, READ_PROD)).status === 401);
      const whoami = await second.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${zoeSignIn}` } });
      assert.equal(whoami.statusCode, 200, 'the sign-in credential is not taken: only the sessions');
      assert.equal((await decide(second, ottoOperator, SEND)).decision, 'Allow', 'other members keep theirs');

      // PUT of Operators without otto: his session goes
      const put = await scim('PUT', `Groups/${operators}`, { schemas: [GROUP_SCHEMA], displayName: 'Operators', externalId: 'ext-operators', members: [] });
      assert.equal(put.statusCode, 200, put.body);
      assert.match((await decide(first, ottoOperator, SEND)).message ?? '', /revoked by scim-token:okta: removed from directory group `Operators`: `otto@example\.com` no longer holds `operator` in `dev`/);
      // DELETE of Engineering: ann's session goes
      assert.equal((await decide(second, annReader, READ_PROD)).decision, 'Allow');
      const deleted = await scim('DELETE', `Groups/${engineering}`);
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.match((await decide(first, annReader, READ_PROD)).message ?? '', /revoked by scim-token:okta: directory group `Engineering` deleted: `ann@example\.com` no longer holds `reader` in `prod`/);
      await within('the second process refuses the PUT and DELETE revocations', async () => (await decide(second, ottoOperator, SEND)).status === 401 && (await decide(second, annReader, READ_PROD)).status === 401);
    } finally {
      await second.close();
      await first.close();
    }
  });
}
