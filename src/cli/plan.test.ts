import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ACME_DIR, policyText } from '../org/acme-variant.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-plan-'));
  temporary.push(dir);
  return dir;
}

/** attaches a guardrail denying s3:DeleteBucket to the workloads unit of the acme copy in `dir` */
function denyBucketDeletion(dir: string): void {
  const yaml = join(dir, 'parapet.yaml');
  writeFileSync(
    yaml,
    readFileSync(yaml, 'utf8')
      .replace('      - name: workloads\n        guardrails: [full-access, protect-audit-trail]', '      - name: workloads\n        guardrails: [full-access, protect-audit-trail, deny-bucket-deletion]')
      .replace('  require-mfa-for-destructive: guardrails/require-mfa-for-destructive.json\n', '  require-mfa-for-destructive: guardrails/require-mfa-for-destructive.json\n  deny-bucket-deletion: guardrails/deny-bucket-deletion.json\n'),
  );
  writeFileSync(join(dir, 'guardrails/deny-bucket-deletion.json'), policyText([{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }]));
}

function changedCopy(): string {
  const dir = tempDir();
  cpSync(ACME_DIR, dir, { recursive: true });
  denyBucketDeletion(dir);
  return dir;
}

interface PlanJson {
  format: string;
  valid: boolean;
  from: string;
  to: string;
  summary: { structuralChanges: number; accessChanges: number; flags: Record<string, number> };
  flags: { kind: string; principal?: string; userAccess?: number; account: string; mode: string; impact: number; causes?: number[] }[];
  structural: { kind: string }[];
  impacts: { services: { service: string; lost: string[]; lostToGuardrails: string[] }[] }[];
  access: { principal: string; account: string; mode: string; impact: number }[];
  userAccess: { users: number; groups: string[]; impact: number }[];
  stats: { compared: number; recomputed: number };
}

test('two folders: markdown for a pull-request comment, exit 0', async () => {
  const dir = changedCopy();
  const { code, out, err } = await runCli('plan', '--from', ACME_DIR, '--to', dir);
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.ok(out.startsWith(`## Parapet plan: \`${ACME_DIR}\` → \`${dir}\`\n\n| | |\n|:--|--:|\n| structural changes | 2 |\n`));
  assert.match(out, /\| 🔒 locked out by a guardrail change \| [1-9]\d* \|/);
  assert.match(out, /### Flags/);
  assert.match(out, /### Access changes/);
  assert.match(out, /<details><summary>2 structural changes<\/summary>\n\n- guardrail `deny-bucket-deletion` attached to unit `workloads`\n- guardrail `deny-bucket-deletion` defined \(`guardrails\/deny-bucket-deletion\.json`\)\n/);
});

test('the organization\'s own settings changed: reported first among the structural changes', async () => {
  const dir = changedCopy();
  const yaml = join(dir, 'parapet.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  id: o-acme0example\n', '  id: o-acme1example\n').replace('  managementAccount: "100000000001"\n', '  managementAccount: "999999999999"\n'));
  const { code, out, err } = await runCli('plan', '--from', ACME_DIR, '--to', dir);
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.match(
    out,
    /<details><summary>3 structural changes<\/summary>\n\n- organization: id `o-acme0example` → `o-acme1example`, management account `100000000001` → `999999999999`\n- guardrail `deny-bucket-deletion` attached to unit `workloads`\n/,
  );
});

test('--json: the documented shape; --output writes a file', async () => {
  const dir = changedCopy();
  const file = join(tempDir(), 'plan.json');
  const { code, out } = await runCli('plan', '--from', ACME_DIR, '--to', dir, '--json', '--output', file);
  assert.equal(code, 0);
  assert.equal(out, '');
  const plan = JSON.parse(readFileSync(file, 'utf8')) as PlanJson;
  assert.equal(plan.format, 'parapet-plan/3');
  assert.equal(plan.valid, true);
  assert.deepEqual(plan.structural.map((c) => c.kind), ['guardrail-attached', 'guardrail-added']);
  assert.equal(plan.summary.structuralChanges, 2);
  const weight = (f: PlanJson['flags'][number]) => (f.userAccess === undefined ? 1 : plan.userAccess[f.userAccess]!.users);
  assert.equal(plan.summary.flags['guardrail-lockout'], plan.flags.reduce((n, f) => n + weight(f), 0));
  assert.ok(plan.flags.every((f) => f.causes?.join() === '0'));
  const staging = plan.access.find((c) => c.principal === 'group:payments-devs' && c.account === 'payments-staging' && c.mode === 'standing');
  assert.deepEqual(plan.impacts[staging!.impact]?.services.map((s) => [s.service, s.lost, s.lostToGuardrails]), [['s3', ['s3:DeleteBucket'], ['s3:DeleteBucket']]]);
  assert.ok(plan.userAccess.some((c) => c.groups.includes('payments-devs')));
  assert.ok(plan.stats.recomputed > 0 && plan.stats.recomputed < plan.stats.compared);
});

test('git revisions of a repository, the configuration in a sub-folder', async () => {
  const repo = tempDir();
  const config = join(repo, 'config');
  mkdirSync(config);
  cpSync(ACME_DIR, config, { recursive: true });
  writeFileSync(join(repo, 'README.md'), 'not part of the configuration\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'acme');
  denyBucketDeletion(config);
  git('add', '.');
  git('commit', '-q', '-m', 'deny bucket deletion in workloads');
  // an edit in the work tree is not part of any revision
  writeFileSync(join(config, 'parapet.yaml'), 'not: [valid');

  const { code, out, err } = await runCli('plan', '--repo', config, '--from', 'main~1', '--to', 'main', '--json');
  assert.equal(err, '');
  assert.equal(code, 0);
  const plan = JSON.parse(out) as PlanJson;
  assert.equal(plan.from, 'main~1');
  assert.deepEqual(plan.structural.map((c) => c.kind), ['guardrail-attached', 'guardrail-added']);
  assert.ok(plan.flags.some((f) => f.kind === 'guardrail-lockout' && f.principal === 'group:payments-devs' && f.account === 'payments-staging'));

  const same = await runCli('plan', '--repo', config, '--from', 'HEAD', '--to', 'main');
  assert.equal(same.code, 0);
  assert.match(same.out, /No change to the organization/);

  const unknown = await runCli('plan', '--repo', config, '--from', 'no-such-branch', '--to', 'main');
  assert.equal(unknown.code, 2);
  assert.equal(unknown.err, `parapet: unknown revision \`no-such-branch\` in \`${config}\`\n`);

  const outside = await runCli('plan', '--repo', tempDir(), '--from', 'main', '--to', 'main');
  assert.equal(outside.code, 2);
  assert.match(outside.err, /^parapet: `.+` is not in a git repository/);
});

test('an invalid version: its issues, no plan, exit 2', async () => {
  const dir = tempDir();
  cpSync(ACME_DIR, dir, { recursive: true });
  const yaml = join(dir, 'parapet.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('- { group: auditors,', '- { group: auditor,'));
  const { code, out, err } = await runCli('plan', '--from', ACME_DIR, '--to', dir);
  assert.equal(code, 2);
  assert.match(err, new RegExp(`^${dir}/parapet\\.yaml:\\d+:\\d+: error unknown-group: assignment \\d+: unknown group \`auditor\`: did you mean \`auditors\`\n`));
  assert.match(err, /is not a valid configuration: 1 error\(s\)\n$/);
  assert.match(out, /❌ Not a valid configuration: no plan\./);

  const json = await runCli('plan', '--from', ACME_DIR, '--to', dir, '--json');
  assert.equal(json.code, 2);
  const report = JSON.parse(json.out) as { format: string; valid: boolean; issues: { from: unknown[]; to: { code: string }[] } };
  assert.equal(report.format, 'parapet-plan/3');
  assert.equal(report.valid, false);
  assert.deepEqual(report.issues.from, []);
  assert.deepEqual(report.issues.to.map((i) => i.code), ['unknown-group']);
});

test('usage: both versions are required; --help shows examples', async () => {
  const missing = await runCli('plan', '--from', ACME_DIR);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /required option '--to <new>' not specified/);
  const help = await runCli('plan', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /parapet plan --from main --to HEAD/);
  assert.match(help.out, /Exit status: 0 when both versions are valid/);
});
