/**
 * Deprovisioning across server processes: two servers share one database (SQLite file, or
 * PostgreSQL); a SCIM deactivation through the first is refused by the second within one second.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/index.ts';
import { startTestDatabases } from '../store/test-databases.test-support.ts';
import { issueSignIn } from './issue-sign-in.ts';
import { subjectsOf } from './scim-deprovision.ts';
import { scimClient, scimToken } from './scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

async function whoami(server: TestServer, credential: string): Promise<number> {
  return (await server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${credential}` } })).statusCode;
}

test('the subjects revoked for a user: its userName and e-mail addresses, as given and lower-cased', () => {
  assert.deepEqual(subjectsOf({ userName: 'Ann@Example.com', document: { emails: [{ value: 'ann@example.com' }, { value: 'A.N@Other.example' }, { type: 'work' }] } }), [
    'Ann@Example.com',
    'ann@example.com',
    'A.N@Other.example',
    'a.n@other.example',
  ]);
});

for (const database of databases) {
  test(`on ${database.name}: a deactivation through one process is refused by another within a second`, async () => {
    const options = await database.fresh();
    const first = await startTestServer({ database: options, settings: { pollMilliseconds: 100 } });
    const second = await startTestServer({ database: options, settings: { pollMilliseconds: 100 } });
    try {
      const { token } = await scimToken(first);
      const scim = scimClient(first, token);
      const created = await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName: 'ann@example.com', active: true });
      assert.equal(created.statusCode, 201, created.body);
      const id = (created.json() as { id: string }).id;
      const credential = (await issueSignIn(first.context, { user: 'ann@example.com', authTime: Math.floor(Date.now() / 1000) - 5 })).token;
      assert.equal(await whoami(second, credential), 200);
      const deactivated = await scim('PATCH', `Users/${id}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      assert.equal(deactivated.statusCode, 200, deactivated.body);
      assert.equal(await whoami(first, credential), 401);
      const started = Date.now();
      while ((await whoami(second, credential)) !== 401) {
        assert.ok(Date.now() - started < 1000, 'the second process still accepts the credential after a second');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await second.close();
      await first.close();
    }
  });
}
