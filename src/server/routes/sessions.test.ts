/**
 * Sessions over HTTP on the production wiring (a real SQLite store, the example organization
 * stored as the active configuration): assume only what a user holds through a group, standing;
 * lifetimes capped; the caller's own credentials listed and revoked, never another's; offboarding
 * by a service account only; the OpenID discovery documents; and, on one PostgreSQL and on one
 * SQLite file, a revocation through one server process refused by another within the poll.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { ErrorBody } from '../../contract/error-body.ts';
import { JsonWebKeySet, OpenIdConfiguration } from '../../contract/openid-discovery.ts';
import { Revoked, SessionIssued, SessionList } from '../../contract/sessions.ts';
import { WhoAmI } from '../../contract/whoami.ts';
import { CREDENTIAL_AUDIENCE, issueCredential } from '../../identity/credential.ts';
import { principalSession } from '../../analysis/principal-session.ts';
import { ParapetError } from '../../policy/index.ts';
import { findCredential } from '../../store/index.ts';
import { startTestDatabases } from '../../store/test-databases.test-support.ts';
import { applyTestConfig } from '../apply-test-config.test-support.ts';
import { issueSignIn } from '../issue-sign-in.ts';
import { createServerContext } from '../main.ts';
import { resolveServerSettings } from '../server-settings.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';

const ISSUER = 'http://parapet.test';
const T0 = new Date('2026-12-06T12:00:00Z');
let now = T0;
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const server = await startTestServer({ clock: () => now });
after(() => server.close());
before(() => applyTestConfig(server.context));

type Response = { statusCode: number; json(): unknown };

function call(method: 'GET' | 'POST' | 'DELETE', url: string, token: string | undefined, body?: unknown, on: TestServer = server) {
  return on.app.inject({ method, url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
}

function assertError(response: Response, code: string, status: number): string {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  return body.error.message;
}

async function signIn(user: string, options: { lifetimeSeconds?: number; mfa?: boolean } = {}) {
  return issueSignIn(server.context, { user, authTime: seconds(now) - 30, ...(options.mfa === true ? { mfaTime: seconds(now) - 20 } : {}), lifetimeSeconds: options.lifetimeSeconds });
}

async function assume(token: string, body: Record<string, unknown>, on: TestServer = server): Promise<SessionIssued> {
  const response = await call('POST', '/v1/sessions', token, body, on);
  assert.equal(response.statusCode, 201, JSON.stringify(response.json()));
  return SessionIssued.parse(response.json());
}

async function whoami(token: string, on: TestServer = server) {
  return call('GET', '/v1/whoami', token, undefined, on);
}

function serviceCredential(name: string) {
  return issueCredential(server.context.keys, { jti: server.context.newId(), sub: `service-account:${name}`, use: 'service', authTime: seconds(now) }, { issuer: ISSUER, now, lifetimeSeconds: 600 });
}

describe('POST /v1/sessions: assume', () => {
  test('a user assumes a permission set they hold through a group: a session credential for that account, its principal as `parapet test` sees it', async () => {
    const { token: signInToken, claims: signInClaims } = await signIn('alice@acme.example', { mfa: true });
    const session = await assume(signInToken, { account: 'payments-prod', permissionSet: 'developer' });
    assert.deepEqual(session.account, { id: '400000000001', name: 'payments-prod' });
    assert.equal(session.permissionSet, 'developer');
    assert.equal(session.principalArn, 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example');
    assert.equal(session.principalArn, principalSession({ kind: 'user', name: 'alice@acme.example' }, '400000000001', 'developer').principal);
    // developer's sessionDuration is 8h, the sign-in has 12h left
    assert.equal(Date.parse(session.expiresAt) - now.getTime(), 8 * 3600 * 1000);

    const claims = decodeJwt(session.token);
    assert.equal(claims['use'], 'session');
    assert.equal(claims['parent'], signInClaims.jti);
    assert.equal(claims['auth_time'], signInClaims.authTime);
    assert.equal(claims['mfa_time'], signInClaims.mfaTime);
    assert.equal(claims.jti, session.id);

    const me = WhoAmI.parse((await whoami(session.token)).json());
    assert.equal(me.kind, 'user');
    if (me.kind === 'user') assert.deepEqual([me.user, me.credential.use, me.credential.account, me.credential.permissionSet, me.credential.mfa], ['alice@acme.example', 'session', '400000000001', 'developer', true]);

    const stored = await findCredential(server.context.store, session.id);
    assert.deepEqual(
      [stored?.subject, stored?.use, stored?.account, stored?.permissionSet, stored?.parent, stored?.expiresAt],
      ['alice@acme.example', 'session', '400000000001', 'developer', signInClaims.jti, session.expiresAt],
    );
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /parapet_credentials_issued_total\{use="session"\} [1-9]/);
    assert.match(metrics.body, /parapet_credentials_issued_total\{use="sign-in"\} [1-9]/);
  });

  test('the account may be named by its 12-digit id', async () => {
    const { token } = await signIn('carol@acme.example');
    const session = await assume(token, { account: '500000000002', permissionSet: 'admin' });
    assert.deepEqual(session.account, { id: '500000000002', name: 'checkout-staging' });
  });

  test('the lifetime is the least of the request, the permission set\'s sessionDuration and what is left of the sign-in', async () => {
    const { token } = await signIn('alice@acme.example');
    const life = async (body: Record<string, unknown>, token_ = token) => (Date.parse((await assume(token_, body)).expiresAt) - now.getTime()) / 1000;
    assert.equal(await life({ account: 'payments-prod', permissionSet: 'developer', durationSeconds: 900 }), 900);
    assert.equal(await life({ account: 'payments-prod', permissionSet: 'developer', durationSeconds: 10 * 3600 }), 8 * 3600);
    assert.equal(await life({ account: 'payments-staging', permissionSet: 'admin' }), 3600);
    const { token: short } = await signIn('alice@acme.example', { lifetimeSeconds: 1800 });
    assert.equal(await life({ account: 'payments-prod', permissionSet: 'developer' }, short), 1800);
  });

  test('a session credential, a service account and no credential cannot make sessions', async () => {
    const { token } = await signIn('alice@acme.example');
    const session = await assume(token, { account: 'payments-prod', permissionSet: 'developer' });
    assert.match(assertError(await call('POST', '/v1/sessions', session.token, { account: 'payments-prod', permissionSet: 'developer' }), 'forbidden', 403), /a session credential cannot make sessions/);
    const service = await serviceCredential('deployer');
    assertError(await call('POST', '/v1/sessions', service.token, { account: 'payments-prod', permissionSet: 'deployer' }), 'forbidden', 403);
    assertError(await call('POST', '/v1/sessions', undefined, { account: 'payments-prod', permissionSet: 'developer' }), 'unauthenticated', 401);
  });

  test('an unknown account or permission set is `not-found` with a suggestion; a malformed body is `invalid-input`', async () => {
    const { token } = await signIn('alice@acme.example');
    assert.equal(assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prd', permissionSet: 'developer' }), 'not-found', 404), 'unknown account `payments-prd`: did you mean `payments-prod`');
    assert.equal(assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prod', permissionSet: 'develper' }), 'not-found', 404), 'unknown permission set `develper`: did you mean `developer`');
    assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prod' }), 'invalid-input', 422);
    assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prod', permissionSet: 'developer', durationSeconds: -5 }), 'invalid-input', 422);
    assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prod', permissionSet: 'developer', extra: true }), 'invalid-input', 422);
  });

  test('only standing assignments of the user\'s groups: another team\'s account is forbidden, an eligible one needs just-in-time elevation', async () => {
    const { token } = await signIn('alice@acme.example');
    assert.equal(
      assertError(await call('POST', '/v1/sessions', token, { account: 'checkout-prod', permissionSet: 'developer' }), 'forbidden', 403),
      '`alice@acme.example` holds `developer` in `checkout-prod` through none of their groups',
    );
    assert.match(assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prod', permissionSet: 'admin' }), 'forbidden', 403), /only eligible for `admin` in `payments-prod`: it needs just-in-time elevation/);
    // a person the configuration does not know holds nothing
    const { token: stranger } = await signIn('mallory@evil.example');
    assertError(await call('POST', '/v1/sessions', stranger, { account: 'payments-prod', permissionSet: 'developer' }), 'forbidden', 403);
  });

  test('without an applied configuration nothing can be assumed: `unavailable`', async () => {
    const empty = await startTestServer({ clock: () => now });
    try {
      const { token } = await issueSignIn(empty.context, { user: 'alice@acme.example', authTime: seconds(now) });
      assert.match(assertError(await call('POST', '/v1/sessions', token, { account: 'payments-prod', permissionSet: 'developer' }, empty), 'unavailable', 503), /no configuration applied yet/);
    } finally {
      await empty.close();
    }
  });
});

describe('listing and revoking one\'s own credentials', () => {
  test('GET /v1/sessions lists the caller\'s live credentials, no tokens, none of another user\'s', async () => {
    const { token, claims } = await signIn('bob@acme.example');
    const session = await assume(token, { account: 'payments-staging', permissionSet: 'developer' });
    await signIn('carol@acme.example');
    const response = await call('GET', '/v1/sessions', session.token);
    assert.equal(response.statusCode, 200);
    assert.doesNotMatch(response.body, /eyJ/, 'no token in the listing');
    const list = SessionList.parse(response.json());
    const ids = list.credentials.map((c) => c.id);
    assert.ok(ids.includes(claims.jti) && ids.includes(session.id));
    const mine = list.credentials.find((c) => c.id === session.id);
    assert.deepEqual(mine, { id: session.id, use: 'session', issuedAt: now.toISOString(), expiresAt: session.expiresAt, account: '500000000001', permissionSet: 'developer', parent: claims.jti, current: true });
    assert.equal(list.credentials.find((c) => c.id === claims.jti)?.current, false);
  });

  test('DELETE /v1/sessions/{id} revokes one own credential at once; another user\'s is answered as if it did not exist', async () => {
    const { token } = await signIn('dan@acme.example');
    const first = await assume(token, { account: 'checkout-prod', permissionSet: 'developer' });
    const second = await assume(token, { account: 'checkout-staging', permissionSet: 'developer' });
    const response = await call('DELETE', `/v1/sessions/${first.id}`, token);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(Revoked.parse(response.json()), { kind: 'credential', id: first.id, revokedAt: now.toISOString(), revokedBy: 'dan@acme.example' });
    assert.match(assertError(await whoami(first.token), 'unauthenticated', 401), /revoked/);
    assert.equal((await whoami(second.token)).statusCode, 200);
    assert.ok(!SessionList.parse((await call('GET', '/v1/sessions', token)).json()).credentials.some((c) => c.id === first.id));

    const { token: carol } = await signIn('carol@acme.example');
    const foreign = assertError(await call('DELETE', `/v1/sessions/${second.id}`, carol), 'not-found', 404);
    const missing = assertError(await call('DELETE', '/v1/sessions/no-such-credential', carol), 'not-found', 404);
    assert.equal(foreign.replace(second.id, 'X'), missing.replace('no-such-credential', 'X'));
    assert.equal((await whoami(second.token)).statusCode, 200);
  });

  test('revoking the sign-in credential revokes every session made from it', async () => {
    const { token, claims } = await signIn('erin@acme.example');
    const session = await assume(token, { account: 'network', permissionSet: 'admin' });
    assert.equal((await call('DELETE', `/v1/sessions/${claims.jti}`, session.token)).statusCode, 200);
    assertError(await whoami(token), 'unauthenticated', 401);
    assertError(await whoami(session.token), 'unauthenticated', 401);
    assert.equal((await findCredential(server.context.store, session.id))?.revokedBy, 'erin@acme.example');
  });

  test('POST /v1/sessions/revoke-all revokes every credential of the caller, and a later sign-in works', async () => {
    const a = await signIn('frank@acme.example');
    const b = await signIn('frank@acme.example');
    const session = await assume(a.token, { account: 'network', permissionSet: 'admin' });
    const response = await call('POST', '/v1/sessions/revoke-all', b.token);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(Revoked.parse(response.json()), { kind: 'subject', subject: 'frank@acme.example', issuedBefore: now.toISOString(), revokedAt: now.toISOString(), revokedBy: 'frank@acme.example' });
    for (const token of [a.token, b.token, session.token]) assertError(await whoami(token), 'unauthenticated', 401);
    const saved = now;
    now = new Date(now.getTime() + 1000);
    try {
      const later = await signIn('frank@acme.example');
      assert.equal((await whoami(later.token)).statusCode, 200);
      assert.deepEqual(SessionList.parse((await call('GET', '/v1/sessions', later.token)).json()).credentials.map((c) => c.id), [later.claims.jti]);
    } finally {
      now = saved;
    }
  });

  test('POST /v1/users/{user}/revoke-sessions: a service account revokes all of a user\'s credentials; a user may not', async () => {
    const grace = await signIn('grace@acme.example');
    const session = await assume(grace.token, { account: 'audit', permissionSet: 'admin' });
    const heidi = await signIn('heidi@acme.example');
    assert.match(assertError(await call('POST', '/v1/users/grace@acme.example/revoke-sessions', heidi.token), 'forbidden', 403), /only a service account/);
    assert.match(assertError(await call('POST', '/v1/users/heidi@acme.example/revoke-sessions', heidi.token), 'forbidden', 403), /only a service account/);
    assert.equal((await whoami(session.token)).statusCode, 200);

    const offboarding = await serviceCredential('deployer');
    const response = await call('POST', '/v1/users/grace@acme.example/revoke-sessions', offboarding.token);
    assert.equal(response.statusCode, 200);
    const revoked = Revoked.parse(response.json());
    assert.equal(revoked.kind === 'subject' ? revoked.revokedBy : '', 'service-account:deployer');
    assertError(await whoami(grace.token), 'unauthenticated', 401);
    assertError(await whoami(session.token), 'unauthenticated', 401);
    assert.equal((await whoami(heidi.token)).statusCode, 200);
    assert.equal((await findCredential(server.context.store, session.id))?.revokedBy, 'service-account:deployer');
  });
});

describe('OpenID discovery', () => {
  test('/.well-known/openid-configuration: public, the issuer and its JWKS, and the metadata OpenID Connect Discovery 1.0 section 3 requires', async () => {
    // https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata : issuer, jwks_uri,
    // response_types_supported, subject_types_supported and id_token_signing_alg_values_supported are
    // REQUIRED. authorization_endpoint is left out: Parapet issues credentials through its API, not
    // through an OAuth authorization endpoint (as Kubernetes' service account issuer discovery does)
    const response = await server.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    assert.equal(response.statusCode, 200);
    const document = OpenIdConfiguration.parse(response.json());
    assert.equal(document.issuer, ISSUER);
    assert.equal(document.jwks_uri, `${ISSUER}/.well-known/jwks.json`);
    assert.deepEqual(document.id_token_signing_alg_values_supported, ['ES256']);
    assert.deepEqual(document.subject_types_supported, ['public']);
    assert.ok(document.response_types_supported.length > 0);
  });

  test('the endpoints are in /openapi.json with their named schemas; the discovery documents need no credential there', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const path of ['/v1/sessions', '/v1/sessions/{id}', '/v1/sessions/revoke-all', '/v1/users/{user}/revoke-sessions', '/.well-known/openid-configuration', '/.well-known/jwks.json']) assert.ok(path in document.paths, path);
    for (const schema of ['AssumeRequest', 'SessionIssued', 'SessionList', 'Revoked', 'OpenIdConfiguration', 'JsonWebKeySet']) assert.ok(schema in document.components.schemas, schema);
    assert.deepEqual(document.paths['/.well-known/jwks.json']?.['get']?.security, []);
  });

  test('/.well-known/jwks.json: public, cacheable five minutes, the ring\'s public keys and no private part', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'public, max-age=300');
    const jwks = JsonWebKeySet.parse(response.json());
    assert.deepEqual(jwks, await server.context.keys.publicKeys());
    assert.deepEqual(jwks.keys.map((key) => [key.kty, key.alg, key.use, key.crv, 'd' in key]), [['EC', 'ES256', 'sig', 'P-256', false]]);
  });

  test('an external enforcement point verifies a session credential with the listening server\'s JWKS (jose createRemoteJWKSet)', async () => {
    const listening = await startTestServer({ listen: true });
    try {
      await applyTestConfig(listening.context);
      const { token } = await issueSignIn(listening.context, { user: 'alice@acme.example', authTime: seconds(new Date()) });
      const session = await assume(token, { account: 'payments-prod', permissionSet: 'developer' }, listening);
      const discovery = OpenIdConfiguration.parse(await (await fetch(`${listening.url}/.well-known/openid-configuration`)).json());
      // the document names the public URL; the test reaches the same server at its loopback address
      const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri.replace(ISSUER, listening.url!)));
      const { payload, protectedHeader } = await jwtVerify(session.token, jwks, { issuer: discovery.issuer, audience: CREDENTIAL_AUDIENCE, algorithms: discovery.id_token_signing_alg_values_supported });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.sub, 'alice@acme.example');
      assert.equal(payload['account'], '400000000001');
      // and a token signed by another key is refused by the same verifier
      const other = await startTestServer({});
      try {
        const foreign = await issueSignIn(other.context, { user: 'alice@acme.example', authTime: seconds(new Date()) });
        await assert.rejects(jwtVerify(foreign.token, jwks, { issuer: ISSUER, audience: CREDENTIAL_AUDIENCE }));
      } finally {
        await other.close();
      }
    } finally {
      await listening.close();
    }
  });
});

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

for (const database of databases) {
  describe(`two server processes on one ${database.name} database`, () => {
    test('a revocation through one is refused by the other within the poll interval; both sign with and publish the same key', async () => {
      const options = await database.fresh();
      const settings = { pollMilliseconds: 100 };
      const first = await startTestServer({ database: options, settings });
      const second = await startTestServer({ database: options, settings });
      try {
        await applyTestConfig(first.context);
        await second.context.config.refresh();
        assert.equal((await first.context.keys.signingKey()).kid, (await second.context.keys.signingKey()).kid);
        const { token } = await issueSignIn(first.context, { user: 'alice@acme.example', authTime: seconds(new Date()) });
        const session = await assume(token, { account: 'payments-prod', permissionSet: 'developer' }, first);
        assert.equal((await whoami(session.token, second)).statusCode, 200);

        const revokedAt = Date.now();
        assert.equal((await call('DELETE', `/v1/sessions/${session.id}`, token, undefined, first)).statusCode, 200);
        assertError(await whoami(session.token, first), 'unauthenticated', 401);
        // the second process learns it from its own poll, on its real interval
        let refused = false;
        while (!refused && Date.now() - revokedAt < 1000) {
          refused = (await whoami(session.token, second)).statusCode === 401;
          if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.ok(refused, 'the second process still accepts the revoked session after 1 s');
        // the sign-in credential was not revoked, on either
        assert.equal((await whoami(token, second)).statusCode, 200);
      } finally {
        await first.close();
        await second.close();
      }
    });

    test('a process whose key encryption key is not the one of the stored signing keys refuses to start, with `usage`', async () => {
      const options = await database.fresh();
      const first = await startTestServer({ database: options });
      await first.close();
      await assert.rejects(startTestServer({ database: options, settings: { keyEncryptionKey: Buffer.alloc(32, 9).toString('base64') } }), (error: unknown) => {
        assert.ok(error instanceof ParapetError);
        assert.equal(error.code, 'usage');
        assert.match(error.message, /cannot decrypt the signing key .*every server process needs the same PARAPET_KEY_ENCRYPTION_KEY/);
        return true;
      });
      if (database.name === 'postgres') {
        // and without any key, on PostgreSQL, it does not even open the database
        const settings = resolveServerSettings({ flags: { databaseUrl: options.kind === 'postgres' ? options.url : '', logLevel: 'silent' }, env: {} });
        await assert.rejects(createServerContext(settings), (error: unknown) => error instanceof ParapetError && error.code === 'usage' && /every server process needs the same PARAPET_KEY_ENCRYPTION_KEY/.test(error.message));
      }
    });
  });
}
