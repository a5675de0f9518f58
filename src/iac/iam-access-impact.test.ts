/**
 * The access impact of a plan's IAM changes in `parapet plan`'s shape and words: per role, user,
 * group and managed policy, the actions gained and lost by service and the flags, before and after
 * from the plan's prior values; trust policies (who may assume the role), inline and managed
 * policies and all their attachment types, permissions boundaries.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureOrganization, FIXTURES } from './fixture-policies.test-support.ts';
import { iamAccessChanges, type IamAccessChange } from './iam-access-impact.ts';
import { parsePlan } from './parse-plan.ts';
import { runPreflight } from './preflight.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from './render-preflight.ts';

const org = fixtureOrganization();
const ACCOUNT = org.account;

function impactOf(planText: string): IamAccessChange[] {
  const parsed = parsePlan(planText);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
  return iamAccessChanges(parsed.value, { account: ACCOUNT, policies: org.policies });
}
const fixture = (scenario: string) => readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8');
const find = (changes: readonly IamAccessChange[], principal: string) => {
  const found = changes.find((c) => c.principal === principal);
  assert.ok(found, `${principal} in ${JSON.stringify(changes.map((c) => c.principal))}`);
  return found;
};
const service = (c: IamAccessChange, name: string) => c.impact.services.find((s) => s.service === name);

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trustOf = (principal: object, action = 'sts:AssumeRole') => doc([{ Effect: 'Allow', Principal: principal, Action: action }]);

interface Change {
  address: string;
  type: string;
  actions: string[];
  before: object | null;
  after: object | null;
  afterUnknown?: object;
  refs?: Record<string, string[]>;
}
/** a plan as `terraform show -json` writes it (format 1.2): resource_changes and the configuration's references */
function plan(changes: Change[]): string {
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: changes.map((c) => ({
      address: c.address,
      mode: 'managed',
      type: c.type,
      name: c.address.split('.')[1],
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: c.actions, before: c.before, after: c.after, after_unknown: c.afterUnknown ?? {}, before_sensitive: {}, after_sensitive: {} },
    })),
    configuration: {
      provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } },
      root_module: {
        resources: changes.map((c) => ({
          address: c.address,
          mode: 'managed',
          type: c.type,
          name: c.address.split('.')[1],
          provider_config_key: 'aws',
          expressions: Object.fromEntries(Object.entries(c.refs ?? {}).map(([arg, references]) => [arg, { references }])),
        })),
      },
    },
  });
}

const S3_ALL = doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);

describe('access impact of the fixture plans', () => {
  const escalation = impactOf(fixture('escalation'));

  it('AdministratorAccess on a new role is flagged admin-equivalent, as `parapet plan` flags it', () => {
    const admin = find(escalation, 'role:app-ops-automation');
    assert.equal(admin.lifecycle, 'created');
    assert.deepEqual(admin.flags, ['admin-equivalent']);
    assert.equal(admin.impact.newAdmin, 'all-actions');
    assert.ok(admin.impact.gained > 10000);
    assert.deepEqual(admin.after?.policies, ['arn:aws:iam::aws:policy/AdministratorAccess']);
  });

  it('iam:PassRole on every role is a privilege escalation, and the OIDC trust says who can now assume the role', () => {
    const ci = find(escalation, 'role:app-ci-runner');
    assert.deepEqual(ci.flags, ['privilege-escalation']);
    assert.ok(ci.impact.newEscalations.some((r) => r.rule === 'pass-role' && r.everywhere));
    assert.deepEqual(service(ci, 'iam')?.gained, ['iam:PassRole']);
    assert.ok(ci.trust !== undefined && ci.trust.before.length === 0);
    assert.ok(ci.trust.gains.some((g) => /^federated arn:aws:iam::111111111111:oidc-provider\/token\.actions\.githubusercontent\.com may sts:AssumeRoleWithWebIdentity when .*token\.actions\.githubusercontent\.com:sub/.test(g)), JSON.stringify(ci.trust.gains));
  });

  it('a managed policy whose document is not known here makes the user\'s access unknown, not empty', () => {
    const user = find(escalation, 'user:svc-reporting');
    assert.equal(user.arn, 'arn:aws:iam::111111111111:user/legacy/svc-reporting');
    assert.deepEqual(user.after?.unknown, ['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });

  it('an updated inline policy: actions gained by service, with the prior document as before', () => {
    const [worker] = impactOf(fixture('updates-and-deletes'));
    assert.equal(worker!.lifecycle, 'changed');
    assert.deepEqual(service(worker!, 's3')?.gained, ['s3:DeleteObject', 's3:PutObject']);
    assert.equal(worker!.impact.lost, 0);
  });
});

describe('access impact of hand-built plans', () => {
  it('a trust policy change: who may assume the role before and after', () => {
    const changes = impactOf(
      plan([
        {
          address: 'aws_iam_role.app',
          type: 'aws_iam_role',
          actions: ['update'],
          before: { name: 'app', path: '/', assume_role_policy: trustOf({ Service: 'ec2.amazonaws.com' }) },
          after: { name: 'app', path: '/', assume_role_policy: trustOf({ AWS: 'arn:aws:iam::222222222222:root' }) },
        },
      ]),
    );
    const app = find(changes, 'role:app');
    assert.deepEqual(app.trust?.gains, ['AWS arn:aws:iam::222222222222:root may sts:AssumeRole']);
    assert.deepEqual(app.trust?.losses, ['service ec2.amazonaws.com may sts:AssumeRole']);
    assert.equal(app.impact.gained + app.impact.lost, 0);
  });

  it('a managed policy document change reaches every principal the plan attaches it to, through every attachment type', () => {
    const before = doc([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }]);
    const after = doc([{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:DeleteQueue'], Resource: '*' }]);
    const arn = `arn:aws:iam::${ACCOUNT}:policy/queues`;
    const changes = impactOf(
      plan([
        { address: 'aws_iam_policy.queues', type: 'aws_iam_policy', actions: ['update'], before: { name: 'queues', path: '/', arn, policy: before }, after: { name: 'queues', path: '/', arn, policy: after } },
        { address: 'aws_iam_role_policy_attachment.app', type: 'aws_iam_role_policy_attachment', actions: ['no-op'], before: { role: 'app', policy_arn: arn }, after: { role: 'app', policy_arn: arn }, refs: { policy_arn: ['aws_iam_policy.queues.arn', 'aws_iam_policy.queues'] } },
        { address: 'aws_iam_policy_attachment.shared', type: 'aws_iam_policy_attachment', actions: ['no-op'], before: { name: 'shared', users: ['alice'], groups: ['devs'], roles: [], policy_arn: arn }, after: { name: 'shared', users: ['alice'], groups: ['devs'], roles: [], policy_arn: arn } },
        { address: 'aws_iam_user_policy_attachment.bob', type: 'aws_iam_user_policy_attachment', actions: ['no-op'], before: { user: 'bob', policy_arn: arn }, after: { user: 'bob', policy_arn: arn } },
        { address: 'aws_iam_group_policy_attachment.ops', type: 'aws_iam_group_policy_attachment', actions: ['no-op'], before: { group: 'ops', policy_arn: arn }, after: { group: 'ops', policy_arn: arn } },
      ]),
    );
    for (const principal of ['role:app', 'user:alice', 'group:devs', 'user:bob', 'group:ops', 'policy:queues']) {
      assert.deepEqual(service(find(changes, principal), 'sqs')?.gained, ['sqs:DeleteQueue'], principal);
    }
    assert.equal(find(changes, 'role:app').lifecycle, 'changed');
  });

  it('a permissions boundary set on a role takes away what it does not allow', () => {
    const boundary = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    const barn = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    const role = { name: 'app', path: '/', assume_role_policy: trustOf({ Service: 'lambda.amazonaws.com' }) };
    const changes = impactOf(
      plan([
        { address: 'aws_iam_policy.boundary', type: 'aws_iam_policy', actions: ['no-op'], before: { name: 'boundary', path: '/', arn: barn, policy: boundary }, after: { name: 'boundary', path: '/', arn: barn, policy: boundary } },
        { address: 'aws_iam_role.app', type: 'aws_iam_role', actions: ['update'], before: { ...role, permissions_boundary: null }, after: { ...role, permissions_boundary: barn } },
        { address: 'aws_iam_role_policy.app', type: 'aws_iam_role_policy', actions: ['no-op'], before: { role: 'app', name: 's3', policy: S3_ALL }, after: { role: 'app', name: 's3', policy: S3_ALL } },
      ]),
    );
    const app = find(changes, 'role:app');
    assert.deepEqual([app.before?.boundary, app.after?.boundary], [undefined, barn]);
    const s3 = service(app, 's3')!;
    assert.ok(s3.lost.includes('s3:PutObject') && s3.lost.includes('s3:DeleteBucket'));
    assert.ok(!s3.lost.includes('s3:GetObject'));
    assert.equal(app.impact.gained, 0);
  });

  it('inline user and group policies, a deleted role, and a document known only after apply', () => {
    const changes = impactOf(
      plan([
        { address: 'aws_iam_user_policy.alice', type: 'aws_iam_user_policy', actions: ['create'], before: null, after: { user: 'alice', name: 'x', policy: S3_ALL } },
        { address: 'aws_iam_group_policy.devs', type: 'aws_iam_group_policy', actions: ['create'], before: null, after: { group: 'devs', name: 'x', policy: S3_ALL } },
        { address: 'aws_iam_role.old', type: 'aws_iam_role', actions: ['delete'], before: { name: 'old', path: '/', assume_role_policy: trustOf({ Service: 'ec2.amazonaws.com' }) }, after: null },
        { address: 'aws_iam_role_policy.old', type: 'aws_iam_role_policy', actions: ['delete'], before: { role: 'old', name: 'x', policy: S3_ALL }, after: null },
        { address: 'aws_iam_role_policy.later', type: 'aws_iam_role_policy', actions: ['create'], before: null, after: { role: 'later', name: 'x' }, afterUnknown: { policy: true } },
      ]),
    );
    assert.ok(service(find(changes, 'user:alice'), 's3')!.gained.includes('s3:PutObject'));
    assert.ok(service(find(changes, 'group:devs'), 's3')!.gained.includes('s3:PutObject'));
    const old = find(changes, 'role:old');
    assert.equal(old.lifecycle, 'deleted');
    assert.ok(service(old, 's3')!.lost.includes('s3:PutObject'));
    assert.deepEqual(old.trust?.losses, ['service ec2.amazonaws.com may sts:AssumeRole']);
    assert.deepEqual(find(changes, 'role:later').after?.unknown, ['inline x']);
  });

  it('a role named only after apply is followed through the configuration\'s references', () => {
    const changes = impactOf(
      plan([
        { address: 'aws_iam_role.gen', type: 'aws_iam_role', actions: ['create'], before: null, after: { name_prefix: 'gen-', path: '/', assume_role_policy: trustOf({ Service: 'ecs-tasks.amazonaws.com' }) }, afterUnknown: { name: true, arn: true } },
        { address: 'aws_iam_role_policy.gen', type: 'aws_iam_role_policy', actions: ['create'], before: null, after: { name: 'x', policy: S3_ALL }, afterUnknown: { role: true }, refs: { role: ['aws_iam_role.gen.name', 'aws_iam_role.gen'] } },
      ]),
    );
    assert.equal(changes.length, 1);
    const gen = find(changes, 'role:aws_iam_role.gen');
    assert.deepEqual(gen.sources, ['aws_iam_role.gen', 'aws_iam_role_policy.gen']);
    assert.equal(gen.lifecycle, 'created');
    assert.ok(service(gen, 's3')!.gained.includes('s3:PutObject'));
  });
});

describe('the access section of every output', () => {
  const result = runPreflight(fixture('escalation'), { account: ACCOUNT, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn } });
  assert.ok(result.ok);
  const report = result.value;

  it('text and Markdown say it in `parapet plan`\'s words; JSON carries the impact', () => {
    const text = renderPreflightText(report);
    assert.match(text, /🚩 admin-equivalent now: nearly every action of every service/);
    assert.match(text, /🚩 privilege escalation newly allowed: iam:PassRole on every resource/);
    assert.match(text, /iam gained 1: iam:PassRole/);
    assert.match(text, /\+ may assume it: federated arn:aws:iam::111111111111:oidc-provider/);
    assert.match(text, /\? not readable here, so access may differ: arn:aws:iam::aws:policy\/ReadOnlyAccess/);
    const md = renderPreflightMarkdown(report);
    assert.match(md, /🚩 \*\*admin-equivalent\*\* now: nearly every action of every service: `role:app-ops-automation`/);
    assert.match(md, /\| principal \| change \| gained \| lost \| services \(\+gained −lost ~level changed\) \| flags \|/);
    assert.match(md, /- \*\*iam\*\* gained 1: `iam:PassRole`/);
    const json = JSON.parse(preflightJson(report)) as { access: IamAccessChange[] };
    assert.deepEqual(json.access.map((a) => a.principal).sort(), report.access.map((a) => a.principal).sort());
    assert.deepEqual(find(json.access, 'role:app-ci-runner').flags, ['privilege-escalation']);
  });
});
