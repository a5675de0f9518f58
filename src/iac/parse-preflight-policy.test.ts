import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePreflightPolicy, type PreflightException } from './parse-preflight-policy.ts';
import { fixtureOrganization, FIXTURES } from './fixture-policies.test-support.ts';
import { runPreflight } from './preflight.ts';

const TODAY = new Date('2026-12-06T12:00:00Z');
const policy = (body: Record<string, unknown>) => JSON.stringify({ format: 'parapet-preflight-policy/1', ...body });
const exception: PreflightException = { rule: 'SG-OPEN-ADMIN-PORT', address: 'aws_security_group.bastion', owner: 'platform@acme.example', expires: '2027-01-31', reason: 'bastion until the SSM migration' };

describe('parsePreflightPolicy', () => {
  it('reads enforcement, required tags and exceptions', () => {
    const result = parsePreflightPolicy(policy({ enforcement: { 'TAG-MISSING': 'mandatory' }, requiredTags: ['team'], exceptions: [exception] }), 'preflight.json', TODAY);
    assert.ok(result.ok);
    assert.deepEqual(result.value, { enforcement: { 'TAG-MISSING': 'mandatory' }, requiredTags: ['team'], exceptions: [exception] });
  });

  for (const [what, body, code, path] of [
    ['an unknown rule in enforcement (a typo never switches a rule off)', { enforcement: { 'SG-OPEN-ADMIN-PROT': 'advisory' } }, 'unknown-rule', '$.enforcement.SG-OPEN-ADMIN-PROT'],
    ['an exception without an owner', { exceptions: [{ ...exception, owner: '' }] }, 'missing-field', '$.exceptions[0].owner'],
    ['an exception without an end', { exceptions: [{ ...exception, expires: 'never' }] }, 'wrong-type', '$.exceptions[0].expires'],
    ['an impossible date', { exceptions: [{ ...exception, expires: '2027-02-31' }] }, 'wrong-type', '$.exceptions[0].expires'],
    ['an exception for more than a year', { exceptions: [{ ...exception, expires: '2028-12-31' }] }, 'bad-preflight-policy', '$.exceptions[0].expires'],
    ['an unknown field', { exemptions: [] }, 'unknown-field', '$.exemptions'],
  ] as const) {
    it(`refuses ${what}`, () => {
      const result = parsePreflightPolicy(policy(body), 'preflight.json', TODAY);
      assert.equal(result.ok, false);
      assert.deepEqual(result.issues.map((i) => [i.code, i.path]), [[code, path]]);
    });
  }
});

describe('exceptions in the preflight', () => {
  const org = fixtureOrganization();
  const run = (exceptions: (typeof exception)[], today = TODAY) => {
    const result = runPreflight(readFileSync(join(FIXTURES, 'misconfig/plan.json'), 'utf8'), {
      account: org.account,
      policies: org.policies,
      deployer: { principal: org.principal, roleArn: org.roleArn },
      enforcement: { 'S3-PUBLIC-ACL': 'advisory', 'RDS-PUBLIC': 'advisory', 'RDS-UNENCRYPTED': 'advisory' },
      exceptions,
      today,
    });
    assert.ok(result.ok);
    return result.value;
  };

  it('a live exception keeps its mandatory finding reported but from failing the preflight', () => {
    assert.equal(run([]).passed, false);
    const report = run([exception]);
    assert.equal(report.passed, true);
    assert.deepEqual(report.findings.find((f) => f.rule === 'SG-OPEN-ADMIN-PORT')?.exception, exception);
    assert.deepEqual(report.exceptionNotes, []);
  });

  it('an expired exception no longer applies and says so; one that matches nothing is reported for removal', () => {
    const expired = run([exception], new Date('2027-02-01T00:00:00Z'));
    assert.equal(expired.passed, false);
    assert.deepEqual(expired.exceptionNotes, ['the exception for SG-OPEN-ADMIN-PORT on `aws_security_group.bastion` (owner platform@acme.example) expired on 2027-01-31']);
    const stray = run([exception, { ...exception, address: 'aws_security_group.gone' }]);
    assert.deepEqual(stray.exceptionNotes, ['the exception for SG-OPEN-ADMIN-PORT on `aws_security_group.gone` (owner platform@acme.example) matches no finding: remove it']);
  });
});
