import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compilePolicySet, type PolicySetInput } from './compile-policy-set.ts';
import { createDecider, decide } from './decide.ts';
import { explain } from './explain.ts';
import { parsePolicy } from './parse-policy.ts';
import type { Policy, PolicyType } from './policy.ts';

function policy(name: string, type: PolicyType, statements: unknown[]): Policy {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type, name });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  return parsed.value;
}

const allowAll = (type: PolicyType, name = 'FullAWSAccess') => policy(name, type, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
const alice = 'arn:aws:iam::111111111111:user/alice';

function run(input: PolicySetInput, action = 's3:GetObject', resource = 'arn:aws:s3:::bucket/key', context: Record<string, string | string[]> = {}) {
  return decide(compilePolicySet(input, { managementAccount: '000000000000' }), { principal: alice, action, resource, context });
}

describe('decide: the decision is a value with every cause', () => {
  test('an explicit deny lists every deny statement that applies, from every policy type', () => {
    const d = run({
      identity: [allowAll('identity', 'admin'), policy('no-s3', 'identity', [{ Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' }])],
      scps: [[allowAll('scp'), policy('deny-get', 'scp', [{ Effect: 'Deny', Action: 's3:Get*', Resource: '*' }])]],
    });
    assert.equal(d.decision, 'ExplicitDeny');
    const denies = d.causes.map((c) => (c.kind === 'explicit-deny' ? `${c.statement.policyType}:${c.statement.policyName}:${c.statement.statementIndex}` : c.kind));
    assert.deepEqual(denies.sort(), ['identity:no-s3:0', 'scp:deny-get:0']);
    assert.equal(d.outcomes.scp, 'ExplicitDeny');
    assert.equal(d.outcomes.identity, 'ExplicitDeny');
  });

  test('an implicit deny lists every missing Allow: an SCP level and the identity policies', () => {
    const d = run({ identity: [policy('ec2-only', 'identity', [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }])], scps: [[allowAll('scp')], [policy('ec2', 'scp', [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }])]] });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.deepEqual(d.causes, [
      { kind: 'no-allow', policyType: 'scp', level: 1 },
      { kind: 'no-allow', policyType: 'identity' },
    ]);
    const text = explain(d, { scpLevelNames: ['root', 'workloads'] });
    assert.match(text, /because no service control policy attached at `workloads` allows the `s3:GetObject` action/);
    assert.match(text, /because no identity-based policy allows the `s3:GetObject` action/);
  });

  test('an allow names the statements that granted it at every level', () => {
    const d = run({ identity: [policy('reader', 'identity', [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }])], scps: [[allowAll('scp')]] });
    assert.equal(d.decision, 'Allow');
    assert.deepEqual(
      d.causes.map((c) => (c.kind === 'allow' ? `${c.statement.policyType}:${c.statement.sid ?? '-'}` : c.kind)),
      ['scp:-', 'identity:Read'],
    );
    assert.match(explain(d), /allowed by identity-based policy `reader` statement 0 \(`Read`\)/);
  });

  test('missing context keys are reported as the policy spelled them', () => {
    const d = run({ identity: [policy('mfa', 'identity', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'AWS:PrincipalTag/team': 'x' } } }])] });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.deepEqual(d.missingContextKeys, ['AWS:PrincipalTag/team', 'aws:MultiFactorAuthPresent']);
  });

  test('SCPs do not apply to the management account, and the decision says so', () => {
    const d = decide(compilePolicySet({ identity: [allowAll('identity')], scps: [[policy('nothing', 'scp', [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }])]] }, { managementAccount: '000000000000' }), {
      principal: 'arn:aws:iam::000000000000:user/root-admin',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::bucket/key',
    });
    assert.equal(d.decision, 'Allow');
    assert.equal(d.exemptions.scp, 'management-account');
    assert.equal(d.outcomes.scp, 'NotApplicable');
    assert.match(explain(d), /service control policies do not apply: management account/);
  });

  test('policy variables resolve per request, and a variable without a value makes the statement not apply', () => {
    const home = policy('home', 'identity', [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*' }]);
    assert.equal(run({ identity: [home] }, 's3:PutObject', 'arn:aws:s3:::home/blue/x', { 'aws:PrincipalTag/team': 'blue' }).decision, 'Allow');
    assert.equal(run({ identity: [home] }, 's3:PutObject', 'arn:aws:s3:::home/blue/x', { 'aws:PrincipalTag/team': 'red' }).decision, 'ImplicitDeny');
    assert.equal(run({ identity: [home] }, 's3:PutObject', 'arn:aws:s3:::home//x').decision, 'ImplicitDeny');
    // a substituted value is literal text, never a wildcard
    assert.equal(run({ identity: [home] }, 's3:PutObject', 'arn:aws:s3:::home/blue/x', { 'aws:PrincipalTag/team': '*' }).decision, 'ImplicitDeny');
  });

  test('the action index finds exact, per-service pattern and any-service statements alike', () => {
    const identity = [
      policy('a', 'identity', [{ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' }]),
      policy('b', 'identity', [{ Effect: 'Allow', Action: ['ec2:Describe*', 's3:List*'], Resource: '*' }]),
      policy('c', 'identity', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
      policy('d', 'identity', [{ Effect: 'Allow', Action: '*:Get*Policy', Resource: '*' }]),
    ];
    const names = (action: string) =>
      run({ identity }, action)
        .causes.flatMap((c) => (c.kind === 'allow' ? [c.statement.policyName] : []))
        .sort();
    assert.deepEqual(names('s3:GetObject'), ['a', 'c']);
    assert.deepEqual(names('s3:ListBucket'), ['b', 'c']);
    assert.deepEqual(names('ec2:DescribeInstances'), ['b', 'c']);
    assert.deepEqual(names('iam:GetRolePolicy'), ['d']);
    assert.deepEqual(names('iam:CreateUser'), []);
  });
});

describe('decide: sts:GetCallerIdentity needs no permission', () => {
  const denyAll = (type: PolicyType) => policy(`deny-all-${type}`, type, [{ Effect: 'Deny', Action: '*', Resource: '*' }]);
  test('allowed without any policy, and despite an explicit deny in every policy type and an SCP chain without Allow', () => {
    const none = run({}, 'sts:GetCallerIdentity', '*');
    assert.equal(none.decision, 'Allow');
    assert.deepEqual(none.causes, [{ kind: 'no-permission-required' }]);
    const denied = run(
      { identity: [denyAll('identity')], permissionBoundary: denyAll('permissionBoundary'), scps: [[denyAll('scp')]] },
      'STS:getcalleridentity',
      '*',
    );
    assert.equal(denied.decision, 'Allow');
    assert.deepEqual(denied.causes, [{ kind: 'no-permission-required' }]);
    // the policies' own outcomes are still reported, so people see the deny that AWS ignores
    assert.equal(denied.outcomes.identity, 'ExplicitDeny');
    assert.equal(denied.outcomes.scp, 'ExplicitDeny');
  });
  test('the explanation says why', () => {
    const d = run({ identity: [denyAll('identity')] }, 'sts:GetCallerIdentity', '*');
    assert.match(explain(d), /is allowed to perform `sts:GetCallerIdentity`[^\n]*\n {2}- because `sts:GetCallerIdentity` needs no permission: every authenticated caller may perform it, and no policy, not even an explicit deny or a service control policy, can deny it/);
  });
  test('only that action, and only for callers with AWS credentials', () => {
    assert.equal(run({ identity: [denyAll('identity')] }, 'sts:GetSessionToken', '*').decision, 'ExplicitDeny');
    const anonymous = decide(compilePolicySet({}), { principal: '*', action: 'sts:GetCallerIdentity', resource: '*' });
    assert.equal(anonymous.decision, 'ImplicitDeny');
  });
});

describe('createDecider: each decider owns what deciding remembers', () => {
  // a set whose decisions go through every cache: conditions on dates and addresses, a resource
  // pattern with a variable and a mid-segment star, and statements found by action
  const rich = compilePolicySet({
    identity: [
      policy('rich', 'identity', [
        { Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::${aws:username}-*-logs/*' },
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
        { Effect: 'Deny', Action: 'ec2:Terminate*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.1.0.0/16' } } },
      ]),
    ],
  });
  // a smaller set in which the same requests decide otherwise
  const small = compilePolicySet({ identity: [policy('small', 'identity', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }])] });
  const requests = [
    { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::alice-app-logs/x' },
    { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::bob-app-logs/x' },
    { principal: alice, action: 'ec2:RunInstances', resource: '*', context: { 'aws:CurrentTime': '2026-06-01T00:00:00Z', 'aws:SourceIp': '10.2.3.4' } },
    { principal: alice, action: 'ec2:RunInstances', resource: '*', context: { 'aws:CurrentTime': '2031-06-01T00:00:00Z', 'aws:SourceIp': '10.2.3.4' } },
    { principal: alice, action: 'EC2:TerminateInstances', resource: '*', context: { 'aws:CurrentTime': '2026-06-01T00:00:00Z', 'aws:SourceIp': '10.1.3.4' } },
    { principal: alice, action: 'ec2:TerminateInstances', resource: '*', context: { 'aws:CurrentTime': '2026-06-01T00:00:00Z', 'aws:SourceIp': '10.2.3.4' } },
  ];

  test('a decider used over and over, on two policy sets in turn, decides as a fresh one', () => {
    const decider = createDecider();
    const other = createDecider();
    const decisions: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const request of requests) {
        for (const set of [rich, small]) {
          const fresh = createDecider().decide(set, request);
          assert.deepEqual(decider.decide(set, request), fresh);
          assert.deepEqual(other.decidePrepared(set, other.prepareRequest(request)), fresh);
          if (round === 0) decisions.push(fresh.decision);
        }
      }
    }
    // the requests are a real mix on both sets, so the comparison above covers every path
    assert.deepEqual(decisions, ['Allow', 'Allow', 'ImplicitDeny', 'Allow', 'Allow', 'ImplicitDeny', 'ImplicitDeny', 'ImplicitDeny', 'Allow', 'ImplicitDeny', 'ExplicitDeny', 'ImplicitDeny']);
  });

  test('the default decider of `decide` decides as a fresh one', () => {
    for (const request of requests) assert.deepEqual(decide(rich, request), createDecider().decide(rich, request));
  });
});
