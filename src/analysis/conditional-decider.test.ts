import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePolicy, type Policy, type PolicyType } from '../policy/index.ts';
import { conditionCandidates, OTHER_VALUE } from './condition-candidates.ts';
import { conditionalDecider, DEFAULT_SEARCH_BUDGET } from './conditional-decider.ts';

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
  return conditionalDecider({ identity: [identityPolicy], scps }, {}, budget === undefined ? {} : { budget });
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

  // one Allow that applies suffices (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
  const redundant = [
    { Effect: 'Allow', Action: 'sns:*', Resource: '*' },
    { Effect: 'Allow', Action: 'sns:Publish', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'red' } } },
  ];
  const publish = { principal: PRINCIPAL, action: 'sns:Publish', resource: '*' };

  test('keys read only by an Allow that another Allow makes redundant: `allowed`, no context denies', () => {
    const verdict = deciderFor(redundant)(publish);
    assert.deepEqual([verdict.status, verdict.decision.decision, verdict.decision.missingContextKeys.length > 0], ['allowed', 'Allow', true]);
  });

  test('an Allow with keys missing whose search for a denying context is cut short: conditional (conservative), the budget spent', () => {
    // two keys: the sweep alone takes two contexts, over a budget of one
    const verdict = deciderFor(redundant, [], 1)(publish);
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.example, verdict.tried] : verdict.status, [{}, 1]);
  });

  test('an Allow with keys missing that a guardrail denies in some context: conditional, the known context as the example', () => {
    const decideIt = deciderFor(redundant, [{ Effect: 'Deny', Action: 'sns:Publish', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }]);
    const verdict = decideIt(publish);
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example, verdict.decision.decision] : verdict.status, [
      ['aws:PrincipalTag/team', 'aws:RequestedRegion'],
      {},
      'Allow',
    ]);
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
    // the allowing context is the third value of each key: neither one key alone nor the first two sweeps find it
    const identity = [
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-west-2', 'aws:PrincipalTag/team': 'blue' } } },
      { ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'red' } } },
    ];
    const request = { principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' };
    const cut = deciderFor(identity, [], 2)(request);
    assert.deepEqual(cut.status === 'denied' ? [cut.searchExhausted, cut.tried] : cut.status, [true, 2]);
    const whole = deciderFor(identity)(request);
    assert.deepEqual(whole.status === 'conditional' ? whole.example : whole.status, { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'red' });
  });

  test('contexts that allowed before are tried first', () => {
    const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] }, Bool: { 'aws:SecureTransport': 'true' } } }]);
    const first = decideIt({ principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' });
    const second = decideIt({ principal: PRINCIPAL, action: 'sqs:ReceiveMessage', resource: '*' });
    assert.deepEqual(first.status === 'conditional' ? first.example : {}, { 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' });
    assert.deepEqual(second.status === 'conditional' ? second.example : {}, { 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' });
  });
});

describe('conditionalDecider: keys read only by Null conditions and policy variables', () => {
  // the AWS example SCP "Require a tag on specified created resources"
  // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_tagging.html)
  const requireProjectTag = [
    { Sid: 'DenyCreateSecretWithNoProjectTag', Effect: 'Deny', Action: 'secretsmanager:CreateSecret', Resource: '*', Condition: { Null: { 'aws:RequestTag/Project': 'true' } } },
    {
      Sid: 'DenyRunInstanceWithNoProjectTag',
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*:*:volume/*'],
      Condition: { Null: { 'aws:RequestTag/Project': 'true' } },
    },
  ];

  test('the AWS example "require a tag on create" SCP: conditional on the tag being present, not denied', () => {
    const decideIt = deciderFor([allowAll], requireProjectTag);
    const verdict = decideIt({ principal: PRINCIPAL, action: 'ec2:RunInstances', resource: 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc' });
    assert.equal(verdict.status, 'conditional');
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, Object.keys(verdict.example), verdict.decision.decision] : [], [
      ['aws:RequestTag/Project'],
      ['aws:RequestTag/Project'],
      'Allow',
    ]);
    // with the tag absent it is denied by the SCP, as `parapet test` says
    const absent = decideIt({ principal: PRINCIPAL, action: 'secretsmanager:CreateSecret', resource: '*', context: {} });
    assert.equal(absent.status, 'conditional');
    // an action the SCP does not name does not depend on the tag
    assert.equal(decideIt({ principal: PRINCIPAL, action: 'ec2:DescribeInstances', resource: '*' }).status, 'allowed');
  });

  test('an Allow only while a key is present (Null false): conditional on it', () => {
    const verdict = deciderFor([{ ...allowAll, Condition: { Null: { 'aws:TokenIssueTime': 'false' } } }])({ principal: PRINCIPAL, action: 's3:GetObject', resource: '*' });
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, Object.keys(verdict.example)] : verdict.status, [['aws:TokenIssueTime'], ['aws:TokenIssueTime']]);
  });

  // tags as policy variables (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-tags)
  const sameTeam = { ...allowAll, Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } };

  test('a resource tag that must equal a principal tag, both unknown: conditional, both set alike, the relation shown', () => {
    const verdict = deciderFor([sameTeam])({ principal: PRINCIPAL, action: 'ec2:StopInstances', resource: '*' });
    assert.equal(verdict.status, 'conditional');
    if (verdict.status !== 'conditional') return;
    assert.deepEqual(verdict.conditionKeys, ['aws:PrincipalTag/team', 'aws:ResourceTag/team']);
    assert.equal(verdict.example['aws:ResourceTag/team'], verdict.example['aws:PrincipalTag/team']);
    assert.deepEqual(verdict.relations, ['aws:ResourceTag/team StringEquals ${aws:PrincipalTag/team}']);
  });

  test('the principal tag known: the resource tag it needs is that value', () => {
    const verdict = deciderFor([sameTeam])({ principal: PRINCIPAL, action: 'ec2:StopInstances', resource: '*', context: { 'aws:PrincipalTag/team': 'red' } });
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example] : verdict.status, [['aws:ResourceTag/team'], { 'aws:ResourceTag/team': 'red' }]);
  });

  test('the resource tag known: the principal tag it needs is the part the variable stands for', () => {
    const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: { 'aws:ResourceTag/owner': 'team-${aws:PrincipalTag/team}' } } }]);
    const verdict = decideIt({ principal: PRINCIPAL, action: 'ec2:StopInstances', resource: '*', context: { 'aws:ResourceTag/owner': 'team-red' } });
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example] : verdict.status, [['aws:PrincipalTag/team'], { 'aws:PrincipalTag/team': 'red' }]);
  });

  test('a boundary ARN with ${aws:PrincipalAccount}: resolved from the principal, conditional on the boundary', () => {
    const decideIt = deciderFor(
      [allowAll],
      [{ Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*', Condition: { ArnNotEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::${aws:PrincipalAccount}:policy/app-boundary' } } }],
    );
    const verdict = decideIt({ principal: PRINCIPAL, action: 'iam:CreateRole', resource: '*' });
    assert.deepEqual(verdict.status === 'conditional' ? [verdict.conditionKeys, verdict.example] : verdict.status, [
      ['iam:PermissionsBoundary'],
      { 'iam:PermissionsBoundary': 'arn:aws:iam::111111111111:policy/app-boundary' },
    ]);
  });
});

describe('conditionalDecider: the search has a budget and grows about linearly with the keys', () => {
  const request = { principal: PRINCIPAL, action: 'sqs:SendMessage', resource: '*' };
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `aws:PrincipalTag/k${i}`);

  test('30 keys, none of which can lift a Deny that needs none of them: the whole budget, then "incomplete"', () => {
    // every key is named (so it has values to try) but the Allow needs a key no policy gives a value: no context allows
    const named = Object.fromEntries(keys(30).map((k) => [k, 'x']));
    const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: { ...named, 'aws:PrincipalTag/never': '${aws:PrincipalTag/k0}-${aws:PrincipalTag/k1}' }, Null: { 'aws:PrincipalTag/k0': 'true' } } }]);
    const verdict = decideIt(request);
    assert.deepEqual(verdict.status === 'denied' ? [verdict.searchExhausted, verdict.tried] : verdict.status, [true, DEFAULT_SEARCH_BUDGET]);
  });

  test('an Allow that needs every one of 26, 52 and 104 keys: found by the sweep, the work at most linear in the keys past the budget cut', () => {
    const work = (n: number) => {
      const decideIt = deciderFor([{ ...allowAll, Condition: { StringEquals: Object.fromEntries(keys(n).map((k) => [k, 'yes'])) } }]);
      const verdict = decideIt(request);
      assert.equal(verdict.status, 'conditional');
      assert.equal(verdict.status === 'conditional' ? Object.keys(verdict.example).length : 0, n);
      return verdict.status === 'conditional' ? verdict.tried : Infinity;
    };
    for (const n of [26, 52, 104]) assert.ok(work(n) <= DEFAULT_SEARCH_BUDGET, `${n} keys: over the budget`);
  });

  test('26 keys compared with a policy variable (once without values to try, and an enumeration of 2^26 subsets): one key at a time finds the region', () => {
    const compared = Object.fromEntries(keys(26).map((k) => [k.replace('PrincipalTag', 'RequestTag'), '${aws:PrincipalTag/limit}']));
    const decideIt = deciderFor(
      [{ ...allowAll, Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }],
      [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: compared } }],
    );
    const verdict = decideIt(request);
    assert.deepEqual(verdict.status === 'conditional' ? verdict.example : verdict.status, { 'aws:RequestedRegion': 'eu-west-1' });
    // at most the values of each key once (two each, and the region's), before any pair of keys
    assert.ok(verdict.status === 'conditional' && verdict.tried <= 2 * 28, `tried ${verdict.status === 'conditional' ? verdict.tried : '?'}`);
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
