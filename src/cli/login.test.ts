/**
 * `parapet login` and `parapet logout` against a real listening server with SSO through a real
 * OpenID provider; the browser is played by fetch with the server's cookie and the provider's
 * browser-less sign-in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startTestIdentityProvider, type TestIdentityProvider } from '../identity/test-identity-provider.test-support.ts';
import { readConfigDir } from '../org/index.ts';
import { configSnapshot } from '../server/config-snapshot.ts';
import { startTestServer, type TestServer } from '../server/test-server.test-support.ts';
import { appendConfigVersion } from '../store/index.ts';
import { freePort } from '../store/free-port.test-support.ts';
import { CREDENTIALS_FORMAT, readCredentials } from './credentials-file.ts';
import { runCli, runCliWatching } from './run-cli.test-support.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'parapet-login-'));
const credentialsFile = join(home, 'config', 'parapet', 'credentials.json');
process.env['PARAPET_CREDENTIALS_FILE'] = credentialsFile;

let idp: TestIdentityProvider;
let server: TestServer;
let publicUrl: string;


before(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  idp = await startTestIdentityProvider({ users: [{ email: 'alice@acme.example', groups: [] }], redirectUri: `${publicUrl}/v1/login/callback` });
  server = await startTestServer({
    listen: true,
    settings: { host: '127.0.0.1', port, publicUrl, sso: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret } },
  });
  const { snapshot, hash } = configSnapshot(readConfigDir(EXAMPLE));
  await appendConfigVersion(server.context.store, { hash, snapshot, author: 'test', appliedAt: new Date(), planReport: '{}' });
  await server.context.config.refresh();
});
after(async () => {
  await server.close();
  await idp.stop();
  rmSync(home, { recursive: true, force: true });
});

function setCookieOf(response: Response): string {
  const line = response.headers.getSetCookie().find((l) => l.startsWith('parapet_login='));
  assert.ok(line, 'the server sets its sign-in cookie');
  return line.split(';')[0]!;
}

/** what a person's browser does from the server's login URL to the hand-over back to the CLI */
async function browseLogin(loginUrl: string, mfa: boolean): Promise<void> {
  const start = await fetch(loginUrl, { redirect: 'manual' });
  assert.equal(start.status, 302);
  await finishAtProvider(String(start.headers.get('location')), setCookieOf(start), mfa, true);
}

async function finishAtProvider(providerUrl: string, cookie: string, mfa: boolean, followToCli: boolean): Promise<void> {
  const callback = await idp.signIn(providerUrl, 'alice@acme.example', { mfa });
  const back = await fetch(callback, { redirect: 'manual', headers: { cookie } });
  if (!followToCli) {
    assert.equal(back.status, 200, await back.text());
    return;
  }
  assert.equal(back.status, 302, await back.text());
  const cli = await fetch(String(back.headers.get('location')));
  assert.equal(cli.status, 200);
  assert.match(await cli.text(), /you can close this tab/);
}

/** the URL after `prefix` in what the CLI printed, once it is there */
function watchFor(prefix: string, act: (url: string) => Promise<void>): { onErr: (text: string) => void; done: () => Promise<void> } {
  let acting: Promise<void> | undefined;
  return {
    onErr(text) {
      const url = new RegExp(`${prefix}(\\S+)`).exec(text)?.[1];
      if (url !== undefined && acting === undefined) acting = act(url);
    },
    async done() {
      assert.ok(acting, `the CLI printed \`${prefix}\``);
      await acting;
    },
  };
}

describe('parapet login and logout', () => {
  test('login in the browser: the credential reaches the CLI on loopback and is kept in a 0600 file', async () => {
    const browser = watchFor('sign in in your browser: ', (url) => browseLogin(url, true));
    const run = await runCliWatching(['login', '--server', `${publicUrl}/`, '--no-browser'], browser.onErr);
    await browser.done();
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^signed in to http:\/\/127\.0\.0\.1:\d+ as alice@acme\.example until .* \(with MFA\)\n$/);
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    const stored = readCredentials(credentialsFile);
    assert.equal(stored.format, CREDENTIALS_FORMAT);
    assert.equal(stored.defaultServer, publicUrl);
    const signIn = stored.servers[publicUrl]?.signIn;
    assert.equal(signIn?.user, 'alice@acme.example');
    assert.equal(JSON.parse(readFileSync(credentialsFile, 'utf8')).servers[publicUrl].signIn.token, signIn?.token, 'the file holds what was read');
    const me = await fetch(`${publicUrl}/v1/whoami`, { headers: { authorization: `Bearer ${signIn?.token ?? ''}` } });
    assert.equal(me.status, 200);
  });

  test('logout revokes the credential at the server and forgets it; a second logout has nothing to do', async () => {
    const signIn = readCredentials(credentialsFile).servers[publicUrl]?.signIn;
    assert.ok(signIn, 'signed in by the test before');
    const run = await runCli('logout');
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out, `signed out of ${publicUrl}\n`);
    const remaining = readCredentials(credentialsFile);
    assert.deepEqual(remaining.servers, {});
    assert.equal(remaining.defaultServer, undefined);
    assert.equal(readFileSync(credentialsFile, 'utf8').includes(signIn.token), false);
    const me = await fetch(`${publicUrl}/v1/whoami`, { headers: { authorization: `Bearer ${signIn.token}` } });
    assert.equal(me.status, 401);
    const again = await runCli('logout');
    assert.equal(again.code, 0);
    assert.match(again.err, /not signed in/);
  });

  test('login --device: a URL and a code to open elsewhere, then the CLI polls until the sign-in is done', async () => {
    const browser = watchFor('or open ', async (verifyUrl) => {
      const userCode = new URL(verifyUrl).searchParams.get('user_code') ?? '';
      const page = await fetch(verifyUrl);
      assert.match(await page.text(), new RegExp(`value="${userCode}"`));
      const started = await fetch(`${publicUrl}/v1/login/device/verify`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: publicUrl, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ user_code: userCode }),
      });
      assert.equal(started.status, 303);
      await finishAtProvider(String(started.headers.get('location')), setCookieOf(started), false, false);
    });
    const run = await runCliWatching(['login', '--server', publicUrl, '--device'], browser.onErr);
    await browser.done();
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /open http:\/\/127\.0\.0\.1:\d+\/v1\/login\/device\/verify and enter the code [B-Z]{4}-[B-Z]{4}/);
    assert.match(run.out, /as alice@acme\.example until .*Z\n$/);
    assert.equal(readCredentials(credentialsFile).servers[publicUrl]?.signIn?.user, 'alice@acme.example');
  });

  test('the stored sign-in is what `parapet assume` uses: a session for an assignment of the user\'s group', async () => {
    const run = await runCli('assume', 'payments-staging', 'developer', '--json');
    assert.equal(run.code, 0, run.err);
    const session = JSON.parse(run.out) as { principalArn: string; permissionSet: string };
    assert.equal(session.principalArn, 'arn:aws:sts::500000000001:assumed-role/developer/alice@acme.example');
    const refused = await runCli('assume', 'network', 'admin');
    assert.equal(refused.code, 2, 'alice\'s groups give her nothing in network');
  });

  test('nobody signing in within --timeout is a clear failure, and nothing is stored', async () => {
    const before = readFileSync(credentialsFile, 'utf8');
    const run = await runCli('login', '--server', publicUrl, '--no-browser', '--timeout', '1');
    assert.equal(run.code, 2);
    assert.match(run.err, /sign in in your browser: http:\/\/127\.0\.0\.1:\d+\/v1\/login\?cli_redirect=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fcallback%2F/);
    assert.match(run.err, /no sign-in within 1 seconds/);
    assert.equal(readFileSync(credentialsFile, 'utf8'), before);
  });

  test('a server URL that would send the credential in the clear is refused; a server without SSO is a clear failure', async () => {
    const clear = await runCli('login', '--server', 'http://parapet.example.com');
    assert.equal(clear.code, 2);
    assert.match(clear.err, /must be an https URL/);
    const bare = await startTestServer({ listen: true, settings: { host: '127.0.0.1', port: 0 } });
    try {
      const run = await runCli('login', '--server', String(bare.url), '--device');
      assert.equal(run.code, 3);
      assert.match(run.err, /sign-in is not configured on this server/);
    } finally {
      await bare.close();
    }
  });
});
