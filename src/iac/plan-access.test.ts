/**
 * The access checks of the shared fixtures' expected.json (who gains and loses what through the
 * plan's IAM changes), decided on both sides of the plan under the fixtures' guardrails.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureOrganization, FIXTURES } from './fixture-policies.test-support.ts';
import { parsePlan } from './parse-plan.ts';
import { buildRequests } from './build-requests.ts';
import { decideAccess, planRoleGrants } from './plan-access.ts';

interface ExpectedAccess {
  what: string;
  principal: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  before?: string;
  after: string;
}

const org = fixtureOrganization();

for (const scenario of ['clean-service', 'escalation', 'updates-and-deletes']) {
  describe(`access impact of the ${scenario} plan`, () => {
    const parsed = parsePlan(readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8'));
    assert.ok(parsed.ok);
    const grants = planRoleGrants(buildRequests({ account: org.account, plan: parsed.value }));
    const expected = (JSON.parse(readFileSync(join(FIXTURES, scenario, 'expected.json'), 'utf8')) as { access: ExpectedAccess[] }).access;

    it('decides every expected access check as expected, before and after', () => {
      assert.ok(expected.length > 0);
      for (const check of expected) {
        const context = Object.fromEntries(Object.entries(check.context).filter(([k]) => k !== 'aws:PrincipalArn' && k !== 'aws:PrincipalAccount'));
        const roleArn = check.context['aws:PrincipalArn'] as string;
        const got = decideAccess(grants, { ...org.policies, identity: [] }, { principal: check.principal, roleArn, action: check.action, resource: check.resource, context }, org.account);
        assert.equal(got.after, check.after, `${check.what}: after`);
        if (check.before !== undefined) assert.equal(got.before, check.before, `${check.what}: before`);
      }
    });
  });
}

describe('roles the plan creates', () => {
  it('have no access before the apply, and an attached managed policy it cannot read is unknown, not allowed', () => {
    const parsed = parsePlan(readFileSync(join(FIXTURES, 'escalation/plan.json'), 'utf8'));
    assert.ok(parsed.ok);
    const planned = buildRequests({ account: org.account, plan: parsed.value });
    const grants = planRoleGrants(planned);
    const admin = grants.get('arn:aws:iam::111111111111:role/app-ops-automation')!;
    assert.equal(admin.before, undefined);
    assert.deepEqual(admin.sources, ['aws_iam_role_policy_attachment.ops_automation_admin']);
    const check = { principal: 'arn:aws:sts::111111111111:assumed-role/app-ops-automation/s', roleArn: admin.roleArn, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:RequestedRegion': 'eu-west-1' } };
    assert.deepEqual(decideAccess(grants, { ...org.policies, identity: [] }, check, org.account), { before: 'NoRole', after: 'Allow' });
    // the same attachment of a policy whose document is not known here
    const readOnly = planned.map((p) =>
      p.change.address === 'aws_iam_role_policy_attachment.ops_automation_admin' ? { ...p, change: { ...p.change, after: { ...(p.change.after as object), policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } } } : p,
    );
    assert.equal(decideAccess(planRoleGrants(readOnly), { ...org.policies, identity: [] }, check, org.account).after, 'Unknown');
  });
});

describe('the access section of the report', () => {
  it('names the statements a changed role policy adds and removes', async () => {
    const { runPreflight } = await import('./preflight.ts');
    const result = runPreflight(readFileSync(join(FIXTURES, 'updates-and-deletes/plan.json'), 'utf8'), { account: org.account, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn } });
    assert.ok(result.ok);
    const [worker] = result.value.access;
    assert.equal(result.value.access.length, 1);
    assert.deepEqual([worker!.arn, worker!.lifecycle, worker!.sources], ['arn:aws:iam::111111111111:role/app-orders-worker', 'changed', ['aws_iam_role_policy.worker']]);
    assert.ok(worker!.statements.added.includes('Allow s3:GetObject, s3:PutObject, s3:DeleteObject on arn:aws:s3:::payments-prod-orders-archive-v2/orders/*'));
    assert.deepEqual(worker!.statements.removed, ['Allow s3:GetObject on arn:aws:s3:::payments-prod-orders-archive/orders/*']);
  });
});
