/**
 * The whole path from the command line: a sign-in (as `parapet login` leaves it), the real
 * `parapet assume`, then `parapet authorize` with the session it stored; revoking the session stops it.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startSessionCliFixture } from './session-cli.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

const fixture = await startSessionCliFixture();
after(() => fixture.close());

test('sign in, assume developer in payments-prod, authorize an allowed, a guardrail-denied and a boundary-denied request, revoke', async () => {
  await fixture.signInAs('alice@acme.example');
  const assumed = await runCli('assume', 'payments-prod', 'developer', '--server', fixture.url);
  assert.equal(assumed.code, 0, assumed.err);
  const region = ['--context', 'aws:RequestedRegion=eu-west-1', '--context', 'aws:SecureTransport=true'];
  const allowed = await runCli('authorize', 'logs:GetLogEvents', 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api', ...region);
  assert.equal(allowed.code, 0, allowed.err);
  assert.match(allowed.out, /^Allow\n/);
  const guardrail = await runCli('authorize', 'logs:GetLogEvents', 'arn:aws:logs:ap-southeast-2:400000000001:log-group:/payments/api', '--context', 'aws:RequestedRegion=ap-southeast-2', '--json');
  assert.equal(guardrail.code, 1);
  assert.match(guardrail.out, /"policyName":"deny-other-regions"/);
  const boundary = await runCli('authorize', 's3:PutBucketPolicy', 'arn:aws:s3:::acme-payments-data', ...region, '--json');
  assert.equal(boundary.code, 1);
  assert.match(boundary.out, /"policyType":"permissionBoundary"/);
  const session = fixture.credentials().servers[fixture.url]!;
  const jti = JSON.parse(Buffer.from(session.sessions[session.currentSession!]!.token.split('.')[1]!, 'base64url').toString()) as { jti: string };
  await fixture.server.context.revocations.revokeCredential(jti.jti, 'test');
  const revoked = await runCli('authorize', 'logs:GetLogEvents', 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api', ...region);
  assert.equal(revoked.code, 2);
  assert.match(revoked.err, /revoked/);
  assert.doesNotMatch(revoked.out, /Allow/);
});
