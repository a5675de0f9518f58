/**
 * Permission sets, groups and assignments added to an imported repository, for the tests of the
 * member-account roles: a developer permission set with two policies and a boundary, a read-only
 * one, and a deployer service account.
 */
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
