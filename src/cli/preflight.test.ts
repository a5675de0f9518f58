import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FIXTURES } from '../iac/fixture-policies.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

const P = join(FIXTURES, 'policies');
const deployer = [
  '--account-id', '111111111111',
  '--principal', 'arn:aws:sts::111111111111:assumed-role/deployer/github-actions',
  '--role-arn', 'arn:aws:iam::111111111111:role/deployer',
  '--identity', join(P, 'deployer-identity-policy.json'),
  '--scp', join(P, 'scp-full-aws-access.json'),
  '--scp', ['scp-full-aws-access', 'scp-deny-outside-allowed-regions', 'scp-protect-audit', 'scp-deny-iam-users'].map((n) => join(P, `${n}.json`)).join(','),
  '--scp', [join(P, 'scp-full-aws-access.json'), join(P, 'scp-require-team-tag.json')].join(','),
  '--required-tag', 'team',
];
const plan = (scenario: string) => join(FIXTURES, scenario, 'plan.json');
const dir = mkdtempSync(join(tmpdir(), 'parapet-preflight-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a plan the guardrails deny exits 1 and names the denying statement, summary first', async () => {
  const run = await runCli('preflight', plan('region-violation'), ...deployer);
  assert.equal(run.code, 1, run.err);
  assert.match(run.out.split('\n')[0]!, /^preflight failed: 4 changes, 2 denied \(2 explicit, 0 implicit\)/);
  assert.match(run.out, /ExplicitDeny ec2:RunInstances on arn:aws:ec2:us-west-2:111111111111:instance\/\* \[primary\] by scp\[1\] scp-deny-outside-allowed-regions\/DenyOutsideAllowedRegions/);
});

test('a clean plan exits 0 when its findings are advisory', async () => {
  const run = await runCli('preflight', plan('clean-service'), ...deployer, '--json');
  const report = JSON.parse(run.out) as { format: string; passed: boolean; summary: { denied: number; mandatoryFindings: number } };
  assert.deepEqual([run.code, report.format, report.passed, report.summary.denied, report.summary.mandatoryFindings], [0, 'parapet-preflight/1', true, 0, 0]);
});

test('a mandatory finding fails the preflight; --advisory lowers it', async () => {
  const misconfig = await runCli('preflight', plan('misconfig'), ...deployer);
  assert.equal(misconfig.code, 1);
  assert.match(misconfig.out, /high mandatory SG-OPEN-ADMIN-PORT aws_security_group\.bastion: ingress to port 22 from 0\.0\.0\.0\/0/);
  const lowered = ['SG-OPEN-ADMIN-PORT', 'S3-PUBLIC-ACL', 'RDS-PUBLIC', 'RDS-UNENCRYPTED'].flatMap((r) => ['--advisory', r]);
  assert.equal((await runCli('preflight', plan('misconfig'), ...deployer, ...lowered)).code, 0);
  assert.equal((await runCli('preflight', plan('clean-service'), ...deployer, '--mandatory', 'NO-SUCH-RULE')).code, 2);
});

test('markdown and every format keep the sensitive canary out', async () => {
  for (const format of [[], ['--json'], ['--markdown']]) {
    const run = await runCli('preflight', plan('sensitive'), ...deployer, ...format);
    assert.equal(run.code, 1);
    assert.ok(!`${run.out}${run.err}`.includes('CANARY-fake-db-password-7f3a9c'));
    assert.match(run.out, /SECRET-IN-LAMBDA-ENV/);
  }
  assert.match((await runCli('preflight', plan('sensitive'), ...deployer, '--markdown')).out, /^### Terraform preflight: \*\*failed\*\*/);
});

test('an unreadable plan is invalid input (2), never a pass', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ format_version: '2.0', resource_changes: [] }));
  const run = await runCli('preflight', bad, ...deployer);
  assert.equal(run.code, 2);
  assert.match(run.err, /unsupported-plan-version: format_version `2\.0` is not supported/);
  assert.equal(run.out, '');
});

test('an unmapped resource type fails the preflight instead of passing', async () => {
  const unmapped = join(dir, 'unmapped.json');
  writeFileSync(
    unmapped,
    JSON.stringify({
      format_version: '1.2',
      resource_changes: [{ address: 'aws_glue_job.x', mode: 'managed', type: 'aws_glue_job', name: 'x', change: { actions: ['create'], before: null, after: { name: 'x' }, after_unknown: {} } }],
      configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } }, root_module: {} },
    }),
  );
  const run = await runCli('preflight', unmapped, ...deployer);
  assert.equal(run.code, 1);
  assert.match(run.out, /0 denied .* 1 unmapped/);
  assert.match(run.out, /no request map for `aws_glue_job` create: not checked/);
});

test('--config: the service account decided in the account as parapet test decides it (SCP chain, RCPs, permission set)', async () => {
  const acme = join(import.meta.dirname, '../../examples/acme');
  const run = await runCli('preflight', plan('updates-and-deletes'), '--config', acme, '--account', 'payments-prod', '--as', 'service:deployer', '--json');
  assert.equal(run.code, 1, run.err);
  const report = JSON.parse(run.out) as { principal: string; changes: { address: string; decision: string; requests: { action: string; decision: string; decidedBy?: { kind: string; policy: string; statement?: string }[] }[] }[] };
  assert.equal(report.principal, 'arn:aws:sts::400000000001:assumed-role/deployer/deployer');
  const request = (address: string, action: string) => report.changes.find((c) => c.address === address)!.requests.find((r) => r.action === action)!;
  assert.deepEqual(request('aws_cloudtrail.app', 'cloudtrail:DeleteTrail').decidedBy, [{ kind: 'scp', policy: 'protect-audit-trail', statement: 'ProtectCloudTrail', level: 1, effect: 'Deny' }]);
  // the RCP that requires TLS does not deny: the provider only calls HTTPS endpoints
  assert.equal(request('aws_s3_bucket.archive', 's3:CreateBucket').decision, 'Allow');
  assert.equal((await runCli('preflight', plan('updates-and-deletes'), '--config', acme, '--account', 'payments-prod', '--as', 'group:developers')).code, 2);
});

test('--policy: the repository\'s enforcement and exceptions; a broken policy stops the preflight', async () => {
  const file = join(dir, 'preflight.json');
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(
    file,
    JSON.stringify({
      format: 'parapet-preflight-policy/1',
      enforcement: { 'S3-PUBLIC-ACL': 'advisory', 'RDS-PUBLIC': 'advisory', 'RDS-UNENCRYPTED': 'advisory' },
      exceptions: [{ rule: 'SG-OPEN-ADMIN-PORT', address: 'aws_security_group.bastion', owner: 'platform@acme.example', expires, reason: 'bastion until the SSM migration' }],
    }),
  );
  const run = await runCli('preflight', plan('misconfig'), ...deployer, '--policy', file);
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, new RegExp(`SG-OPEN-ADMIN-PORT aws_security_group\\.bastion: .* \\(excepted until ${expires}, owner platform@acme\\.example: bastion until the SSM migration\\)`));
  writeFileSync(file, JSON.stringify({ format: 'parapet-preflight-policy/1', enforcement: { 'SG-OPEN-ADMIN-PROT': 'advisory' } }));
  const broken = await runCli('preflight', plan('misconfig'), ...deployer, '--policy', file);
  assert.equal(broken.code, 2);
  assert.match(broken.err, /unknown-rule: unknown rule `SG-OPEN-ADMIN-PROT`/);
});
