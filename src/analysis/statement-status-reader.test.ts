import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, type Policy } from '../policy/index.ts';
import { statementStatusReader, type KnownSession } from './statement-status-reader.ts';

function policy(statements: unknown[]): Policy {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type: 'scp', name: 'test' });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  return parsed.value;
}

const session = (account: string, role: string): KnownSession => ({
  principal: `arn:aws:sts::${account}:assumed-role/${role}/plan`,
  facts: { roleArn: `arn:aws:iam::${account}:role/parapet/${role}` },
  context: {
    'aws:PrincipalArn': `arn:aws:iam::${account}:role/parapet/${role}`,
    'aws:PrincipalAccount': account,
    'aws:PrincipalIsAWSService': 'false',
  },
});
const developer = session('111111111111', 'developer');
const automation = session('111111111111', 'security-automation');

test('no condition: always', () => {
  const read = statementStatusReader();
  const [s] = policy([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }]).statements;
  assert.deepEqual(read(s!, '2012-10-17', developer), { kind: 'always' });
});

test('a condition on a known key is decided by the engine, per session', () => {
  const read = statementStatusReader();
  const [s] = policy([{ Effect: 'Deny', Action: 'cloudtrail:StopLogging', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/parapet/security-automation' } } }]).statements;
  assert.deepEqual(read(s!, '2012-10-17', developer), { kind: 'always' });
  assert.deepEqual(read(s!, '2012-10-17', automation), { kind: 'never' });
});

test('a condition on a key only the request carries is unknown; a failing known one still decides', () => {
  const read = statementStatusReader();
  const [regions, both, bool] = policy([
    { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } },
    {
      Effect: 'Deny',
      NotAction: 'iam:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] }, ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/parapet/security-automation' } },
    },
    { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:SecureTransport': 'false' } } },
  ]).statements;
  assert.deepEqual(read(regions!, '2012-10-17', developer), { kind: 'unknown', keys: ['aws:RequestedRegion'] });
  assert.deepEqual(read(both!, '2012-10-17', developer), { kind: 'unknown', keys: ['aws:RequestedRegion'] });
  assert.deepEqual(read(both!, '2012-10-17', automation), { kind: 'never' });
  assert.deepEqual(read(bool!, '2012-10-17', developer), { kind: 'unknown', keys: ['aws:SecureTransport'] });
});

test('a value with a variable is known only when the variable is', () => {
  const read = statementStatusReader();
  const [own, tagged] = policy([
    { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalAccount}' } } },
    { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalTag/team}' } } },
  ]).statements;
  assert.deepEqual(read(own!, '2012-10-17', developer), { kind: 'always' });
  assert.deepEqual(read(tagged!, '2012-10-17', developer), { kind: 'unknown', keys: ['aws:PrincipalAccount'] });
});

test('Null on a known key is decided; on an unknown key it stays unknown', () => {
  const read = statementStatusReader();
  const [known, unknown] = policy([
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:PrincipalArn': 'true' } } },
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } },
  ]).statements;
  assert.deepEqual(read(known!, '2012-10-17', developer), { kind: 'never' });
  assert.deepEqual(read(unknown!, '2012-10-17', developer), { kind: 'unknown', keys: ['aws:TokenIssueTime'] });
});
