import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { CreateRoleCommand, GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { parseConfig } from '../org/index.ts';
import { openAccountIam } from './account-access.ts';
import { applyAccountPlans } from './apply-account.ts';
import { importOrganization } from './import-organization.ts';
import { decodePolicyDocument } from './live-account.ts';
import { DEVELOPER_BOUNDARY, withMemberRoles } from './member-roles.test-support.ts';
import { startMotoServer, type MotoServer } from './moto-server.test-support.ts';
import type { AwsCallOutcome } from './observe-aws-calls.ts';
import { sameDocument } from './plan-account.ts';
import { planMemberAccounts } from './plan-member-accounts.ts';
import { readOrganization } from './read-organization.ts';
import { createSampleOrganization } from './sample-organization.test-support.ts';

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

const TRUST = { issuer: 'https://parapet.example.com', audience: 'sts.amazonaws.com' };
const REVOKED = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-12-06T00:00:00Z"}}}]}';

/** the imported name `payments-prod` is the twin under Sandbox/Prod (units are imported in name order) */
async function setUp(assignments: readonly string[], serviceAccounts?: readonly string[]) {
  const clients = moto.clients();
  const sample = await createSampleOrganization(clients.organizations);
  const live = await readOrganization(clients.organizations);
  const files = withMemberRoles(importOrganization(live), { assignments, ...(serviceAccounts !== undefined ? { serviceAccounts } : {}) });
  const parsed = parseConfig(files);
  assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.issues));
  const access = { clients, managementAccountId: live.managementAccountId };
  return { clients, sample, live, config: parsed.value, access };
}

test('apply makes the roles in the member accounts as specified, and a second plan is empty', async () => {
  const { sample, live, config, access } = await setUp(
    ['{ group: payments-devs, permissionSet: developer, accounts: [payments-prod] }', '{ group: auditors, permissionSet: read-only, accounts: [payments-prod, sandbox-alice] }'],
    ['deployer: { permissionSet: deployer, accounts: [payments-prod] }'],
  );
  const calls: { service: string; operation: string; input: Record<string, unknown>; outcome: AwsCallOutcome }[] = [];
  const onCall = (service: string, operation: string, input: Record<string, unknown>, outcome: AwsCallOutcome) => void calls.push({ service, operation, input, outcome });
  const plans = await planMemberAccounts(config, live, { ...access, trust: TRUST, onCall });
  assert.deepEqual(plans.flatMap((p) => p.problems), []);
  const payments = plans.find((p) => p.accountId === sample.accounts.paymentsTwin);
  assert.deepEqual(
    payments?.changes.map((c) => c.kind),
    ['create-oidc-provider', 'create-managed-policy', 'create-role', 'create-role', 'create-role', 'put-inline-policy', 'put-inline-policy', 'put-inline-policy', 'put-inline-policy'],
  );
  // reading went through the hook too: the account role assumed, IAM listed
  assert.ok(calls.some((c) => c.service === 'sts' && c.operation === 'AssumeRole' && c.outcome.ok && String(c.input.RoleArn).endsWith(':role/OrganizationAccountAccessRole')));
  assert.ok(calls.some((c) => c.service === 'iam' && c.operation === 'ListRoles'));
  calls.length = 0;

  const result = await applyAccountPlans(plans, { ...access, onCall });
  assert.equal(result.failed, undefined);
  assert.equal(result.done.length, plans.reduce((n, p) => n + p.changes.length, 0));
  assert.ok(calls.some((c) => c.operation === 'CreateRole' && c.input.RoleName === 'developer' && c.outcome.ok));
  // documents are recorded by their digest, not copied
  const createRole = calls.find((c) => c.operation === 'CreateRole');
  assert.match(JSON.stringify(createRole?.input.AssumeRolePolicyDocument), /"sha256":"[0-9a-f]{64}"/);

  // read back through IAM in the account, as AWS has it
  const { iam, close } = await openAccountIam(sample.accounts.paymentsTwin, access);
  try {
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'developer' }))).Role;
    assert.equal(role?.Arn, `arn:aws:iam::${sample.accounts.paymentsTwin}:role/parapet/developer`);
    assert.equal(role?.Path, '/parapet/');
    assert.equal(role?.MaxSessionDuration, 4.5 * 3600);
    const boundaryArn = `arn:aws:iam::${sample.accounts.paymentsTwin}:policy/parapet/parapet-developer-boundary`;
    assert.equal(role?.PermissionsBoundary?.PermissionsBoundaryArn, boundaryArn);
    assert.deepEqual(Object.fromEntries((role?.Tags ?? []).map((t) => [t.Key, t.Value])), { 'parapet:managed': 'true', 'parapet:permission-set': 'developer' });
    assert.deepEqual(JSON.parse(decodePolicyDocument(role?.AssumeRolePolicyDocument)), {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ParapetWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${sample.accounts.paymentsTwin}:oidc-provider/parapet.example.com` },
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
          Condition: { StringEquals: { 'parapet.example.com:aud': 'sts.amazonaws.com', 'parapet.example.com:sub': ['alice@example.com', 'bob@example.com'] } },
        },
      ],
    });
    assert.deepEqual([...((await iam.send(new ListRolePoliciesCommand({ RoleName: 'developer' }))).PolicyNames ?? [])].sort(), ['developer', 'read-only']);
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'developer', PolicyName: 'developer' }));
    assert.match(decodePolicyDocument(inline.PolicyDocument), /"lambda:\*"/);
    const boundary = (await iam.send(new GetPolicyCommand({ PolicyArn: boundaryArn }))).Policy;
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: boundaryArn, VersionId: boundary?.DefaultVersionId }));
    assert.ok(sameDocument(decodePolicyDocument(version.PolicyVersion?.Document), DEVELOPER_BOUNDARY, 'permissionBoundary'));
    const deployer = (await iam.send(new GetRoleCommand({ RoleName: 'deployer' }))).Role;
    assert.match(decodePolicyDocument(deployer?.AssumeRolePolicyDocument), /"parapet\.example\.com:sub":\["service-account:deployer"\]/);
    const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${sample.accounts.paymentsTwin}:oidc-provider/parapet.example.com` }));
    assert.deepEqual(provider.ClientIDList, ['sts.amazonaws.com']);
    assert.deepEqual(provider.Tags, [{ Key: 'parapet:managed', Value: 'true' }]);
  } finally {
    close();
  }
  const again = await planMemberAccounts(config, live, { ...access, trust: TRUST });
  assert.deepEqual(again.flatMap((p) => p.changes), []);
});

test('what Parapet does not manage is never changed: a role of its name is a problem, the revocation deny stays, other roles stay', async () => {
  const { sample, live, config, access } = await setUp(['{ group: payments-devs, permissionSet: developer, accounts: [payments-prod, sandbox-alice] }']);
  await applyAccountPlans(await planMemberAccounts(config, live, { ...access, trust: TRUST }), access);
  const payments = await openAccountIam(sample.accounts.paymentsTwin, access);
  const alice = await openAccountIam(sample.accounts.sandboxAlice, access);
  try {
    // the revocation of sessions adds its deny to a Parapet role; someone makes a role of their own
    await payments.iam.send(new PutRolePolicyCommand({ RoleName: 'developer', PolicyName: 'parapet-revoked-sessions', PolicyDocument: REVOKED }));
    await payments.iam.send(new CreateRoleCommand({ RoleName: 'hand-made', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }));
    // in sandbox-alice, the role `read-only` exists already, not Parapet's
    await alice.iam.send(new CreateRoleCommand({ RoleName: 'read-only', Path: '/team/', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }));
    const plans = await planMemberAccounts(config, live, { ...access, trust: TRUST });
    assert.deepEqual(plans.flatMap((p) => p.changes), []);
    // assigning read-only in sandbox-alice now clashes with the role there
    const files = withMemberRoles(importOrganization(live), {
      assignments: ['{ group: payments-devs, permissionSet: developer, accounts: [payments-prod, sandbox-alice] }', '{ group: auditors, permissionSet: read-only, accounts: [sandbox-alice] }'],
    });
    const parsed = parseConfig(files);
    assert.ok(parsed.ok);
    const clash = await planMemberAccounts(parsed.value, live, { ...access, trust: TRUST });
    assert.deepEqual(
      clash.flatMap((p) => p.problems),
      ['role `parapet/read-only`: a role `read-only` exists at path `/team/` and Parapet does not manage it (a role name is unique in an account): rename or delete it'],
    );
    await assert.rejects(applyAccountPlans(clash, access), /a plan with problems is never applied/);
    // the assignment in payments-prod removed: its role goes, the revocation deny with it; the hand-made role stays
    const fewer = parseConfig(withMemberRoles(importOrganization(live), { assignments: ['{ group: payments-devs, permissionSet: developer, accounts: [sandbox-alice] }'] }));
    assert.ok(fewer.ok);
    const removal = await planMemberAccounts(fewer.value, live, { ...access, trust: TRUST });
    const paymentsPlan = removal.find((p) => p.accountId === sample.accounts.paymentsTwin);
    assert.deepEqual(
      paymentsPlan?.changes.map((c) => `${c.kind}${'name' in c ? ` ${c.name}` : ''}`),
      ['delete-inline-policy developer', 'delete-inline-policy parapet-revoked-sessions', 'delete-inline-policy read-only', 'delete-role', 'delete-managed-policy', 'delete-oidc-provider'],
    );
    const done = await applyAccountPlans(removal, access);
    assert.equal(done.failed, undefined);
    await assert.rejects(payments.iam.send(new GetRoleCommand({ RoleName: 'developer' })), (e: Error) => e.name === 'NoSuchEntityException');
    assert.equal((await payments.iam.send(new GetRoleCommand({ RoleName: 'hand-made' }))).Role?.RoleName, 'hand-made');
    assert.deepEqual((await planMemberAccounts(fewer.value, live, { ...access, trust: TRUST })).flatMap((p) => p.changes), []);
  } finally {
    payments.close();
    alice.close();
  }
});
