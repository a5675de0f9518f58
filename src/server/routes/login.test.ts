/**
 * Sign-in through the server against a real OpenID provider in process: the browser's redirects
 * (Fastify inject, with the pending sign-in cookie carried by hand), the CLI's loopback hand-over,
 * the device-code flow, logout, and each refusal as the one error body with its code.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { ErrorBody } from '../../contract/error-body.ts';
import { DeviceLogin, DeviceToken } from '../../contract/login.ts';
import { startTestIdentityProvider, type SignInOptions, type TestIdentityProvider } from '../../identity/test-identity-provider.test-support.ts';
import { readConfigDir } from '../../org/index.ts';
import { appendConfigVersion } from '../../store/index.ts';
import { eventsDuring, theEvent } from '../audit-events.test-support.ts';
import { configSnapshot } from '../config-snapshot.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';
import { LOGIN_COOKIE } from './login.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/acme', import.meta.url));
const PUBLIC_URL = 'http://parapet.test';
let now = new Date('2026-12-06T12:00:00Z');
let idp: TestIdentityProvider;
let server: TestServer;

// every test its own client address: the sign-in routes are rate-limited per address
let addresses = 0;
const nextAddress = () => `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`;

before(async () => {
  idp = await startTestIdentityProvider({
    users: [
      { email: 'alice@acme.example', groups: ['everyone'] },
      { email: 'Erin@ACME.example', groups: [] },
      { email: 'mallory@acme.example', groups: ['platform-admins'] },
    ],
    redirectUri: `${PUBLIC_URL}/v1/login/callback`,
  });
  server = await startTestServer({ clock: () => now, settings: { sso: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret } } });
  const { snapshot, hash } = configSnapshot(readConfigDir(EXAMPLE));
  await appendConfigVersion(server.context.store, { hash, snapshot, author: 'test', appliedAt: now, planReport: '{}' });
  await server.context.config.refresh();
});
after(async () => {
  await server.close();
  await idp.stop();
});

function assertError(response: { statusCode: number; json(): unknown }, code: string, status: number, message?: RegExp): ErrorBody {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  if (message !== undefined) assert.match(body.error.message, message);
  return body;
}

function cookieOf(response: { headers: Record<string, unknown> }): string {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : [String(header)];
  const line = lines.find((l: string) => l.startsWith(`${LOGIN_COOKIE}=`));
  assert.ok(line, 'the pending sign-in cookie is set');
  assert.match(line, /HttpOnly/);
  assert.match(line, /SameSite=Lax/);
  assert.match(line, /Path=\/v1\/login/);
  return line.split(';')[0]!;
}

/** the browser: start at `path`, sign in at the provider, come back with the cookie */
async function browserSignIn(path: string, email: string, options: SignInOptions & { cookie?: string } = {}) {
  const remoteAddress = nextAddress();
  const start = await server.app.inject({ method: 'GET', url: path, remoteAddress });
  assert.equal(start.statusCode, 302, start.body);
  const providerUrl = String(start.headers.location);
  assert.ok(providerUrl.startsWith(idp.issuer), providerUrl);
  const cookie = cookieOf(start);
  const callback = new URL(await idp.signIn(providerUrl, email, options));
  return server.app.inject({
    method: 'GET',
    url: `${callback.pathname}${callback.search}`,
    headers: { cookie: options.cookie ?? cookie, 'user-agent': 'test-browser/1.0', 'x-request-id': `sign-in-${remoteAddress}` },
    remoteAddress,
  });
}

function whoami(token: string) {
  return server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
}

function tokenOnPage(html: string): string {
  const token = /<pre[^>]*>([^<]+)<\/pre>/.exec(html)?.[1];
  assert.ok(token, html);
  return token;
}

describe('sign-in in a browser', () => {
  test('start → provider → callback: a page with a sign-in credential for the configuration\'s user', async () => {
    const response = await browserSignIn('/v1/login', 'alice@acme.example');
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /text\/html/);
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
    assert.match(String(response.headers['set-cookie']), new RegExp(`${LOGIN_COOKIE}=;.*Expires=Thu, 01 Jan 1970`), 'the pending sign-in is cleared');
    const me = await whoami(tokenOnPage(response.body));
    assert.equal(me.statusCode, 200);
    const body = me.json() as { kind: string; user: string; credential: { use: string; mfa: boolean; expiresAt: string } };
    assert.equal(body.user, 'alice@acme.example');
    assert.equal(body.credential.use, 'sign-in');
    assert.equal(body.credential.mfa, false);
    assert.equal(body.credential.expiresAt, new Date(now.getTime() + 12 * 3600 * 1000).toISOString());
  });

  test('MFA at the provider is in the credential; the user is named as the configuration spells it', async () => {
    const response = await browserSignIn('/v1/login', 'Erin@ACME.example', { mfa: true });
    assert.equal(response.statusCode, 200, response.body);
    const body = (await whoami(tokenOnPage(response.body))).json() as { user: string; credential: { mfa: boolean } };
    assert.equal(body.user, 'erin@acme.example');
    assert.equal(body.credential.mfa, true);
  });

  test('someone the configuration does not know is refused, whatever groups the provider gives', async () => {
    assertError(await browserSignIn('/v1/login', 'mallory@acme.example'), 'forbidden', 403, /`mallory@acme.example` is not a user of the configuration/);
  });

  test('a callback without this browser\'s sign-in cookie, or with another sign-in\'s, is refused', async () => {
    assertError(await browserSignIn('/v1/login', 'alice@acme.example', { cookie: '' }), 'unauthenticated', 401, /no sign-in in progress/);
    const other = cookieOf(await server.app.inject({ method: 'GET', url: '/v1/login', remoteAddress: nextAddress() }));
    assertError(await browserSignIn('/v1/login', 'alice@acme.example', { cookie: other }), 'unauthenticated', 401, /`state` does not match/);
    assertError(await browserSignIn('/v1/login', 'alice@acme.example', { cookie: `${LOGIN_COOKIE}=forged` }), 'unauthenticated', 401, /not valid/);
  });

  test('the person cancelling at the provider is a clear refusal', async () => {
    assertError(await browserSignIn('/v1/login', 'alice@acme.example', { cancel: true }), 'unauthenticated', 401, /access_denied/);
  });
});

describe('sign-in for a CLI on loopback', () => {
  test('the credential goes to the CLI\'s loopback address', async () => {
    const response = await browserSignIn(`/v1/login?cli_redirect=${encodeURIComponent('http://127.0.0.1:5555/callback/abc?x=1')}`, 'alice@acme.example');
    assert.equal(response.statusCode, 302, response.body);
    const target = new URL(String(response.headers.location));
    assert.equal(`${target.origin}${target.pathname}`, 'http://127.0.0.1:5555/callback/abc');
    assert.equal(target.searchParams.get('x'), '1');
    const me = await whoami(target.searchParams.get('token') ?? '');
    assert.equal((me.json() as { user: string }).user, 'alice@acme.example');
  });

  test('a redirect anywhere but this machine\'s loopback is refused before the provider is asked', async () => {
    for (const redirect of ['http://evil.example:5555/cb', 'https://127.0.0.1:5555/cb', 'http://127.0.0.1/cb', 'http://user:pw@127.0.0.1:5555/cb', 'http://10.0.0.1:5555/cb', 'not a url']) {
      const response = await server.app.inject({ method: 'GET', url: `/v1/login?cli_redirect=${encodeURIComponent(redirect)}`, remoteAddress: nextAddress() });
      assertError(response, 'usage', 400, /cli_redirect/);
      assert.equal(response.headers['set-cookie'], undefined);
    }
  });
});

describe('device-code sign-in', () => {
  async function startDevice(): Promise<DeviceLogin> {
    const response = await server.app.inject({ method: 'POST', url: '/v1/login/device', remoteAddress: nextAddress() });
    assert.equal(response.statusCode, 200, response.body);
    return DeviceLogin.parse(response.json());
  }
  function poll(deviceCode: string) {
    return server.app.inject({ method: 'POST', url: '/v1/login/device/token', payload: { deviceCode }, remoteAddress: nextAddress() });
  }
  /** `origin` null: a request without an Origin header */
  function verify(userCode: string, origin: string | null = PUBLIC_URL) {
    return server.app.inject({
      method: 'POST',
      url: '/v1/login/device/verify',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? {} : { origin }) },
      payload: new URLSearchParams({ user_code: userCode }).toString(),
      remoteAddress: nextAddress(),
    });
  }

  test('pending until the person signs in with the code, then the credential, exactly once', async () => {
    const device = await startDevice();
    assert.match(device.userCode, /^[B-Z]{4}-[B-Z]{4}$/);
    assert.equal(device.verificationUri, `${PUBLIC_URL}/v1/login/device/verify`);
    assert.equal(device.verificationUriComplete, `${device.verificationUri}?user_code=${device.userCode}`);
    assert.deepEqual(DeviceToken.parse((await poll(device.deviceCode)).json()), { status: 'authorization_pending' });

    const form = await server.app.inject({ method: 'GET', url: `/v1/login/device/verify?user_code=${device.userCode}`, remoteAddress: nextAddress() });
    assert.equal(form.statusCode, 200);
    assert.match(form.body, new RegExp(`<form method="post" action="/v1/login/device/verify">[\\s\\S]*value="${device.userCode}"`));

    // typed by a person: lower case, no dash
    const started = await verify(device.userCode.replace('-', '').toLowerCase());
    assert.equal(started.statusCode, 303, started.body);
    const callback = new URL(await idp.signIn(String(started.headers.location), 'alice@acme.example', { mfa: true }));
    const done = await server.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: cookieOf(started) }, remoteAddress: nextAddress() });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.body, /Signed in as <b>alice@acme.example<\/b>/);
    assert.doesNotMatch(done.body, /<pre/, 'the browser never sees the device\'s credential');

    const complete = DeviceToken.parse((await poll(device.deviceCode)).json());
    assert.equal(complete.status, 'complete');
    assert.equal(complete.user, 'alice@acme.example');
    const me = (await whoami(complete.token)).json() as { user: string; credential: { mfa: boolean } };
    assert.equal(me.user, 'alice@acme.example');
    assert.equal(me.credential.mfa, true);
    assertError(await poll(device.deviceCode), 'unauthenticated', 401, /already used/);
    assertError(await verify(device.userCode), 'not-found', 404, /is not waiting for a sign-in/);
  });

  test('an approval can only start from the server\'s own page', async () => {
    const device = await startDevice();
    assertError(await verify(device.userCode, null), 'forbidden', 403, /own page/);
    assertError(await verify(device.userCode, 'http://evil.example'), 'forbidden', 403, /own page/);
    assertError(await verify('BCDF-GHJK'), 'not-found', 404);
    assertError(await verify('not a code'), 'not-found', 404);
    assert.deepEqual(DeviceToken.parse((await poll(device.deviceCode)).json()), { status: 'authorization_pending' });
  });

  test('codes expire: the poll says so, and the page refuses the code', async () => {
    const device = await startDevice();
    const saved = now;
    now = new Date(saved.getTime() + 601_000);
    try {
      assertError(await poll(device.deviceCode), 'unauthenticated', 401, /expired/);
      assertError(await verify(device.userCode), 'not-found', 404);
    } finally {
      now = saved;
    }
  });

  test('a made-up device code is refused', async () => {
    assertError(await poll('made-up'), 'unauthenticated', 401, /not valid/);
    assertError(await server.app.inject({ method: 'POST', url: '/v1/login/device/token', payload: {}, remoteAddress: nextAddress() }), 'invalid-input', 422);
  });
});

describe('the sign-in credential is recorded like every credential', () => {
  test('it is listed with the caller\'s credentials, and revoking it by id refuses it', async () => {
    const token = tokenOnPage((await browserSignIn('/v1/login', 'alice@acme.example')).body);
    const id = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti;
    const listed = await server.app.inject({ method: 'GET', url: '/v1/sessions', headers: { authorization: `Bearer ${token}` } });
    assert.equal(listed.statusCode, 200, listed.body);
    const mine = (listed.json() as { credentials: { id: string; use: string; current: boolean }[] }).credentials.find((credential) => credential.id === id);
    assert.deepEqual(mine && { use: mine.use, current: mine.current }, { use: 'sign-in', current: true });
    const revoked = await server.app.inject({ method: 'DELETE', url: `/v1/sessions/${id}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assertError(await whoami(token), 'unauthenticated', 401);
  });
});

describe('sign-in on the audit log', () => {
  const jtiOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti;

  test('an SSO sign-in: who, from where, with which credential, before the credential is handed out', async () => {
    let response: Awaited<ReturnType<typeof browserSignIn>> | undefined;
    const events = await eventsDuring(server, async () => {
      response = await browserSignIn('/v1/login', 'alice@acme.example', { mfa: true });
    });
    assert.equal(response?.statusCode, 200, response?.body);
    const token = tokenOnPage(response?.body ?? '');
    const event = theEvent(events, 'sign-in', 'sso-sign-in', 'success');
    const address = String(response?.headers['x-request-id']).replace('sign-in-', '');
    assert.deepEqual(event.actor, { principal: 'alice@acme.example', session: jtiOf(token), sourceIp: address, userAgent: 'test-browser/1.0' });
    assert.equal(event.time, now.toISOString());
    assert.equal(event.requestId, `sign-in-${address}`);
    assert.equal(event.resource, `credential:${jtiOf(token)}`);
    assert.deepEqual(event.details, {
      method: 'sso',
      handover: 'browser',
      issuer: idp.issuer,
      credential: jtiOf(token),
      expiresAt: new Date(now.getTime() + 12 * 3600 * 1000).toISOString(),
      mfa: true,
    });
  });

  test('a refused sign-in is on record under the name the provider gave, with the reason', async () => {
    const events = await eventsDuring(server, async () => assertError(await browserSignIn('/v1/login', 'mallory@acme.example'), 'forbidden', 403));
    const event = theEvent(events, 'sign-in', 'sso-sign-in', 'failure');
    assert.equal(event.actor.principal, 'mallory@acme.example');
    assert.equal(event.actor.session, undefined);
    assert.equal((event.details?.['reason'] as { code: string }).code, 'forbidden');
    assert.match((event.details?.['reason'] as { message: string }).message, /not a user of the configuration/);
    const forged = await eventsDuring(server, async () => assertError(await browserSignIn('/v1/login', 'alice@acme.example', { cookie: `${LOGIN_COOKIE}=forged` }), 'unauthenticated', 401));
    assert.equal(theEvent(forged, 'sign-in', 'sso-sign-in', 'failure').actor.principal, 'anonymous');
  });

  test('a device sign-in: the approval, then the credential the device polls for; an expired code is a failure', async () => {
    const started = DeviceLogin.parse((await server.app.inject({ method: 'POST', url: '/v1/login/device', remoteAddress: nextAddress() })).json());
    const events = await eventsDuring(server, async () => {
      const verify = await server.app.inject({
        method: 'POST',
        url: '/v1/login/device/verify',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL },
        payload: new URLSearchParams({ user_code: started.userCode }).toString(),
        remoteAddress: nextAddress(),
      });
      const callback = new URL(await idp.signIn(String(verify.headers.location), 'alice@acme.example'));
      const done = await server.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: cookieOf(verify) }, remoteAddress: nextAddress() });
      assert.equal(done.statusCode, 200, done.body);
      const complete = DeviceToken.parse((await server.app.inject({ method: 'POST', url: '/v1/login/device/token', payload: { deviceCode: started.deviceCode }, headers: { 'user-agent': 'parapet-cli' }, remoteAddress: '10.9.9.9' })).json());
      assert.equal(complete.status, 'complete');
    });
    const approval = theEvent(events, 'sign-in', 'sso-sign-in', 'success');
    assert.equal(approval.actor.principal, 'alice@acme.example');
    assert.equal(approval.resource, `device-login:${started.userCode}`);
    assert.equal(approval.details?.['handover'], 'device');
    const device = theEvent(events, 'sign-in', 'device-sign-in', 'success');
    assert.equal(device.actor.principal, 'alice@acme.example');
    assert.equal(device.actor.sourceIp, '10.9.9.9');
    assert.equal(device.actor.userAgent, 'parapet-cli');
    assert.equal(device.details?.['method'], 'device');
    assert.equal(device.actor.session, device.details?.['credential']);

    const late = DeviceLogin.parse((await server.app.inject({ method: 'POST', url: '/v1/login/device', remoteAddress: nextAddress() })).json());
    const saved = now;
    now = new Date(saved.getTime() + 601_000);
    try {
      const expired = await eventsDuring(server, async () =>
        assertError(await server.app.inject({ method: 'POST', url: '/v1/login/device/token', payload: { deviceCode: late.deviceCode }, remoteAddress: nextAddress() }), 'unauthenticated', 401),
      );
      const failure = theEvent(expired, 'sign-in', 'device-sign-in', 'failure');
      assert.equal(failure.actor.principal, 'anonymous');
      assert.deepEqual(failure.details?.['reason'], { code: 'unauthenticated', message: 'the device code expired: run `parapet login --device` again' });
    } finally {
      now = saved;
    }
  });

  test('fail closed: when the sign-in cannot be recorded, no credential is handed out and the error says why', async () => {
    await sql`alter table audit_events rename to audit_events_gone`.execute(server.context.store.db);
    try {
      const response = await browserSignIn('/v1/login', 'alice@acme.example');
      assertError(response, 'unavailable', 503, /^the audit log cannot be written: /);
      assert.doesNotMatch(response.body, /<pre/);
    } finally {
      await sql`alter table audit_events_gone rename to audit_events`.execute(server.context.store.db);
    }
  });
});

describe('a server without sign-in settings', () => {
  test('answers `unavailable` on the sign-in routes, and rate-limits them per address', async () => {
    const bare = await startTestServer({ clock: () => now });
    try {
      assertError(await bare.app.inject({ method: 'GET', url: '/v1/login' }), 'unavailable', 503, /not configured/);
      assertError(await bare.app.inject({ method: 'POST', url: '/v1/login/device' }), 'unavailable', 503);
      let limited;
      for (let i = 0; i < 40 && limited === undefined; i += 1) {
        const response = await bare.app.inject({ method: 'GET', url: '/v1/login', remoteAddress: '192.0.2.7' });
        if (response.statusCode === 429) limited = i;
      }
      assert.equal(limited, 30, 'the 31st request of a minute from one address is refused');
      assertError(await bare.app.inject({ method: 'GET', url: '/v1/login', remoteAddress: '192.0.2.7' }), 'too-many-requests', 429);
      assertError(await bare.app.inject({ method: 'GET', url: '/v1/login', remoteAddress: '192.0.2.8' }), 'unavailable', 503);
    } finally {
      await bare.close();
    }
  });
});
