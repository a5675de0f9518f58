/**
 * Directory sync end to end, black-box: two `parapet serve` processes on one database (a SQLite
 * file; PostgreSQL), a real OpenID provider, SCIM over HTTP with a token made by `parapet scim
 * token create`, and the `parapet` CLI:
 *
 *   serve test/fixtures/org-synced (its `ops` group is synced from the directory group
 *   Engineering) → SCIM provisions zoe and puts her in Engineering → she signs in through the
 *   provider → assumes operator in dev → allowed, on both processes → SCIM deactivates her
 *   (Entra's `"active": "False"`) → the very next decision with the same session credential is
 *   denied by the first process, and by the second within a second.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { readCredentials } from '../../src/cli/credentials-file.ts';
import { runCli, runCliWatching } from '../../src/cli/run-cli.test-support.ts';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../src/identity/test-identity-provider.test-support.ts';
import { startTestDatabases } from '../../src/store/test-databases.test-support.ts';
import { freePort, startServerProcess, type ServerProcess, withEnv } from './server-process.test-support.ts';

const SYNCED = fileURLToPath(new URL('../fixtures/org-synced', import.meta.url));
const WITHIN_MS = 1_000;
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEND = { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', context: { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': 'eu-west-1' } };

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

async function waitFor(what: string, check: () => Promise<boolean>, withinMs = WITHIN_MS): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function status(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

async function decide(server: string, token: string): Promise<{ status: number; decision?: string; message?: string }> {
  const response = await fetch(`${server}/v1/authorize`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ request: SEND }) });
  const body = (await response.json()) as { decision?: { decision: string }; error?: { message: string } };
  return { status: response.status, ...(body.decision === undefined ? {} : { decision: body.decision.decision }), ...(body.error === undefined ? {} : { message: body.error.message }) };
}

async function scim(server: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server}/scim/v2/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}


/** `parapet login` through the provider, as the CLI's browser would; the exit code */
async function login(publicUrl: string, idp: TestIdentityProvider, email: string): Promise<{ code: number; out: string; err: string }> {
  let browsing: Promise<void> | undefined;
  // a sign-in the server refuses never reaches the CLI's loopback: give up after a few seconds, to try again
  const result = await runCliWatching(['login', '--server', publicUrl, '--no-browser', '--timeout', '5'], (text) => {
    const url = /sign in in your browser: (\S+)/.exec(text)?.[1];
    if (url !== undefined && browsing === undefined) {
      browsing = (async () => {
        const start = await fetch(url, { redirect: 'manual' });
        assert.equal(start.status, 302);
        const cookie = start.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');
        const callback = await idp.signIn(String(start.headers.get('location')), email);
        const back = await fetch(callback, { redirect: 'manual', headers: { cookie } });
        await back.arrayBuffer();
        if (back.status === 302) await (await fetch(String(back.headers.get('location')))).arrayBuffer();
      })();
    }
  });
  assert.ok(browsing, 'login printed the URL to open');
  await browsing;
  return result;
}

for (const database of databases) {
  describe(`directory sync end to end on ${database.name}`, () => {
    test('provisioned by SCIM, synced group, SSO sign-in, assume, allowed; deactivated by SCIM: the next decision is denied on both processes', async (t) => {
      const home = mkdtempSync(join(tmpdir(), 'parapet-e2e-scim-'));
      const processes: ServerProcess[] = [];
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      const idp = await startTestIdentityProvider({ users: [{ email: 'zoe@example.com', groups: [] }], redirectUri: `${publicUrl}/v1/login/callback` });
      t.after(async () => {
        for (const server of processes) await server.stop();
        await idp.stop();
        rmSync(home, { recursive: true, force: true });
      });
      const store = await database.fresh();
      const dbEnv: Record<string, string> =
        store.kind === 'postgres' ? { PARAPET_DATABASE_URL: store.url, PARAPET_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') } : { PARAPET_STATE_DIR: join(home, 'state') };
      const env: Record<string, string> = {
        PARAPET_PUBLIC_URL: publicUrl,
        PARAPET_SSO_ISSUER: idp.issuer,
        PARAPET_SSO_CLIENT_ID: idp.clientId,
        PARAPET_SSO_CLIENT_SECRET: idp.clientSecret,
        PARAPET_LOG_LEVEL: 'warn',
        ...dbEnv,
      };

      // 1. two processes on one database; the first applies the configuration with synced groups
      const first = await startServerProcess(['--host', '127.0.0.1', '--port', String(port), '--config', SYNCED], env);
      processes.push(first);
      await waitFor('the first process is ready', async () => (await status(`${first.url}/readyz`)) === 200, 10_000);
      const second = await startServerProcess(['--host', '127.0.0.1', '--port', '0'], env);
      processes.push(second);
      await waitFor('the second process is ready', async () => (await status(`${second.url}/readyz`)) === 200, 10_000);

      await withEnv({ ...dbEnv, PARAPET_CREDENTIALS_FILE: join(home, 'credentials.json'), PARAPET_TOKEN: undefined, PARAPET_SERVER: undefined }, async () => {
        // 2. a SCIM token, made next to the database as an operator would
        const created = await runCli('scim', 'token', 'create', 'e2e');
        assert.equal(created.code, 0, created.err);
        const token = created.out.trim();
        assert.match(token, /^pscim_/);

        // 3. SCIM provisions zoe and puts her in Engineering (the directory group `ops` is synced from)
        const user = await scim(first.url, token, 'POST', 'Users', { schemas: [USER_SCHEMA], userName: 'zoe@example.com', active: true, emails: [{ value: 'zoe@example.com', type: 'work', primary: true }] });
        assert.equal(user.status, 201, JSON.stringify(user.json));
        const id = user.json['id'] as string;
        const group = await scim(second.url, token, 'POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: id }] });
        assert.equal(group.status, 201, JSON.stringify(group.json));

        // 4. she signs in through the provider, once the first process's directory has her (its next
        // poll, 250 ms by default; the group was made through the second process)
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        let signedIn: { code: number; out: string; err: string } | undefined;
        await waitFor(
          'zoe can sign in',
          async () => {
            signedIn = await login(publicUrl, idp, 'zoe@example.com');
            return signedIn.code === 0;
          },
          30_000,
        );
        assert.match(signedIn!.out, /as zoe@example\.com/);

        // 5. she assumes operator in dev, through ops; allowed on both processes
        const assumed = await runCli('assume', 'dev', 'operator');
        assert.equal(assumed.code, 0, assumed.err);
        const stored = readCredentials(join(home, 'credentials.json')).servers[publicUrl];
        const session = stored?.sessions[stored.currentSession ?? '']?.token;
        assert.ok(session, 'assume stored the session as the current one');
        assert.equal((await decide(first.url, session)).decision, 'Allow');
        await waitFor('the second process allows her session', async () => (await decide(second.url, session)).decision === 'Allow');
        const asked = await runCli('authorize', SEND.action, SEND.resource, '--context', 'aws:SecureTransport=true', '--context', 'aws:RequestedRegion=eu-west-1');
        assert.equal(asked.code, 0, asked.err);

        // 6. SCIM deactivates her, as Entra ID does ("False" as a string)
        const deactivated = await scim(first.url, token, 'PATCH', `Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
        assert.equal(deactivated.status, 200, JSON.stringify(deactivated.json));
        assert.equal(deactivated.json['active'], false);

        // 7. the very next decision with the same credential: denied here, and on the other process within a second
        const denied = await decide(first.url, session);
        assert.equal(denied.status, 401);
        assert.match(denied.message ?? '', /^the credential is not valid: revoked by scim-token:e2e/);
        const ms = await waitFor('the second process denies her session', async () => (await decide(second.url, session)).status === 401);
        t.diagnostic(`the second process denied the deactivated user's session after ${ms} ms`);
        const again = await runCli('authorize', SEND.action, SEND.resource, '--context', 'aws:SecureTransport=true', '--context', 'aws:RequestedRegion=eu-west-1');
        assert.equal(again.code, 2, 'the CLI is refused too');
        // and she cannot sign in again
        assert.notEqual((await login(publicUrl, idp, 'zoe@example.com')).code, 0);
      });

      for (const server of processes.splice(0)) assert.equal(await server.stop(), 0, server.stderr());
    });
  });
}
