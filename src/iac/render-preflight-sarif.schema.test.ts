/**
 * Every SARIF file the preflight writes validates against the OASIS SARIF 2.1.0 JSON schema (the
 * rtm.5 schema shipped by @microsoft/jest-sarif), and meets what GitHub code scanning documents for
 * uploads ("SARIF support for code scanning",
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * a `ruleId` naming a rule of the driver, `partialFingerprints` to follow an alert across runs, a
 * physical location whose `artifactLocation.uri` is relative to the repository root, and a
 * `security-severity` score between 0.1 and 10.0 on rules tagged `security`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { fixtureOrganization, FIXTURES, SCENARIOS } from './fixture-policies.test-support.ts';
import { runPreflight, type PreflightOptions, type PreflightReport } from './preflight.ts';
import { findResourceBlocks, preflightSarif, type SourceLocation } from './render-preflight-sarif.ts';
import { leakyPlan } from './secret-flows.test-support.ts';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// both are CommonJS with the class (the plugin) on `default`
const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

const org = fixtureOrganization();
const options: PreflightOptions = { account: org.account, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn }, requiredTags: ['team'] };

function preflight(planText: string, extra: Partial<PreflightOptions> = {}): PreflightReport {
  const result = runPreflight(planText, { ...options, ...extra });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  return result.value;
}

interface Sarif {
  runs: {
    tool: { driver: { rules: { id: string; properties?: { tags?: string[]; 'security-severity'?: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      partialFingerprints?: Record<string, string>;
      locations?: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
  }[];
}

/** the schema, then GitHub's documented requirements; returns the parsed file */
function assertValid(text: string, label: string): Sarif {
  const doc = JSON.parse(text) as Sarif;
  const valid = validate(doc);
  assert.ok(valid, `${label}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
  for (const run of doc.runs) {
    const { rules } = run.tool.driver;
    for (const rule of rules) {
      const score = rule.properties?.['security-severity'];
      if (rule.properties?.tags?.includes('security') && score !== undefined) {
        assert.match(score, /^\d+(\.\d+)?$/, `${label}: ${rule.id} security-severity is a number as a string`);
        assert.ok(Number(score) >= 0.1 && Number(score) <= 10, `${label}: ${rule.id} security-severity in 0.1..10.0`);
      }
    }
    const prints = new Set<string>();
    for (const result of run.results) {
      assert.equal(rules[result.ruleIndex]?.id, result.ruleId, `${label}: ruleIndex points at ruleId`);
      assert.ok(result.partialFingerprints !== undefined && Object.keys(result.partialFingerprints).length > 0, `${label}: ${result.ruleId} has partialFingerprints`);
      const print = JSON.stringify(result.partialFingerprints);
      assert.ok(!prints.has(print), `${label}: fingerprints are unique within a run`);
      prints.add(print);
      assert.ok(result.locations !== undefined && result.locations.length >= 1 && result.locations.length <= 10, `${label}: one location`);
      const physical = result.locations[0]!.physicalLocation;
      assert.ok(physical, `${label}: ${result.ruleId} has a physical location`);
      const { uri } = physical.artifactLocation;
      assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/') && !uri.split('/').includes('..'), `${label}: \`${uri}\` is relative to the repository`);
      assert.doesNotThrow(() => new URL(uri, 'file:///repo/'), `${label}: \`${uri}\` is a URI reference`);
      assert.ok(Number.isInteger(physical.region.startLine) && physical.region.startLine >= 1);
    }
  }
  return doc;
}

describe('SARIF output against the SARIF 2.1.0 schema and code scanning requirements', () => {
  for (const scenario of SCENARIOS) {
    it(`the ${scenario} plan`, () => {
      const report = preflight(readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8'));
      const locations = findResourceBlocks([{ path: `infra/${scenario}/main.tf`, text: readFileSync(join(FIXTURES, scenario, 'main.tf'), 'utf8') }]);
      const doc = assertValid(preflightSarif(report, { locations, version: '0.1.0', planFile: `infra/${scenario}/plan.json` }), scenario);
      assert.equal(doc.runs[0]!.results.length, report.findings.length + report.summary.denied + report.summary.unknown + report.summary.unmapped);
    });
  }

  it('an empty plan: a run with its rules and no results', () => {
    const report = preflight(JSON.stringify({ format_version: '1.2', resource_changes: [] }));
    const doc = assertValid(preflightSarif(report, { planFile: 'plan.json' }), 'empty');
    assert.deepEqual(doc.runs[0]!.results, []);
    assert.ok(doc.runs[0]!.tool.driver.rules.length > 0);
  });

  // values known after apply, a type with no request map, a resource in a child module with an instance key,
  // a suppressed finding, and file names that need percent-encoding
  const odd = {
    format_version: '1.2',
    resource_changes: [
      { address: 'aws_sqs_queue.later', mode: 'managed', type: 'aws_sqs_queue', name: 'later', change: { actions: ['create'], before: null, after: { tags: { team: 'a' } }, after_unknown: { name: true, arn: true } } },
      { address: 'aws_appmesh_mesh.m', mode: 'managed', type: 'aws_appmesh_mesh', name: 'm', change: { actions: ['create'], before: null, after: { name: 'm' }, after_unknown: {} } },
      { address: 'module.net.module.inner.aws_iam_user.u["a b"]', mode: 'managed', type: 'aws_iam_user', name: 'u', index: 'a b', module_address: 'module.net.module.inner', change: { actions: ['create'], before: null, after: { name: 'u', path: '/', tags: { team: 'a' } }, after_unknown: {} } },
      { address: 'aws_iam_user.v', mode: 'managed', type: 'aws_iam_user', name: 'v', change: { actions: ['create'], before: null, after: { name: 'v', path: '/', tags: { team: 'a' } }, after_unknown: {} } },
    ],
  };

  it('unknowns, unmapped types, modules, suppressions and odd file names', () => {
    const report = preflight(JSON.stringify(odd), { exceptions: [{ rule: 'IAM-USER', address: 'aws_iam_user.v', owner: 'team-a', expires: '2999-01-01', reason: 'break-glass user' }] });
    assert.ok(report.summary.unknown >= 1 && report.summary.unmapped === 1);
    const locations = new Map<string, SourceLocation>([
      ['module.net', { file: 'my infra/modules #1/main.tf', line: 3 }],
      ['aws_iam_user.v', { file: 'my infra/users.tf', line: 7 }],
    ]);
    const doc = assertValid(preflightSarif(report, { locations, planFile: 'my infra/plan 100%.json' }), 'odd');
    const uris = doc.runs[0]!.results.map((r) => r.locations![0]!.physicalLocation!.artifactLocation.uri);
    // the module resource at its module call, the others unknown to the .tf files at the plan
    assert.ok(uris.includes('my%20infra/modules%20%231/main.tf'));
    assert.ok(uris.includes('my%20infra/users.tf'));
    assert.ok(uris.includes('my%20infra/plan%20100%25.json'));
    const suppressed = JSON.parse(preflightSarif(report, { locations })) as { runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[] };
    assert.ok(suppressed.runs[0]!.results.some((r) => r.ruleId === 'IAM-USER' && r.suppressions?.length === 1));
  });

  it('a finding on an output points at its `output` block', () => {
    const report = preflight(leakyPlan());
    const locations = findResourceBlocks([{ path: 'infra/outputs.tf', text: 'variable "db_password" {\n  sensitive = true\n}\n\noutput "pw_plain" {\n  value = nonsensitive(var.db_password)\n}\n' }]);
    const doc = assertValid(preflightSarif(report, { locations, planFile: 'infra/plan.json' }), 'outputs');
    const result = doc.runs[0]!.results.find((r) => r.ruleId === 'SECRET-IN-PLAINTEXT' && JSON.stringify(r).includes('output.pw_plain'))!;
    assert.deepEqual([result.locations![0]!.physicalLocation!.artifactLocation.uri, result.locations![0]!.physicalLocation!.region.startLine], ['infra/outputs.tf', 5]);
  });

  it('fingerprints follow the resource, not its line: the same alert when the block moves', () => {
    const report = preflight(readFileSync(join(FIXTURES, 'escalation/plan.json'), 'utf8'));
    const text = readFileSync(join(FIXTURES, 'escalation/main.tf'), 'utf8');
    const print = (tf: string) =>
      (JSON.parse(preflightSarif(report, { locations: findResourceBlocks([{ path: 'main.tf', text: tf }]) })) as Sarif).runs[0]!.results.map((r) => [r.ruleId, r.partialFingerprints, r.locations![0]!.physicalLocation!.region.startLine]);
    const before = print(text);
    const after = print(`# moved\n\n\n${text}`);
    assert.deepEqual(after.map(([rule, fp]) => [rule, fp]), before.map(([rule, fp]) => [rule, fp]));
    assert.deepEqual(after.map((x) => x[2]), before.map((x) => (x[2] as number) + 3));
  });
});

it('the validator refuses what the schema forbids (it can fail)', () => {
  const report = preflight(readFileSync(join(FIXTURES, 'escalation/plan.json'), 'utf8'));
  const doc = JSON.parse(preflightSarif(report, { planFile: 'plan.json' })) as { runs: { results: Record<string, unknown>[] }[] };
  const broken = structuredClone(doc);
  delete broken.runs[0]!.results[0]!.message;
  assert.equal(validate(broken), false);
  const badUri = structuredClone(doc) as unknown as Sarif;
  badUri.runs[0]!.results[0]!.locations![0]!.physicalLocation!.artifactLocation.uri = 'my infra/main tf';
  assert.equal(validate(badUri), false, 'a URI with a space is not a uri-reference');
});
