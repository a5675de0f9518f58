/**
 * `parapet authorize` against a real server listening on loopback (examples/acme applied), with
 * the current session read from the credentials file as `parapet assume` leaves it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startAcmeServer, testCredential } from '../server/acme-server.test-support.ts';
import { CREDENTIALS_FORMAT, writeCredentials } from './credentials-file.ts';
import { runCli } from './run-cli.test-support.ts';

const server = await startAcmeServer({ listen: true });
const folder = mkdtempSync(join(tmpdir(), 'parapet-authorize-'));
const credentialsFile = join(folder, 'credentials.json');
process.env['PARAPET_CREDENTIALS_FILE'] = credentialsFile;
after(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});
const url = server.url!;

async function useSession(options: Parameters<typeof testCredential>[1] = {}): Promise<void> {
  const { token, claims } = await testCredential(server, options);
  writeCredentials(credentialsFile, {
    format: CREDENTIALS_FORMAT,
    defaultServer: url,
    servers: { [url]: { sessions: { 'payments-prod/developer': { token, expiresAt: new Date(claims.exp * 1000).toISOString(), account: 'payments-prod', permissionSet: 'developer' } }, currentSession: 'payments-prod/developer' } },
  });
}

const LOGS = 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1';

test('an allowed request prints Allow with its explanation in the organization\'s words and exits 0', async () => {
  await useSession();
  const run = await runCli('authorize', 'logs:GetLogEvents', LOGS, '--context', 'aws:RequestedRegion=eu-west-1', '--context', 'aws:SecureTransport=true', '--server', url);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /^Allow\n`arn:aws:sts::400000000001:assumed-role\/developer\/alice@acme.example` is allowed/);
  assert.match(run.out, /attached at `root`/);
});

test('a guardrail denial exits 1; --json prints the decision as `parapet simulate --json` does', async () => {
  await useSession();
  const run = await runCli('authorize', 'logs:GetLogEvents', LOGS, '--context', 'aws:RequestedRegion=ap-southeast-2', '--json');
  assert.equal(run.code, 1, run.err);
  const decision = JSON.parse(run.out) as { format: string; decision: string; causes: { kind: string; statement?: { policyName: string } }[] };
  assert.equal(decision.format, 'parapet-simulate/1');
  assert.equal(decision.decision, 'ExplicitDeny');
  assert.ok(decision.causes.some((c) => c.kind === 'explicit-deny' && c.statement?.policyName === 'deny-other-regions'));
});

test('invalid input is never decided: exit 2 with the reason, from the CLI or from the server', async () => {
  await useSession();
  const badType = await runCli('authorize', 's3:GetObject', '*', '--context', 'aws:SourceIp=999.1.1.1');
  assert.equal(badType.code, 2);
  assert.match(badType.err, /999\.1\.1\.1/);
  assert.doesNotMatch(badType.out, /Allow/);
  const unknown = await runCli('authorize', 's3:GetObjet', '*');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown action `s3:GetObjet`/);
  const serverFilled = await runCli('authorize', 's3:GetObject', '*', '--context', 'aws:MultiFactorAuthPresent=true');
  assert.equal(serverFilled.code, 2);
  assert.match(serverFilled.err, /filled by the server/);
});

test('without a session, with an expired one, or with a sign-in credential: a clear error, no decision', async () => {
  writeCredentials(credentialsFile, { format: CREDENTIALS_FORMAT, defaultServer: url, servers: {} });
  const none = await runCli('authorize', 's3:GetObject', '*');
  assert.equal(none.code, 2);
  assert.match(none.err, /parapet assume/);
  await useSession({ at: new Date(Date.now() - 7200_000), lifetimeSeconds: 3600 });
  const expired = await runCli('authorize', 's3:GetObject', '*');
  assert.equal(expired.code, 2);
  assert.match(expired.err, /expired/);
  await useSession({ use: 'sign-in' });
  const signIn = await runCli('authorize', 's3:GetObject', '*');
  assert.equal(signIn.code, 2);
  assert.match(signIn.err, /assume a permission set first/);
});
