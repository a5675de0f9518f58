/**
 * `parapet aws plan|apply` with the member accounts' roles and the safety rails, on the AWS
 * emulator: the roles planned and applied through the CLI, a change AWS refuses for real (a
 * document the emulator's IAM rejects) reported as done / failed / not done and finished by running
 * again, and a lock-out refused unless forced with a reason.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { OrganizationPlan } from '../aws/organization-change.ts';
import { FULL_AWS_ACCESS_ID } from '../aws/live-organization.ts';
import { memberRoleFiles, memberRolesYaml } from '../aws/member-roles.test-support.ts';
import { startMotoServer, type MotoServer } from '../aws/moto-server.test-support.ts';
import { readOrganization } from '../aws/read-organization.ts';
import { importSampleOrganization } from './import-sample-organization.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

let moto: MotoServer;
const folders: string[] = [];
before(async () => {
  moto = await startMotoServer();
  Object.assign(process.env, { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', PARAPET_ISSUER: 'https://parapet.example.com' });
  delete process.env.AWS_PROFILE;
});
beforeEach(async () => {
  await moto.reset();
});
after(async () => {
  await moto.stop();
  delete process.env.PARAPET_ISSUER;
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const importSample = () => importSampleOrganization(moto, folders, 'parapet-aws-roles-');

function addRoles(out: string, assignments: readonly string[]): void {
  writeFileSync(join(out, 'parapet.yaml'), `${readFileSync(join(out, 'parapet.yaml'), 'utf8').trimEnd()}\n${memberRolesYaml({ assignments })}`);
  for (const [path, text] of Object.entries(memberRoleFiles())) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
}

test('plan shows each account\'s IAM changes (Markdown and --json); apply makes them; the next plan is empty', async () => {
  const { out } = await importSample();
  addRoles(out, ['{ group: payments-devs, permissionSet: developer, accounts: [sandbox-alice] }', '{ group: auditors, permissionSet: read-only, accounts: [sandbox-alice] }']);
  const markdown = await runCli('aws', 'plan', out);
  assert.equal(markdown.code, 0, markdown.err);
  assert.match(markdown.out, /No changes in the organization\./);
  assert.match(
    markdown.out,
    /## Account `sandbox-alice` \(`\d{12}`\): IAM\n\n1\. create OpenID Connect provider `https:\/\/parapet\.example\.com` \(audience `sts\.amazonaws\.com`\)\n2\. create managed policy `parapet-developer-boundary` for permission set `developer`\n3\. create role `parapet\/developer`: session up to 4h30m, boundary `arn:aws:iam::\d{12}:policy\/parapet\/parapet-developer-boundary`, trusted by `account:\d{12}:permission-set:developer:user:\*`\n4\. create role `parapet\/read-only`: session up to 8h, trusted by `account:\d{12}:permission-set:read-only:user:\*`\n5\. add inline policy `read-only` of role `parapet\/developer`\n6\. add inline policy `developer` of role `parapet\/developer`\n7\. add inline policy `read-only` of role `parapet\/read-only`\n/,
  );
  const json = JSON.parse((await runCli('aws', 'plan', out, '--json')).out) as OrganizationPlan;
  assert.deepEqual(json.accounts?.filter((a) => a.changes.length > 0).map((a) => [a.accountName, a.changes.length]), [['sandbox-alice', 7]]);
  const applied = await runCli('aws', 'apply', out);
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /done: account `sandbox-alice`: create role `parapet\/developer`/);
  assert.match(applied.out, /applied 7 changes/);
  const again = await runCli('aws', 'plan', out, '--json');
  assert.deepEqual((JSON.parse(again.out) as OrganizationPlan).accounts?.flatMap((a) => a.changes), []);
  assert.match((await runCli('aws', 'apply', out)).out, /^No changes/);
  // without an issuer, the roles cannot be planned: a problem, exit status 1
  delete process.env.PARAPET_ISSUER;
  try {
    const noIssuer = await runCli('aws', 'plan', out);
    assert.equal(noIssuer.code, 1);
    assert.match(noIssuer.out, /give it with `--issuer`/);
  } finally {
    process.env.PARAPET_ISSUER = 'https://parapet.example.com';
  }
});

test('a document AWS refuses: apply reports done, failed and not done with exit status 3; fixed and run again, it completes', async () => {
  const { out } = await importSample();
  addRoles(out, ['{ group: payments-devs, permissionSet: developer, accounts: [sandbox-alice] }', '{ group: auditors, permissionSet: read-only, accounts: [sandbox-alice] }']);
  // a date AWS's policy grammar cannot hold (an epoch beyond 64 bits): Parapet reads it, IAM refuses the document
  const developer = JSON.parse(readFileSync(join(out, 'permission-sets/developer.json'), 'utf8')) as { Statement: Record<string, unknown>[] };
  developer.Statement[0]!.Condition = { DateLessThan: { 'aws:CurrentTime': '99999999999999999999' } };
  writeFileSync(join(out, 'permission-sets/developer.json'), JSON.stringify(developer));
  assert.equal((await runCli('validate', out)).code, 0);
  const failed = await runCli('aws', 'apply', out);
  assert.equal(failed.code, 3, failed.out + failed.err);
  assert.match(failed.out, /^done: account `sandbox-alice`: create OpenID Connect provider/m);
  assert.match(failed.out, /^done: account `sandbox-alice`: add inline policy `read-only` of role `parapet\/developer`$/m);
  assert.match(failed.out, /^failed: account `sandbox-alice`: add inline policy `developer` of role `parapet\/developer`: MalformedPolicyDocument/m);
  assert.match(failed.out, /^not done: account `sandbox-alice`: add inline policy `read-only` of role `parapet\/read-only`$/m);
  assert.match(failed.err, /aws apply: 5 of 7 changes made, then AWS refused one: run `parapet aws apply .*` again to finish/);
  writeFileSync(join(out, 'permission-sets/developer.json'), memberRoleFiles()['permission-sets/developer.json']!);
  const rest = JSON.parse((await runCli('aws', 'plan', out, '--json')).out) as OrganizationPlan;
  assert.deepEqual(rest.accounts?.flatMap((a) => a.changes.map((c) => c.kind)), ['put-inline-policy', 'put-inline-policy']);
  const finished = await runCli('aws', 'apply', out);
  assert.equal(finished.code, 0, finished.out + finished.err);
  assert.match(finished.out, /applied 2 changes/);
});

test('a lock-out is refused; with --force --reason it is planned with the reason (Markdown and --json) and applied', async () => {
  const { out, sample } = await importSample();
  const yaml = readFileSync(join(out, 'parapet.yaml'), 'utf8');
  assert.ok(yaml.includes('guardrails: [full-access, deny-other-regions]'));
  writeFileSync(join(out, 'parapet.yaml'), yaml.replace('guardrails: [full-access, deny-other-regions]', 'guardrails: [deny-other-regions]'));
  const refused = await runCli('aws', 'apply', out);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /no-allow-at-level/);
  assert.match(refused.err, /without any Allow, which locks everyone below out: nothing was planned; to apply it anyway, give `--force --reason TEXT`/);
  const noReason = await runCli('aws', 'apply', out, '--force');
  assert.equal(noReason.code, 2);
  assert.match(noReason.err, /`--force` needs `--reason TEXT`/);
  const plan = await runCli('aws', 'plan', out, '--force', '--reason', 'freeze workloads during the incident INC-42', '--json');
  assert.equal(plan.code, 0, plan.err);
  const parsed = JSON.parse(plan.out) as OrganizationPlan;
  assert.equal(parsed.forced?.reason, 'freeze workloads during the incident INC-42');
  assert.equal(parsed.forced?.lockOuts.length, 1);
  // the first such line is the account `payments-prod` (the twin under Sandbox/Prod), a level of its own
  assert.deepEqual(parsed.changes, [{ kind: 'detach-policy', policy: { id: FULL_AWS_ACCESS_ID, name: 'full-access' }, target: { id: sample.accounts.paymentsTwin, label: 'payments-prod' } }]);
  const markdown = await runCli('aws', 'plan', out, '--force', '--reason', 'freeze workloads during the incident INC-42');
  assert.match(markdown.out, /\*\*Forced\*\* \(`--force`\), with the reason: freeze workloads during the incident INC-42/);
  const applied = await runCli('aws', 'apply', out, '--force', '--reason', 'freeze workloads during the incident INC-42');
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /^forced \(--force\), with the reason: freeze workloads during the incident INC-42$/m);
  const live = await readOrganization(moto.clients().organizations);
  const twin = live.root.units.find((u) => u.id === sample.units.sandbox)?.units.find((u) => u.id === sample.units.sandboxProd)?.accounts.find((a) => a.id === sample.accounts.paymentsTwin);
  assert.deepEqual(twin?.scps, [sample.policies.denyRegions]);
});
