import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ParapetError, type ErrorCode } from '../policy/parapet-error.ts';
import { discoverOidcClient, finishLogin, startLogin, type OidcClient } from './oidc-login.ts';
import { startTestIdentityProvider, type TestIdentityProvider } from './test-identity-provider.test-support.ts';

const USERS = [
  { email: 'alice@acme.example', name: 'Alice', groups: ['developers', 'payments'] },
  { email: 'bob@acme.example', groups: [] },
];

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ParapetError, `expected a ParapetError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('sign-in with OpenID Connect against a real provider', () => {
  let provider: TestIdentityProvider;
  let client: OidcClient;
  const now = new Date();

  before(async () => {
    provider = await startTestIdentityProvider({ users: USERS });
    client = await discoverOidcClient(provider.settings);
  });
  after(() => provider.stop());

  test('start → sign in → finish gives the user, the groups claim, and no MFA for a password alone', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const url = new URL(started.authorizationUrl);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('state'), started.pending.state);
    assert.equal(url.searchParams.get('nonce'), started.pending.nonce);
    assert.equal(url.searchParams.has('code_verifier'), false, 'the verifier never leaves the server');
    const callback = await provider.signIn(started.authorizationUrl, 'alice@acme.example');
    const user = await finishLogin(client, callback, started.pending, { now });
    assert.equal(user.issuer, provider.issuer);
    assert.equal(user.subject, 'alice@acme.example');
    assert.equal(user.email, 'alice@acme.example');
    assert.equal(user.emailVerified, true);
    assert.equal(user.name, 'Alice');
    assert.deepEqual(user.groups, ['developers', 'payments']);
    assert.equal(user.mfa.present, false);
    assert.ok(user.mfa.authTime instanceof Date);
    assert.ok(Math.abs(user.mfa.authTime.getTime() - Date.now()) < 60_000, 'auth_time is the sign-in time');
  });

  test('ticking MFA at the provider puts `mfa` in amr: MFA present, with its time', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(started.authorizationUrl, 'bob@acme.example', { mfa: true });
    const user = await finishLogin(client, callback, started.pending, { now });
    assert.equal(user.email, 'bob@acme.example');
    assert.deepEqual(user.groups, []);
    assert.equal(user.mfa.present, true);
    assert.ok(user.mfa.authTime instanceof Date);
  });

  test('a callback with another sign-in\'s state is refused before the code is used', async () => {
    const first = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const second = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(second.authorizationUrl, 'alice@acme.example');
    await rejectsWith(finishLogin(client, callback, first.pending, { now }), 'unauthenticated', /`state` does not match/);
    // the code was not spent: the right sign-in still completes
    const user = await finishLogin(client, callback, second.pending, { now });
    assert.equal(user.email, 'alice@acme.example');
  });

  test('an ID token whose nonce belongs to another sign-in is refused', async () => {
    const first = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const second = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(second.authorizationUrl, 'alice@acme.example');
    await rejectsWith(finishLogin(client, callback, { ...second.pending, nonce: first.pending.nonce }, { now }), 'unauthenticated', /nonce/);
  });

  test('a replayed callback is refused: the code is single-use', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(started.authorizationUrl, 'alice@acme.example');
    await finishLogin(client, callback, started.pending, { now });
    await rejectsWith(finishLogin(client, callback, started.pending, { now }), 'unauthenticated', /invalid_grant/);
  });

  test('a tampered code is refused by the provider', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = new URL(await provider.signIn(started.authorizationUrl, 'alice@acme.example'));
    const code = callback.searchParams.get('code') ?? '';
    callback.searchParams.set('code', `${code.slice(0, -2)}${code.endsWith('AA') ? 'BB' : 'AA'}`);
    await rejectsWith(finishLogin(client, callback, started.pending, { now }), 'unauthenticated', /invalid_grant/);
  });

  test('a code redeemed with another sign-in\'s PKCE verifier is refused', async () => {
    const first = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const second = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(second.authorizationUrl, 'alice@acme.example');
    await rejectsWith(finishLogin(client, callback, { ...second.pending, codeVerifier: first.pending.codeVerifier }, { now }), 'unauthenticated', /invalid_grant/);
  });

  test('the user cancelling at the provider (`error=access_denied`) is refused with the provider\'s reason', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(started.authorizationUrl, 'alice@acme.example', { cancel: true });
    assert.equal(new URL(callback).searchParams.get('error'), 'access_denied');
    await rejectsWith(finishLogin(client, callback, started.pending, { now }), 'unauthenticated', /refused the sign-in: `access_denied`: the user cancelled/);
  });

  test('a sign-in finished after its maximum age is refused', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(started.authorizationUrl, 'alice@acme.example');
    const later = new Date(now.getTime() + 601_000);
    await rejectsWith(finishLogin(client, callback, started.pending, { now: later }), 'unauthenticated', /expired/);
  });

  test('callbacks that are not authorization responses are invalid input', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const { state } = started.pending;
    for (const [query, message] of [
      [`?code=abc`, /has no `state`/],
      [`?state=${state}`, /either a `code` or an `error`/],
      [`?state=${state}&code=a&error=access_denied`, /either a `code` or an `error`/],
      [`?state=${state}&code=a&code=b`, /repeats parameter `code`/],
      [`?state=${state}&state=${state}&code=a`, /repeats parameter `state`/],
    ] as const) {
      await rejectsWith(finishLogin(client, `${provider.redirectUri}${query}`, started.pending, { now }), 'invalid-input', message);
    }
  });

  test('a wrong password does not reach the callback', async () => {
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    await assert.rejects(provider.signIn(started.authorizationUrl, 'alice@acme.example', { password: 'guess' }), /status 401: .*wrong e-mail address or password/);
  });
});

describe('a provider that keeps profile and groups in userinfo', () => {
  test('the claims missing from the ID token are read from userinfo', async () => {
    const provider = await startTestIdentityProvider({ users: USERS, claimsInIdToken: false });
    try {
      const client = await discoverOidcClient(provider.settings);
      const now = new Date();
      const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
      const callback = await provider.signIn(started.authorizationUrl, 'alice@acme.example', { mfa: true });
      const user = await finishLogin(client, callback, started.pending, { now });
      assert.equal(user.email, 'alice@acme.example');
      assert.deepEqual(user.groups, ['developers', 'payments']);
      assert.equal(user.mfa.present, true, 'amr is in the ID token whatever the scopes');
    } finally {
      await provider.stop();
    }
  });
});

describe('a provider that cannot be reached', () => {
  test('discovery of a provider that is down is `unavailable`', async () => {
    const provider = await startTestIdentityProvider({ users: USERS });
    await provider.stop();
    await rejectsWith(discoverOidcClient(provider.settings), 'unavailable', /reading the provider metadata: the provider cannot be reached: ECONNREFUSED/);
  });

  test('a provider that goes down between start and callback is `unavailable`, not a user', async () => {
    const provider = await startTestIdentityProvider({ users: USERS });
    const client = await discoverOidcClient(provider.settings);
    const now = new Date();
    const started = await startLogin(client, { redirectUri: provider.redirectUri, now });
    const callback = await provider.signIn(started.authorizationUrl, 'alice@acme.example');
    await provider.stop();
    await rejectsWith(finishLogin(client, callback, started.pending, { now }), 'unavailable', /redeeming the authorization code: the provider cannot be reached/);
  });

  test('settings that cannot work are usage errors, before any request', async () => {
    const base = { clientId: 'parapet', clientSecret: 'secret' };
    await rejectsWith(discoverOidcClient({ ...base, issuer: 'http://login.example.com' }), 'usage', /must use https/);
    await rejectsWith(discoverOidcClient({ ...base, issuer: 'not a url' }), 'usage', /is not a URL/);
    await rejectsWith(discoverOidcClient({ ...base, issuer: 'https://login.example.com', clientSecret: '' }), 'usage', /client secret is empty/);
    await rejectsWith(discoverOidcClient({ ...base, issuer: 'https://login.example.com', scopes: ['email'] }), 'usage', /`openid`/);
  });
});
