import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssue } from '../policy/index.ts';
import { parseConfig } from '../org/parse-config.ts';
import { importOrganization, parapetName } from './import-organization.ts';
import { FULL_AWS_ACCESS_ID, RCP_FULL_AWS_ACCESS_ID, type LiveAccount, type LiveOrganization, type LivePolicy, type LiveUnit } from './live-organization.ts';

const FULL_ACCESS: LivePolicy = {
  id: FULL_AWS_ACCESS_ID,
  name: 'FullAWSAccess',
  description: 'Allows access to every operation',
  type: 'SERVICE_CONTROL_POLICY',
  awsManaged: true,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  tags: {},
};
const RCP_FULL_ACCESS: LivePolicy = {
  id: RCP_FULL_AWS_ACCESS_ID,
  name: 'RCPFullAWSAccess',
  description: '',
  type: 'RESOURCE_CONTROL_POLICY',
  awsManaged: true,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
  tags: {},
};
const DENY_LEAVE: LivePolicy = {
  id: 'p-denyleave1',
  name: 'Deny: leaving the org',
  description: 'no account may leave\nthe organization',
  type: 'SERVICE_CONTROL_POLICY',
  awsManaged: false,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}',
  tags: {},
};
const PERIMETER: LivePolicy = {
  id: 'p-perimeter1',
  name: 'perimeter',
  description: '',
  type: 'RESOURCE_CONTROL_POLICY',
  awsManaged: false,
  content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}',
  tags: {},
};

function account(id: string, name: string, extra: Partial<LiveAccount> = {}): LiveAccount {
  return { id, name, email: `${id}@example.com`, status: 'ACTIVE', tags: {}, scps: [FULL_AWS_ACCESS_ID], rcps: [RCP_FULL_AWS_ACCESS_ID], ...extra };
}
function unit(id: string, name: string, extra: Partial<LiveUnit> = {}): LiveUnit {
  return { id, name, tags: {}, scps: [FULL_AWS_ACCESS_ID], rcps: [RCP_FULL_AWS_ACCESS_ID], units: [], accounts: [], ...extra };
}

const LIVE: LiveOrganization = {
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

test('the imported repository validates, with Parapet names next to AWS names and AWS ids', () => {
  const files = importOrganization(LIVE);
  const parsed = parseConfig(files);
  assert.ok(parsed.ok, parsed.issues.map((i) => formatIssue(i)).join('\n') + '\n' + files.get('parapet.yaml'));
  const config = parsed.value;
  assert.equal(config.organization.id, 'o-abcdefghij');
  assert.equal(config.organization.managementAccount, '111111111111');
  assert.equal(config.organization.root.awsId, 'r-ab12');
  const [sandbox, workloads] = config.organization.root.units;
  assert.deepEqual([sandbox?.name, sandbox?.awsName, sandbox?.awsId], ['sandbox', 'Sandbox', 'ou-ab12-11111111']);
  // two units called Prod under different parents keep AWS's name and their own ids
  assert.deepEqual([sandbox?.units[0]?.path, sandbox?.units[0]?.awsName, sandbox?.units[0]?.awsId], [['sandbox', 'prod'], 'Prod', 'ou-ab12-22222222']);
  assert.deepEqual([workloads?.units[0]?.path, workloads?.units[0]?.awsId], [['workloads', 'prod'], 'ou-ab12-44444444']);
  // two accounts of one AWS name: unique Parapet names, AWS's name kept on both
  const twins = [...config.accounts.values()].filter((a) => a.awsName === 'Payments Prod').map((a) => [a.name, a.id]);
  assert.deepEqual(twins, [['payments-prod', '222222222222'], ['payments-prod-2', '333333333333']]);
  assert.deepEqual(config.accounts.get('payments-prod')?.tags, { 'cost centre': 'a: b', env: 'yes' });
  // FullAWSAccess alone: no level of its own; with a deny: a level, with full-access in it
  assert.equal(config.accounts.get('payments-prod')?.guardrails, undefined);
  assert.deepEqual(config.accounts.get('payments-prod-2')?.guardrails, ['deny-leaving-the-org', 'full-access']);
  assert.deepEqual(config.organization.root.guardrails, ['deny-leaving-the-org', 'full-access']);
  // RCPFullAWSAccess is implied in Parapet: only the perimeter is written
  assert.deepEqual(workloads?.resourceGuardrails, ['perimeter']);
  assert.deepEqual([...config.resourceGuardrails.keys()], ['perimeter']);
  const deny = config.guardrails.get('deny-leaving-the-org');
  assert.deepEqual([deny?.file, deny?.awsId, deny?.awsName], ['guardrails/deny-leaving-the-org.json', DENY_LEAVE.id, 'Deny: leaving the org']);
  assert.deepEqual(config.guardrails.get('full-access')?.awsId, FULL_AWS_ACCESS_ID);
  assert.deepEqual(JSON.parse(files.get('guardrails/deny-leaving-the-org.json') ?? ''), JSON.parse(DENY_LEAVE.content));
});

test('AWS descriptions become one-line comments above their policy', () => {
  const yaml = importOrganization(LIVE).get('parapet.yaml') ?? '';
  assert.match(yaml, /\n {2}# no account may leave the organization\n {2}deny-leaving-the-org: \{/);
  assert.match(yaml, /\n {2}# Allows access to every operation\n {2}# managed by AWS \(FullAWSAccess\)/);
});

test('import refuses an organization without service control policies enabled', () => {
  assert.throws(() => importOrganization({ ...LIVE, enabledPolicyTypes: [], policies: [] }), /service control policies are not enabled in organization `o-abcdefghij`/);
});

test('Parapet names from AWS names', () => {
  assert.equal(parapetName('Payments Prod', 'x'), 'payments-prod');
  assert.equal(parapetName('  a/b:c,d*e  ', 'x'), 'a-b-c-d-e');
  assert.equal(parapetName('***', 'ou-ab12-11111111'), 'ou-ab12-11111111');
});
