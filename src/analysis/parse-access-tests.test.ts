import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { loadConfigDir, type OrgConfig } from '../org/index.ts';
import type { AccessTestIssue } from './access-test.ts';
import { parseAccessTests } from './parse-access-tests.ts';
import { formatIssue, globalContextKeyType } from '../policy/index.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));

function loadFixture(): OrgConfig {
  const parsed = loadConfigDir(FIXTURE);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

const config = loadFixture();
const checkAction = (action: string) => (action === 's3:GetObjct' ? 'unknown action `s3:GetObjct`: did you mean `s3:GetObject`' : undefined);
const parse = (text: string) => parseAccessTests(text, 'tests/t.yaml', config, { checkAction });
/** `line:column severity code` for each issue, in order */
const located = (issues: readonly AccessTestIssue[]) => issues.map((i) => `${i.line}:${i.column} ${i.severity} ${i.code}`);

describe('parseAccessTests: a valid file', () => {
  test('defaults are merged under each test, key by key for the context; null removes a key', () => {
    const { tests, issues, count } = parse(`defaults:
  principal: group:ops
  account: dev
  context:
    aws:RequestedRegion: eu-west-1
    aws:SecureTransport: true
    aws:MultiFactorAuthPresent: true
tests:
  - name: send
    action: sqs:SendMessage
    resource: arn:aws:sqs:eu-west-1:222222222222:jobs
    context: { aws:SecureTransport: false, aws:MultiFactorAuthPresent: null, aws:SourceVpc: [vpc-1, vpc-2], s3:max-keys: 10 }
    expect: explicit-deny
  - name: read a role in prod, as a reader
    principal: user:rita@example.com
    account: "111111111111"
    permissionSet: reader
    action: iam:GetRole
    expect: allow
`);
    assert.deepEqual(issues, []);
    assert.equal(count, 2);
    assert.deepEqual(tests[0], {
      name: 'send',
      source: 'tests/t.yaml',
      line: 9,
      column: 5,
      principal: { kind: 'group', name: 'ops' },
      account: 'dev',
      permissionSet: 'operator',
      eligible: false,
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs',
      context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'false', 'aws:SourceVpc': ['vpc-1', 'vpc-2'], 's3:max-keys': '10' },
      expect: 'explicit-deny',
    });
    // an account by id is kept by name; the resource defaults to `*`
    assert.equal(tests[1]?.account, 'prod');
    assert.equal(tests[1]?.resource, '*');
    assert.equal(tests[1]?.principal.kind, 'user');
  });

  test('a plain list of tests, `service:` principals, and the only permission set held is chosen', () => {
    const { tests, issues } = parse(`- name: ci sends
  principal: service:ci
  account: prod
  action: sqs:SendMessage
  expect: deny
`);
    assert.deepEqual(issues, []);
    assert.deepEqual(tests[0]?.principal, { kind: 'serviceAccount', name: 'ci' });
    assert.equal(tests[0]?.permissionSet, 'operator');
  });

  test('eligible: true lets a test use a just-in-time assignment', () => {
    const { tests, issues } = parse(`- { name: elevated, principal: group:ops, account: prod, permissionSet: admin, eligible: true, action: sqs:DeleteQueue, expect: deny }
`);
    assert.deepEqual(issues, []);
    assert.equal(tests[0]?.eligible, true);
  });
});

describe('parseAccessTests: every mistake has a stable code and a position', () => {
  test('yaml-syntax: nothing else is read', () => {
    const { tests, issues } = parse('tests: [ { name: a\n');
    assert.equal(tests.length, 0);
    assert.ok(issues.length > 0);
    assert.ok(issues.every((i) => i.code === 'yaml-syntax' && i.severity === 'error'));
  });

  test('duplicate-key, unknown-field with a suggestion, missing-field', () => {
    const { tests, issues } = parse(`tests:
  - name: a
    name: b
    principal: group:ops
    account: dev
    action: sqs:SendMessage
    expected: allow
`);
    assert.equal(tests.length, 0);
    assert.deepEqual(located(issues), ['3:5 error duplicate-key', '7:5 error unknown-field', '2:5 error missing-field']);
    assert.equal(issues[1]?.message, 'test 0: unknown field `expected`: did you mean `expect`');
    assert.equal(issues[2]?.message, 'test `a`: missing `expect`, the decision expected: `allow`, `deny`, `explicit-deny` or `implicit-deny`');
    assert.equal(issues[1]?.path, '$.tests[0].expected');
  });

  test('wrong-type: the file, `tests`, a test, `name`, `eligible`, `principal`', () => {
    assert.deepEqual(located(parse('just text\n').issues), ['1:1 error wrong-type']);
    assert.deepEqual(located(parse('tests: 3\n').issues), ['1:8 error wrong-type']);
    assert.deepEqual(located(parse('- 3\n').issues), ['1:3 error wrong-type']);
    const { issues } = parse(`- name: 42
  principal: [group:ops]
  account: dev
  eligible: yes
  action: sqs:SendMessage
  expect: allow
`);
    assert.deepEqual(located(issues), ['1:9 error wrong-type', '2:14 error wrong-type', '4:13 error wrong-type']);
    assert.equal(issues[2]?.message, 'test 0: `eligible` must be true or false, not the string `yes`');
  });

  test('missing `tests` in a map; no-tests for an empty file is a warning', () => {
    assert.deepEqual(located(parse('defaults: { account: dev }\n').issues), ['1:1 error missing-field']);
    assert.deepEqual(located(parse('').issues), ['1:1 warning no-tests']);
    assert.deepEqual(located(parse('tests: []\n').issues), ['1:1 warning no-tests']);
  });

  test('duplicate-name', () => {
    const one = '{ principal: group:ops, account: dev, action: sqs:SendMessage, expect: allow';
    const { tests, issues } = parse(`- ${one}, name: same }\n- ${one}, name: same }\n`);
    assert.equal(tests.length, 1);
    assert.deepEqual(located(issues), ['2:87 error duplicate-name']);
    assert.equal(issues[0]?.message, 'test `same`: the name is used by the test at line 1 too: names identify tests in reports');
  });

  test('suspicious-name: a test name with a bidirectional override or look-alike letters is warned about; the test still runs', () => {
    const one = '{ principal: group:ops, account: dev, action: sqs:SendMessage, expect: allow';
    const { tests, issues } = parse(`- ${one}, name: "allow\\u202Eyned" }\n- ${one}, name: "s\u0435nd" }\n- ${one}, name: send a message }\n`);
    assert.equal(tests.length, 3);
    assert.deepEqual(
      issues.map((i) => `${i.line}:${i.column} ${i.severity} ${i.code}: ${i.message}`),
      [
        '1:87 warning suspicious-name: test `allow\\u{202E}yned`: the name has a bidirectional control character (U+202E), which changes the order text reads in',
        '2:87 warning suspicious-name: test `s\u0435nd`: the name mixes Latin and Cyrillic letters (Cyrillic `\u0435` U+0435): it can be mistaken for another name',
      ],
    );
  });

  test('bad-principal, unknown-group, unknown-user, unknown-service-account with suggestions', () => {
    const test = (principal: string) => `- { name: "${principal}", principal: "${principal}", account: dev, action: sqs:SendMessage, expect: allow }\n`;
    const { issues } = parse(test('team:ops') + test('group:opps') + test('user:rita@example.org') + test('service:cii') + test('group:'));
    assert.deepEqual(
      issues.map((i) => [i.line, i.code, i.message]),
      [
        [1, 'bad-principal', 'test `team:ops`: `team:ops` is not a principal: write `group:NAME`, `user:EMAIL` or `service:NAME`'],
        [2, 'unknown-group', 'test `group:opps`: unknown group `opps`: did you mean `ops`'],
        [3, 'unknown-user', 'test `user:rita@example.org`: `user:rita@example.org` is in no group: did you mean `rita@example.com`'],
        [4, 'unknown-service-account', 'test `service:cii`: unknown service account `cii`: did you mean `ci`'],
        [5, 'bad-principal', 'test `group:`: `group:` names no group'],
      ],
    );
    assert.equal(issues[0]?.column, 34);
  });

  test('unknown-account and unknown-permission-set, for the account and the resource account', () => {
    const { issues } = parse(`- name: a
  principal: group:ops
  account: deve
  action: sqs:SendMessage
  expect: allow
- name: b
  principal: group:ops
  account: dev
  permissionSet: operater
  action: sqs:SendMessage
  expect: allow
- name: c
  principal: group:ops
  account: dev
  action: sqs:SendMessage
  resourceAccount: prd
  expect: allow
`);
    assert.deepEqual(located(issues), ['3:12 error unknown-account', '9:18 error unknown-permission-set', '16:20 error unknown-account']);
    assert.equal(issues[0]?.message, 'test `a`: unknown account `deve`: did you mean `dev`');
    assert.equal(issues[1]?.message, 'test `b`: unknown permission set `operater`: did you mean `operator`');
  });

  test('no-such-assignment: not held, held only just in time, nothing held in the account', () => {
    const { issues } = parse(`- { name: a, principal: group:readers, account: dev, permissionSet: operator, action: sqs:SendMessage, expect: allow }
- { name: b, principal: group:ops, account: prod, permissionSet: admin, action: sqs:SendMessage, expect: allow }
- { name: c, principal: group:ops, account: prod, action: sqs:SendMessage, expect: allow }
- { name: d, principal: service:ci, account: management, action: sqs:SendMessage, expect: allow }
`);
    assert.deepEqual(
      issues.map((i) => [`${i.line}:${i.column}`, i.code, i.message]),
      [
        ['1:69', 'no-such-assignment', 'test `a`: `group:readers` holds no `operator` in `dev`: it holds `reader` there'],
        ['2:66', 'no-such-assignment', 'test `b`: `group:ops` holds `admin` in `prod` only just in time: add `eligible: true` to test the access after elevation'],
        ['3:45', 'no-such-assignment', 'test `c`: `group:ops` holds `admin` in `prod` only just in time: add `eligible: true` to test the access after elevation'],
        ['4:46', 'no-such-assignment', 'test `d`: `service:ci` holds no permission set in `management`: no assignment gives it access there'],
      ],
    );
  });

  test('ambiguous-permission-set: a user holding two in the account must say which', () => {
    const { issues } = parse('- { name: a, principal: user:rita@example.com, account: dev, action: sqs:SendMessage, expect: allow }\n');
    assert.deepEqual(
      issues.map((i) => [`${i.line}:${i.column}`, i.code, i.message]),
      [['1:57', 'ambiguous-permission-set', 'test `a`: `user:rita@example.com` holds `reader`, `operator` in `dev`: say which with `permissionSet`']],
    );
  });

  test('bad-action, unknown-action (a warning: the test still runs), bad-resource', () => {
    const { tests, issues } = parse(`- { name: a, principal: group:ops, account: dev, action: "sqs:Send*", expect: allow }
- { name: b, principal: group:ops, account: dev, action: sqsSendMessage, expect: allow }
- { name: c, principal: group:ops, account: dev, action: s3:GetObjct, expect: deny }
- { name: d, principal: group:ops, account: dev, action: sqs:SendMessage, resource: jobs, expect: allow }
`);
    assert.deepEqual(located(issues), ['1:58 error bad-action', '2:58 error bad-action', '3:58 warning unknown-action', '4:85 error bad-resource']);
    assert.equal(issues[0]?.message, 'test `a`: `sqs:Send*` is not an action: a request makes one action, not a pattern');
    assert.equal(issues[1]?.message, 'test `b`: `sqsSendMessage` is not an action: expected `service:Action`, such as `s3:GetObject`');
    assert.equal(issues[2]?.message, 'test `c`: unknown action `s3:GetObjct`: did you mean `s3:GetObject`');
    assert.deepEqual(
      tests.map((t) => t.name),
      ['c'],
    );
  });

  test('bad-context: not a map, a key that is not a condition key, a value that is a map', () => {
    const { issues } = parse(`- name: a
  principal: group:ops
  account: dev
  action: sqs:SendMessage
  context: [aws:SecureTransport]
  expect: allow
- name: b
  principal: group:ops
  account: dev
  action: sqs:SendMessage
  context:
    RequestedRegion: eu-west-1
    aws:SourceVpc: { id: vpc-1 }
  expect: allow
`);
    assert.deepEqual(located(issues), ['5:12 error bad-context', '12:5 error bad-context', '13:20 error bad-context']);
    assert.equal(issues[1]?.message, 'test `b`: `RequestedRegion` is not a condition key: expected `prefix:name`, such as `aws:RequestedRegion`');
  });

  test('bad-context: a value that does not read as its key\'s type, each value of a list, once for `defaults`; the catalog types service keys', () => {
    const typeOf = (key: string) => (key.toLowerCase() === 'sqs:delay' ? (['Numeric'] as const) : undefined);
    const { tests, issues } = parseAccessTests(
      `defaults:
  principal: group:ops
  account: dev
  action: sqs:SendMessage
  expect: allow
  context: { aws:MultiFactorAuthPresent: "yes" }
tests:
  - name: a
    context: { aws:SourceIp: [203.0.113.7, 203.0.113.300], aws:MultiFactorAuthAge: 1h }
  - name: b
    context: { aws:MultiFactorAuthPresent: true, sqs:Delay: soon, aws:CurrentTime: 2026-01-31T12:00:00Z }
  - name: c
    context: { aws:MultiFactorAuthPresent: TRUE, aws:SourceIp: "2001:db8::1", aws:EpochTime: 1769860800, sqs:Other: soon }
`,
      'tests/t.yaml',
      config,
      { contextKeyType: (key) => typeOf(key) ?? (key.toLowerCase().startsWith('aws:') ? globalContextKeyType(key) : undefined) },
    );
    assert.deepEqual(
      issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.path}: ${i.message}`),
      [
        '6:42 bad-context $.defaults.context["aws:MultiFactorAuthPresent"]: `defaults`: context key `aws:MultiFactorAuthPresent`: `yes` is not a boolean: expected `true` or `false`',
        '9:44 bad-context $.tests[0].context["aws:SourceIp"][1]: test `a`: context key `aws:SourceIp`: `203.0.113.300` is not an IP address: expected an IPv4 (`203.0.113.7`) or IPv6 (`2001:db8::1`) address',
        '9:84 bad-context $.tests[0].context["aws:MultiFactorAuthAge"]: test `a`: context key `aws:MultiFactorAuthAge`: `1h` is not a number',
        '11:61 bad-context $.tests[1].context["sqs:Delay"]: test `b`: context key `sqs:Delay`: `soon` is not a number',
      ],
    );
    // like every mistake in `defaults`, it fails each test using them, even one that replaces the value
    assert.deepEqual(tests, []);
  });

  test('bad-expectation with a suggestion', () => {
    const { issues } = parse('- { name: a, principal: group:ops, account: dev, action: sqs:SendMessage, expect: allowed }\n');
    assert.deepEqual(
      issues.map((i) => [`${i.line}:${i.column}`, i.code, i.message]),
      [['1:83', 'bad-expectation', 'test `a`: `expect` must be `allow`, `deny`, `explicit-deny` or `implicit-deny`, not `allowed`: did you mean `allow`']],
    );
  });

  test('a mistake in defaults is reported once, where it is written', () => {
    const { tests, issues } = parse(`defaults:
  account: deve
tests:
  - { name: a, principal: group:ops, action: sqs:SendMessage, expect: allow }
  - { name: b, principal: group:ops, action: sqs:ReceiveMessage, expect: allow }
`);
    assert.equal(tests.length, 0);
    assert.deepEqual(located(issues), ['2:12 error unknown-account']);
    assert.equal(issues[0]?.path, '$.defaults.account');
    assert.equal(issues[0]?.message, '`defaults`: unknown account `deve`: did you mean `dev`');
  });

  test('formatIssue: file:line:column: severity code: message, joined to the folder', () => {
    const [issue] = parse('- { name: a, principal: group:ops, account: dev, action: sqs:SendMessage, expect: allowed }\n').issues;
    assert.ok(issue !== undefined);
    assert.match(formatIssue(issue, 'repo/'), /^repo\/tests\/t\.yaml:1:83: error bad-expectation: test `a`: /);
  });
});

describe('parseAccessTests: bounded input', () => {
  test('an alias bomb is one located `yaml-alias-limit` error, not minutes of expansion', () => {
    const bomb = [
      'x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
      'tests: []',
    ].join('\n');
    const { tests, issues } = parse(bomb);
    assert.deepEqual(tests, []);
    // at the first alias written in the file whose expansion crosses the limit (line 6: `f`, 9^5 values)
    assert.deepEqual(located(issues), ['6:8 error yaml-alias-limit']);
  });
});
