/**
 * The server's sign-in wiring: `--demo` runs the demo provider with the configuration's users and
 * refuses a server that listens beyond loopback; SSO settings that cannot work stop the start.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { signInWithBrowser } from '../identity/test-identity-provider.test-support.ts';
import { readConfigDir } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import { appendConfigVersion } from '../store/index.ts';
import { configSnapshot } from './config-snapshot.ts';
import { startTestServer } from './test-server.test-support.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));

function refusedWith(message: RegExp) {
  return (error: unknown) => error instanceof ParapetError && error.code === 'usage' && message.test(error.message);
}

describe('serve --demo', () => {
  test('signs in the configuration\'s users with the passwords it made, through the server\'s own login', async () => {
    const server = await startTestServer({ settings: { demo: true, configDir: EXAMPLE } });
    try {
      const demo = server.context.sso?.demo;
      assert.ok(demo);
      assert.match(demo.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
      const grace = demo.users.find((user) => user.email === 'grace@acme.example');
      assert.ok(grace);
      assert.deepEqual(grace.groups, ['security-team', 'incident-responders']);

      const start = await server.app.inject({ method: 'GET', url: '/v1/login' });
      assert.equal(start.statusCode, 302);
      const cookie = String(start.headers['set-cookie']).split(';')[0]!;
      await assert.rejects(signInWithBrowser(String(start.headers.location), 'http://parapet.test/v1/login/callback', grace.email, 'not-the-password'), /status 401/);
      const callback = new URL(await signInWithBrowser(String(start.headers.location), 'http://parapet.test/v1/login/callback', grace.email, grace.password));
      // the users are matched against the configuration in force
      const { snapshot, hash } = configSnapshot(readConfigDir(EXAMPLE));
      await appendConfigVersion(server.context.store, { hash, snapshot, author: 'test', appliedAt: new Date(), planReport: '{}' });
      await server.context.config.refresh();
      const done = await server.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie } });
      assert.equal(done.statusCode, 200, done.body);
      assert.match(done.body, /Signed in as <b>grace@acme.example<\/b>/);
    } finally {
      await server.close();
    }
  });

  test('the demo provider is loaded only for --demo: other commands never print oidc-provider\'s Node.js version warning', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(['--version']);"], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });

  test('refuses a server that listens beyond loopback', async () => {
    await assert.rejects(startTestServer({ settings: { demo: true, configDir: EXAMPLE, host: '0.0.0.0' } }), refusedWith(/must listen on loopback only/));
  });

  test('needs a configuration for its users, and cannot be mixed with SSO settings', async () => {
    await assert.rejects(startTestServer({ settings: { demo: true } }), refusedWith(/needs a configuration/));
    await assert.rejects(
      startTestServer({ settings: { demo: true, configDir: EXAMPLE, sso: { issuer: 'https://login.example.com', clientId: 'c', clientSecret: 's' } } }),
      refusedWith(/remove the `sso` settings/),
    );
  });
});

describe('sso settings', () => {
  test('the sso settings reach the relying party, defaults filled in', async () => {
    const sso = { issuer: 'https://login.example.com', clientId: 'c', clientSecret: 's', scopes: ['openid', 'email', 'groups'], mfaAmrValues: ['hwk'], pendingLoginMaxAgeSeconds: 120, trustIdpGroups: true };
    const server = await startTestServer({ settings: { sso } });
    try {
      const settings = server.context.sso?.settings;
      assert.ok(settings);
      assert.deepEqual(settings.scopes, ['openid', 'email', 'groups']);
      assert.deepEqual(settings.mfaAmrValues, ['hwk']);
      assert.equal(settings.pendingLoginMaxAgeSeconds, 120);
      assert.equal(settings.trustIdpGroups, true);
      assert.equal(settings.groupsClaim, 'groups');
      assert.equal(settings.userClaim, 'email');
      assert.equal(server.context.sso?.redirectUri, 'http://parapet.test/v1/login/callback');
    } finally {
      await server.close();
    }
  });

  test('a client secret is required', async () => {
    await assert.rejects(startTestServer({ settings: { sso: { issuer: 'https://login.example.com', clientId: 'c' } } }), refusedWith(/client secret is required/));
  });

  test('a provider that is down does not stop the server: sign-in answers `unavailable` until it is back', async () => {
    const server = await startTestServer({ settings: { sso: { issuer: 'http://127.0.0.1:1', clientId: 'c', clientSecret: 's' } } });
    try {
      const response = await server.app.inject({ method: 'GET', url: '/v1/login' });
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /the provider cannot be reached/);
      assert.doesNotMatch(response.body, /"s"|clientSecret/);
    } finally {
      await server.close();
    }
  });
});
