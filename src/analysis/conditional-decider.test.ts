import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compilePolicySet, parsePolicy, type Policy, type PolicyType } from '../policy/index.ts';
import { conditionCandidates, OTHER_VALUE } from './condition-candidates.ts';
import { conditionalDecider } from './conditional-decider.ts';

function policy(type: PolicyType, statements: unknown[]): Policy {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type, name: `${type}-policy` });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
const PRINCIPAL = 'arn:aws:sts::111111111111:assumed-role/dev/alice';

function deciderFor(identity: unknown[], scp: unknown[] = [], budget?: number) {
  const identityPolicy = policy('identity', identity);
  const scps = scp.length === 0 ? [] : [[policy('scp', [allowAll, ...scp])]];
  const compiled = compilePolicySet({ identity: [identityPolicy], scps });
  return conditionalDecider(compiled, [identityPolicy, ...scps.flat()], budget === undefined ? {} : { budget });
}

describe('conditionalDecider', () => {
  test('an Allow that needs no context is `allowed`', () => {
    const verdict = deciderFor([allowAll])({ principal: PRINCIPAL, action: 's3:GetObject', resource: '*' });
    assert.equal(verdict.status, 'allowed');
  });

  test('an Allow in one region only: conditional, with that region as the example', () => {
    const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } } }]);
    const verdict = decideIt({ principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' });
    assert.equal(verdict.status, 'conditional');
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example, verdict.decision.decision] : [], [
      ['aws:RequestedRegion'],
      { 'aws:RequestedRegion': 'eu-west-1' },
      'Allow',
    ]);
  });

  test('a guardrail denying without MFA (BoolIfExists): conditional on MFA being present', () => {
    const decideIt = deciderFor([allowAll], [{ Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }]);
    const verdict = decideIt({ principal: PRINCIPAL, action: 'ec2:TerminateInstances', resource: '*' });
    assert.equal(verdict.status, 'conditional');
    assert.deepEqual(verdict.status === 'conditional' ? verdict.example : {}, { 'aws:MultiFactorAuthPresent': 'true' });
  });

  test('several keys: the fewest that allow, each from the values the policies name', () => {
    const decideIt = deciderFor(
      [{ ...allowAll, Condition: { NumericLessThan: { 's3:max-keys': '100' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }],
      [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } }],
    );
    const verdict = decideIt({ principal: PRINCIPAL, action: 's3:ListBucket', resource: '*' });
    assert.equal(verdict.status, 'conditional');
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example] : [], [
      ['aws:CurrentTime', 'aws:SourceIp', 's3:max-keys'],
      { 's3:max-keys': '99', 'aws:SourceIp': '10.0.0.0' },
    ]);
  });

  test('an Allow that holds while a key is absent: conditional, with an empty example', () => {
    const decideIt = deciderFor([allowAll], [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'ap-south-1' } } }]);
    const verdict = decideIt({ principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' });
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example] : verdict.status, [['aws:RequestedRegion'], {}]);
  });

  test('denied whatever the context: no allowing value exists among those the policies tell apart', () => {
    const decideIt = deciderFor(
      [{ ...allowAll, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }],
      [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }],
    );
    const verdict = decideIt({ principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' });
    assert.deepEqual(verdict.status === 'denied' ? [verdict.conditionKeys, verdict.searchExhausted] : verdict.status, [['aws:PrincipalTag/team'], false]);
  });

  test('a Deny without conditions: denied without a search, whatever else is missing', () => {
    const decideIt = deciderFor(
      [{ ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }],
      [{ Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' }],
      1,
    );
    const verdict = decideIt({ principal: PRINCIPAL, action: 'sqs:DeleteQueue', resource: '*' });
    assert.deepEqual(verdict.status === 'denied' ? [verdict.conditionKeys, verdict.searchExhausted, verdict.decision.decision] : verdict.status, [['aws:RequestedRegion'], false, 'ExplicitDeny']);
  });

  test('no missing key and no Allow: denied without a search', () => {
    const verdict = deciderFor([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }])({ principal: PRINCIPAL, action: 's3:PutObject', resource: '*' });
    assert.deepEqual(verdict.status === 'denied' ? [verdict.conditionKeys, verdict.searchExhausted, verdict.decision.decision] : verdict.status, [[], false, 'ImplicitDeny']);
  });

  test('the search stops at its budget and says so', () => {
    const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'red' } } }], [], 1);
    const verdict = decideIt({ principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' });
    assert.deepEqual(verdict.status === 'denied' ? verdict.searchExhausted : verdict.status, true);
  });

  test('contexts that allowed before are tried first', () => {
    const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] }, Bool: { 'aws:SecureTransport': 'true' } } }]);
    const first = decideIt({ principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' });
    const second = decideIt({ principal: PRINCIPAL, action: 'sqs:ReceiveMessage', resource: '*' });
    assert.deepEqual(first.status === 'conditional' ? first.example : {}, { 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' });
    assert.deepEqual(second.status === 'conditional' ? second.example : {}, { 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' });
  });
});

describe('conditionCandidates', () => {
  test('the values policies name (a pattern stands for what it matches), neighbours for comparisons, an other value', () => {
    const candidates = conditionCandidates([
      policy('identity', [
        {
          ...allowAll,
          Condition: {
            StringLike: { 'aws:PrincipalTag/team': 'pay*' },
            ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-?' },
            NumericGreaterThan: { 's3:max-keys': '10' },
            Null: { 'aws:TokenIssueTime': 'true' },
            StringEquals: { 'aws:username': '${aws:userid}' },
          },
        },
      ]),
    ]);
    assert.deepEqual(Object.fromEntries(candidates), {
      'aws:principaltag/team': ['pay*', OTHER_VALUE],
      'aws:principalarn': ['arn:aws:iam::*:role/admin-?', OTHER_VALUE],
      's3:max-keys': ['10', '9', '11'],
      'aws:tokenissuetime': [OTHER_VALUE],
      'aws:username': [OTHER_VALUE],
    });
  });
});
