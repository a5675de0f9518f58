import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { loadConfigDir } from '../org/load-config-dir.ts';
import { FULL_AWS_ACCESS_ID } from '../aws/live-organization.ts';
import { startMotoServer, type MotoServer } from '../aws/moto-server.test-support.ts';
import { createSampleOrganization } from '../aws/sample-organization.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

let moto: MotoServer;
const folders: string[] = [];
before(async () => {
  moto = await startMotoServer();
  // the command finds AWS the standard way: these are the variables a platform engineer sets
  Object.assign(process.env, { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
  delete process.env.AWS_PROFILE;
});
beforeEach(async () => {
  await moto.reset();
});
after(async () => {
  await moto.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'parapet-aws-import-'));
  folders.push(folder);
  return join(folder, 'org');
}

test('parapet aws import writes a repository that parapet validate accepts, with AWS ids and names', async () => {
  const sample = await createSampleOrganization(moto.clients().organizations);
  const out = newFolder();
  const imported = await runCli('aws', 'import', '--out', out);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /imported organization `o-/);
  const validated = await runCli('validate', out);
  assert.equal(validated.code, 0, validated.out + validated.err);
  const parsed = loadConfigDir(out);
  assert.ok(parsed.ok);
  const config = parsed.value;
  assert.equal(config.organization.root.awsId, sample.rootId);
  const byId = new Map([...config.accounts.values()].map((a) => [a.id, a]));
  assert.deepEqual(
    [sample.accounts.payments, sample.accounts.paymentsTwin].map((id) => [byId.get(id)?.awsName, byId.get(id)?.units]),
    [
      ['Payments Prod', ['workloads', 'prod']],
      ['Payments Prod', ['sandbox', 'prod']],
    ],
  );
  assert.deepEqual(byId.get(sample.accounts.payments)?.tags, { env: 'prod', owner: 'payments' });
  const guardrailIds = new Map([...config.guardrails.values()].map((g) => [g.awsId, g.name]));
  assert.equal(guardrailIds.get(FULL_AWS_ACCESS_ID), 'full-access');
  assert.equal(guardrailIds.get(sample.policies.denyLeave), 'deny-leaving-the-organization');
  assert.equal(config.resourceGuardrails.get('data-perimeter')?.awsId, sample.policies.dataPerimeter);
  assert.match(readFileSync(join(out, 'parapet.yaml'), 'utf8'), /# only our identities reach our buckets\n {2}data-perimeter:/);
});

test('parapet aws import never writes into a folder that holds files', async () => {
  await createSampleOrganization(moto.clients().organizations);
  const out = newFolder();
  await runCli('aws', 'import', '--out', out);
  writeFileSync(join(out, 'parapet.yaml'), 'mine\n');
  const again = await runCli('aws', 'import', '--out', out);
  assert.equal(again.code, 2);
  assert.match(again.err, /is not empty: import writes a new repository and never overwrites one/);
  assert.equal(readFileSync(join(out, 'parapet.yaml'), 'utf8'), 'mine\n');
});

test('an account outside any organization is one line naming AWS\'s error, exit status 3', async () => {
  const run = await runCli('aws', 'import', '--out', newFolder());
  assert.equal(run.code, 3);
  assert.match(run.err, /^parapet: aws: reading the organization: AWSOrganizationsNotInUseException: /);
});
