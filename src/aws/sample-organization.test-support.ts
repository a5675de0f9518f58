/**
 * A small organization built on the emulator through the SDK, as a platform team would have built
 * it by hand: names AWS allows and Parapet's names do not (spaces, two units called `Prod` under
 * different parents, two accounts of one name), SCPs with descriptions next to FullAWSAccess, an
 * RCP, tags on accounts.
 */
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  TagResourceCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { FULL_AWS_ACCESS_ID } from './live-organization.ts';

export interface SampleOrganization {
  readonly rootId: string;
  readonly units: { readonly workloads: string; readonly workloadsProd: string; readonly sandbox: string; readonly sandboxProd: string };
  readonly accounts: { readonly payments: string; readonly paymentsTwin: string; readonly sandboxAlice: string };
  readonly policies: { readonly denyLeave: string; readonly denyRegions: string; readonly dataPerimeter: string };
}

export const DENY_LEAVE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyLeave', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }],
});

export const DENY_REGIONS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyOtherRegions',
      Effect: 'Deny',
      NotAction: ['iam:*', 'organizations:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
    },
  ],
});

export const DATA_PERIMETER = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EnforceOrgIdentities',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorgid' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    },
  ],
});

export async function createSampleOrganization(organizations: OrganizationsClient): Promise<SampleOrganization> {
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const roots = await organizations.send(new ListRootsCommand({}));
  const rootId = roots.Roots?.[0]?.Id ?? '';
  await organizations.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
  await organizations.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }));
  const unit = async (parent: string, name: string) =>
    (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit?.Id ?? '';
  const workloads = await unit(rootId, 'Workloads');
  const workloadsProd = await unit(workloads, 'Prod');
  const sandbox = await unit(rootId, 'Sandbox');
  const sandboxProd = await unit(sandbox, 'Prod');
  const account = async (name: string, email: string, parent: string, tags: Record<string, string>) => {
    const created = await organizations.send(
      new CreateAccountCommand({ AccountName: name, Email: email, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
    );
    const id = created.CreateAccountStatus?.AccountId ?? '';
    await organizations.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parent }));
    return id;
  };
  const payments = await account('Payments Prod', 'payments@example.com', workloadsProd, { owner: 'payments', env: 'prod' });
  const paymentsTwin = await account('Payments Prod', 'payments-twin@example.com', sandboxProd, { owner: 'payments' });
  const sandboxAlice = await account('sandbox-alice', 'alice@example.com', sandbox, {});
  const policy = async (name: string, description: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', content: string) =>
    (await organizations.send(new CreatePolicyCommand({ Name: name, Description: description, Type: type, Content: content }))).Policy?.PolicySummary?.Id ?? '';
  const denyLeave = await policy('Deny leaving the organization', 'no account may leave', 'SERVICE_CONTROL_POLICY', DENY_LEAVE);
  const denyRegions = await policy('deny-other-regions', '', 'SERVICE_CONTROL_POLICY', DENY_REGIONS);
  const dataPerimeter = await policy('Data perimeter', 'only our identities reach our buckets', 'RESOURCE_CONTROL_POLICY', DATA_PERIMETER);
  const attach = (policyId: string, target: string) => organizations.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: target }));
  await attach(denyLeave, rootId);
  await attach(denyRegions, workloads);
  await attach(dataPerimeter, workloadsProd);
  // accounts with a level of their own (AWS attached FullAWSAccess to each new unit and account)
  await attach(denyLeave, sandboxAlice);
  await organizations.send(new DetachPolicyCommand({ PolicyId: FULL_AWS_ACCESS_ID, TargetId: paymentsTwin }));
  await attach(denyRegions, paymentsTwin);
  await attach(FULL_AWS_ACCESS_ID, paymentsTwin);
  await organizations.send(new TagResourceCommand({ ResourceId: workloads, Tags: [{ Key: 'cost-centre', Value: '42' }] }));
  return {
    rootId,
    units: { workloads, workloadsProd, sandbox, sandboxProd },
    accounts: { payments, paymentsTwin, sandboxAlice },
    policies: { denyLeave, denyRegions, dataPerimeter },
  };
}
