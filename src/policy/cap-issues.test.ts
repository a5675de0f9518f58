import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { capIssues, capIssuesPerFile, MAX_ISSUES_PER_FILE } from './cap-issues.ts';
import { compilePolicySet } from './compile-policy-set.ts';
import { decide } from './decide.ts';
import type { Issue } from './issue.ts';
import { parseCase } from './parse-case.ts';
import { parsePolicy } from './parse-policy.ts';

const issue = (source: string, n: number, severity: Issue['severity'] = 'error'): Issue => ({ code: 'bad-effect', severity, message: `m${n}`, path: `$[${n}]`, source, line: n, column: 1 });

describe('issues are capped per file', () => {
  test('the first issues of each file are kept in order, then one `too-many-issues` where the rest began', () => {
    const list = [issue('a', 1), issue('a', 2, 'warning'), issue('b', 1), issue('a', 3, 'warning'), issue('a', 4), issue('b', 2)];
    const capped = capIssuesPerFile(list, (first, message, severity) => ({ ...first, code: 'too-many-issues' as const, severity, message }), 2);
    assert.deepEqual(
      capped.map((i) => `${i.source}${i.line} ${i.code} ${i.severity}`),
      ['a1 bad-effect error', 'a2 bad-effect warning', 'b1 bad-effect error', 'a3 too-many-issues error', 'b2 bad-effect error'],
    );
    assert.equal(capped[3]!.message, '2 more issues (1 of them errors) not shown: the first 2 of the file are');
  });

  test('only warnings left out: the summary is a warning', () => {
    const capped = capIssues([...Array.from({ length: MAX_ISSUES_PER_FILE }, (_, i) => issue('p', i)), issue('p', 500, 'warning')]);
    assert.equal(capped.length, MAX_ISSUES_PER_FILE + 1);
    assert.deepEqual([capped.at(-1)!.code, capped.at(-1)!.severity, capped.at(-1)!.message], ['too-many-issues', 'warning', '1 more issue not shown: the first 100 of the file are']);
  });

  test('a policy with 150,000 bad statements: 100 issues and a count of the rest, no stack overflow', () => {
    const statements = Array.from({ length: 150_000 }, () => ({ Effect: 'Perhaps', Action: 's3:GetObject', Resource: '*' }));
    const parsed = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { type: 'identity', source: 'huge.json' });
    assert.equal(parsed.ok, false);
    assert.equal(parsed.issues.length, MAX_ISSUES_PER_FILE + 1);
    const last = parsed.issues.at(-1)!;
    assert.equal(last.code, 'too-many-issues');
    assert.equal(last.severity, 'error');
    assert.equal(last.source, 'huge.json');
    assert.match(last.message, /^149,900 more issues \(all errors\) not shown/);
  });

  test('150,000 duplicate keys in a policy document, and in a case: capped, no stack overflow', () => {
    const keys = Array.from({ length: 150_000 }, () => '"Sid":"x"').join(',');
    const policy = parsePolicy(`{"Version":"2012-10-17","Statement":[{${keys},"Effect":"Allow","Action":"*","Resource":"*"}]}`, { type: 'identity' });
    assert.equal(policy.ok, false);
    assert.equal(policy.issues.length, MAX_ISSUES_PER_FILE + 1);
    assert.equal(policy.issues.at(-1)!.code, 'too-many-issues');
    const kase = parseCase(`{"name":"x","request":{"principal":"arn:aws:iam::111111111111:user/a","action":"s3:GetObject","resource":"*"},"policies":{"identity":[{"Version":"2012-10-17","Statement":[{${keys},"Effect":"Allow","Action":"*","Resource":"*"}]}]}}`);
    assert.equal(kase.ok, false);
    assert.equal(kase.issues.length, MAX_ISSUES_PER_FILE + 1);
  });

  test('a decision with 200,000 matching Deny statements is an explicit deny, not a stack overflow', () => {
    const statements = Array.from({ length: 200_000 }, (_, i) => ({ Sid: `D${i}`, Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }));
    const deny = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type: 'identity', name: 'deny' });
    assert.ok(deny.ok);
    const set = compilePolicySet({ identity: [deny.value] });
    const decision = decide(set, { principal: 'arn:aws:iam::111111111111:user/a', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} }, undefined, { causes: 'all' });
    assert.equal(decision.decision, 'ExplicitDeny');
  });
});
