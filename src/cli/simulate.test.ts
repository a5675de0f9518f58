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
      assert.deepEqual(Object.keys(line), ['format', 'file', 'name', 'decision', 'expected', 'pass']);
      assert.equal(line.format, 'parapet-simulate/1');
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
  test('a case whose context value does not read as its key\'s type is invalid: exit 2, never decided', async () => {
    const { code, out } = await runCli('simulate', '--case', `${fixtures}cases/mfa-not-a-boolean.json`, '--json');
    assert.equal(code, 2);
    const line = JSON.parse(out.trim()) as { error: string; decision?: string };
    assert.equal(line.decision, undefined);
    assert.match(line.error, /mfa-not-a-boolean\.json:8:\d+: error bad-case: context key `aws:MultiFactorAuthPresent`: `no` is not a boolean/);
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
    const decision = JSON.parse(out) as { format: string; decision: string; causes: unknown[] };
    assert.equal(decision.format, 'parapet-simulate/1');
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

  describe('a malformed request is invalid input: exit 2, never decided', () => {
    const guarded = ['simulate', '--principal', 'arn:aws:iam::111111111111:user/alice', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/key', '--identity', `${policies}admin.json`];
    const scp = ['--scp', `${policies}admin.json,${policies}guardrails-typed-keys.json`];
    const valid = ['aws:MultiFactorAuthPresent=true', 'aws:MultiFactorAuthAge=60', 'aws:CurrentTime=2026-01-31T12:00:00Z', 'aws:EpochTime=1769860800', 'aws:SourceIp=203.0.113.7', 'aws:SourceArn=arn:aws:sns:eu-west-1:111111111111:topic'];
    const withContext = (pairs: string[]) => [...guarded, ...scp, ...pairs.flatMap((p) => ['--context', p])];

    test('the guardrails allow a valid context and deny each canonical bad value (the baseline)', async () => {
      assert.equal((await runCli(...withContext(valid))).code, 0);
      for (const denied of ['aws:MultiFactorAuthPresent=FALSE', 'aws:MultiFactorAuthAge=7200', 'aws:CurrentTime=2031-01-01T00:00:00Z', 'aws:EpochTime=1600000000', 'aws:SourceIp=198.51.100.9', 'aws:SourceArn=arn:aws:sns:eu-west-1:999999999999:t']) {
        const key = denied.slice(0, denied.indexOf('='));
        const { code, out } = await runCli(...withContext([...valid.filter((v) => !v.startsWith(`${key}=`)), denied]));
        assert.equal(code, 1, denied);
        assert.match(out, /^ExplicitDeny\n/);
      }
    });

    for (const [pair, why] of [
      ['aws:MultiFactorAuthPresent=no', /context key `aws:MultiFactorAuthPresent`: `no` is not a boolean/],
      ['aws:MultiFactorAuthAge=abc', /context key `aws:MultiFactorAuthAge`: `abc` is not a number/],
      ['aws:CurrentTime=not-a-date', /context key `aws:CurrentTime`: `not-a-date` is not a date/],
      ['aws:EpochTime=x', /context key `aws:EpochTime`: `x` is not a date/],
      ['aws:EpochTime=2026-01-31', /context key `aws:EpochTime`: `2026-01-31` is not a number/],
      ['aws:SourceIp=999.1.1.1', /context key `aws:SourceIp`: `999.1.1.1` is not an IP address/],
      ['aws:SourceArn=sns-topic', /context key `aws:SourceArn`: `sns-topic` is not an ARN/],
    ] as const) {
      test(`--context ${pair}: a value that would turn a guardrail's Deny off is rejected`, async () => {
        const key = pair.slice(0, pair.indexOf('='));
        const { code, out, err } = await runCli(...withContext([...valid.filter((v) => !v.startsWith(`${key}=`)), pair]));
        assert.equal(code, 2);
        assert.equal(out, '');
        assert.match(err, why);
      });
    }

    test('each value of a multivalued key is checked', async () => {
      const { code, err } = await runCli(...withContext([...valid, 'aws:SourceIp=10.0.0.300']));
      assert.equal(code, 2);
      assert.match(err, /`10\.0\.0\.300` is not an IP address/);
    });

    test('a service key is typed by the catalog; an unknown key is a string', async () => {
      const bad = await runCli(...withContext([...valid, 's3:max-keys=ten']));
      assert.equal(bad.code, 2);
      assert.match(bad.err, /context key `s3:max-keys`: `ten` is not a number/);
      assert.equal((await runCli(...withContext([...valid, 's3:max-keys=10', 'example:Anything=no']))).code, 0);
    });

    for (const [args, why] of [
      [['--action', ''], /--action: the action is empty/],
      [['--action', '*'], /--action: `\*` is not an action: a request makes one action, not a pattern/],
      [['--action', 's3:*'], /--action: `s3:\*` is not an action: a request makes one action, not a pattern/],
      [['--action', 'GetObject'], /--action: `GetObject` is not an action: expected `service:Action`/],
      [['--action', 's3:Get Object'], /--action: `s3:Get Object` is not an action/],
      [['--resource', 'bucket/key'], /--resource: `bucket\/key` is not an ARN \(`arn:partition:service:region:account:resource`\) or `\*`/],
      [['--resource', 'arn:aws:s3'], /--resource: `arn:aws:s3` is not an ARN/],
      [['--resource', ''], /--resource: the resource is empty/],
    ] as const) {
      test(`${args.join(' ')}: not one action on one resource`, async () => {
        const { code, out, err } = await runCli(...guarded, ...args);
        assert.equal(code, 2);
        assert.equal(out, '');
        assert.match(err, why);
      });
    }

    test('`*` as the resource, for an action that takes none, is a request', async () => {
      const { code, out } = await runCli('simulate', '--principal', 'arn:aws:iam::111111111111:user/alice', '--action', 'ec2:DescribeInstances', '--resource', '*', '--identity', `${policies}admin.json`);
      assert.equal(code, 0);
      assert.match(out, /^Allow\n/);
    });
  });
});
