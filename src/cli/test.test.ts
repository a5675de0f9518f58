import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.test-support.ts';

const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const SMALL = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** a copy of the small organization whose tests/ holds the files given */
function copyWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-test-'));
  copies.push(dir);
  cpSync(SMALL, dir, { recursive: true });
  rmSync(join(dir, 'tests'), { recursive: true });
  mkdirSync(join(dir, 'tests'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'tests', name), text);
  return dir;
}

const FAILING = `defaults:
  context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true }
tests:
  - name: operators delete queues in dev
    principal: group:ops
    account: dev
    action: sqs:DeleteQueue
    resource: arn:aws:sqs:eu-west-1:222222222222:jobs
    expect: allow
  - name: "ci deletes queues in prod <wrongly>"
    principal: service:ci
    account: prod
    action: sqs:DeleteQueue
    resource: arn:aws:sqs:eu-west-1:111111111111:jobs
    expect: allow
`;

describe('parapet test', () => {
  test('the acme example: every access test passes, one line each, exit 0', async () => {
    const { code, out } = await runCli('test', ACME);
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    const results = lines.filter((l) => /^(PASS|FAIL) /.test(l));
    assert.ok(results.length >= 20, `${results.length} tests`);
    assert.ok(results.every((l) => l.startsWith(`PASS ${ACME}/tests/`)));
    assert.equal(lines[lines.length - 1], `${results.length} passed, 0 failed`);
  });

  test('a failing test: exit 1, the request, what was expected and the explained decision with unit names', async () => {
    const dir = copyWith({ 'queues.yaml': FAILING });
    const junit = join(dir, 'junit.xml');
    const { code, out } = await runCli('test', dir, '--junit', junit);
    assert.equal(code, 1);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], `PASS ${dir}/tests/queues.yaml:4:5: operators delete queues in dev`);
    assert.equal(lines[1], `FAIL ${dir}/tests/queues.yaml:10:5: ci deletes queues in prod <wrongly>`);
    assert.equal(lines[2], '  service:ci with `operator` in `prod`: `sqs:DeleteQueue` on `arn:aws:sqs:eu-west-1:111111111111:jobs`');
    assert.equal(lines[3], '  expected allow, got ExplicitDeny');
    assert.match(lines[4] ?? '', /^ {4}`arn:aws:sts::111111111111:assumed-role\/operator\/ci` is not authorized to perform `sqs:DeleteQueue`/);
    assert.equal(lines[5], '      - with an explicit deny in a service control policy `deny-queue-deletion` attached at `prod` statement 0 (`KeepQueues`)');
    assert.equal(lines[lines.length - 1], '1 passed, 1 failed');

    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="parapet access tests" tests="2" failures="1" errors="0">/);
    assert.match(xml, /<testsuite name="tests\/queues.yaml" tests="2" failures="1" errors="0" skipped="0">/);
    assert.match(xml, /<testcase name="operators delete queues in dev" classname="tests.queues" file="tests\/queues.yaml" line="4"\/>/);
    assert.match(xml, /<testcase name="ci deletes queues in prod &lt;wrongly&gt;" classname="tests.queues" file="tests\/queues.yaml" line="10">\n {6}<failure message="expected allow, got ExplicitDeny" type="ExplicitDeny">/);
    assert.match(xml, /service control policy `deny-queue-deletion` attached at `prod` statement 0 \(`KeepQueues`\)<\/failure>/);
  });

  test('--json: one object with every result, failures explained', async () => {
    const dir = copyWith({ 'queues.yaml': FAILING });
    const { code, out } = await runCli('test', dir, '--json');
    assert.equal(code, 1);
    const report = JSON.parse(out) as { format: string; passed: number; failed: number; invalid: number; results: Record<string, unknown>[]; issues: unknown[] };
    assert.equal(report.format, 'parapet-test/1');
    assert.deepEqual([report.passed, report.failed, report.invalid, report.issues], [1, 1, 0, []]);
    const failed = report.results[1] ?? {};
    assert.deepEqual(
      [failed.name, failed.source, failed.line, failed.pass, failed.expected, failed.decision, failed.principal, failed.permissionSet],
      ['ci deletes queues in prod <wrongly>', 'tests/queues.yaml', 10, false, 'allow', 'ExplicitDeny', 'service:ci', 'operator'],
    );
    assert.match(String(failed.explanation), /deny-queue-deletion/);
  });

  test('invalid test files: every mistake located with its code, the valid tests still run, exit 2', async () => {
    const dir = copyWith({
      'a.yaml': `- name: fine
  principal: group:ops
  account: dev
  action: sqs:SendMessage
  context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true }
  expect: allow
- name: typo
  principal: group:opss
  account: dev
  action: sqs:SendMessage
  expect: allowed
`,
      'b.yaml': 'tests: [ { name: x\n',
      'notes.txt': 'not a test file',
    });
    const junit = join(dir, 'junit.xml');
    const { code, out } = await runCli('test', dir, '--junit', junit);
    assert.equal(code, 2);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^${dir}/tests/a\\.yaml:8:14: error unknown-group: test \`typo\`: unknown group \`opss\`: did you mean \`ops\`$`));
    assert.match(lines[1] ?? '', new RegExp(`^${dir}/tests/a\\.yaml:11:11: error bad-expectation: `));
    assert.match(lines[2] ?? '', new RegExp(`^${dir}/tests/b\\.yaml:\\d+:\\d+: error yaml-syntax: `));
    assert.ok(lines.includes(`PASS ${dir}/tests/a.yaml:1:3: fine`));
    assert.match(lines[lines.length - 1] ?? '', /^1 passed, 0 failed, \d+ errors in test files$/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<error message="test `typo`: unknown group `opss`: did you mean `ops`" type="unknown-group">/);
    assert.match(xml, /<testsuite name="tests\/b.yaml" tests="\d+" failures="0" errors="\d+" skipped="0">/);
  });

  test('no tests folder: exit 2 with a message', async () => {
    const dir = copyWith({});
    const { code, err } = await runCli('test', dir);
    assert.equal(code, 2);
    assert.match(err, /^parapet: no access tests: `.*\/tests` has no \*\.yaml files/);
  });

  test('files without a test: zero tests is an error, exit 2, never a pass', async () => {
    for (const files of [{ 'empty.yaml': '' }, { 'a.yaml': 'tests: []\n', 'b.yaml': '# nothing yet\n' }, { 'c.yaml': 'defaults: { account: dev }\ntests:\n' }]) {
      const dir = copyWith(files);
      const { code, out, err } = await runCli('test', dir);
      assert.equal(code, 2, JSON.stringify(files));
      assert.equal(out, '');
      assert.match(err, /^parapet: no access tests: the \*\.yaml files in `.*\/tests` hold no tests/);
      assert.equal((await runCli('test', dir, '--json')).code, 2);
    }
  });

  test('a context value that does not read as its key\'s type is a located bad-context error and the test never runs', async () => {
    // without MFA the guardrail of the small organization would deny; `no` must not read as "not false"
    const dir = copyWith({
      'mfa.yaml': `defaults: { principal: group:ops, account: dev, action: sqs:SendMessage, expect: allow }
tests:
  - name: not a boolean
    context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: "no" }
  - name: not an address
    context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true, aws:SourceIp: [203.0.113.7, 999.1.1.1] }
  - name: not a date
    context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true, aws:CurrentTime: not-a-date }
  - name: a service key typed by the catalog
    context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true, sqs:Nothing: x, ec2:Encrypted: maybe }
  - name: a garbage resource
    resource: jobs
    context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true }
  - name: a pattern
    action: sqs:*
    context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true }
`,
    });
    const { code, out } = await runCli('test', dir, '--json');
    assert.equal(code, 2);
    const report = JSON.parse(out) as { passed: number; failed: number; results: unknown[]; issues: { code: string; line: number; column: number; message: string }[] };
    assert.deepEqual(report.results, []);
    assert.deepEqual(
      report.issues.map((i) => `${i.line}:${i.column} ${i.code}: ${i.message}`),
      [
        '4:69 bad-context: test `not a boolean`: context key `aws:SecureTransport`: `no` is not a boolean: expected `true` or `false`',
        '6:103 bad-context: test `not an address`: context key `aws:SourceIp`: `999.1.1.1` is not an IP address: expected an IPv4 (`203.0.113.7`) or IPv6 (`2001:db8::1`) address',
        '8:92 bad-context: test `not a date`: context key `aws:CurrentTime`: `not-a-date` is not a date: expected ISO 8601 (`2026-01-31T12:00:00Z`) or epoch seconds',
        '10:106 bad-context: test `a service key typed by the catalog`: context key `ec2:Encrypted`: `maybe` is not a boolean: expected `true` or `false`',
        '12:15 bad-resource: test `a garbage resource`: `jobs` is not an ARN (`arn:partition:service:region:account:resource`) or `*`',
        '15:13 bad-action: test `a pattern`: `sqs:*` is not an action: a request makes one action, not a pattern',
      ],
    );
  });

  test('an invalid configuration: its errors, exit 2, no test runs', async () => {
    const dir = copyWith({ 'queues.yaml': FAILING });
    const yaml = join(dir, 'parapet.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('- { group: ops, permissionSet: operator', '- { group: opps, permissionSet: operator'));
    const { code, out, err } = await runCli('test', dir);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(err, /parapet\.yaml:\d+:\d+: error unknown-group: /);
    assert.match(err, /is not a valid configuration: see `parapet validate /);
  });

  test('--help documents the format and the exit statuses', async () => {
    const { code, out } = await runCli('test', '--help');
    assert.equal(code, 0);
    assert.match(out, /--junit <file>/);
    assert.match(out, /Exit status: 0 when every test passes, 1 when one fails, 2 when/);
  });
});
