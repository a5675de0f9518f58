import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssue } from '../policy/index.ts';
import { parseConfig } from '../org/parse-config.ts';
import { importOrganization, parapetName } from './import-organization.ts';
import { FULL_AWS_ACCESS_ID } from './live-organization.ts';
import { DENY_LEAVE, LIVE } from './live-organization-fixture.test-support.ts';

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
  assert.deepEqual(config.accounts.get('payments-prod-2')?.guardrails, ['full-access', 'deny-leaving-the-org']);
  assert.deepEqual(config.organization.root.guardrails, ['full-access', 'deny-leaving-the-org']);
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
