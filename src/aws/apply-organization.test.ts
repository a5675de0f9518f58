import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyOrganizationPlan } from './apply-organization.ts';
import { startMotoServer, type MotoServer } from './moto-server.test-support.ts';
import type { OrganizationPlan } from './organization-change.ts';
import { readOrganization } from './read-organization.ts';
import { DENY_LEAVE, createSampleOrganization } from './sample-organization.test-support.ts';

let moto: MotoServer;
before(async () => {
  moto = await startMotoServer();
});
after(async () => {
  await moto.stop();
});

test('a failure stops the run and says what was done, what failed and what was not done', async () => {
  const { organizations } = moto.clients();
  const sample = await createSampleOrganization(organizations);
  const create = { kind: 'create-policy', policy: { name: 'deny-leave-2' }, policyType: 'SERVICE_CONTROL_POLICY', awsName: 'deny-leave-2', content: DENY_LEAVE } as const;
  const broken = { kind: 'attach-policy', policy: { name: 'deny-leave-2' }, target: { id: 'ou-zzzz-zzzzzzzz', label: 'gone' } } as const;
  const later = { kind: 'attach-policy', policy: { name: 'deny-leave-2' }, target: { id: sample.units.sandbox, label: 'sandbox' } } as const;
  const plan: OrganizationPlan = { format: 'parapet-aws-plan/1', organizationId: 'o-x', changes: [create, broken, later], problems: [], notes: [] };
  const calls: string[] = [];
  const result = await applyOrganizationPlan(organizations, plan, sample.rootId, {
    onCall: (service, operation, input, outcome) => void calls.push(`${service} ${operation} ${JSON.stringify(input.TargetId ?? input.Name)} ${outcome.ok ? 'ok' : outcome.error.split(':')[0]}`),
  });
  // every AWS call, with its outcome, to the hook (the server's audit trail)
  assert.deepEqual(calls, ['organizations CreatePolicy "deny-leave-2" ok', 'organizations AttachPolicy "ou-zzzz-zzzzzzzz" OrganizationalUnitNotFoundException']);
  assert.deepEqual(result.done, [create]);
  assert.equal(result.failed?.change, broken);
  assert.match(result.failed?.error ?? '', /OrganizationalUnitNotFoundException/);
  assert.deepEqual(result.notDone, [later]);
  // what was done is in AWS, tagged as Parapet's; what was not done is not
  // the hook is gone after the run
  const live = await readOrganization(organizations);
  assert.equal(calls.length, 2);
  const created = live.policies.find((p) => p.name === 'deny-leave-2');
  assert.deepEqual(created?.tags, { 'parapet:managed': 'true', 'parapet:name': 'deny-leave-2' });
  assert.ok(!live.root.units.find((u) => u.id === sample.units.sandbox)?.scps.includes(created?.id ?? ''));
});

test('a plan with problems is never applied', async () => {
  const plan: OrganizationPlan = { format: 'parapet-aws-plan/1', organizationId: 'o-x', changes: [], problems: ['no'], notes: [] };
  await assert.rejects(applyOrganizationPlan(moto.clients().organizations, plan, 'r-ab12'), /a plan with problems is never applied/);
});
