/**
 * The server's common behaviour, on the production wiring and a real SQLite store: health and
 * readiness, one error body with stable codes, authentication of every non-public route with
 * Parapet's credentials (forged, expired, foreign and revoked ones refused), OpenAPI, metrics.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SignJWT, base64url } from 'jose';
import { ErrorBody } from '../contract/error-body.ts';
import { CREDENTIAL_AUDIENCE, issueCredential } from '../identity/credential.ts';
import { generateSigningKey, type KeyRing } from '../identity/key-ring.ts';
import { ERROR_CODES } from '../policy/index.ts';
import { FAILURE_STATUS } from '../cli/exit-status.ts';
import { HTTP_STATUS } from './errors.ts';
import { startTestServer } from './test-server.test-support.ts';

let now = new Date('2026-12-06T12:00:00Z');
const server = await startTestServer({ clock: () => now });
after(() => server.close());

const ISSUER = 'http://parapet.test';

async function userCredential(options: { lifetimeSeconds?: number; at?: Date; sub?: string } = {}) {
  return issueCredential(
    server.context.keys,
    { jti: server.context.newId(), sub: options.sub ?? 'alice@acme.example', use: 'sign-in', authTime: Math.floor(now.getTime() / 1000) },
    { issuer: ISSUER, now: options.at ?? now, lifetimeSeconds: options.lifetimeSeconds ?? 3600 },
  );
}

function whoami(token?: string) {
  return server.app.inject({ method: 'GET', url: '/v1/whoami', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

/** the response is the one error body, with this code */
function assertError(response: { statusCode: number; json(): unknown }, code: string, status: number): ErrorBody {
  assert.equal(response.statusCode, status);
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  assert.ok(body.error.requestId.length > 0);
  return body;
}

describe('the error table', () => {
  test('every error code has an HTTP status; what the caller can fix (exit 2) is a 4xx, but the server\'s own files', () => {
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      assert.ok(status >= 400 && status <= 599, code);
      if (FAILURE_STATUS[code].exit === 3) assert.ok(status >= 500, code);
    }
    assert.deepEqual(
      ['usage', 'invalid-input', 'not-found', 'conflict', 'unauthenticated', 'forbidden', 'body-too-large', 'too-many-requests'].map((code) => HTTP_STATUS[code as keyof typeof HTTP_STATUS]),
      [400, 422, 404, 409, 401, 403, 413, 429],
    );
  });
});

describe('health', () => {
  test('/healthz answers without a credential', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  test('/readyz is 503 while no configuration is applied, and says why', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 503);
    const body = response.json() as { ready: boolean; checks: { database: { ok: boolean }; configuration: { ok: boolean; detail: string } } };
    assert.equal(body.ready, false);
    assert.equal(body.checks.database.ok, true);
    assert.equal(body.checks.configuration.ok, false);
    assert.match(body.checks.configuration.detail, /parapet apply/);
  });
});

describe('errors', () => {
  test('an unknown endpoint is a not-found error body, with the request id in the body and the header', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1', headers: { 'x-request-id': 'req-42' } });
    const body = assertError(response, 'not-found', 404);
    assert.equal(body.error.requestId, 'req-42');
    assert.equal(response.headers['x-request-id'], 'req-42');
    assert.equal(body.error.message, 'no endpoint `GET /v1/nothing-here`');
  });

  test('a request id that is not short and printable is replaced', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/nothing', headers: { 'x-request-id': 'a b\u0007' } });
    const body = assertError(response, 'not-found', 404);
    assert.notEqual(body.error.requestId, 'a b\u0007');
  });
});

describe('authentication', () => {
  test('no credential, a malformed header, a token that is not a JWT: 401 unauthenticated with a reason', async () => {
    assert.match(assertError(await whoami(), 'unauthenticated', 401).error.message, /no credential/);
    const basic = await server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: 'Basic YWxpY2U6cGFzcw==' } });
    assert.match(assertError(basic, 'unauthenticated', 401).error.message, /Bearer/);
    assertError(await whoami('not-a-token'), 'unauthenticated', 401);
    assert.equal((await whoami()).headers['www-authenticate'], 'Bearer');
  });

  test('a valid credential names its user', async () => {
    const { token, claims } = await userCredential();
    const response = await whoami(token);
    assert.equal(response.statusCode, 200);
    const body = response.json() as { kind: string; user: string; credential: { id: string; use: string; mfa: boolean } };
    assert.deepEqual([body.kind, body.user, body.credential.id, body.credential.use, body.credential.mfa], ['user', 'alice@acme.example', claims.jti, 'sign-in', false]);
  });

  test('forged credentials are refused: alg none, another key, another audience, another issuer, a tampered payload', async () => {
    const { token } = await userCredential();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    assert.match(assertError(await whoami(none), 'unauthenticated', 401).error.message, /only ES256/);

    const other = await generateSigningKey();
    const otherRing: KeyRing = { signingKey: () => Promise.resolve(other.key), publicKeys: () => Promise.resolve({ keys: [other.publicJwk] }) };
    const otherKey = await issueCredential(otherRing, { jti: 'x', sub: 'alice@acme.example', use: 'sign-in', authTime: 0 }, { issuer: ISSUER, now, lifetimeSeconds: 60 });
    assert.match(assertError(await whoami(otherKey.token), 'unauthenticated', 401).error.message, /key this server does not know/);

    const key = await server.context.keys.signingKey();
    const iat = Math.floor(now.getTime() / 1000);
    const foreignAudience = await new SignJWT({ use: 'sign-in', auth_time: iat })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience('someone-else')
      .setSubject('alice@acme.example')
      .setJti('y')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(key.privateKey);
    assert.match(assertError(await whoami(foreignAudience), 'unauthenticated', 401).error.message, /another audience/);

    const foreignIssuer = await issueCredential(server.context.keys, { jti: 'z', sub: 'alice@acme.example', use: 'sign-in', authTime: 0 }, { issuer: 'https://evil.example', now, lifetimeSeconds: 60 });
    assertError(await whoami(foreignIssuer.token), 'unauthenticated', 401);

    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...claims, sub: 'mallory@acme.example' }))}.${signature}`;
    assert.match(assertError(await whoami(tampered), 'unauthenticated', 401).error.message, /signature/);
    assert.equal(CREDENTIAL_AUDIENCE, 'parapet');
  });

  test('an expired credential is refused, even after it was accepted once (the verified cache follows expiry)', async () => {
    const { token } = await userCredential({ lifetimeSeconds: 60 });
    assert.equal((await whoami(token)).statusCode, 200);
    const saved = now;
    now = new Date(saved.getTime() + 120_000);
    try {
      assert.match(assertError(await whoami(token), 'unauthenticated', 401).error.message, /expired/);
    } finally {
      now = saved;
    }
  });

  test('a revoked credential is refused at once, and so are all of a user\'s credentials revoked together', async () => {
    const first = await userCredential({ sub: 'bob@acme.example' });
    const second = await userCredential({ sub: 'bob@acme.example' });
    assert.equal((await whoami(first.token)).statusCode, 200);
    await server.context.revocations.revokeCredential(first.claims.jti, 'test');
    assert.match(assertError(await whoami(first.token), 'unauthenticated', 401).error.message, /revoked/);
    assert.equal((await whoami(second.token)).statusCode, 200);
    await server.context.revocations.revokeSubject('bob@acme.example', Math.floor(now.getTime() / 1000), 'test');
    assertError(await whoami(second.token), 'unauthenticated', 401);
  });
});

describe('documents', () => {
  test('/openapi.json is OpenAPI 3.1, public, lists the authenticated endpoints and the one error body', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    const document = response.json() as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    assert.equal(document.openapi, '3.1.0');
    assert.ok('/v1/whoami' in document.paths);
    assert.ok('/readyz' in document.paths);
    assert.ok('Error' in document.components.schemas);
  });

  test('/metrics is Prometheus text with the request counter', async () => {
    await server.app.inject({ method: 'GET', url: '/healthz' });
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /text\/plain/);
    assert.match(response.body, /parapet_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(response.body, /parapet_config_version 0/);
  });
});
