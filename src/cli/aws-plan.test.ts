/**
 * Import and plan end to end on the AWS emulator: an organization built through the SDK, imported
 * with `parapet aws import`, validates and plans empty; changed, it plans exactly the change.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { OrganizationPlan } from '../aws/organization-change.ts';
import { startMotoServer, type MotoServer } from '../aws/moto-server.test-support.ts';
import { readOrganization } from '../aws/read-organization.ts';
import { importSampleOrganization } from './import-sample-organization.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

let moto: MotoServer;
const folders: string[] = [];
before(async () => {
  moto = await startMotoServer();
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

const importSample = () => importSampleOrganization(moto, folders, 'parapet-aws-plan-');

test('import, validate, plan: the plan of a fresh import is empty', async () => {
  const { out } = await importSample();
  const validated = await runCli('validate', out);
  assert.equal(validated.code, 0, validated.out);
  const plan = await runCli('aws', 'plan', out);
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.out, /No changes: the organization is as the configuration says/);
  const json = await runCli('aws', 'plan', out, '--json');
  const parsed = JSON.parse(json.out) as OrganizationPlan;
  assert.deepEqual([parsed.format, parsed.changes, parsed.problems, parsed.notes], ['parapet-aws-plan/1', [], [], []]);
});

test('a new guardrail and a moved account: the plan shows exactly that, and AWS is not changed', async () => {
  const { out, sample } = await importSample();
  const before = await readOrganization(moto.clients().organizations);
  const file = join(out, 'parapet.yaml');
  let yaml = readFileSync(file, 'utf8');
  // sandbox-alice moves from the sandbox unit to workloads
  const aliceLine = yaml.split('\n').find((line) => line.includes('name: sandbox-alice')) ?? '';
  assert.notEqual(aliceLine, '');
  yaml = yaml.replace(`${aliceLine}\n`, '');
  yaml = yaml.replace(/(name: workloads\n {8}awsName: "Workloads"\n {8}id: ou-\S+\n {8}guardrails: \[)([^\]]*)\]/, `$1$2, deny-root]\n        accounts:\n${aliceLine}`);
  yaml = yaml.replace('\nguardrails:\n', '\nguardrails:\n  deny-root: guardrails/deny-root.json\n');
  writeFileSync(file, yaml);
  writeFileSync(join(out, 'guardrails', 'deny-root.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}');
  const validated = await runCli('validate', out);
  assert.equal(validated.code, 0, validated.out);
  const run = await runCli('aws', 'plan', out, '--json');
  assert.equal(run.code, 0, run.err);
  const plan = JSON.parse(run.out) as OrganizationPlan;
  const workloads = { id: sample.units.workloads, label: 'workloads' };
  assert.deepEqual(
    plan.changes.map((c) => ({ ...c, ...('content' in c ? { content: '…' } : {}) })),
    [
      { kind: 'create-policy', policy: { name: 'deny-root' }, policyType: 'SERVICE_CONTROL_POLICY', awsName: 'deny-root', content: '…' },
      { kind: 'move-account', account: { id: sample.accounts.sandboxAlice, label: 'sandbox-alice' }, from: { id: sample.units.sandbox, label: 'sandbox' }, to: workloads },
      { kind: 'attach-policy', policy: { name: 'deny-root' }, target: workloads },
    ],
  );
  const markdown = await runCli('aws', 'plan', out);
  assert.match(markdown.out, /3 changes, in the order apply makes them:\n\n1\. create SCP `deny-root` \(new\)\n2\. move account `sandbox-alice`/);
  assert.deepEqual(await readOrganization(moto.clients().organizations), before);
});

test('an invalid configuration is not planned', async () => {
  const { out } = await importSample();
  writeFileSync(join(out, 'parapet.yaml'), readFileSync(join(out, 'parapet.yaml'), 'utf8').replace('guardrails: [full-access, deny-other-regions]', 'guardrails: [deny-other-regions]'));
  const run = await runCli('aws', 'plan', out);
  assert.equal(run.code, 2);
  assert.match(run.err, /no-allow-at-level/);
});

test('apply: a new guardrail, a new unit with a moved account, a renamed unit; then the plan is empty and a second apply changes nothing', async () => {
  const { out, sample } = await importSample();
  const file = join(out, 'parapet.yaml');
  let yaml = readFileSync(file, 'utf8');
  const aliceLine = yaml.split('\n').find((line) => line.includes('name: sandbox-alice')) ?? '';
  yaml = yaml.replace(`${aliceLine}\n`, '');
  yaml = yaml.replace(
    /(name: workloads\n {8}awsName: "Workloads"\n {8}id: ou-\S+\n {8}guardrails: \[)([^\]]*)\]\n {8}units:\n/,
    `$1$2, deny-root]\n        units:\n          - name: staging\n            guardrails: [full-access]\n            accounts:\n  ${aliceLine}\n`,
  );
  yaml = yaml.replace('awsName: "Sandbox"', 'awsName: "Sand box"');
  yaml = yaml.replace('\nguardrails:\n', '\nguardrails:\n  deny-root: guardrails/deny-root.json\n');
  writeFileSync(file, yaml);
  writeFileSync(join(out, 'guardrails', 'deny-root.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}');
  const validated = await runCli('validate', out);
  assert.equal(validated.code, 0, validated.out);
  const applied = await runCli('aws', 'apply', out);
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /applied 5 changes/);
  // what AWS now has, read back through the SDK
  const live = await readOrganization(moto.clients().organizations);
  const workloads = live.root.units.find((u) => u.id === sample.units.workloads);
  const staging = workloads?.units.find((u) => u.name === 'staging');
  assert.deepEqual(staging?.accounts.map((a) => a.id), [sample.accounts.sandboxAlice]);
  assert.deepEqual(staging?.tags, { 'parapet:managed': 'true', 'parapet:name': 'workloads/staging' });
  const denyRoot = live.policies.find((p) => p.name === 'deny-root');
  assert.ok(denyRoot !== undefined && workloads?.scps.includes(denyRoot.id));
  assert.equal(live.root.units.find((u) => u.id === sample.units.sandbox)?.name, 'Sand box');
  const plan = await runCli('aws', 'plan', out, '--json');
  assert.deepEqual((JSON.parse(plan.out) as OrganizationPlan).changes, []);
  const again = await runCli('aws', 'apply', out);
  assert.equal(again.code, 0);
  assert.match(again.out, /No changes/);
});
