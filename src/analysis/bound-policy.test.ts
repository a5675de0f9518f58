import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, type Policy, type Statement } from '../policy/index.ts';
import { boundPolicy, coversEveryResource, dependsOn } from './bound-policy.ts';
import type { StatementStatus } from './statement-status-reader.ts';

function policy(statements: unknown[]): Policy {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type: 'identity', name: 'test' });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  return parsed.value;
}

const subject = policy([
  { Sid: 'Plain', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
  { Sid: 'MaybeAllow', Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
  { Sid: 'MaybeDeny', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
  { Sid: 'SomeBuckets', Effect: 'Allow', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::team-*' },
  { Sid: 'NotAudit', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::audit-*' },
  { Sid: 'Never', Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } },
]);

const status = (s: Statement): StatementStatus =>
  s.sid === 'Never' ? { kind: 'never' } : s.conditions.length > 0 ? { kind: 'unknown', keys: s.conditions.map((c) => c.key) } : { kind: 'always' };

const shape = (p: Policy) => p.statements.map((s) => `${s.sid}:${s.effect}:${s.resources?.join(',')}:${s.conditions.length}`);

test('most: a maybe-Allow applies everywhere, a maybe-Deny does not', () => {
  assert.deepEqual(shape(boundPolicy(subject, 'most', status)), ['Plain:Allow:*:0', 'MaybeAllow:Allow:*:0', 'SomeBuckets:Allow:*:0']);
});

test('least: a maybe-Allow does not apply, a maybe-Deny applies everywhere', () => {
  assert.deepEqual(shape(boundPolicy(subject, 'least', status)), ['Plain:Allow:*:0', 'MaybeDeny:Deny:*:0', 'NotAudit:Deny:*:0']);
});

test('most-everywhere: like most, but an Allow on some resources only does not count', () => {
  assert.deepEqual(shape(boundPolicy(subject, 'most-everywhere', status)), ['Plain:Allow:*:0', 'MaybeAllow:Allow:*:0']);
});

test('positions are kept, so decisions name the original statements', () => {
  assert.deepEqual(boundPolicy(subject, 'least', status).statements.map((s) => s.index), [0, 2, 4]);
});

test('what an uncertain statement depends on', () => {
  const [plain, maybeAllow, , someBuckets] = subject.statements;
  assert.deepEqual(dependsOn(plain!, status(plain!)), []);
  assert.deepEqual(dependsOn(maybeAllow!, status(maybeAllow!)), ['aws:MultiFactorAuthPresent']);
  assert.deepEqual(dependsOn(someBuckets!, status(someBuckets!)), ['Resource']);
  const [notResource] = policy([{ Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam::*:role/app-*' }]).statements;
  assert.equal(coversEveryResource(notResource!), false);
});
