/**
 * The command keeps a secret that flows into plain-text places out of every output format and out
 * of its logs (the plan of src/iac/secret-flows.test.ts).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureOrganization, FIXTURES } from '../iac/fixture-policies.test-support.ts';
import { forms, leakyPlan } from '../iac/secret-flows.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

const org = fixtureOrganization();

describe('the command keeps the canary out of every output and its logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-secret-flows-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const planPath = join(dir, 'plan.json');
  writeFileSync(planPath, leakyPlan());
  const P = join(FIXTURES, 'policies');
  const deployer = ['--account-id', '111111111111', '--principal', org.principal, '--role-arn', org.roleArn, '--identity', join(P, 'deployer-identity-policy.json'), '--scp', join(P, 'scp-full-aws-access.json'), '--required-tag', 'team'];

  for (const format of [[], ['--json'], ['--markdown']]) {
    it(`${format[0] ?? 'text'}, with SARIF and JUnit files`, async () => {
      const sarif = join(dir, `out${format.join('')}.sarif`);
      const junit = join(dir, `out${format.join('')}.xml`);
      const run = await runCli('preflight', planPath, ...deployer, ...format, '--sarif', sarif, '--junit', junit);
      assert.equal(run.code, 1, run.err);
      assert.match(run.out, /SECRET-IN-PLAINTEXT/);
      for (const text of [run.out, run.err, readFileSync(sarif, 'utf8'), readFileSync(junit, 'utf8')]) for (const form of forms) assert.ok(!text.includes(form));
    });
  }

  it('a plan that cannot be read: the error names no sensitive value', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, leakyPlan().replace('"actions":["create"]', '"actions":["create","explode"]'));
    const run = await runCli('preflight', broken, ...deployer);
    assert.equal(run.code, 2);
    for (const form of forms) assert.ok(!`${run.out}${run.err}`.includes(form));
  });
});
