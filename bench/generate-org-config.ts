/**
 * A large organization as a real configuration repository (parapet.yaml and policy files), built
 * from a seed so every run measures the same thing: 1,000 accounts in 100 units, 50 permission
 * sets, 500 groups, 5,000 assignments, 20 service accounts, 20 guardrails and 2 resource
 * guardrails, with the conditions real guardrails have (regions, MFA, principal ARNs, the
 * organization id). The `after` variant is a realistic pull request on top of `before`: one
 * guardrail edited (an action added to a deny, a conditional statement added) and a few
 * assignments changed (two added, two removed, one switched to eligible).
 */
import type { Catalog } from '../src/catalog/catalog.ts';
import { expandActionPattern } from '../src/catalog/expand-action-pattern.ts';
import { createRandom } from './create-random.ts';

export interface OrgSize {
  readonly accounts: number;
  /** top-level units; each has `unitsPerTop - 1` sub-units, so units = topUnits × unitsPerTop */
  readonly topUnits: number;
  readonly unitsPerTop: number;
  readonly permissionSets: number;
  readonly groups: number;
  readonly users: number;
  readonly assignments: number;
  readonly serviceAccounts: number;
}

export const ISSUE_SIZE: OrgSize = {
  accounts: 1000,
  topUnits: 10,
  unitsPerTop: 10,
  permissionSets: 50,
  groups: 500,
  users: 2000,
  assignments: 5000,
  serviceAccounts: 20,
};

export type OrgVariant = 'before' | 'after';

/** the guardrail the `after` variant edits */
export const EDITED_GUARDRAIL = 'deny-service-03';

const SERVICES = [
  's3', 'ec2', 'lambda', 'dynamodb', 'rds', 'sqs', 'sns', 'kms', 'logs', 'cloudwatch', 'ecs', 'ecr', 'eks', 'states', 'events',
  'secretsmanager', 'ssm', 'glue', 'athena', 'kinesis', 'elasticloadbalancing', 'autoscaling', 'cloudformation', 'apigateway',
  'route53', 'cloudfront', 'sagemaker', 'redshift', 'elasticache', 'backup',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

type Json = Record<string, unknown>;
const document = (statements: Json[]) => `${JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)}\n`;

export function generateOrgConfig(catalog: Catalog, variant: OrgVariant, seed = 20260927, size: OrgSize = ISSUE_SIZE): Map<string, string> {
  const r = createRandom(seed);
  const files = new Map<string, string>();
  // only patterns that match an action: the configuration validates without a warning
  const readPatterns = (services: readonly string[]) =>
    services.flatMap((s) => [`${s}:Describe*`, `${s}:List*`, `${s}:Get*`]).filter((p) => expandActionPattern(catalog, p).length > 0);
  const writeActions = (service: string) => catalog.actionsOf(service).filter((a) => a.accessLevel === 'Write' || a.accessLevel === 'Permissions management').map((a) => a.action);

  // guardrails: the usual five, and fifteen that each deny a few writes of one service
  const guardrails = new Map<string, string>();
  const guardrail = (name: string, statements: Json[]) => {
    guardrails.set(name, `guardrails/${name}.json`);
    files.set(`guardrails/${name}.json`, document(statements));
  };
  guardrail('full-access', [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }]);
  guardrail('deny-leave-organization', [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }]);
  guardrail('deny-other-regions', [
    {
      Sid: 'DenyOutsideApprovedRegions',
      Effect: 'Deny',
      NotAction: ['iam:*', 'organizations:*', 'sts:*', 'route53:*', 'cloudfront:*', 'support:*', 'budgets:*', 'health:*', 'kms:*', 'waf:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': REGIONS }, ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/org-admin' } },
    },
  ]);
  guardrail('protect-audit-trail', [
    {
      Sid: 'ProtectCloudTrail',
      Effect: 'Deny',
      Action: ['cloudtrail:DeleteTrail', 'cloudtrail:StopLogging', 'cloudtrail:UpdateTrail', 'config:DeleteConfigRule', 'guardduty:DeleteDetector'],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/security-automation' } },
    },
  ]);
  guardrail('require-mfa-for-destructive', [
    {
      Effect: 'Deny',
      Action: ['ec2:TerminateInstances', 'rds:DeleteDBInstance', 's3:DeleteBucket', 'dynamodb:DeleteTable', 'kms:ScheduleKeyDeletion'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ]);
  const denyServices: string[] = [];
  for (let i = 0; i < 15; i++) {
    const name = `deny-service-${String(i).padStart(2, '0')}`;
    const service = SERVICES[i % SERVICES.length]!;
    const denied = r.sample(writeActions(service), r.between(3, 8)).sort();
    const statements: Json[] = [{ Sid: 'DenyRiskyWrites', Effect: 'Deny', Action: denied, Resource: '*' }];
    if (variant === 'after' && name === EDITED_GUARDRAIL) {
      const extra = writeActions(service).find((a) => !denied.includes(a));
      if (extra !== undefined) statements[0] = { ...statements[0], Action: [...denied, extra] };
      statements.push({ Sid: 'DenyOutsideBusinessNetwork', Effect: 'Deny', Action: `${service}:*`, Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    }
    guardrail(name, statements);
    denyServices.push(name);
  }
  files.set(
    'resource-guardrails/data-perimeter.json',
    document([
      {
        Sid: 'EnforceOrgIdentities',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*', 'sqs:*', 'kms:*', 'secretsmanager:*'],
        Resource: '*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-bench0example' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
      },
    ]),
  );
  files.set('resource-guardrails/secure-transport.json', document([{ Effect: 'Deny', Principal: '*', Action: ['s3:*', 'sqs:*'], Resource: '*', Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }]));

  // the tree: top units with sub-units; accounts spread over the sub-units, a few on top units
  interface UnitDraft {
    name: string;
    guardrails: string[];
    accounts: string[];
    units: UnitDraft[];
  }
  const units: UnitDraft[] = [];
  for (let t = 0; t < size.topUnits; t++) {
    const top: UnitDraft = { name: `bu-${t}`, guardrails: ['full-access', 'protect-audit-trail'], accounts: [], units: [] };
    for (let s = 1; s < size.unitsPerTop; s++) {
      const extra = r.sample(denyServices, r.int(3));
      if (r.next() < 0.3) extra.push('require-mfa-for-destructive');
      top.units.push({ name: `bu-${t}-team-${s}`, guardrails: ['full-access', ...extra], accounts: [], units: [] });
    }
    units.push(top);
  }
  // the edited guardrail sits on a few units for sure, so the change reaches some accounts
  for (const t of [1, 4, 7]) {
    const unit = units[t]!.units[2]!;
    if (!unit.guardrails.includes(EDITED_GUARDRAIL)) unit.guardrails.push(EDITED_GUARDRAIL);
  }
  const leaves = units.flatMap((u) => u.units);
  const accountLines = new Map<UnitDraft, string[]>();
  const accountNames: string[] = [];
  for (let k = 0; k < size.accounts; k++) {
    const unit = r.next() < 0.05 ? r.pick(units) : r.pick(leaves);
    const name = `account-${String(k).padStart(4, '0')}`;
    const own = r.next() < 0.05 ? `, guardrails: [full-access, ${r.pick(denyServices)}]` : '';
    const env = r.pick(['prod', 'staging', 'dev']);
    const line = `{ id: "${String(200000000000 + k)}", name: ${name}, tags: { env: ${env}, owner: team-${r.int(size.groups)} }${own} }`;
    accountLines.set(unit, [...(accountLines.get(unit) ?? []), line]);
    accountNames.push(name);
  }

  // permission sets: administrators, readers, developers (some with a boundary), deployers
  const permissionSetLines: string[] = [];
  const permissionSetNames: string[] = [];
  const boundaries = ['app-boundary-a', 'app-boundary-b', 'app-boundary-c'];
  for (const [i, name] of boundaries.entries()) {
    const services = SERVICES.slice(i * 5, i * 5 + 15);
    files.set(
      `boundaries/${name}.json`,
      document([
        { Sid: 'ApplicationServices', Effect: 'Allow', Action: [...services.map((s) => `${s}:*`), 'iam:PassRole', 'iam:Get*', 'iam:List*'], Resource: '*' },
        { Sid: 'NoPolicyChanges', Effect: 'Deny', Action: ['iam:Put*', 'iam:Attach*', 'iam:CreatePolicyVersion'], Resource: '*' },
      ]),
    );
  }
  files.set(
    'permission-sets/common-read.json',
    document([{ Sid: 'ReadEverywhere', Effect: 'Allow', Action: readPatterns(SERVICES), Resource: '*' }]),
  );
  for (let p = 0; p < size.permissionSets; p++) {
    const name = `ps-${String(p).padStart(2, '0')}`;
    permissionSetNames.push(name);
    const file = `permission-sets/${name}.json`;
    let policies = [file];
    let boundary = '';
    if (p < 5) files.set(file, document([{ Sid: 'Administrator', Effect: 'Allow', Action: '*', Resource: '*' }]));
    else if (p < 15) {
      const services = r.sample(SERVICES, r.between(10, 30));
      files.set(file, document([{ Sid: 'Read', Effect: 'Allow', Action: readPatterns(services), Resource: '*' }]));
    } else if (p < 45) {
      const services = r.sample(SERVICES, r.between(5, 15));
      files.set(
        file,
        document([
          { Sid: 'Build', Effect: 'Allow', Action: services.map((s) => `${s}:*`), Resource: '*' },
          { Sid: 'PassApplicationRoles', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/app-*', Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] } } },
          { Sid: 'OwnBuckets', Effect: 'Allow', Action: ['s3:PutBucketPolicy', 's3:DeleteBucket'], Resource: 'arn:aws:s3:::${aws:PrincipalAccount}-*' },
        ]),
      );
      policies = ['permission-sets/common-read.json', file];
      if (p % 3 === 0) boundary = `, boundary: boundaries/${boundaries[p % boundaries.length]}.json`;
    } else {
      const actions = SERVICES.slice(0, 12).flatMap((s) => r.sample(writeActions(s), 4));
      files.set(
        file,
        document([
          { Sid: 'Deploy', Effect: 'Allow', Action: actions, Resource: '*' },
          { Sid: 'ManageAppRoles', Effect: 'Allow', Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PassRole'], Resource: 'arn:aws:iam::*:role/app-*' },
        ]),
      );
    }
    permissionSetLines.push(`  ${name}: { policies: [${policies.join(', ')}]${boundary}, sessionDuration: ${p < 5 ? '1h' : '8h'} }`);
  }

  const users = Array.from({ length: size.users }, (_, u) => `user-${String(u).padStart(4, '0')}@bench.example`);
  const groupNames = Array.from({ length: size.groups }, (_, g) => `team-${String(g).padStart(3, '0')}`);
  const groupLines = groupNames.map((g) => `  ${g}: { members: [${r.sample(users, r.between(2, 8)).join(', ')}] }`);

  interface AssignmentDraft {
    group: string;
    permissionSet: string;
    accounts: string[];
    eligible: boolean;
  }
  const assignments: AssignmentDraft[] = [];
  for (let a = 0; a < size.assignments; a++) {
    const permissionSet = r.next() < 0.08 ? r.pick(permissionSetNames.slice(0, 5)) : r.pick(permissionSetNames.slice(5));
    const admin = permissionSetNames.indexOf(permissionSet) < 5;
    assignments.push({ group: r.pick(groupNames), permissionSet, accounts: r.sample(accountNames, r.between(1, 3)), eligible: admin ? r.next() < 0.8 : r.next() < 0.1 });
  }
  if (variant === 'after') {
    // a pull request's worth of access changes
    const changed = createRandom(seed + 1);
    assignments.splice(changed.int(assignments.length), 1);
    assignments.splice(changed.int(assignments.length), 1);
    const flipped = assignments.find((a) => !a.eligible && permissionSetNames.indexOf(a.permissionSet) >= 15);
    if (flipped !== undefined) flipped.eligible = true;
    assignments.push({ group: groupNames[7]!, permissionSet: permissionSetNames[20]!, accounts: [accountNames[10]!, accountNames[11]!], eligible: false });
    assignments.push({ group: groupNames[8]!, permissionSet: permissionSetNames[2]!, accounts: [accountNames[12]!], eligible: true });
  }

  const serviceAccountLines = Array.from(
    { length: size.serviceAccounts },
    (_, s) => `  deployer-${String(s).padStart(2, '0')}: { permissionSet: ${permissionSetNames[45 + (s % 5)]}, accounts: [${r.sample(accountNames, r.between(5, 20)).join(', ')}] }`,
  );

  const unitYaml = (unit: UnitDraft, indent: string): string[] => [
    `${indent}- name: ${unit.name}`,
    `${indent}  guardrails: [${unit.guardrails.join(', ')}]`,
    ...(accountLines.has(unit) ? [`${indent}  accounts:`, ...accountLines.get(unit)!.map((l) => `${indent}    - ${l}`)] : []),
    ...(unit.units.length > 0 ? [`${indent}  units:`, ...unit.units.flatMap((u) => unitYaml(u, `${indent}    `))] : []),
  ];
  const yaml = [
    '# generated by bench/generate-org-config.ts',
    'organization:',
    '  name: bench',
    '  managementAccount: "100000000000"',
    '  root:',
    '    guardrails: [full-access, deny-leave-organization, deny-other-regions]',
    '    resourceGuardrails: [data-perimeter, secure-transport]',
    '    accounts:',
    '      - { id: "100000000000", name: management }',
    '    units:',
    ...units.flatMap((u) => unitYaml(u, '      ')),
    'guardrails:',
    ...[...guardrails].map(([name, file]) => `  ${name}: ${file}`),
    'resourceGuardrails:',
    '  data-perimeter: resource-guardrails/data-perimeter.json',
    '  secure-transport: resource-guardrails/secure-transport.json',
    'permissionSets:',
    ...permissionSetLines,
    'groups:',
    ...groupLines,
    'assignments:',
    ...assignments.map((a) => `  - { group: ${a.group}, permissionSet: ${a.permissionSet}, accounts: [${a.accounts.join(', ')}]${a.eligible ? ', eligible: true' : ''} }`),
    'serviceAccounts:',
    ...serviceAccountLines,
    '',
  ];
  files.set('parapet.yaml', yaml.join('\n'));
  return files;
}
