/**
 * The decision API on the production wiring (real SQLite store, examples/acme appended as a
 * configuration version, credentials from the real key ring): decisions for one's own session and
 * for a subject an enforcement point passes, the keys the server fills, batches, and every bad
 * input answered with a 4xx and a stable code, never a 500 and never a decision.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SignJWT, base64url } from 'jose';
import { AuthorizeBatchResponse, AuthorizeResponse, MAX_BATCH_REQUESTS, type DecisionValue } from '../../contract/authorize.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { CREDENTIAL_AUDIENCE, issueCredential } from '../../identity/credential.ts';
import { generateSigningKey } from '../../identity/key-ring.ts';
import type { Decision } from '../../policy/index.ts';
import { acmeFiles, editFiles } from '../../org/acme-variant.test-support.ts';
import { applyConfigFiles, startAcmeServer, testCredential, TEST_ISSUER, type TestCredential } from '../acme-server.test-support.ts';
import { serverFilledContext } from '../authorize-request.ts';
import { startTestServer } from '../test-server.test-support.ts';

const now = new Date('2026-12-06T12:00:00Z');
const server = await startAcmeServer({ clock: () => now });
after(() => server.close());

// the contract's decision is the engine's decision value, both ways
const _toContract: DecisionValue = {} as Decision;
const _toEngine: Decision = {} as DecisionValue;
void _toContract;
void _toEngine;

const PROD_LOGS = 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1';
const IN_REGION = { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' };

async function session(options: TestCredential = {}): Promise<string> {
  return (await testCredential(server, options)).token;
}

function post(url: string, payload: unknown, token: string | undefined) {
  return server.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

const authorize = (payload: unknown, token: string | undefined) => post('/v1/authorize', payload, token);
const batch = (payload: unknown, token: string | undefined) => post('/v1/authorize/batch', payload, token);

function decided(response: { statusCode: number; body: string; json(): unknown }): AuthorizeResponse {
  assert.equal(response.statusCode, 200, response.body);
  return AuthorizeResponse.parse(response.json());
}

/** the one error body with this code and status, and no decision anywhere in it */
function refused(response: { statusCode: number; body: string; json(): unknown }, code: string, status: number): ErrorBody {
  assert.equal(response.statusCode, status, response.body);
  assert.ok(!response.body.includes('"decision"'), 'a refused request carries no decision');
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code, body.error.message);
  return body;
}

describe('deciding for one\'s own session', () => {
  test('a developer reads the service logs in production: Allow, as the session principal `parapet test` uses', async () => {
    const request = { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION };
    const body = decided(await authorize({ request, causes: 'all' }, await session()));
    assert.equal(body.decision.decision, 'Allow');
    assert.equal(body.decision.principal, 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example');
    assert.equal(body.configVersion, 1);
    assert.match(body.explanation ?? '', /is allowed to perform `logs:GetLogEvents`/);
    // causes 'all', as `parapet simulate` reports: both identity policies that allow
    const allows = (b: AuthorizeResponse) => b.decision.causes.flatMap((c) => (c.kind === 'allow' ? [`${c.statement.policyType}:${c.statement.policyName}`] : []));
    assert.deepEqual(allows(body).filter((a) => a.startsWith('identity')), ['identity:permission-sets/read-only.json', 'identity:permission-sets/developer.json']);
    // by default only what suffices: the same decision, one Allow per policy type
    const sufficient = decided(await authorize({ request }, await session()));
    assert.equal(sufficient.decision.decision, 'Allow');
    assert.deepEqual(allows(sufficient).filter((a) => a.startsWith('identity')), ['identity:permission-sets/read-only.json']);
    assert.ok(allows(sufficient).includes('permissionBoundary:boundaries/developer.json'));
  });

  test('a guardrail denial: another region is denied by the SCP deny-other-regions, named in the causes and the explanation', async () => {
    const body = decided(await authorize({ request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: { ...IN_REGION, 'aws:RequestedRegion': 'ap-southeast-2' } } }, await session()));
    assert.equal(body.decision.decision, 'ExplicitDeny');
    const denies = body.decision.causes.filter((c) => c.kind === 'explicit-deny');
    assert.deepEqual(denies.map((c) => c.kind === 'explicit-deny' && [c.statement.policyType, c.statement.policyName, c.statement.sid]), [['scp', 'deny-other-regions', 'DenyOutsideApprovedRegions']]);
    assert.match(body.explanation ?? '', /attached at `root`/);
  });

  test('a permissions boundary denial: the developer permission set allows s3:*, the boundary denies bucket policy changes', async () => {
    const body = decided(await authorize({ request: { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::acme-payments-data', context: IN_REGION } }, await session()));
    assert.equal(body.decision.decision, 'ExplicitDeny');
    assert.equal(body.decision.outcomes.identity, 'Allow');
    const denies = body.decision.causes.flatMap((c) => (c.kind === 'explicit-deny' ? [`${c.statement.policyType}:${c.statement.sid}`] : []));
    // MFA was given a minute ago: the MFA guardrail does not apply, the boundary alone denies
    assert.deepEqual(denies, ['permissionBoundary:NoDataDestructionOrPolicyChanges']);
  });

  test('MFA comes from the credential: a developer deletes a production table backup only with MFA', async () => {
    const request = { request: { action: 'dynamodb:DeleteBackup', resource: 'arn:aws:dynamodb:eu-west-1:400000000001:table/payments/backup/01', context: IN_REGION } };
    const withMfa = decided(await authorize(request, await session({ mfaSecondsAgo: 30 })));
    assert.equal(withMfa.decision.decision, 'Allow');
    const without = decided(await authorize(request, await session({ mfaSecondsAgo: undefined })));
    assert.equal(without.decision.decision, 'ExplicitDeny');
    assert.ok(without.decision.causes.some((c) => c.kind === 'explicit-deny' && c.statement.sid === 'DenyDestructiveWithoutMFA'));
  });

  test('the organization id is filled in: the data perimeter RCP lets the organization\'s own session read its data', async () => {
    const body = decided(await authorize({ request: { action: 's3:GetObject', resource: 'arn:aws:s3:::acme-payments-data/receipts/1.json', context: IN_REGION } }, await session()));
    assert.equal(body.decision.decision, 'Allow');
    assert.equal(body.decision.outcomes.rcp, 'Allow');
  });

  test('the server-filled keys: times from the clock and the credential, MFA age only with MFA (reference_policies_condition-keys.html)', () => {
    const iat = Math.floor(now.getTime() / 1000) - 600;
    const base = { jti: 'j', sub: 'alice@acme.example', use: 'session' as const, iat, exp: iat + 3600, authTime: iat };
    assert.deepEqual(serverFilledContext({ ...base, mfaTime: iat - 30 }, now), {
      'aws:CurrentTime': '2026-12-06T12:00:00Z',
      'aws:EpochTime': String(now.getTime() / 1000),
      'aws:TokenIssueTime': '2026-12-06T11:50:00Z',
      'aws:MultiFactorAuthPresent': 'true',
      'aws:MultiFactorAuthAge': '630',
    });
    const noMfa = serverFilledContext(base, now);
    assert.equal(noMfa['aws:MultiFactorAuthPresent'], 'false');
    assert.ok(!('aws:MultiFactorAuthAge' in noMfa));
  });

  test('every decision is counted by outcome in /metrics', async () => {
    const token = await session();
    await authorize({ request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION } }, token);
    await authorize({ request: { action: 's3:GetObjet', resource: '*' } }, token);
    const metrics = await server.context.metrics.registry.getSingleMetricAsString('parapet_decisions_total');
    assert.match(metrics, /parapet_decisions_total\{outcome="Allow"\} [1-9]/);
    assert.match(metrics, /parapet_decisions_total\{outcome="error"\} [1-9]/);
    const seconds = await server.context.metrics.registry.getSingleMetricAsString('parapet_decision_seconds');
    assert.match(seconds, /parapet_decision_seconds_count [1-9]/);
  });
});

describe('keys the server fills cannot be given', () => {
  for (const key of ['aws:MultiFactorAuthPresent', 'AWS:PRINCIPALARN', 'aws:PrincipalOrgID', 'aws:PrincipalTag/team', 'aws:CurrentTime', 'aws:EpochTime', 'aws:TokenIssueTime', 'aws:MultiFactorAuthAge', 'aws:PrincipalAccount', 'aws:userid']) {
    test(`\`${key}\` in the context is invalid input naming the key`, async () => {
      const body = refused(await authorize({ request: { action: 's3:GetObject', resource: 'arn:aws:s3:::acme-payments-data/x', context: { [key]: 'true' } } }, await session()), 'invalid-input', 422);
      assert.deepEqual(body.error.issues?.map((i) => i.path), [`body.request.context.${key}`]);
      assert.match(body.error.issues?.[0]?.message ?? '', /filled by the server/);
    });
  }
});

describe('bad requests: a 4xx with a stable code, never a decision', () => {
  const cases: { name: string; payload: unknown; code: string; status: number; path?: string }[] = [
    { name: 'malformed JSON', payload: '{"request": {"action": ', code: 'invalid-input', status: 422 },
    { name: 'an empty body', payload: '', code: 'invalid-input', status: 422 },
    { name: 'an action that is not a string', payload: { request: { action: 5, resource: '*' } }, code: 'invalid-input', status: 422, path: 'body.request.action' },
    { name: 'no request', payload: { subject: undefined }, code: 'invalid-input', status: 422, path: 'body.request' },
    { name: 'an unknown field', payload: { request: { action: 's3:GetObject', resource: '*', principal: 'arn:aws:iam::1:root' } }, code: 'invalid-input', status: 422 },
    { name: 'an unknown action', payload: { request: { action: 's3:GetObjet', resource: '*' } }, code: 'invalid-input', status: 422, path: 'body.request.action' },
    { name: 'an action pattern', payload: { request: { action: 's3:*', resource: '*' } }, code: 'invalid-input', status: 422, path: 'body.request.action' },
    { name: 'a malformed resource ARN', payload: { request: { action: 's3:GetObject', resource: 'acme-payments-data' } }, code: 'invalid-input', status: 422, path: 'body.request.resource' },
    { name: 'a context value of the wrong type for its key', payload: { request: { action: 's3:GetObject', resource: '*', context: { 'aws:SourceIp': '999.1.1.1' } } }, code: 'invalid-input', status: 422, path: 'body.request.context.aws:SourceIp' },
    { name: 'a boolean key that is not a boolean', payload: { request: { action: 's3:GetObject', resource: '*', context: { 'aws:SecureTransport': 'yes' } } }, code: 'invalid-input', status: 422, path: 'body.request.context.aws:SecureTransport' },
    { name: 'a context value that is not a string', payload: { request: { action: 's3:GetObject', resource: '*', context: { 'aws:SecureTransport': true } } }, code: 'invalid-input', status: 422 },
    { name: 'a context key that is not a condition key', payload: { request: { action: 's3:GetObject', resource: '*', context: { region: 'eu-west-1' } } }, code: 'invalid-input', status: 422, path: 'body.request.context.region' },
    { name: 'an unknown resource account', payload: { request: { action: 's3:GetObject', resource: '*', resourceAccount: 'payments-prd' } }, code: 'invalid-input', status: 422, path: 'body.request.resourceAccount' },
    { name: 'an unknown causes mode', payload: { request: { action: 's3:GetObject', resource: '*' }, causes: 'some' }, code: 'invalid-input', status: 422, path: 'body.causes' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const body = refused(await authorize(c.payload, await session()), c.code, c.status);
      if (c.path !== undefined) assert.ok(body.error.issues?.some((i) => i.path === c.path), JSON.stringify(body.error.issues));
    });
  }

  test('several problems of one request are all reported, each located', async () => {
    const body = refused(await authorize({ request: { action: 's3:GetObjet', resource: 'bucket', context: { 'aws:SourceIp': 'x', 'aws:MultiFactorAuthPresent': 'true' } } }, await session()), 'invalid-input', 422);
    assert.deepEqual(body.error.issues?.map((i) => i.path).sort(), ['body.request.action', 'body.request.context.aws:MultiFactorAuthPresent', 'body.request.context.aws:SourceIp', 'body.request.resource']);
  });

  test('an oversized body is 413 body-too-large', async () => {
    const big = { request: { action: 's3:GetObject', resource: '*', context: { 'aws:UserAgent': 'x'.repeat(server.context.settings.bodyLimit) } } };
    refused(await authorize(big, await session()), 'body-too-large', 413);
  });
});

describe('who may ask', () => {
  const request = { request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION } };

  test('no credential is 401', async () => {
    refused(await authorize(request, undefined), 'unauthenticated', 401);
  });

  test('a sign-in credential is forbidden: assume a permission set first', async () => {
    const body = refused(await authorize(request, await session({ use: 'sign-in' })), 'forbidden', 403);
    assert.match(body.error.message, /assume/);
  });

  test('a service account without a subject is forbidden', async () => {
    refused(await authorize(request, await session({ use: 'service' })), 'forbidden', 403);
  });

  test('expired, revoked and forged session credentials are 401', async () => {
    const expired = await session({ at: new Date(now.getTime() - 7200_000), lifetimeSeconds: 3600 });
    refused(await authorize(request, expired), 'unauthenticated', 401);
    const revoked = await testCredential(server);
    await server.context.revocations.revokeCredential(revoked.claims.jti, 'test');
    refused(await authorize(request, revoked.token), 'unauthenticated', 401);
    for (const forged of await forgedCredentials()) refused(await authorize(request, forged), 'unauthenticated', 401);
  });

  test('a session whose account, permission set or user the configuration no longer has is forbidden', async () => {
    for (const options of [
      { account: '999999999999' },
      { permissionSet: 'superuser' },
      { user: 'mallory@acme.example' },
      // carol is a checkout developer: she does not hold developer in payments-prod
      { user: 'carol@acme.example' },
      // alice is only eligible for admin in payments-prod: it needs just-in-time elevation
      { permissionSet: 'admin' },
    ]) {
      const body = refused(await authorize(request, await session(options)), 'forbidden', 403);
      assert.match(body.error.message, /configuration version 1/);
    }
  });

  test('before any configuration is applied nothing is decided: 503 unavailable', async () => {
    const empty = await startTestServer({ clock: () => now });
    try {
      const token = (await testCredential(empty)).token;
      const response = await empty.app.inject({ method: 'POST', url: '/v1/authorize', headers: { authorization: `Bearer ${token}` }, payload: request });
      refused(response, 'unavailable', 503);
    } finally {
      await empty.close();
    }
  });
});

test('a new configuration version decides the next request: a guardrail tightened, then the user moved to another team', async () => {
  const own = await startAcmeServer({ clock: () => now });
  try {
    const token = (await testCredential(own)).token;
    const ask = async () => own.app.inject({ method: 'POST', url: '/v1/authorize', headers: { authorization: `Bearer ${token}` }, payload: { request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: { ...IN_REGION, 'aws:RequestedRegion': 'us-east-1' } } } });
    const first = decided(await ask());
    assert.deepEqual([first.configVersion, first.decision.decision], [1, 'Allow']);
    const tightened = editFiles(acmeFiles, [['guardrails/deny-other-regions.json', '["us-east-1", "us-west-2", "eu-west-1"]', '["eu-west-1"]']]);
    assert.equal(await applyConfigFiles(own, tightened), 2);
    const second = decided(await ask());
    assert.deepEqual([second.configVersion, second.decision.decision], [2, 'ExplicitDeny']);
    // alice moves to the checkout team: she no longer holds developer in payments-prod
    await applyConfigFiles(
      own,
      editFiles(tightened, [
        ['parapet.yaml', 'payments-devs: { members: [alice@acme.example, bob@acme.example] }', 'payments-devs: { members: [bob@acme.example] }'],
        ['parapet.yaml', 'checkout-devs: { members: [carol@acme.example, dan@acme.example] }', 'checkout-devs: { members: [alice@acme.example, carol@acme.example, dan@acme.example] }'],
      ]),
    );
    const body = refused(await ask(), 'forbidden', 403);
    assert.match(body.error.message, /no longer holds permission set `developer` in account `payments-prod` \(configuration version 3\)/);
  } finally {
    await own.close();
  }
});

describe('an enforcement point asks about a subject (SubjectAccessReview)', () => {
  const request = { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION };

  test('a service account passes the session credential it received and gets that session\'s decision', async () => {
    const subject = await session({ user: 'bob@acme.example' });
    const body = decided(await authorize({ request, subject: { credential: subject } }, await session({ use: 'service' })));
    assert.equal(body.decision.decision, 'Allow');
    assert.equal(body.decision.principal, 'arn:aws:sts::400000000001:assumed-role/developer/bob@acme.example');
  });

  test('a person may not ask about another subject', async () => {
    refused(await authorize({ request, subject: { credential: await session({ user: 'bob@acme.example' }) } }, await session()), 'forbidden', 403);
  });

  test('a subject credential that is expired, revoked or forged is invalid input located at the subject, never a decision', async () => {
    const caller = await session({ use: 'service' });
    const revoked = await testCredential(server, { user: 'bob@acme.example' });
    await server.context.revocations.revokeCredential(revoked.claims.jti, 'test');
    const bad = [await session({ at: new Date(now.getTime() - 7200_000), lifetimeSeconds: 3600 }), revoked.token, ...(await forgedCredentials()), 'not-a-jwt', 'two words'];
    for (const credential of bad) {
      const body = refused(await authorize({ request, subject: { credential } }, caller), 'invalid-input', 422);
      assert.deepEqual(body.error.issues?.map((i) => i.path), ['body.subject.credential']);
    }
  });

  test('a subject that is a sign-in or service credential is forbidden', async () => {
    const caller = await session({ use: 'service' });
    for (const use of ['sign-in', 'service'] as const) refused(await authorize({ request, subject: { credential: await session({ use }) } }, caller), 'forbidden', 403);
  });
});

describe('batches', () => {
  test('each request is answered in order, a bad one with its own located error, the others decided', async () => {
    const response = await batch(
      {
        requests: [
          { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION },
          { action: 's3:GetObjet', resource: '*' },
          { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: { ...IN_REGION, 'aws:RequestedRegion': 'ap-southeast-2' } },
          { action: 's3:GetObject', resource: '*', context: { 'aws:MultiFactorAuthPresent': 'true' } },
          { action: 'iam:CreateUser', resource: 'arn:aws:iam::400000000001:user/backdoor', context: IN_REGION },
        ],
      },
      await session(),
    );
    assert.equal(response.statusCode, 200, response.body);
    const body = AuthorizeBatchResponse.parse(response.json());
    assert.equal(body.decisions.length, 5);
    const summary = body.decisions.map((item) => ('decision' in item ? item.decision.decision : `${item.error.code} ${item.error.issues?.map((i) => i.path).join(',')}`));
    assert.deepEqual(summary, [
      'Allow',
      'invalid-input body.requests[1].action',
      'ExplicitDeny',
      'invalid-input body.requests[3].context.aws:MultiFactorAuthPresent',
      'ImplicitDeny',
    ]);
    // a batch reports sufficient causes by default: one Allow per policy type that needed one
    const first = body.decisions[0]!;
    assert.ok('decision' in first && first.explanation === undefined);
  });

  test(`${MAX_BATCH_REQUESTS} requests are decided; one more is invalid input`, async () => {
    const token = await session();
    const item = { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION };
    const full = await batch({ requests: Array.from({ length: MAX_BATCH_REQUESTS }, () => item) }, token);
    assert.equal(full.statusCode, 200);
    const body = AuthorizeBatchResponse.parse(full.json());
    assert.ok(body.decisions.every((d) => 'decision' in d && d.decision.decision === 'Allow'));
    const over = refused(await batch({ requests: Array.from({ length: MAX_BATCH_REQUESTS + 1 }, () => item) }, token), 'invalid-input', 422);
    assert.ok(over.error.issues?.some((i) => i.path === 'body.requests'));
  });

  test('an empty batch, a batch over the size limit, a bad subject: the whole batch is refused', async () => {
    const token = await session();
    refused(await batch({ requests: [] }, token), 'invalid-input', 422);
    refused(await batch({ requests: [{ action: 's3:GetObject', resource: '*', context: { 'aws:UserAgent': 'x'.repeat(3 * 1024 * 1024) } }] }, token), 'body-too-large', 413);
    refused(await batch({ requests: [{ action: 's3:GetObject', resource: '*' }] }, await session({ use: 'sign-in' })), 'forbidden', 403);
    refused(await batch({ requests: [{ action: 's3:GetObject', resource: '*' }], subject: { credential: 'x' } }, await session({ use: 'service' })), 'invalid-input', 422);
  });
});

test('the decision API is in the OpenAPI document with named schemas', async () => {
  const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
  const doc = response.json() as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
  assert.ok(doc.paths['/v1/authorize'] !== undefined && doc.paths['/v1/authorize/batch'] !== undefined);
  for (const name of ['AuthorizeRequest', 'AuthorizeBody', 'AuthorizeBatchBody', 'Decision', 'AuthorizeResponse', 'AuthorizeBatchResponse']) assert.ok(name in doc.components.schemas, name);
});

/** credentials that must never verify: alg none, another key, another audience, another issuer */
async function forgedCredentials(): Promise<string[]> {
  const seconds = Math.floor(now.getTime() / 1000);
  const claims = { use: 'session', auth_time: seconds, account: '400000000001', permission_set: 'developer' };
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const payload = base64url.encode(JSON.stringify({ ...claims, iss: TEST_ISSUER, aud: CREDENTIAL_AUDIENCE, sub: 'alice@acme.example', jti: 'forged', iat: seconds, exp: seconds + 3600 }));
  const otherKey = (await generateSigningKey()).key;
  const ourKey = await server.context.keys.signingKey();
  const sign = (key: typeof ourKey, audience: string, issuer: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setIssuer(issuer).setAudience(audience).setSubject('alice@acme.example').setJti('forged').setIssuedAt(seconds).setExpirationTime(seconds + 3600).sign(key.privateKey);
  const wrongIssuer = await issueCredential(server.context.keys, { jti: 'x', sub: 'alice@acme.example', use: 'session', authTime: seconds, account: '400000000001', permissionSet: 'developer' }, { issuer: 'http://evil.test', now, lifetimeSeconds: 600 });
  return [`${header}.${payload}.`, await sign(otherKey, CREDENTIAL_AUDIENCE, TEST_ISSUER), await sign(ourKey, 'someone-else', TEST_ISSUER), wrongIssuer.token];
}
