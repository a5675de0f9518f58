/**
 * The control plane end to end, black-box: `parapet serve` as separate processes on a real
 * database (a SQLite file; PostgreSQL with two processes sharing it), a real OpenID provider, and
 * the `parapet` CLI over HTTP:
 *
 *   start → apply examples/acme with the bootstrap token the start printed → sign in through the
 *   provider as a developer → assume a permission set → decide allowed and denied requests (a
 *   guardrail denial and a permissions-boundary denial among them), each agreeing with
 *   `parapet test` on the same configuration → revoke → the credential is refused.
 *
 * On PostgreSQL a second process sees the first one's apply and revocation within a second.
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
import { startTestIdentityProvider } from '../../src/identity/test-identity-provider.test-support.ts';
import { startTestDatabases } from '../../src/store/test-databases.test-support.ts';
import { freePort, startServerProcess, type ServerProcess, withEnv } from './server-process.test-support.ts';

const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));
/** keys the server fills from the credential: an access test that gives one is not asked of the server */
const SERVER_FILLED = /^aws:(Principal|MultiFactorAuth|TokenIssueTime|CurrentTime|EpochTime|userid)/;
const WITHIN_MS = 1_000;

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

interface AccessTestResult {
  readonly name: string;
  readonly decision: string;
  readonly principal: string;
  readonly account: string;
  readonly permissionSet: string;
  readonly eligible?: boolean;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount?: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly causes: readonly Cause[];
}
interface Cause {
  readonly kind: string;
  readonly policyType?: string;
  readonly statement?: { readonly policyType: string; readonly policyName: string; readonly statementIndex: number };
}

/** a decision's explicit denials and missing allows, as comparable strings */
function denials(causes: readonly Cause[]): string[] {
  return causes
    .filter((cause) => cause.kind !== 'allow')
    .map((cause) => (cause.statement === undefined ? `${cause.kind}:${cause.policyType ?? ''}` : `${cause.kind}:${cause.statement.policyType}:${cause.statement.policyName}:${cause.statement.statementIndex}`))
    .sort();
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > WITHIN_MS) assert.fail(`${what}: not within ${WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function status(url: string, token?: string): Promise<number> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

function authorizeAt(server: string, token: string, action: string, resource: string): Promise<Response> {
  return fetch(`${server}/v1/authorize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ request: { action, resource, context: { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': 'eu-west-1' } } }),
  });
}


for (const database of databases) {
  describe(`the control plane end to end on ${database.name}`, () => {
    test('apply with the bootstrap token, sign in through SSO, assume, decide as `parapet test` does, revoke', async (t) => {
      const home = mkdtempSync(join(tmpdir(), 'parapet-e2e-'));
      const processes: ServerProcess[] = [];
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      const idp = await startTestIdentityProvider({ users: [{ email: 'alice@acme.example', groups: ['payments-devs'] }], redirectUri: `${publicUrl}/v1/login/callback` });
      t.after(async () => {
        for (const server of processes) await server.stop();
        await idp.stop();
        rmSync(home, { recursive: true, force: true });
      });
      const store = await database.fresh();
      const env: Record<string, string> = {
        PARAPET_PUBLIC_URL: publicUrl,
        PARAPET_SSO_ISSUER: idp.issuer,
        PARAPET_SSO_CLIENT_ID: idp.clientId,
        PARAPET_SSO_CLIENT_SECRET: idp.clientSecret,
        PARAPET_LOG_LEVEL: 'warn',
        ...(store.kind === 'postgres' ? { PARAPET_DATABASE_URL: store.url, PARAPET_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') } : { PARAPET_STATE_DIR: join(home, 'state') }),
      };

      // 1. start: no configuration yet, so not ready, and a one-time bootstrap token printed
      const first = await startServerProcess(['--host', '127.0.0.1', '--port', String(port)], env);
      processes.push(first);
      // several processes share PostgreSQL: the second one is started before the apply
      const second = store.kind === 'postgres' ? await startServerProcess(['--host', '127.0.0.1', '--port', '0'], env) : undefined;
      if (second !== undefined) processes.push(second);
      // the token is written after the `serving at` line the harness waits for, possibly in a later chunk
      const bootstrap = await eventually(() => /PARAPET_TOKEN=(pbt_[\w-]+)/.exec(first.stderr())?.[1]);
      assert.ok(bootstrap, `the first start prints a bootstrap token:\n${first.stderr()}`);
      assert.equal(await status(`${first.url}/readyz`), 503);

      await withEnv({ PARAPET_CREDENTIALS_FILE: join(home, 'credentials.json'), PARAPET_TOKEN: undefined, PARAPET_SERVER: undefined }, async () => {
        // 2. apply the example with the bootstrap token; it is used up by that
        const applied = await withEnv({ PARAPET_TOKEN: bootstrap }, () => runCli('apply', ACME, '--server', first.url));
        assert.equal(applied.code, 0, applied.err);
        assert.match(applied.out, /version 1/);
        assert.equal(await status(`${first.url}/readyz`), 200);
        const again = await withEnv({ PARAPET_TOKEN: bootstrap }, () => runCli('apply', ACME, '--server', first.url));
        assert.equal(again.code, 2, 'the bootstrap token works once');
        if (second !== undefined) {
          const ms = await waitFor('the second process serves the applied version', async () => (await status(`${second.url}/readyz`)) === 200);
          t.diagnostic(`the second process served version 1 after ${ms} ms`);
        }

        // 3. sign in through the OpenID provider, as the CLI's browser would
        let browsing: Promise<void> | undefined;
        const login = await runCliWatching(['login', '--server', publicUrl, '--no-browser'], (text) => {
          const url = /sign in in your browser: (\S+)/.exec(text)?.[1];
          if (url !== undefined && browsing === undefined) {
            browsing = (async () => {
              const start = await fetch(url, { redirect: 'manual' });
              assert.equal(start.status, 302);
              const cookie = start.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');
              const callback = await idp.signIn(String(start.headers.get('location')), 'alice@acme.example');
              const back = await fetch(callback, { redirect: 'manual', headers: { cookie } });
              assert.equal(back.status, 302, await back.text());
              const handOver = await fetch(String(back.headers.get('location')));
              assert.equal(handOver.status, 200);
            })();
          }
        });
        assert.ok(browsing, 'login printed the URL to open');
        await browsing;
        assert.equal(login.code, 0, login.err);
        assert.match(login.out, /as alice@acme\.example/);

        // 4. assume the developer permission set in payments-prod
        const assumed = await runCli('assume', 'payments-prod', 'developer');
        assert.equal(assumed.code, 0, assumed.err);
        assert.match(assumed.out, /arn:aws:sts::400000000001:assumed-role\/developer\/alice@acme\.example/);

        // 5. every access test of the example for this (group, account, permission set) that the
        // server can be asked: the same decision, for the same reasons
        const tested = await runCli('test', ACME, '--json');
        assert.equal(tested.code, 0, tested.err);
        const results = (JSON.parse(tested.out) as { results: AccessTestResult[] }).results.filter(
          (result) =>
            ['group:payments-devs', 'user:alice@acme.example'].includes(result.principal) &&
            result.account === 'payments-prod' &&
            result.permissionSet === 'developer' &&
            result.eligible !== true &&
            !Object.keys(result.context).some((key) => SERVER_FILLED.test(key)),
        );
        assert.ok(results.length >= 5, `${results.length} access tests to compare`);
        let guardrailDenials = 0;
        let resourceGuardrailDenials = 0;
        let boundaryDenials = 0;
        for (const result of results) {
          const context = Object.entries(result.context).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).flatMap((v) => ['--context', `${key}=${String(v)}`]));
          const owner = result.resourceAccount === undefined ? [] : ['--resource-account', result.resourceAccount];
          const asked = await runCli('authorize', result.action, result.resource, ...context, ...owner, '--json');
          assert.ok(asked.code === 0 || asked.code === 1, `${result.name}: ${asked.err}`);
          const decision = JSON.parse(asked.out) as { decision: string; causes: Cause[] };
          assert.equal(decision.decision, result.decision, result.name);
          assert.deepEqual(denials(decision.causes), denials(result.causes), result.name);
          assert.equal(asked.code, decision.decision === 'Allow' ? 0 : 1, result.name);
          if (decision.causes.some((cause) => cause.kind === 'explicit-deny' && cause.statement?.policyType === 'scp')) guardrailDenials += 1;
          if (decision.causes.some((cause) => cause.kind === 'explicit-deny' && cause.statement?.policyType === 'rcp')) resourceGuardrailDenials += 1;
          if (decision.decision !== 'Allow' && decision.causes.some((cause) => cause.kind !== 'allow' && (cause.statement?.policyType ?? cause.policyType) === 'permissionBoundary')) boundaryDenials += 1;
        }
        assert.ok(guardrailDenials >= 1, 'a guardrail (SCP) denial is among the compared decisions');
        assert.ok(resourceGuardrailDenials >= 1, 'a resource guardrail (RCP) denial is among the compared decisions');
        assert.ok(boundaryDenials >= 1, 'a permissions-boundary denial is among the compared decisions');

        // 6. revoke the session: refused at once by this process, and by the other within a second
        const stored = readCredentials(join(home, 'credentials.json')).servers[publicUrl];
        const session = stored?.sessions[stored.currentSession ?? '']?.token;
        assert.ok(session, 'assume stored the session as the current one');
        const read = ['logs:GetLogEvents', 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1'] as const;
        assert.equal((await authorizeAt(first.url, session, ...read)).status, 200);
        if (second !== undefined) assert.equal((await authorizeAt(second.url, session, ...read)).status, 200);
        const revoked = await runCli('revoke', '--all');
        assert.equal(revoked.code, 0, revoked.err);
        const refused = await authorizeAt(first.url, session, ...read);
        assert.equal(refused.status, 401);
        assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'unauthenticated');
        if (second !== undefined) {
          const ms = await waitFor('the second process refuses the revoked session', async () => (await authorizeAt(second.url, session, ...read)).status === 401);
          t.diagnostic(`the second process refused the revoked session after ${ms} ms`);
        }
        const after = await runCli('authorize', ...read);
        assert.equal(after.code, 2, 'the CLI has no valid session left');
      });

      // 7. graceful shutdown on SIGTERM
      for (const server of processes.splice(0)) assert.equal(await server.stop(), 0, server.stderr());
    });
  });
}

/** the value once `read` gives one, within 10 s (output of another process arrives in chunks) */
async function eventually<T>(read: () => T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = read();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
