import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { CreateRoleCommand, DeleteRoleCommand, GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { parseConfig } from '../org/index.ts';
import { openAccountIam } from './account-access.ts';
import { createAwsClients } from './aws-clients.ts';
import { startThrottlingProxy } from './aws-proxy.test-support.ts';
import { applyAccountPlans } from './apply-account.ts';
import { importOrganization } from './import-organization.ts';
import { decodePolicyDocument } from './live-account.ts';
import { DEVELOPER_BOUNDARY, setUpMemberRoles, withMemberRoles } from './member-roles.test-support.ts';
import { startMotoServer, type MotoServer } from './moto-server.test-support.ts';
import type { AwsCallOutcome } from './observe-aws-calls.ts';
import { sameDocument } from './plan-account.ts';
import { planMemberAccounts } from './plan-member-accounts.ts';

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
const setUp = (assignments: readonly string[], serviceAccounts?: readonly string[]) => setUpMemberRoles(moto, assignments, serviceAccounts);

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
  // the accounts' own roles (OrganizationAccountAccessRole…) are listed, never read one by one
  assert.deepEqual(calls.filter((c) => c.operation === 'GetRole' || c.operation === 'GetPolicy'), []);
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
          Condition: { StringEquals: { 'parapet.example.com:aud': 'sts.amazonaws.com' }, StringLike: { 'parapet.example.com:sub': `account:${sample.accounts.paymentsTwin}:permission-set:developer:user:*` } },
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
    assert.match(decodePolicyDocument(deployer?.AssumeRolePolicyDocument), /"parapet\.example\.com:sub":"account:\d{12}:permission-set:deployer:user:\*"/);
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

test('throttling is retried with backoff: IAM answering `Throttling` to every first request, apply completes, each call reported once', async () => {
  const { live, config, access } = await setUp(['{ group: payments-devs, permissionSet: developer, accounts: [payments-prod] }']);
  const plans = await planMemberAccounts(config, live, { ...access, trust: TRUST });
  const writes = /Action=(CreateRole|PutRolePolicy|CreatePolicy|CreateOpenIDConnectProvider)&/;
  const proxy = await startThrottlingProxy(moto.endpoint, (_, body) => writes.test(body));
  const through = createAwsClients({ ...moto.clientOptions, endpoint: proxy.endpoint, maxAttempts: 3 });
  const once = createAwsClients({ ...moto.clientOptions, endpoint: proxy.endpoint, maxAttempts: 1 });
  try {
    const calls: string[] = [];
    const result = await applyAccountPlans(plans, { clients: through, managementAccountId: live.managementAccountId, onCall: (service, operation, _, outcome) => void calls.push(`${service} ${operation} ${outcome.ok ? 'ok' : outcome.error}`) });
    assert.equal(result.failed, undefined);
    const made = plans.reduce((n, p) => n + p.changes.length, 0);
    assert.equal(result.done.length, made);
    // every write was throttled once and retried: one report per call, its outcome the one the caller saw
    assert.equal(proxy.answered.length, made);
    assert.equal(calls.filter((c) => c.startsWith('iam ')).length, made);
    assert.ok(calls.every((c) => c.endsWith(' ok')), calls.join('\n'));
    assert.deepEqual((await planMemberAccounts(config, live, { ...access, trust: TRUST })).flatMap((p) => p.changes), []);
    // without retries the first write fails, and the report says so
    const fewer = parseConfig(withMemberRoles(importOrganization(live), { assignments: ['{ group: payments-devs, permissionSet: developer, accounts: [payments-prod] }', '{ group: auditors, permissionSet: read-only, accounts: [payments-prod] }'] }));
    assert.ok(fewer.ok);
    const more = await planMemberAccounts(fewer.value, live, { ...access, trust: TRUST });
    const failed = await applyAccountPlans(more, { clients: once, managementAccountId: live.managementAccountId });
    assert.equal(failed.done.length, 0);
    assert.match(failed.failed?.error ?? '', /^Throttling: Rate exceeded/);
    assert.equal(failed.failed?.change?.kind, 'create-role');
    assert.deepEqual(failed.notDone.map((s) => s.change.kind), ['put-inline-policy']);
  } finally {
    through.destroy();
    once.destroy();
    await proxy.close();
  }
});

test('a change AWS refuses between plan and apply: what was done, what failed, what was not; run again, it completes', async () => {
  const { sample, live, config, access } = await setUp(['{ group: payments-devs, permissionSet: developer, accounts: [payments-prod] }', '{ group: auditors, permissionSet: read-only, accounts: [payments-prod] }']);
  const plans = await planMemberAccounts(config, live, { ...access, trust: TRUST });
  const account = await openAccountIam(sample.accounts.paymentsTwin, access);
  try {
    // someone makes a role `read-only` of their own after the plan: AWS refuses Parapet's
    await account.iam.send(new CreateRoleCommand({ RoleName: 'read-only', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }));
    const result = await applyAccountPlans(plans, access);
    const step = (s: { change: { kind: string; role?: string } }) => `${s.change.kind} ${s.change.role ?? ''}`.trim();
    assert.deepEqual(result.done.map(step), ['create-oidc-provider', 'create-managed-policy', 'create-role developer']);
    assert.equal(result.failed?.change !== undefined ? step({ change: result.failed.change }) : '', 'create-role read-only');
    assert.match(result.failed?.error ?? '', /^EntityAlreadyExists/);
    assert.deepEqual(result.notDone.map(step), ['put-inline-policy developer', 'put-inline-policy developer', 'put-inline-policy read-only']);
    // the next plan says why it cannot go on; once the other role is gone it plans only what is left
    const blocked = await planMemberAccounts(config, live, { ...access, trust: TRUST });
    assert.match(blocked.flatMap((p) => p.problems).join('\n'), /a role `read-only` exists at path `\/`/);
    await account.iam.send(new DeleteRoleCommand({ RoleName: 'read-only' }));
    const rest = await planMemberAccounts(config, live, { ...access, trust: TRUST });
    assert.deepEqual(rest.flatMap((p) => p.changes.map((c) => step({ change: c }))), ['create-role read-only', 'put-inline-policy developer', 'put-inline-policy developer', 'put-inline-policy read-only']);
    assert.equal((await applyAccountPlans(rest, access)).failed, undefined);
    assert.deepEqual((await planMemberAccounts(config, live, { ...access, trust: TRUST })).flatMap((p) => p.changes), []);
  } finally {
    account.close();
  }
});
