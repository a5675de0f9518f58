import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { configDirectory } from '../org/config-directory.ts';
import { loadConfigDir } from '../org/load-config-dir.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { ParapetError } from '../policy/parapet-error.ts';
import { startDemoIdentityProvider, startDemoIdentityProviderForConfig, type ConfigDemoIdentityProvider } from './demo-identity-provider.ts';
import { matchDirectoryUser } from './match-directory-user.ts';
import { discoverOidcClient, finishLogin, startLogin, type OidcClient } from './oidc-login.ts';
import { signInWithBrowser } from './test-identity-provider.test-support.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const REDIRECT_URI = 'http://127.0.0.1:9/v1/login/callback';

describe('the demo identity provider', () => {
  test('refuses to listen anywhere but a loopback address', async () => {
    const client = { clientId: 'parapet', clientSecret: 'secret', redirectUris: [REDIRECT_URI] };
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '128.0.0.1']) {
      await assert.rejects(
        startDemoIdentityProvider({ host, accounts: [], client }),
        (error: unknown) => error instanceof ParapetError && error.code === 'usage' && error.message.includes(`host \`${host}\` is not a loopback address`),
        host,
      );
    }
  });

  describe('for the example configuration', () => {
    let config: OrgConfig;
    let demo: ConfigDemoIdentityProvider;
    let client: OidcClient;

    before(async () => {
      const parsed = loadConfigDir(EXAMPLE);
      assert.ok(parsed.ok, 'the example is valid');
      config = parsed.value;
      demo = await startDemoIdentityProviderForConfig(config, { redirectUri: REDIRECT_URI });
      client = await discoverOidcClient({ issuer: demo.issuer, clientId: demo.clientId, clientSecret: demo.clientSecret });
    });
    after(() => demo.stop());

    test('its accounts are the configuration\'s users, each with its own random password', () => {
      const directory = configDirectory(config);
      assert.deepEqual(demo.users.map((user) => user.email), directory.listUsers());
      for (const user of demo.users) assert.deepEqual(user.groups, directory.groupsOf(user.email));
      const passwords = new Set(demo.users.map((user) => user.password));
      assert.equal(passwords.size, demo.users.length, 'no two users share a password');
      for (const password of passwords) assert.ok(password.length >= 16, 'passwords are not guessable');
      assert.match(demo.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    });

    test('a user signs in with the printed password, gets the configuration\'s groups, and MFA when ticked', async () => {
      const erin = demo.users.find((user) => user.email === 'erin@acme.example');
      assert.ok(erin);
      const now = new Date();
      const started = await startLogin(client, { redirectUri: REDIRECT_URI, now });
      const callback = await signInWithBrowser(started.authorizationUrl, REDIRECT_URI, erin.email, erin.password, { mfa: true });
      const user = await finishLogin(client, callback, started.pending, { now });
      assert.equal(user.email, 'erin@acme.example');
      assert.deepEqual(user.groups, ['platform-admins', 'incident-responders']);
      assert.equal(user.mfa.present, true);
      const matched = matchDirectoryUser(user, configDirectory(config), client.settings);
      assert.deepEqual(matched.groups, ['platform-admins', 'incident-responders']);
    });

    test('a login form posted without the browser\'s sign-in, or too large, is refused without a server error', async () => {
      const forged = await fetch(`${demo.issuer}/interaction/made-up-uid/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'erin@acme.example', password: 'x' }),
      });
      assert.equal(forged.status, 400);
      assert.match(await forged.text(), /expired or was not started in this browser/);
      const started = await startLogin(client, { redirectUri: REDIRECT_URI, now: new Date() });
      const first = await fetch(started.authorizationUrl, { redirect: 'manual' });
      const cookies = first.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
      const formUrl = new URL(String(first.headers.get('location')), demo.issuer);
      const huge = await fetch(`${formUrl.href}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies },
        body: `email=a&password=${'x'.repeat(20_000)}`,
      });
      assert.equal(huge.status, 400);
      assert.match(await huge.text(), /the login form is too large/);
    });

    test('a wrong password, or another user\'s, is refused at the login form', async () => {
      const [alice, bob] = demo.users;
      assert.ok(alice && bob);
      const started = await startLogin(client, { redirectUri: REDIRECT_URI, now: new Date() });
      for (const password of ['wrong', bob.password, '']) {
        await assert.rejects(signInWithBrowser(started.authorizationUrl, REDIRECT_URI, alice.email, password), /status 401: .*wrong e-mail address or password/);
      }
      await assert.rejects(signInWithBrowser(started.authorizationUrl, REDIRECT_URI, 'nobody@acme.example', alice.password), /status 401/);
    });
  });
});
