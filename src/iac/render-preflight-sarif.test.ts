import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureOrganization, FIXTURES } from './fixture-policies.test-support.ts';
import { runPreflight, type PreflightReport } from './preflight.ts';
import { findResourceBlocks, preflightJunit, preflightSarif } from './render-preflight-sarif.ts';

const org = fixtureOrganization();
function report(scenario: string): PreflightReport {
  const result = runPreflight(readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8'), {
    account: org.account,
    policies: org.policies,
    deployer: { principal: org.principal, roleArn: org.roleArn },
    requiredTags: ['team'],
  });
  assert.ok(result.ok);
  return result.value;
}
const blocks = (scenario: string) => findResourceBlocks([{ path: `${scenario}/main.tf`, text: readFileSync(join(FIXTURES, scenario, 'main.tf'), 'utf8') }]);

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[];
}

describe('SARIF 2.1.0', () => {
  it('has the shape the 2.1.0 schema requires: version, a tool driver with rules, results naming their rule and location', () => {
    const r = report('escalation');
    const sarif = JSON.parse(preflightSarif(r, { locations: blocks('escalation'), version: '1.2.3' })) as { version: string; $schema: string; runs: { tool: { driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string } }[] } }; results: SarifResult[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const { driver } = sarif.runs[0]!.tool;
    assert.deepEqual([driver.name, driver.version], ['parapet preflight', '1.2.3']);
    assert.equal(new Set(driver.rules.map((x) => x.id)).size, driver.rules.length, 'rule ids are unique');
    const results = sarif.runs[0]!.results;
    // every finding and every stopped change
    assert.equal(results.length, r.findings.length + r.summary.denied + r.summary.unknown + r.summary.unmapped);
    for (const result of results) {
      assert.equal(driver.rules[result.ruleIndex]!.id, result.ruleId);
      assert.ok(['error', 'warning', 'note', 'none'].includes(result.level));
      assert.ok(result.message.text.length > 0);
      const [location] = result.locations;
      assert.ok(location!.physicalLocation, `${result.ruleId} points into main.tf`);
      assert.equal(location!.physicalLocation.artifactLocation.uri, 'escalation/main.tf');
      assert.ok(Number.isInteger(location!.physicalLocation.region.startLine) && location!.physicalLocation.region.startLine >= 1);
    }
    const oidc = results.find((x) => x.ruleId === 'IAM-OIDC-TRUST-WILDCARD')!;
    const line = readFileSync(join(FIXTURES, 'escalation/main.tf'), 'utf8').split('\n')[oidc.locations[0]!.physicalLocation!.region.startLine - 1];
    assert.match(line!, /^resource "aws_iam_role" "ci_runner"/);
    assert.ok(results.some((x) => x.ruleId === 'GUARDRAIL-EXPLICIT-DENY' && x.message.text.includes('scp-deny-iam-users/DenyIamUsersAndLongLivedKeys')));
  });
});

describe('JUnit and SARIF keep the canary out', () => {
  it('neither output holds the sensitive value', () => {
    const r = report('sensitive');
    for (const output of [preflightSarif(r, { locations: blocks('sensitive') }), preflightJunit(r)]) assert.ok(!output.includes('CANARY-fake-db-password-7f3a9c'));
  });

  it('JUnit: one case per change and finding, a failure for each stopped change and mandatory finding', () => {
    const r = report('region-violation');
    const xml = preflightJunit(r);
    assert.equal((xml.match(/<testcase /g) ?? []).length, r.changes.length + r.findings.length);
    assert.equal((xml.match(/<failure /g) ?? []).length, 2);
    assert.match(xml, /<failure message="ExplicitDeny: aws_instance\.batch" type="ExplicitDeny">/);
  });
});
