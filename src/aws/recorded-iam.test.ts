/**
 * The parts of IAM the emulator does not serve as AWS does, tested with AWS's documented responses
 * (docs/aws.md, "Where the emulator differs from AWS"): a loopback proxy answers those operations
 * with the response AWS's API Reference gives and passes everything else to moto.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { AttachRolePolicyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { openAccountIam } from './account-access.ts';
import { applyAccountPlans } from './apply-account.ts';
import { createAwsClients } from './aws-clients.ts';
import { startRecordedProxy, type RecordedAnswer } from './aws-proxy.test-support.ts';
import { setUpMemberRoles } from './member-roles.test-support.ts';
import { startMotoServer, type MotoServer } from './moto-server.test-support.ts';
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

/**
 * IAM API Reference, AddClientIDToOpenIDConnectProvider, Examples
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddClientIDToOpenIDConnectProvider.html):
 * the sample request adds `my-application-ID` to `arn:aws:iam::123456789012:oidc-provider/server.example.com`
 * and the sample response is this document
 */
const ADD_CLIENT_ID_RESPONSE: RecordedAnswer = {
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: `<AddClientIDToOpenIDConnectProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ResponseMetadata>
    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
  </ResponseMetadata>
</AddClientIDToOpenIDConnectProviderResponse>`,
};

/**
 * IAM API Reference, DeletePolicy, Errors (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html):
 * "DeleteConflict: The request was rejected because it attempted to delete a resource that has
 * attached subordinate entities. The error message describes these entities. HTTP Status Code: 409",
 * in the query API's error document (IAM API Reference, Common Errors)
 */
const DELETE_CONFLICT_RESPONSE: RecordedAnswer = {
  status: 409,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>DeleteConflict</Code>
    <Message>Cannot delete a policy attached to entities.</Message>
  </Error>
  <RequestId>8c1e5a0b-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>`,
};

const setUp = (assignments: readonly string[]) => setUpMemberRoles(moto, assignments);

test('an audience added to a provider that exists (moto has no AddClientIDToOpenIDConnectProvider): the documented request, and the documented response is success', async () => {
  const { sample, live, config, access } = await setUp(['{ group: payments-devs, permissionSet: developer, accounts: [sandbox-alice] }']);
  const account = sample.accounts.sandboxAlice;
  // the account trusts server.example.com already, for another application: Parapet uses that provider
  const existing = await openAccountIam(account, access);
  try {
    await existing.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://server.example.com', ClientIDList: ['another-application'] }));
  } finally {
    existing.close();
  }
  const trust = { issuer: 'https://server.example.com', audience: 'my-application-ID' };
  const plans = await planMemberAccounts(config, live, { ...access, trust });
  const provider = `arn:aws:iam::${account}:oidc-provider/server.example.com`;
  const changes = plans.find((p) => p.accountId === account)?.changes ?? [];
  assert.deepEqual(changes[0], { kind: 'add-oidc-audience', provider, audience: 'my-application-ID' });
  assert.ok(!changes.some((c) => c.kind === 'create-oidc-provider' || c.kind === 'delete-oidc-provider'));

  // moto does not implement the operation: its answer is not AWS's
  const direct = await applyAccountPlans(plans, access);
  assert.equal(direct.failed?.change?.kind, 'add-oidc-audience');
  assert.equal(direct.done.length, 0);

  const proxy = await startRecordedProxy(moto.endpoint, { AddClientIDToOpenIDConnectProvider: ADD_CLIENT_ID_RESPONSE });
  const clients = createAwsClients({ ...moto.clientOptions, endpoint: proxy.endpoint });
  try {
    const result = await applyAccountPlans(plans, { clients, managementAccountId: live.managementAccountId });
    assert.equal(result.failed, undefined, result.failed?.error);
    assert.equal(result.done.length, changes.length);
    // the request is the documented sample's, with Parapet's provider and audience
    assert.deepEqual(proxy.answered, [{ Action: 'AddClientIDToOpenIDConnectProvider', Version: '2010-05-08', ClientID: 'my-application-ID', OpenIDConnectProviderArn: provider }]);
  } finally {
    clients.destroy();
    await proxy.close();
  }
});

test('a managed policy attached by someone else between plan and apply (moto deletes it anyway): AWS\'s documented DeleteConflict stops the run; at plan time it is left alone', async () => {
  const { sample, live, config, configOf, access } = await setUp(['{ group: payments-devs, permissionSet: developer, accounts: [sandbox-alice] }']);
  const trust = { issuer: 'https://parapet.example.com', audience: 'sts.amazonaws.com' };
  assert.equal((await applyAccountPlans(await planMemberAccounts(config, live, { ...access, trust }), access)).failed, undefined);
  const account = sample.accounts.sandboxAlice;
  // the assignment goes: the role and its boundary policy are to be deleted (the provider stays for read-only)
  const fewer = configOf(['{ group: auditors, permissionSet: read-only, accounts: [sandbox-alice] }']);
  const removal = await planMemberAccounts(fewer, live, { ...access, trust });
  const kinds = removal.find((p) => p.accountId === account)?.changes.map((c) => c.kind);
  assert.deepEqual(kinds, ['create-role', 'put-inline-policy', 'delete-inline-policy', 'delete-inline-policy', 'delete-role', 'delete-managed-policy']);
  // meanwhile someone attaches Parapet's boundary to a role of their own
  const iam = await openAccountIam(account, access);
  try {
    await iam.iam.send(new CreateRoleCommand({ RoleName: 'their-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }));
    await iam.iam.send(new AttachRolePolicyCommand({ RoleName: 'their-role', PolicyArn: `arn:aws:iam::${account}:policy/parapet/parapet-developer-boundary` }));
  } finally {
    iam.close();
  }
  const proxy = await startRecordedProxy(moto.endpoint, { DeletePolicy: DELETE_CONFLICT_RESPONSE });
  const clients = createAwsClients({ ...moto.clientOptions, endpoint: proxy.endpoint });
  try {
    const result = await applyAccountPlans(removal, { clients, managementAccountId: live.managementAccountId });
    assert.equal(result.failed?.change?.kind, 'delete-managed-policy');
    assert.match(result.failed?.error ?? '', /^DeleteConflict(Exception)?: Cannot delete a policy attached to entities\./);
    assert.deepEqual(result.done.map((s) => s.change.kind), ['create-role', 'put-inline-policy', 'delete-inline-policy', 'delete-inline-policy', 'delete-role']);
    assert.deepEqual(result.notDone, []);
  } finally {
    clients.destroy();
    await proxy.close();
  }
  // planned again, the policy in use elsewhere is left alone and said so
  const again = (await planMemberAccounts(fewer, live, { ...access, trust })).find((p) => p.accountId === account);
  assert.deepEqual(again?.changes, []);
  assert.deepEqual(again?.notes, ['managed policy `parapet-developer-boundary` is no longer needed but is still used by 1 user, group or role Parapet does not manage: not deleted']);
});
