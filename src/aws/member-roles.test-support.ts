/**
 * Permission sets, groups and assignments added to an imported repository, for the tests of the
 * member-account roles: a developer permission set with two policies and a boundary, a read-only
 * one, and a deployer service account; `setUpMemberRoles` makes the sample organization in the
 * emulator and gives its imported configuration with them.
 */
import assert from 'node:assert/strict';
import { parseConfig } from '../org/index.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { AccountAccessOptions } from './account-access.ts';
import type { AwsClients } from './aws-clients.ts';
import { importOrganization } from './import-organization.ts';
import type { LiveOrganization } from './live-organization.ts';
import type { MotoServer } from './moto-server.test-support.ts';
import { readOrganization } from './read-organization.ts';
import { createSampleOrganization, type SampleOrganization } from './sample-organization.test-support.ts';
export const READ_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'ec2:Describe*'], Resource: '*' }] });
export const DEVELOPER = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Build', Effect: 'Allow', Action: ['lambda:*', 'dynamodb:*', 'logs:*'], Resource: '*' }] });
export const DEVELOPER_BOUNDARY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ApplicationServices', Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*', 'lambda:*', 'dynamodb:*', 'logs:*'], Resource: '*' },
    { Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' },
  ],
});
export const DEPLOYER = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Deploy', Effect: 'Allow', Action: ['cloudformation:*', 'lambda:UpdateFunctionCode'], Resource: '*' }] });

export interface MemberRolesOptions {
  /** the assignments section's entries, as YAML flow maps */
  readonly assignments: readonly string[];
  /** service accounts, as `name: { … }` YAML lines */
  readonly serviceAccounts?: readonly string[];
}

/** the files of an imported repository with the permission sets and the given assignments added */
export function withMemberRoles(files: ReadonlyMap<string, string>, options: MemberRolesOptions): Map<string, string> {
  const out = new Map(files);
  const yaml = out.get('parapet.yaml') ?? '';
  out.set('parapet.yaml', `${yaml.trimEnd()}\n${memberRolesYaml(options)}`);
  for (const [path, text] of Object.entries(memberRoleFiles())) out.set(path, text);
  return out;
}

export function memberRolesYaml(options: MemberRolesOptions): string {
  return [
    'permissionSets:',
    '  read-only: { policies: [permission-sets/read-only.json], sessionDuration: 8h }',
    '  developer: { policies: [permission-sets/read-only.json, permission-sets/developer.json], boundary: boundaries/developer.json, sessionDuration: 4h30m }',
    '  deployer: { policies: [permission-sets/deployer.json], sessionDuration: 1h }',
    'groups:',
    '  payments-devs: { members: [alice@example.com, bob@example.com] }',
    '  auditors: { members: [heidi@example.com] }',
    'assignments:',
    ...options.assignments.map((a) => `  - ${a}`),
    ...(options.serviceAccounts === undefined ? [] : ['serviceAccounts:', ...options.serviceAccounts.map((s) => `  ${s}`)]),
    '',
  ].join('\n');
}

export function memberRoleFiles(): Record<string, string> {
  return {
    'permission-sets/read-only.json': READ_ONLY,
    'permission-sets/developer.json': DEVELOPER,
    'permission-sets/deployer.json': DEPLOYER,
    'boundaries/developer.json': DEVELOPER_BOUNDARY,
  };
}

export interface MemberRolesSetUp {
  readonly clients: AwsClients;
  readonly sample: SampleOrganization;
  readonly live: LiveOrganization;
  /** the imported configuration with the permission sets, these assignments and service accounts */
  readonly config: OrgConfig;
  /** the same with other assignments */
  configOf(assignments: readonly string[]): OrgConfig;
  /** the management account's clients, for planning and applying in the member accounts */
  readonly access: AccountAccessOptions;
}

/** the sample organization made in the emulator, read, imported, and given the member roles */
export async function setUpMemberRoles(moto: MotoServer, assignments: readonly string[], serviceAccounts?: readonly string[]): Promise<MemberRolesSetUp> {
  const clients = moto.clients();
  const sample = await createSampleOrganization(clients.organizations);
  const live = await readOrganization(clients.organizations);
  const configWith = (options: MemberRolesOptions) => {
    const parsed = parseConfig(withMemberRoles(importOrganization(live), options));
    assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.issues));
    return parsed.value;
  };
  return {
    clients,
    sample,
    live,
    config: configWith({ assignments, ...(serviceAccounts !== undefined ? { serviceAccounts } : {}) }),
    configOf: (list) => configWith({ assignments: list }),
    access: { clients, managementAccountId: live.managementAccountId },
  };
}
