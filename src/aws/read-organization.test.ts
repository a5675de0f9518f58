import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createAwsClients } from './aws-clients.ts';
import { startThrottlingProxy } from './aws-proxy.test-support.ts';
import { FULL_AWS_ACCESS_ID, RCP_FULL_AWS_ACCESS_ID, listLiveUnits } from './live-organization.ts';
import { startMotoServer, type MotoServer } from './moto-server.test-support.ts';
import { readOrganization } from './read-organization.ts';
import { DENY_REGIONS, createSampleOrganization } from './sample-organization.test-support.ts';
import { CreateOrganizationalUnitCommand, CreateOrganizationCommand, ListRootsCommand } from '@aws-sdk/client-organizations';

let moto: MotoServer;
before(async () => {
  moto = await startMotoServer();
});
beforeEach(async () => {
  await moto.reset();
});
after(async () => {
  await moto.stop();
});

test('reads the tree with AWS ids and names, tags, and every attachment of both policy types', async () => {
  const { organizations } = moto.clients();
  const sample = await createSampleOrganization(organizations);
  const live = await readOrganization(organizations);
  assert.match(live.id, /^o-/);
  assert.deepEqual(live.enabledPolicyTypes, ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']);
  assert.equal(live.root.id, sample.rootId);
  assert.deepEqual(
    live.root.units.map((u) => [u.name, u.id, u.units.map((c) => [c.name, c.id])]),
    [
      ['Sandbox', sample.units.sandbox, [['Prod', sample.units.sandboxProd]]],
      ['Workloads', sample.units.workloads, [['Prod', sample.units.workloadsProd]]],
    ],
  );
  assert.deepEqual([...live.root.scps].sort(), [FULL_AWS_ACCESS_ID, sample.policies.denyLeave].sort());
  const workloads = live.root.units[1]!;
  assert.deepEqual(workloads.tags, { 'cost-centre': '42' });
  assert.deepEqual([...workloads.scps].sort(), [FULL_AWS_ACCESS_ID, sample.policies.denyRegions].sort());
  const prod = workloads.units[0]!;
  assert.deepEqual([...prod.rcps].sort(), [RCP_FULL_AWS_ACCESS_ID, sample.policies.dataPerimeter].sort());
  const payments = prod.accounts[0]!;
  assert.deepEqual(
    { id: payments.id, name: payments.name, email: payments.email, tags: payments.tags, scps: payments.scps },
    { id: sample.accounts.payments, name: 'Payments Prod', email: 'payments@example.com', tags: { env: 'prod', owner: 'payments' }, scps: [FULL_AWS_ACCESS_ID] },
  );
  const twin = live.root.units[0]!.units[0]!.accounts[0]!;
  assert.equal(twin.name, 'Payments Prod');
  assert.deepEqual([...twin.scps].sort(), [FULL_AWS_ACCESS_ID, sample.policies.denyRegions].sort());
  const regions = live.policies.find((p) => p.id === sample.policies.denyRegions);
  assert.deepEqual(JSON.parse(regions?.content ?? 'null'), JSON.parse(DENY_REGIONS));
  const leave = live.policies.find((p) => p.id === sample.policies.denyLeave);
  assert.deepEqual([leave?.name, leave?.description, leave?.type, leave?.awsManaged], ['Deny leaving the organization', 'no account may leave', 'SERVICE_CONTROL_POLICY', false]);
  assert.equal(live.policies.find((p) => p.id === FULL_AWS_ACCESS_ID)?.awsManaged, true);
  // the management account is read where it sits, at the root
  assert.ok(live.root.accounts.some((a) => a.id === live.managementAccountId));
});

test('a policy type that is not enabled is not read', async () => {
  const { organizations } = moto.clients();
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const live = await readOrganization(organizations);
  assert.deepEqual(live.enabledPolicyTypes, []);
  assert.deepEqual(live.policies, []);
  assert.deepEqual(live.root.scps, []);
});

test('every page of a long list is read', async () => {
  const { organizations } = moto.clients();
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  // the emulator pages organizational units by 20 as AWS may: 45 units take three pages
  for (let i = 0; i < 45; i++) await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `unit ${String(i).padStart(2, '0')}` }));
  const live = await readOrganization(organizations);
  assert.equal(live.root.units.length, 45);
  assert.equal(listLiveUnits(live.root).length, 46);
});

test('throttling is retried with backoff: with its first requests throttled the read still completes, and fails without retries', async () => {
  const { organizations } = moto.clients();
  await createSampleOrganization(organizations);
  const expected = await readOrganization(organizations);
  // a loopback proxy in front of the emulator answers each request first with AWS's documented
  // throttling error (Organizations API reference, Common errors: TooManyRequestsException, HTTP 400)
  const THROTTLED_REQUESTS = 4;
  let throttled = 0;
  const throttlingProxy = () =>
    startThrottlingProxy(
      moto.endpoint,
      () => {
        if (throttled >= THROTTLED_REQUESTS) return false;
        throttled += 1;
        return true;
      },
      {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'TooManyRequestsException' },
        body: JSON.stringify({ __type: 'TooManyRequestsException', Message: 'AWS Organizations can’t complete your request because another request is already in progress' }),
      },
    );
  const proxy = await throttlingProxy();
  const clients = createAwsClients({ ...moto.clientOptions, endpoint: proxy.endpoint, maxAttempts: 4 });
  try {
    const live = await readOrganization(clients.organizations);
    assert.deepEqual(live, expected);
    assert.equal(throttled, THROTTLED_REQUESTS);
  } finally {
    clients.destroy();
    await proxy.close();
  }
  throttled = 0;
  const fresh = await throttlingProxy();
  const once = createAwsClients({ ...moto.clientOptions, endpoint: fresh.endpoint, maxAttempts: 1 });
  try {
    await assert.rejects(readOrganization(once.organizations), (error: Error) => error.name === 'TooManyRequestsException');
  } finally {
    once.destroy();
    await fresh.close();
  }
});
