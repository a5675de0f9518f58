/** a small live organization as plain values, with the names AWS allows and Parapet's do not */
import { FULL_AWS_ACCESS_ID, RCP_FULL_AWS_ACCESS_ID, type LiveAccount, type LiveOrganization, type LivePolicy, type LiveUnit } from './live-organization.ts';

export const FULL_ACCESS: LivePolicy = {
  id: FULL_AWS_ACCESS_ID,
  name: 'FullAWSAccess',
  description: 'Allows access to every operation',
  type: 'SERVICE_CONTROL_POLICY',
  awsManaged: true,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  tags: {},
};
export const RCP_FULL_ACCESS: LivePolicy = {
  id: RCP_FULL_AWS_ACCESS_ID,
  name: 'RCPFullAWSAccess',
  description: '',
  type: 'RESOURCE_CONTROL_POLICY',
  awsManaged: true,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
  tags: {},
};
export const DENY_LEAVE: LivePolicy = {
  id: 'p-denyleave1',
  name: 'Deny: leaving the org',
  description: 'no account may leave\nthe organization',
  type: 'SERVICE_CONTROL_POLICY',
  awsManaged: false,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}',
  tags: {},
};
export const PERIMETER: LivePolicy = {
  id: 'p-perimeter1',
  name: 'perimeter',
  description: '',
  type: 'RESOURCE_CONTROL_POLICY',
  awsManaged: false,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}',
  tags: {},
};

export function account(id: string, name: string, extra: Partial<LiveAccount> = {}): LiveAccount {
  return { id, name, email: `${id}@example.com`, status: 'ACTIVE', tags: {}, scps: [FULL_AWS_ACCESS_ID], rcps: [RCP_FULL_AWS_ACCESS_ID], ...extra };
}
export function unit(id: string, name: string, extra: Partial<LiveUnit> = {}): LiveUnit {
  return { id, name, tags: {}, scps: [FULL_AWS_ACCESS_ID], rcps: [RCP_FULL_AWS_ACCESS_ID], units: [], accounts: [], ...extra };
}

export const LIVE: LiveOrganization = {
  id: 'o-abcdefghij',
  managementAccountId: '111111111111',
  enabledPolicyTypes: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'],
  policies: [FULL_ACCESS, DENY_LEAVE, RCP_FULL_ACCESS, PERIMETER],
  root: unit('r-ab12', 'Root', {
    scps: [DENY_LEAVE.id, FULL_AWS_ACCESS_ID],
    accounts: [account('111111111111', 'Management')],
    units: [
      unit('ou-ab12-11111111', 'Sandbox', { units: [unit('ou-ab12-22222222', 'Prod', { accounts: [account('222222222222', 'Payments Prod', { tags: { 'cost centre': 'a: b', env: 'yes' } })] })] }),
      unit('ou-ab12-33333333', 'Workloads', {
        rcps: [PERIMETER.id, RCP_FULL_AWS_ACCESS_ID],
        units: [unit('ou-ab12-44444444', 'Prod', { accounts: [account('333333333333', 'Payments Prod', { scps: [DENY_LEAVE.id, FULL_AWS_ACCESS_ID] })] })],
      }),
    ],
  }),
};

