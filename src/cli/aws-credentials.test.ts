/**
 * `parapet aws credentials` end to end: a real listening server with the example organization, a
 * user signed in, and AWS STS emulated by moto in server mode. The credentials it prints are the
 * credential_process JSON, and they are the role `parapet/<permission set>` of the account with a
 * session named after the user (GetCallerIdentity with them says so). moto does not check the web
 * identity token's signature or the role's trust policy (docs/aws.md): what AWS checks of the token
 * is tested on a real token in src/server/routes/aws.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startMotoServer, type MotoServer } from '../aws/moto-server.test-support.ts';
import { awsCachePath, ProcessCredentials } from './aws-credentials.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture, type SessionCliFixture } from './session-cli.test-support.ts';

let moto: MotoServer;
let fixture: SessionCliFixture;
before(async () => {
  moto = await startMotoServer();
  fixture = await startSessionCliFixture();
  // the standard AWS environment, as a user's shell would have it: no AWS credential at all
  process.env['AWS_ENDPOINT_URL'] = moto.endpoint;
  process.env['AWS_REGION'] = 'us-east-1';
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/aws-config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/aws-credentials';
  delete process.env['AWS_ACCESS_KEY_ID'];
  delete process.env['AWS_SECRET_ACCESS_KEY'];
  delete process.env['AWS_PROFILE'];
});
after(async () => {
  await fixture.close();
  await moto.stop();
});

async function callerIdentity(credentials: ProcessCredentials) {
  const sts = new STSClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken },
  });
  try {
    return await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}

test('a signed-in user gets credential_process JSON for the role of a permission set they hold, the session named after them', async () => {
  await fixture.signInAs('alice@acme.example');
  const started = Date.now();
  const run = await runCli('aws', 'credentials', 'payments-prod', 'developer', '--server', fixture.url);
  assert.equal(run.code, 0, run.err);
  // standard output is exactly one JSON document of the protocol, nothing else
  assert.equal(run.out.trim().split('\n').length, 1);
  const credentials = ProcessCredentials.parse(JSON.parse(run.out));
  assert.equal(credentials.Version, 1);
  // developer's sessionDuration (8h) is the DurationSeconds asked for
  const lasts = Date.parse(credentials.Expiration) - started;
  assert.ok(Math.abs(lasts - 8 * 3600 * 1000) < 120_000, `lasts ${lasts} ms`);

  const identity = await callerIdentity(credentials);
  assert.equal(identity.Account, '400000000001');
  assert.equal(identity.Arn, 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example');

  // the second run reuses the cached credentials (private file); --no-cache asks again
  const again = await runCli('aws', 'credentials', 'payments-prod', 'developer', '--server', fixture.url);
  assert.equal(ProcessCredentials.parse(JSON.parse(again.out)).AccessKeyId, credentials.AccessKeyId);
  assert.ok(existsSync(awsCachePath()));
  assert.equal(statSync(awsCachePath()).mode & 0o777, 0o600);
  const fresh = await runCli('aws', 'credentials', 'payments-prod', 'developer', '--server', fixture.url, '--no-cache');
  assert.equal(fresh.code, 0, fresh.err);
  assert.notEqual(ProcessCredentials.parse(JSON.parse(fresh.out)).AccessKeyId, credentials.AccessKeyId);
});

test('an assignment the user does not hold: nothing on standard output, the reason on standard error, a non-zero exit', async () => {
  await fixture.signInAs('alice@acme.example');
  const run = await runCli('aws', 'credentials', 'checkout-prod', 'developer', '--server', fixture.url, '--no-cache');
  assert.equal(run.code, 2);
  assert.equal(run.out, '');
  assert.match(run.err, /through none of their groups/);
});

test('without a sign-in: nothing on standard output, a non-zero exit saying to sign in', async () => {
  await fixture.signInAs('alice@acme.example', { lifetimeSeconds: 1 });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const run = await runCli('aws', 'credentials', 'payments-prod', 'developer', '--server', fixture.url, '--no-cache');
  assert.notEqual(run.code, 0);
  assert.equal(run.out, '');
  assert.match(run.err, /parapet login/);
});
