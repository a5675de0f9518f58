import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { loadConfigDir, type OrgConfig } from '../org/index.ts';
import type { AccessTest } from './access-test.ts';
import { formatJunit } from './format-junit.ts';
import { explainResult, failureOf } from './access-test-report.ts';
import { parseAccessTests } from './parse-access-tests.ts';
import { principalSession, sessionFactsOf } from './principal-session.ts';
import { meetsExpectation, runAccessTests } from './run-access-tests.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));

function loadFixture(): OrgConfig {
  const parsed = loadConfigDir(FIXTURE);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

const config = loadFixture();
const rcpServices = loadCatalog().rcpSupportedServices();

function tests(text: string): AccessTest[] {
  const parsed = parseAccessTests(text, 'tests/t.yaml', config);
  assert.deepEqual(parsed.issues, []);
  return [...parsed.tests];
}

describe('runAccessTests', () => {
  test('the request is the permission set role session of the account, with what AWS supplies', () => {
    const session = principalSession({ kind: 'group', name: 'ops' }, '222222222222', 'operator');
    assert.deepEqual(session, {
      principal: 'arn:aws:sts::222222222222:assumed-role/operator/ops',
      facts: { roleArn: 'arn:aws:iam::222222222222:role/parapet/operator' },
      context: { 'aws:PrincipalIsAWSService': 'false', 'aws:PrincipalType': 'AssumedRole' },
    });
    // only what the configuration gives: an organization id or principal tags when known
    assert.deepEqual(principalSession({ kind: 'user', name: 'rita@example.com' }, '1', 'p', { organizationId: 'o-1', principalTags: { team: 'red' } }).context, {
      'aws:PrincipalIsAWSService': 'false',
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalOrgID': 'o-1',
      'aws:PrincipalTag/team': 'red',
    });
    const [result] = runAccessTests(
      config,
      tests('- { name: a, principal: group:ops, account: dev, action: iam:GetRole, resource: "arn:aws:iam::222222222222:role/x", expect: deny }\n'),
      { rcpServices },
    );
    assert.equal(result?.decision.principal, 'arn:aws:sts::222222222222:assumed-role/operator/ops');
  });

  test('`organization.id` is every session\'s aws:PrincipalOrgID; a test\'s context and given facts win', () => {
    assert.deepEqual(sessionFactsOf(config), {});
    const acmeParsed = loadConfigDir(ACME);
    if (!acmeParsed.ok) throw new Error(acmeParsed.issues.map((i) => i.message).join('\n'));
    const acme = acmeParsed.value;
    assert.deepEqual(sessionFactsOf(acme), { organizationId: 'o-acme0example' });
    assert.deepEqual(sessionFactsOf(acme, { organizationId: 'o-given00001' }), { organizationId: 'o-given00001' });
    // acme's data perimeter denies principals whose aws:PrincipalOrgID is not acme's
    const perimeter = (target: OrgConfig, context = '') => {
      const parsed = parseAccessTests(
        `- { name: a, principal: group:payments-devs, account: payments-prod, action: s3:GetObject, resource: "arn:aws:s3:::acme-payments-data/a.json", context: { aws:SecureTransport: true, aws:RequestedRegion: eu-west-1${context} }, expect: allow }\n`,
        'tests/t.yaml',
        target,
      );
      assert.deepEqual(parsed.issues, []);
      return runAccessTests(target, parsed.tests, { rcpServices })[0]?.decision.decision;
    };
    assert.equal(perimeter(acme), 'Allow');
    // a key of the test, in any case, wins over the one supplied
    assert.equal(perimeter(acme, ', aws:principalorgid: o-elsewhere00'), 'ExplicitDeny');
    const { id: _, ...withoutId } = acme.organization;
    assert.equal(perimeter({ ...acme, organization: withoutId }), 'ExplicitDeny');
  });

  test('pass and fail by expectation; a failure says what was expected and explains with unit names', () => {
    const results = runAccessTests(
      config,
      tests(`defaults:
  context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true }
tests:
  - { name: allowed in dev, principal: group:ops, account: dev, action: sqs:DeleteQueue, resource: "arn:aws:sqs:eu-west-1:222222222222:jobs", expect: allow }
  - { name: denied in prod, principal: service:ci, account: prod, action: sqs:DeleteQueue, resource: "arn:aws:sqs:eu-west-1:111111111111:jobs", expect: allow }
  - { name: region, principal: group:ops, account: dev, action: sqs:SendMessage, context: { aws:RequestedRegion: us-east-1 }, expect: explicit-deny }
  - { name: not granted, principal: group:ops, account: dev, action: sqs:CreateQueue, expect: implicit-deny }
  - { name: wrong kind of deny, principal: group:ops, account: dev, action: sqs:CreateQueue, expect: explicit-deny }
`),
      { rcpServices },
    );
    assert.deepEqual(
      results.map((r) => [r.test.name, r.pass, r.decision.decision, r.pass ? null : failureOf(r)]),
      [
        ['allowed in dev', true, 'Allow', null],
        ['denied in prod', false, 'ExplicitDeny', 'expected allow, got ExplicitDeny'],
        ['region', true, 'ExplicitDeny', null],
        ['not granted', true, 'ImplicitDeny', null],
        ['wrong kind of deny', false, 'ImplicitDeny', 'expected explicit-deny, got ImplicitDeny'],
      ],
    );
    assert.match(results[1] !== undefined ? explainResult(results[1]) : '', /service control policy `deny-queue-deletion` attached at `prod` statement 0 \(`KeepQueues`\)/);
    assert.match(results[2] !== undefined ? explainResult(results[2]) : '', /service control policy `deny-other-regions` attached at `root`/);
  });

  test('eligible: the access after elevation', () => {
    const [result] = runAccessTests(
      config,
      tests('- { name: a, principal: user:otto@example.com, account: prod, permissionSet: admin, eligible: true, action: iam:CreateRole, resource: "arn:aws:iam::111111111111:role/x", expect: allow }\n'),
      { rcpServices },
    );
    assert.equal(result?.pass, true);
  });

  test('the resource account: its RCPs apply; outside the organization none does, and a resource policy would have to grant', () => {
    const results = runAccessTests(
      config,
      tests(`defaults: { principal: service:ci, account: prod, action: sqs:SendMessage, context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: false } }
tests:
  - { name: own queue, resource: "arn:aws:sqs:eu-west-1:111111111111:jobs", expect: explicit-deny }
  - { name: queue of dev, resource: "arn:aws:sqs:eu-west-1:222222222222:jobs", expect: explicit-deny }
  - { name: queue outside, resource: "arn:aws:sqs:eu-west-1:333333333333:jobs", expect: implicit-deny }
  - { name: named outside, resource: "*", resourceAccount: "333333333333", expect: implicit-deny }
`),
      { rcpServices },
    );
    assert.deepEqual(
      results.map((r) => [r.test.name, r.pass]),
      [
        ['own queue', true],
        ['queue of dev', true],
        ['queue outside', true],
        ['named outside', true],
      ],
    );
    assert.match(results[1] !== undefined ? explainResult(results[1]) : '', /resource control policy `tls-only` attached at `root`/);
    assert.equal(results[2]?.decision.crossAccount, true);
  });

  test('meetsExpectation', () => {
    const table = [
      ['allow', 'Allow', true],
      ['allow', 'ExplicitDeny', false],
      ['deny', 'ImplicitDeny', true],
      ['deny', 'ExplicitDeny', true],
      ['deny', 'Allow', false],
      ['explicit-deny', 'ImplicitDeny', false],
      ['implicit-deny', 'ImplicitDeny', true],
    ] as const;
    for (const [expect, decision, pass] of table) assert.equal(meetsExpectation(expect, decision), pass, `${expect} / ${decision}`);
  });
});

describe('formatJunit', () => {
  test('a suite per file, a testcase per test, a failure with the explanation, an error per invalid test, all escaped', () => {
    const parsed = parseAccessTests(
      `- { name: "queues <&> \\"quotes\\"", principal: service:ci, account: prod, action: sqs:DeleteQueue, resource: "arn:aws:sqs:eu-west-1:111111111111:jobs", expect: allow }
- { name: fine, principal: service:ci, account: prod, action: sqs:CreateQueue, expect: deny }
- { name: broken, principal: service:ci, account: prod, action: sqs:CreateQueue, expect: maybe }
`,
      'tests/ci.yaml',
      config,
    );
    const results = runAccessTests(config, parsed.tests, { rcpServices });
    const xml = formatJunit([{ source: 'tests/ci.yaml', results, issues: parsed.issues }]);
    const lines = xml.split('\n');
    assert.equal(lines[0], '<?xml version="1.0" encoding="UTF-8"?>');
    assert.equal(lines[1], '<testsuites name="parapet access tests" tests="3" failures="1" errors="1">');
    assert.equal(lines[2], '  <testsuite name="tests/ci.yaml" tests="3" failures="1" errors="1" skipped="0">');
    assert.equal(lines[3], '    <testcase name="queues &lt;&amp;&gt; &quot;quotes&quot;" classname="tests.ci" file="tests/ci.yaml" line="1">');
    assert.match(lines[4] ?? '', /^ {6}<failure message="expected allow, got ExplicitDeny" type="ExplicitDeny">service:ci with `operator` in `prod`: `sqs:DeleteQueue` on `arn:aws:sqs:eu-west-1:111111111111:jobs`$/);
    assert.match(xml, /is not authorized to perform `sqs:DeleteQueue`.*\(explicit deny\)\n(?: {2}- .*\n)* {2}- with an explicit deny in a service control policy `deny-queue-deletion` attached at `prod` statement 0 \(`KeepQueues`\)/);
    assert.match(xml, /<testcase name="fine" classname="tests.ci" file="tests\/ci.yaml" line="2"\/>/);
    assert.match(xml, /<testcase name="tests\/ci.yaml:3:\d+" [^>]*>\n {6}<error message="test `broken`: `expect` must be [^"]*" type="bad-expectation">/);
    assert.ok(xml.endsWith('</testsuites>\n'));
  });
});
