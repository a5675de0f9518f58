import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { runCli } from './run-cli.test-support.ts';

const fixtures = new URL('../../test/fixtures/', import.meta.url).pathname;
const policies = `${fixtures}policies/`;

describe('parapet simulate --case', () => {
  test('the five shared examples pass, one JSON line each in the documented shape', async () => {
    const { code, out } = await runCli('simulate', '--case', 'conformance/examples', '--json');
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 5);
    for (const line of lines) {
      assert.deepEqual(Object.keys(line), ['file', 'name', 'decision', 'expected', 'pass']);
      assert.equal(line.pass, true);
      assert.equal(line.decision, line.expected);
    }
  });
  test('a failing case exits 1 and says what was expected', async () => {
    const { code, out } = await runCli('simulate', '--case', `${fixtures}cases/failing.json`);
    assert.equal(code, 1);
    assert.match(out, /FAIL .*failing\.json/);
    assert.match(out, /expected Allow, got ImplicitDeny/);
    assert.match(out, /because no identity-based policy allows the `s3:GetObject` action/);
    assert.match(out, /0 passed, 1 failed/);
  });
  test('an invalid case exits 2 with a located error, and is never decided', async () => {
    const { code, out } = await runCli('simulate', '--case', `${fixtures}cases/invalid.json`, '--json');
    assert.equal(code, 2);
    const line = JSON.parse(out.trim()) as { error: string; decision?: string };
    assert.equal(line.decision, undefined);
    assert.match(line.error, /invalid\.json:6:\d+: error unknown-condition-operator: .*`StringEqualz`: did you mean `StringEquals`/);
  });
  test('--repeat adds microseconds per decision', async () => {
    const { code, out } = await runCli('simulate', '--case', 'conformance/examples/scp-region-guardrail.json', '--json', '--repeat', '200');
    assert.equal(code, 0);
    const line = JSON.parse(out.trim()) as { microsPerDecision: number };
    assert.ok(line.microsPerDecision > 0);
  });
  test('bad arguments are usage errors with exit 2', async () => {
    assert.equal((await runCli('simulate', '--case', 'no/such/folder')).code, 2);
    assert.equal((await runCli('simulate', '--case', 'conformance/examples', '--repeat', 'zero')).code, 2);
    const { code, err } = await runCli('simulate');
    assert.equal(code, 2);
    assert.match(err, /give --case PATH, or an ad-hoc request/);
  });
});

describe('parapet simulate (ad hoc)', () => {
  const base = ['simulate', '--principal', 'arn:aws:sts::111111111111:assumed-role/admin/bob', '--action', 'ec2:RunInstances', '--resource', 'arn:aws:ec2:us-west-2:111111111111:instance/*'];
  test('prints the explained decision: an SCP region guardrail denies outside the allowed regions', async () => {
    const { code, out } = await runCli(...base, '--identity', `${policies}admin.json`, '--scp', `${policies}admin.json,${policies}deny-regions.json`, '--scp', `${policies}admin.json`, '--context', 'aws:RequestedRegion=us-west-2');
    assert.equal(code, 1);
    assert.match(out, /^ExplicitDeny\n/);
    assert.match(out, /with an explicit deny in a service control policy `deny-regions` at level 0 \(the root\) statement 0 \(`DenyOutsideEU`\)/);
  });
  test('allows inside the allowed regions, exit 0, and --json gives the decision value', async () => {
    const { code, out } = await runCli(...base, '--identity', `${policies}admin.json`, '--scp', `${policies}admin.json,${policies}deny-regions.json`, '--context', 'aws:RequestedRegion=eu-west-1', '--json');
    assert.equal(code, 0);
    const decision = JSON.parse(out) as { decision: string; causes: unknown[] };
    assert.equal(decision.decision, 'Allow');
    assert.equal(decision.causes.length, 2);
  });
  test('an unknown action is a located warning from the AWS catalog, and the decision still runs', async () => {
    const { code, out, err } = await runCli('simulate', '--principal', 'arn:aws:iam::111111111111:user/a', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--identity', `${policies}typo.json`);
    assert.equal(code, 1);
    assert.match(out, /^ImplicitDeny\n/);
    assert.match(err, /typo\.json:1:\d+: warning unknown-action: .*`s3:GetObjet`.*did you mean `s3:GetObject`/);
    assert.doesNotMatch(err, /Describe/);
  });
  test('an invalid policy file stops with its located issues and no decision', async () => {
    const { code, out, err } = await runCli(...base, '--identity', `${policies}broken.json`);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(err, /broken\.json:4:\d+: error malformed-arn/);
  });
});

describe('the installed command', () => {
  test('`parapet --help` and `parapet simulate` run through bin/parapet.js', () => {
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'ignore' });
    const help = execFileSync('node', ['bin/parapet.js', '--help'], { encoding: 'utf8' });
    assert.match(help, /simulate/);
    const result = spawnSync('node', ['bin/parapet.js', 'simulate', '--case', 'conformance/examples'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /5 passed, 0 failed/);
  });
});
