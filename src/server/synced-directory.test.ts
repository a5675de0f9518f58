/**
 * Groups synced from the directory on the server: what SCIM pushes becomes the membership of the
 * configuration's synced groups, on every process sharing the database, within a second; and a
 * user taken out of the synced group loses the sessions it gave, denied with a reason.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { GROUP_SCHEMA, USER_SCHEMA } from '../scim/index.ts';
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
