import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, type Policy } from '../policy/index.ts';
import { diffPolicyStatements, samePolicyContent, type StatementDifferences } from './diff-policy-statements.ts';

function policy(statements: unknown[]): Policy {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type: 'scp', name: 'test' });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  return parsed.value;
}

const denyDelete = { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' };
const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
const unchanged: StatementDifferences = { actionsAdded: [], actionsRemoved: [], resourcesAdded: [], resourcesRemoved: [], principalChanged: false };

test('the same statements in another order: no change', () => {
  const a = policy([denyDelete, allowAll, { Effect: 'Deny', Action: 'iam:*', Resource: '*' }]);
  const b = policy([{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }, allowAll, denyDelete]);
  assert.deepEqual(diffPolicyStatements(a, b), []);
  assert.equal(samePolicyContent(a, b), true);
});

test('statements are matched by Sid, and what changed in one is listed', () => {
  const a = policy([denyDelete]);
  const b = policy([{ ...denyDelete, Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'], Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }]);
  assert.deepEqual(diffPolicyStatements(a, b), [
    {
      change: 'changed',
      statement: 'NoDelete',
      outline: { effect: 'Deny', notAction: false, actions: ['s3:DeleteBucket', 's3:PutBucketPolicy'], notResource: false, resources: ['*'], conditionKeys: ['aws:MultiFactorAuthPresent'] },
      differences: { ...unchanged, actionsAdded: ['s3:PutBucketPolicy'], conditionKeys: ['aws:MultiFactorAuthPresent'] },
    },
  ]);
  assert.equal(samePolicyContent(a, b), false);
});

test('statements added and removed, outlined', () => {
  const a = policy([denyDelete, allowAll]);
  const b = policy([allowAll, { Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }]);
  assert.deepEqual(diffPolicyStatements(a, b), [
    { change: 'removed', statement: 'NoDelete', outline: { effect: 'Deny', notAction: false, actions: ['s3:DeleteBucket'], notResource: false, resources: ['*'], conditionKeys: [] } },
    {
      change: 'added',
      statement: 'statement 2',
      outline: { effect: 'Deny', notAction: true, actions: ['iam:*', 'sts:*'], notResource: false, resources: ['*'], conditionKeys: ['aws:RequestedRegion'] },
    },
  ]);
});

test('unnamed statements whose content changed are paired in order', () => {
  const a = policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' }]);
  const b = policy([{ Effect: 'Deny', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::a/*' }]);
  assert.deepEqual(diffPolicyStatements(a, b), [
    {
      change: 'changed',
      statement: 'statement 1',
      outline: { effect: 'Deny', notAction: false, actions: ['s3:GetObject'], notResource: true, resources: ['arn:aws:s3:::a/*'], conditionKeys: [] },
      differences: { ...unchanged, effect: { from: 'Allow', to: 'Deny' }, notResource: { from: false, to: true } },
    },
  ]);
});
