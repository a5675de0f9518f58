import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { loadConfigDir, type OrgConfig } from '../org/index.ts';
import { ACCESS_TEST_FORMAT, accessTestReport, accessTestReportJson, renderAccessTestText, type TestSuite } from './access-test-report.ts';
import { parseAccessTests } from './parse-access-tests.ts';
import { runAccessTests } from './run-access-tests.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const parsed = loadConfigDir(FIXTURE);
assert.ok(parsed.ok);
const config: OrgConfig = parsed.value;
const rcpServices = loadCatalog().rcpSupportedServices();

function report() {
  const file = parseAccessTests(
    `defaults: { context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true } }
tests:
  - { name: allowed in dev, principal: group:ops, account: dev, action: sqs:DeleteQueue, resource: "arn:aws:sqs:eu-west-1:222222222222:jobs", expect: allow }
  - { name: denied in prod, principal: service:ci, account: prod, action: sqs:DeleteQueue, resource: "arn:aws:sqs:eu-west-1:111111111111:jobs", expect: allow }
  - { name: broken, principal: group:ops, account: dev, action: sqs:CreateQueue, expect: maybe }
`,
    'tests/queues.yaml',
    config,
  );
  const suites: TestSuite[] = [{ source: 'tests/queues.yaml', results: runAccessTests(config, file.tests, { rcpServices }), issues: file.issues.filter((i) => i.severity === 'error') }];
  return accessTestReport('repo', suites, file.issues);
}

test('the counts are those of the results and issues', () => {
  const r = report();
  assert.deepEqual([r.passed, r.failed, r.invalid], [1, 1, 1]);
});

test('the JSON form survives a round trip and has the documented fields', () => {
  const json = accessTestReportJson(report());
  const back = JSON.parse(JSON.stringify(json)) as typeof json;
  assert.deepEqual(back, json);
  assert.equal(back.format, ACCESS_TEST_FORMAT);
  assert.deepEqual(Object.keys(back), ['format', 'dir', 'passed', 'failed', 'invalid', 'results', 'issues']);
  const [, denied] = back.results;
  assert.ok(denied !== undefined);
  assert.deepEqual(Object.keys(denied).sort(), [
    'account', 'action', 'causes', 'column', 'context', 'decision', 'eligible', 'expected', 'explanation', 'file', 'levelNames', 'line', 'missingContextKeys', 'name', 'pass',
    'permissionSet', 'principal', 'resource', 'source',
  ]);
  assert.equal(denied.file, 'repo/tests/queues.yaml');
  assert.equal(denied.decision, 'ExplicitDeny');
  // the cause as data: the statement of the SCP, at a level the level names say
  const cause = denied.causes.find((c) => c.kind === 'explicit-deny');
  assert.ok(cause?.kind === 'explicit-deny');
  assert.equal(cause.statement.policyName, 'deny-queue-deletion');
  assert.equal(denied.levelNames.scpLevelNames[cause.statement.level ?? -1], 'prod');
  assert.equal(back.issues[0]?.code, 'bad-expectation');
});

test('the text says the facts of the JSON: every test by name and verdict, every issue, the counts', () => {
  const r = report();
  const json = accessTestReportJson(r);
  const text = renderAccessTestText(r);
  for (const result of json.results) {
    assert.ok(text.includes(`${result.pass ? 'PASS' : 'FAIL'} ${result.file}:${result.line}:${result.column}: ${result.name}\n`), result.name);
    if (!result.pass) {
      assert.ok(text.includes(`expected ${result.expected}, got ${result.decision}`));
      for (const cause of result.causes) if (cause.kind === 'explicit-deny') assert.ok(text.includes(cause.statement.policyName));
    }
  }
  for (const issue of json.issues) assert.ok(text.includes(`${issue.file}:${issue.line}:${issue.column}: ${issue.severity} ${issue.code}: ${issue.message}`));
  assert.ok(text.endsWith(`\n${json.passed} passed, ${json.failed} failed, ${json.invalid} error in test files\n`));
});
