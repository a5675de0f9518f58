/**
 * Revocation reaches AWS, on moto in server mode with the production wiring: a user's revocation
 * puts AWS's documented revoke-older-sessions Deny (aws:TokenIssueTime,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html), scoped to
 * their role sessions, in the inline policy `parapet-revoked-sessions` of every role they had a
 * token for; a later revocation is merged in, expired entries leave; a failure is kept pending,
 * reported and retried until it succeeds. Parapet's own engine decides with the written policy:
 * the revoked user's session issued before the time is denied, one issued after is not, another
 * user's is not.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AwsRevocationDeliveries, WebIdentityTokenIssued } from '../contract/aws.ts';
import { startMotoServer, type MotoServer } from '../aws/moto-server.test-support.ts';
import { createAwsTarget } from '../aws/aws-target.ts';
import { REVOKED_SESSIONS_POLICY_NAME, revokedSessionsPolicy } from '../aws/revoked-sessions-policy.ts';
import { issueCredential } from '../identity/credential.ts';
import { evaluateCase, parseCase } from '../policy/index.ts';
import { findAwsRevocationDelivery } from '../store/index.ts';
import { applyTestConfig } from './apply-test-config.test-support.ts';
import { createAwsRevoker } from './aws-revoker.ts';
import { issueSignIn } from './issue-sign-in.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

const ISSUER = 'https://parapet.acme.example';
const T0 = new Date('2026-12-06T12:00:00Z');
let now = T0;
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const PAYMENTS_PROD = '400000000001';
const PAYMENTS_STAGING = '500000000001';

let moto: MotoServer;
let server: TestServer;
before(async () => {
  moto = await startMotoServer();
  // the management account's credentials, the standard AWS way
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/aws-config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/aws-credentials';
  server = await startTestServer({ clock: () => now, settings: { publicUrl: ISSUER, aws: { endpoint: moto.endpoint, region: 'us-east-1' } } });
  await applyTestConfig(server.context);
  // the roles `parapet aws apply` makes in the member accounts, with another inline policy beside ours
  for (const [account, name] of [[PAYMENTS_PROD, 'developer'], [PAYMENTS_STAGING, 'admin']] as const) {
    const iam = await server.context.aws!.target.iamIn(account);
    await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/parapet/', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'permission-set', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
  }
});
after(async () => {
  await server.close();
  await moto.stop();
});

function call(method: 'GET' | 'POST', url: string, token: string, body?: unknown) {
  return server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
}

async function awsToken(signIn: string, account: string, permissionSet: string): Promise<WebIdentityTokenIssued> {
  const response = await call('POST', '/v1/aws/web-identity-token', signIn, { account, permissionSet });
  assert.equal(response.statusCode, 201, response.body);
  return WebIdentityTokenIssued.parse(response.json());
}

async function signIn(user: string): Promise<string> {
  return (await issueSignIn(server.context, { user, authTime: seconds(now) - 30 })).token;
}

async function serviceAccount(): Promise<string> {
  const issued = await issueCredential(server.context.keys, { jti: server.context.newId(), sub: 'service-account:offboarding', use: 'service', authTime: seconds(now) }, { issuer: ISSUER, now, lifetimeSeconds: 600 });
  return issued.token;
}

async function revokedPolicy(account: string, role: string): Promise<{ Statement: { Condition: { DateLessThan: Record<string, string>; StringLike?: Record<string, string[]> } }[] }> {
  const iam = await server.context.aws!.target.iamIn(account);
  const answer = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: REVOKED_SESSIONS_POLICY_NAME }));
  return JSON.parse(decodeURIComponent(answer.PolicyDocument ?? '')) as never;
}

/** the written policy decided by Parapet's engine, beside an Allow of everything */
function decide(document: unknown, session: string, tokenIssueTime: Date): string {
  const text = JSON.stringify({
    name: 'revoked sessions',
    request: {
      principal: `arn:aws:sts::${PAYMENTS_PROD}:assumed-role/developer/${session}`,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::acme-payments-data/report.csv',
      context: { 'aws:userid': `AROAEXAMPLEROLEID:${session}`, 'aws:TokenIssueTime': tokenIssueTime.toISOString() },
    },
    policies: { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, document] },
  });
  const parsed = parseCase(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return evaluateCase(parsed.value).decision.decision;
}

test('a revoked user\'s roles carry the deny of their older sessions; Parapet\'s engine denies a session from before and not one from after', async () => {
  const alice = await signIn('alice@acme.example');
  const prodToken = await awsToken(alice, 'payments-prod', 'developer');
  await awsToken(alice, 'payments-staging', 'admin');
  await awsToken(await signIn('bob@acme.example'), 'payments-prod', 'developer');

  now = new Date(T0.getTime() + 60_000);
  const revoked = await call('POST', '/v1/sessions/revoke-all', alice);
  assert.equal(revoked.statusCode, 200, revoked.body);
  const report = await server.context.aws!.revoker.runOnce();
  assert.deepEqual(report.failed, []);
  assert.equal(report.done.length, 1);

  // the token could be exchanged until its exp and AWS's five minutes of tolerance: denied until then
  const until = new Date(Date.parse(prodToken.expiresAt) + 300_000);
  for (const [account, role] of [[PAYMENTS_PROD, 'developer'], [PAYMENTS_STAGING, 'admin']] as const) {
    const policy = await revokedPolicy(account, role);
    assert.equal(policy.Statement.length, 1);
    assert.deepEqual(policy.Statement[0]!.Condition, {
      DateLessThan: { 'aws:TokenIssueTime': until.toISOString().replace('.000Z', 'Z') },
      StringLike: { 'aws:userid': ['*:alice@acme.example'] },
    });
  }
  const policy = await revokedPolicy(PAYMENTS_PROD, 'developer');
  assert.equal(decide(policy, 'alice@acme.example', new Date(T0.getTime() + 30_000)), 'ExplicitDeny');
  assert.equal(decide(policy, 'alice@acme.example', new Date(until.getTime() + 1000)), 'Allow');
  assert.equal(decide(policy, 'bob@acme.example', new Date(T0.getTime() + 30_000)), 'Allow');

  // done: nothing is pending
  const pending = AwsRevocationDeliveries.parse((await call('GET', '/v1/aws/revocations', await serviceAccount())).json());
  assert.deepEqual(pending.pending, []);
  assert.equal((await server.context.aws!.revoker.runOnce()).done.length, 0);
});

test('a later revocation is merged in; entries leave once the sessions they deny have ended', async () => {
  now = new Date(T0.getTime() + 120_000);
  const bob = await signIn('bob@acme.example');
  await awsToken(bob, 'payments-prod', 'developer');
  now = new Date(T0.getTime() + 3600_000);
  const response = await call('POST', '/v1/users/bob@acme.example/revoke-sessions', await serviceAccount());
  assert.equal(response.statusCode, 200, response.body);
  assert.equal((await server.context.aws!.revoker.runOnce()).done.length, 1);
  const merged = await revokedPolicy(PAYMENTS_PROD, 'developer');
  assert.deepEqual(merged.Statement.flatMap((statement) => statement.Condition.StringLike?.['aws:userid'] ?? []).sort(), ['*:alice@acme.example', '*:bob@acme.example']);

  // alice's developer sessions (8 h, from T0) have all ended: her entry leaves at the next write
  now = new Date(T0.getTime() + 9 * 3600_000);
  const bobAgain = await signIn('bob@acme.example');
  await awsToken(bobAgain, 'payments-prod', 'developer');
  assert.equal((await call('POST', '/v1/sessions/revoke-all', bobAgain)).statusCode, 200);
  assert.equal((await server.context.aws!.revoker.runOnce()).done.length, 1);
  const after = await revokedPolicy(PAYMENTS_PROD, 'developer');
  assert.deepEqual(after.Statement.flatMap((statement) => statement.Condition.StringLike?.['aws:userid'] ?? []), ['*:bob@acme.example']);
});

test('a revocation AWS cannot take yet stays pending, is reported and is retried until it succeeds', async () => {
  now = new Date(T0.getTime() + 10 * 3600_000);
  const alice = await signIn('alice@acme.example');
  await awsToken(alice, 'payments-prod', 'developer');
  assert.equal((await call('POST', '/v1/sessions/revoke-all', alice)).statusCode, 200);

  // a process whose AWS is unreachable: the delivery is pending with the error, not dropped
  const unreachable = createAwsTarget({ clientOptions: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 }, memberAccountRole: 'OrganizationAccountAccessRole' });
  const failures: number[] = [];
  const broken = createAwsRevoker({ store: server.context.store, target: unreachable, clock: () => now, onFailure: (id) => failures.push(id) });
  const report = await broken.runOnce();
  unreachable.destroy();
  assert.equal(report.failed.length, 1);
  const id = report.failed[0]!.revocationId;
  assert.deepEqual(failures, [id]);
  const delivery = await findAwsRevocationDelivery(server.context.store, id);
  assert.equal(delivery?.state, 'pending');
  assert.equal(delivery?.attempts, 1);
  assert.match(delivery?.lastError ?? '', /ECONNREFUSED|connect/i);
  const listed = AwsRevocationDeliveries.parse((await call('GET', '/v1/aws/revocations', await serviceAccount())).json());
  assert.deepEqual(listed.pending.map((entry) => entry.revocationId), [id]);
  // users may not read it
  assert.equal((await call('GET', '/v1/aws/revocations', await signIn('dan@acme.example'))).statusCode, 403);

  // not due before its backoff; retried after it, by the working process
  assert.deepEqual((await server.context.aws!.revoker.runOnce()).done, []);
  now = new Date(now.getTime() + 10_000);
  assert.deepEqual((await server.context.aws!.revoker.runOnce()).done, [id]);
  assert.equal((await findAwsRevocationDelivery(server.context.store, id))?.state, 'done');
  const policy = await revokedPolicy(PAYMENTS_PROD, 'developer');
  assert.ok(policy.Statement.some((statement) => statement.Condition.StringLike?.['aws:userid']?.includes('*:alice@acme.example')));
});

test('a revocation of a user without AWS sessions is looked at again once a token asked for meanwhile would be recorded, then has nothing to do', async () => {
  now = new Date(T0.getTime() + 11 * 3600_000);
  const dan = await signIn('dan@acme.example');
  assert.equal((await call('POST', '/v1/sessions/revoke-all', dan)).statusCode, 200);
  const first = await server.context.aws!.revoker.runOnce();
  assert.deepEqual([first.done, first.nothing, first.failed], [[], [], []]);
  now = new Date(now.getTime() + 10_000);
  const second = await server.context.aws!.revoker.runOnce();
  assert.equal(second.nothing.length, 1);
  assert.equal((await findAwsRevocationDelivery(server.context.store, second.nothing[0]!))?.state, 'nothing');
});

test('per-user statements that do not fit what the role\'s other inline policies leave fall back to the whole-role deny at the latest time', () => {
  const entries = Array.from({ length: 200 }, (_, i) => ({ roleSessionName: `user${i}@acme.example`, issuedBefore: new Date(T0.getTime() + i * 1000) }));
  const fits = revokedSessionsPolicy(entries.slice(0, 3));
  assert.equal(fits?.form, 'per-user');
  const big = revokedSessionsPolicy(entries, 2000);
  assert.equal(big?.form, 'whole-role');
  assert.ok((big?.size ?? Infinity) <= 2000);
  const statement = (JSON.parse(big!.document) as { Statement: { Condition: Record<string, unknown> }[] }).Statement;
  assert.deepEqual(statement[0]!.Condition, { DateLessThan: { 'aws:TokenIssueTime': new Date(T0.getTime() + 199_000).toISOString().replace('.000Z', 'Z') } });
  // never fewer denied: every revoked user's older session is denied by the whole-role form too
  assert.equal(decide(JSON.parse(big!.document), 'user0@acme.example', T0), 'ExplicitDeny');
});
