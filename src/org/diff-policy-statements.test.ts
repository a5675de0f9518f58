import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, type Policy } from '../policy/index.ts';
import { describeStatementBriefly, diffPolicyStatements, samePolicyContent } from './diff-policy-statements.ts';

function policy(statements: unknown[]): Policy {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type: 'scp', name: 'test' });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  return parsed.value;
}

const denyDelete = { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' };
const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };

test('the same statements in another order: no change', () => {
  const a = policy([denyDelete, allowAll, { Effect: 'Deny', Action: 'iam:*', Resource: '*' }]);
  const b = policy([{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }, allowAll, denyDelete]);
  assert.deepEqual(diffPolicyStatements(a, b), []);
  assert.equal(samePolicyContent(a, b), true);
});

test('statements are matched by Sid, and what changed in one is said', () => {
  const a = policy([denyDelete]);
  const b = policy([{ ...denyDelete, Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'], Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }]);
  assert.deepEqual(diffPolicyStatements(a, b), [
    { change: 'changed', statement: 'NoDelete', summary: 'actions +s3:PutBucketPolicy; conditions changed (aws:MultiFactorAuthPresent)' },
  ]);
  assert.equal(samePolicyContent(a, b), false);
});

test('statements added and removed, described briefly', () => {
  const a = policy([denyDelete, allowAll]);
  const b = policy([allowAll, { Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }]);
  assert.deepEqual(diffPolicyStatements(a, b), [
    { change: 'removed', statement: 'NoDelete', summary: 'Deny s3:DeleteBucket on *' },
    { change: 'added', statement: 'statement 2', summary: 'Deny NotAction iam:*, sts:* on * when aws:RequestedRegion' },
  ]);
});

test('unnamed statements whose content changed are paired in order', () => {
  const a = policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' }]);
  const b = policy([{ Effect: 'Deny', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::a/*' }]);
  assert.deepEqual(diffPolicyStatements(a, b), [{ change: 'changed', statement: 'statement 1', summary: 'effect Allow → Deny; Resource → NotResource' }]);
});

test('long lists are cut', () => {
  const [statement] = policy([{ Effect: 'Allow', Action: ['a:A', 'a:B', 'a:C', 'a:D', 'a:E', 'a:F'], Resource: '*' }]).statements;
  assert.equal(describeStatementBriefly(statement!), 'Allow a:A, a:B, a:C, a:D and 2 more on *');
});
