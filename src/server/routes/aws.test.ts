/**
 * POST /v1/aws/web-identity-token on the production wiring: a token only for an assignment the
 * signed-in user holds, standing; and every documented AWS requirement checked on a real issued
 * token:
 * - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 *   (RSA or ECDSA signature RS256…ES512, integer timestamps, token 4–20,000 characters,
 *   RoleSessionName 2–64 of `\w+=,.@-`, DurationSeconds 900 s to 12 h, subject 6–255 characters);
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (the
 *   `https://aws.amazon.com/tags` claim: `principal_tags` key → [value], `transitive_tag_keys`; at
 *   most 50 tags, keys ≤ 128 and values ≤ 256 characters, no `aws:` prefix, keys unique ignoring case);
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html (the
 *   issuer an https URL without port or query; its discovery document's `jwks_uri` publishes the
 *   signing key by `kid`; `aud` the provider's client id).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { ErrorBody } from '../../contract/error-body.ts';
import { WebIdentityTokenIssued } from '../../contract/aws.ts';
import { JsonWebKeySet, OpenIdConfiguration } from '../../contract/openid-discovery.ts';
import { AWS_ACCEPTED_ALGORITHMS, AWS_TAGS_CLAIM, isRoleSessionName, roleSessionName, webIdentitySubjectPrefix } from '../../aws/web-identity.ts';
import { memoryDirectory } from '../../org/memory-directory.test-support.ts';
import { findCredential, liveAwsTokens } from '../../store/index.ts';
import { applyTestConfig } from '../apply-test-config.test-support.ts';
import { issueSignIn } from '../issue-sign-in.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';
import type { ActiveConfiguration } from '../active-config.ts';

const ISSUER = 'https://parapet.acme.example';
const T0 = new Date('2026-12-06T12:00:00Z');
const now = T0;
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const server = await startTestServer({ clock: () => now, settings: { publicUrl: ISSUER } });
after(() => server.close());

// the directory of the configuration has no tags: the users' tags come from a directory (SCIM) that has
const TAGS: Record<string, Record<string, string>> = {
  'alice@acme.example': { team: 'payments', 'cost-center': '4711', 'Project Name': 'Checkout v2' },
  'bob@acme.example': { team: 'payments', Team: 'other' },
};
before(async () => {
  await applyTestConfig(server.context);
  const holder = server.context.config;
  const current = holder.current.bind(holder);
  holder.current = (): ActiveConfiguration | undefined => {
    const active = current();
    if (active === undefined) return undefined;
    const groups = Object.fromEntries(active.directory.listGroups().map((group) => [group, active.directory.membersOf(group)]));
    return { ...active, directory: memoryDirectory({ groups, users: Object.fromEntries(Object.entries(TAGS).map(([user, tags]) => [user, { tags }])) }) };
  };
});

function call(url: string, token: string | undefined, body?: unknown, on: TestServer = server) {
  return on.app.inject({ method: body === undefined ? 'GET' : 'POST', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
}

async function signIn(user: string, lifetimeSeconds?: number) {
  return issueSignIn(server.context, { user, authTime: seconds(now) - 30, lifetimeSeconds });
}

function refused(response: { statusCode: number; json(): unknown }, code: string, status: number): string {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  return body.error.message;
}

async function webIdentityToken(token: string, body: Record<string, unknown>): Promise<WebIdentityTokenIssued> {
  const response = await call('/v1/aws/web-identity-token', token, body);
  assert.equal(response.statusCode, 201, JSON.stringify(response.json()));
  return WebIdentityTokenIssued.parse(response.json());
}

describe('POST /v1/aws/web-identity-token', () => {
  test('a real token meets every requirement AWS documents for AssumeRoleWithWebIdentity, session tags and OIDC providers', async () => {
    const { token: signInToken, claims: signInClaims } = await signIn('alice@acme.example');
    const issued = await webIdentityToken(signInToken, { account: 'payments-prod', permissionSet: 'developer' });
    assert.deepEqual(issued.account, { id: '400000000001', name: 'payments-prod' });
    assert.equal(issued.roleArn, 'arn:aws:iam::400000000001:role/parapet/developer');

    // the issuer: an https URL without port or query, whose discovery document points at the keys
    const iss = new URL(ISSUER);
    assert.equal(iss.protocol, 'https:');
    assert.equal(iss.port, '');
    assert.equal(iss.search, '');
    const discovery = OpenIdConfiguration.parse((await call('/.well-known/openid-configuration', undefined)).json());
    assert.equal(discovery.issuer, ISSUER);
    assert.ok(discovery.jwks_uri.startsWith(`${ISSUER}/`));
    const jwks = JsonWebKeySet.parse((await call(new URL(discovery.jwks_uri).pathname, undefined)).json());

    // the signature: an algorithm AWS accepts, a key the JWKS publishes by kid
    const header = decodeProtectedHeader(issued.token);
    assert.ok(AWS_ACCEPTED_ALGORITHMS.includes(String(header.alg)), `alg ${String(header.alg)}`);
    assert.ok(discovery.id_token_signing_alg_values_supported.includes(String(header.alg)));
    assert.ok(jwks.keys.some((key) => key.kid === header.kid));
    const { payload } = await jwtVerify(issued.token, createLocalJWKSet(jwks as JSONWebKeySet), { issuer: ISSUER, audience: 'sts.amazonaws.com', currentDate: now });

    // the token's size and its integer timestamps
    assert.ok(issued.token.length >= 4 && issued.token.length <= 20_000, `${issued.token.length} characters`);
    for (const claim of ['iat', 'exp', 'nbf', 'auth_time']) assert.ok(Number.isSafeInteger(payload[claim]), `${claim} is an integer`);
    assert.equal(payload.iat, seconds(now));
    assert.ok(payload.exp! - payload.iat! <= 300, 'exchanged within five minutes');
    assert.equal(payload['auth_time'], signInClaims.authTime);

    // sub: names the account, the permission set and the user; 6 to 255 characters
    assert.equal(payload.sub, `${webIdentitySubjectPrefix('400000000001', 'developer')}alice@acme.example`);
    assert.ok(payload.sub!.length >= 6 && payload.sub!.length <= 255);

    // the tags claim: principal_tags key → [value], every key transitive, within AWS's limits
    const claim = payload[AWS_TAGS_CLAIM] as { principal_tags: Record<string, unknown>; transitive_tag_keys: unknown };
    assert.deepEqual(claim.principal_tags, { 'Project Name': ['Checkout v2'], 'cost-center': ['4711'], team: ['payments'] });
    assert.deepEqual(claim.transitive_tag_keys, ['Project Name', 'cost-center', 'team']);
    const keys = Object.keys(claim.principal_tags);
    assert.ok(keys.length <= 50);
    assert.equal(new Set(keys.map((key) => key.toLowerCase())).size, keys.length);
    for (const [key, value] of Object.entries(claim.principal_tags)) {
      assert.ok(key.length >= 1 && key.length <= 128 && !key.toLowerCase().startsWith('aws:'));
      assert.ok(Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' && value[0].length <= 256);
    }
    for (const key of claim.transitive_tag_keys as string[]) assert.ok(keys.includes(key));

    // what the CLI passes to STS: a session name of AWS's characters naming the user, a duration AWS accepts
    assert.equal(issued.roleSessionName, 'alice@acme.example');
    assert.ok(isRoleSessionName(issued.roleSessionName));
    // developer's sessionDuration is 8h; AWS: 900 s to 12 h
    assert.equal(issued.durationSeconds, 8 * 3600);

    // recorded, so a revocation finds the role
    const recorded = await liveAwsTokens(server.context.store, now, { subject: 'alice@acme.example' });
    assert.ok(recorded.some((token) => token.jti === issued.id && token.accountId === '400000000001' && token.permissionSet === 'developer'));
  });

  test('a token for AWS is no Parapet credential', async () => {
    const { token } = await signIn('alice@acme.example');
    const issued = await webIdentityToken(token, { account: 'payments-staging', permissionSet: 'admin' });
    refused(await call('/v1/sessions', issued.token), 'unauthenticated', 401);
    assert.equal(await findCredential(server.context.store, issued.id), undefined);
  });

  test('the duration is capped by what is left of the sign-in; under AWS\'s 15 minutes is refused', async () => {
    const { token } = await signIn('alice@acme.example', 3000);
    assert.equal((await webIdentityToken(token, { account: 'payments-prod', permissionSet: 'developer' })).durationSeconds, 3000);
    const { token: short } = await signIn('alice@acme.example', 600);
    assert.match(refused(await call('/v1/aws/web-identity-token', short, { account: 'payments-prod', permissionSet: 'developer' }), 'unauthenticated', 401), /at least 900 s/);
  });

  test('only for an assignment the user holds, standing', async () => {
    const { token } = await signIn('alice@acme.example');
    assert.match(refused(await call('/v1/aws/web-identity-token', token, { account: 'payments-prod', permissionSet: 'admin' }), 'forbidden', 403), /only eligible/);
    assert.match(refused(await call('/v1/aws/web-identity-token', token, { account: 'checkout-prod', permissionSet: 'developer' }), 'forbidden', 403), /through none of their groups/);
    refused(await call('/v1/aws/web-identity-token', token, { account: 'nowhere', permissionSet: 'developer' }), 'not-found', 404);
    refused(await call('/v1/aws/web-identity-token', undefined, { account: 'payments-prod', permissionSet: 'developer' }), 'unauthenticated', 401);
  });

  test('tags AWS would refuse (keys differing only in case) refuse the token rather than drop a tag', async () => {
    const { token } = await signIn('bob@acme.example');
    assert.match(refused(await call('/v1/aws/web-identity-token', token, { account: 'payments-prod', permissionSet: 'developer' }), 'forbidden', 403), /differ only in case/);
  });
});

describe('role session names', () => {
  test('an e-mail address is kept; other names map one-to-one into AWS\'s 2 to 64 characters', () => {
    assert.equal(roleSessionName('alice@acme.example'), 'alice@acme.example');
    const names = ['a b', 'a=20b', 'a-b', 'x', 'ü', '*:evil', '\uD800x', '\uDBFFx', '\uFFFDx', `${'a'.repeat(70)}`, `${'a'.repeat(70)}b`, `${'a'.repeat(47)}==123`];
    const mapped = names.map(roleSessionName);
    assert.equal(new Set(mapped).size, names.length, mapped.join(' '));
    for (const name of mapped) assert.ok(isRoleSessionName(name), name);
    assert.equal(roleSessionName('a b'), 'a=20b');
    assert.equal(roleSessionName('ü'), '=C3=BC');
    assert.equal(roleSessionName('a b'), roleSessionName('a b'));
  });
});
