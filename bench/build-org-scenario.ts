/**
 * `org`: an organization's guardrails on three levels (5 SCPs) over a principal with 20 identity
 * policies of 10 statements each, most with conditions, decided for ~1,000 requests of the kind a
 * development team sends: reads and writes on its own resources, someone else's, a forbidden region,
 * no MFA, off the corporate network, services outside the allow-list, attempts to stop the audit trail.
 */
import { createRandom, type Random } from './create-random.ts';
import { policyText, type BenchRequest, type PolicyDocument, type Scenario } from './scenario.ts';

const ACCOUNT = '111122223333';
const MANAGEMENT_ACCOUNT = '999988887777';
const TEAMS = ['payments', 'search', 'data', 'platform', 'mobile', 'growth', 'identity', 'billing', 'ml', 'security'];
const REGIONS_ALLOWED = ['eu-west-1', 'eu-central-1'];
const CORPORATE_CIDRS = ['10.0.0.0/8', '203.0.113.0/24'];

const FULL_AWS_ACCESS = policyText([{ Effect: 'Allow', Action: '*', Resource: '*' }]);

function scpChain(): PolicyDocument[][] {
  const denyOtherRegions = policyText([
    {
      Sid: 'DenyOutsideApprovedRegions',
      Effect: 'Deny',
      NotAction: [
        'iam:*', 'organizations:*', 'sts:*', 'route53:*', 'route53domains:*', 'cloudfront:*', 'waf:*', 'globalaccelerator:*',
        'support:*', 'budgets:*', 'ce:*', 'health:*', 'trustedadvisor:*', 'account:*', 'sso:*', 'kms:Decrypt',
      ],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': REGIONS_ALLOWED },
        ArnNotLike: { 'aws:PrincipalARN': ['arn:aws:iam::*:role/OrgAdmin', 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AdministratorAccess*'] },
      },
    },
  ]);
  const protectOrgAndAudit = policyText([
    { Sid: 'DenyLeavingTheOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
    {
      Sid: 'ProtectCloudTrail',
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors'],
      Resource: '*',
    },
  ]);
  const allowList = policyText([
    {
      Sid: 'AllowApprovedServices',
      Effect: 'Allow',
      Action: [
        's3:*', 'dynamodb:*', 'ec2:*', 'lambda:*', 'sqs:*', 'sns:*', 'logs:*', 'cloudwatch:*', 'kms:*', 'secretsmanager:*',
        'ssm:*', 'rds:*', 'rds-db:*', 'ecr:*', 'ecs:*', 'iam:*', 'sts:*', 'cloudtrail:*', 'events:*', 'states:*', 'athena:*', 'glue:*',
        'organizations:Describe*', 'organizations:List*',
      ],
      Resource: '*',
    },
  ]);
  const denyWithoutMfa = policyText([
    {
      Sid: 'DenySensitiveWithoutMfa',
      Effect: 'Deny',
      Action: ['iam:*', 'ec2:TerminateInstances', 'rds:DeleteDBInstance', 's3:DeleteBucket', 'kms:ScheduleKeyDeletion', 'secretsmanager:DeleteSecret'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ]);
  return [
    [{ name: 'FullAWSAccess', text: FULL_AWS_ACCESS }, { name: 'deny-other-regions', text: denyOtherRegions }],
    [{ name: 'protect-org-and-audit', text: protectOrgAndAudit }, { name: 'allow-approved-services', text: allowList }],
    [{ name: 'FullAWSAccess', text: FULL_AWS_ACCESS }, { name: 'deny-sensitive-without-mfa', text: denyWithoutMfa }],
  ];
}

type StatementTemplate = (team: string, r: Random) => object;

/** statements a platform team would write for a product team; every one names the team */
const STATEMENTS: readonly StatementTemplate[] = [
  (team) => ({
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'],
    Resource: `arn:aws:s3:::acme-${team}-*/*`,
    Condition: { StringEquals: { 'aws:PrincipalTag/team': team } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: `arn:aws:s3:::acme-${team}-*`,
    Condition: { StringLike: { 's3:prefix': [`${team}/*`, 'shared/*', ''] } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
    Resource: `arn:aws:s3:::acme-${team}-*/uploads/*`,
    Condition: { IpAddress: { 'aws:SourceIp': CORPORATE_CIDRS }, Bool: { 'aws:SecureTransport': 'true' } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
    Resource: [`arn:aws:dynamodb:*:${ACCOUNT}:table/${team}-*`, `arn:aws:dynamodb:*:${ACCOUNT}:table/${team}-*/index/*`],
    Condition: { StringEquals: { 'aws:PrincipalTag/team': team } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode'],
    Resource: `arn:aws:lambda:eu-*:${ACCOUNT}:function:${team}-*`,
    Condition: { DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' }, StringEquals: { 'aws:PrincipalTag/team': team } },
  }),
  () => ({ Effect: 'Allow', Action: ['ec2:Describe*', 'ec2:GetConsoleOutput'], Resource: '*' }),
  (team) => ({
    Effect: 'Allow',
    Action: ['ec2:StartInstances', 'ec2:StopInstances', 'ec2:RebootInstances'],
    Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
    Condition: { StringEquals: { 'aws:ResourceTag/team': team } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:${team}-*`,
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
    Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/lambda/${team}-*:*`,
  }),
  () => ({
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`,
    Condition: { StringEquals: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com', 'dynamodb.eu-west-1.amazonaws.com'] } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: 'secretsmanager:GetSecretValue',
    Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${team}/*`,
    Condition: { StringEquals: { 'aws:ResourceTag/env': ['dev', 'staging'] }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'cloudwatch:PutMetricData'],
    Resource: '*',
    Condition: { StringEqualsIfExists: { 'cloudwatch:namespace': [team, `${team}/app`] } },
  }),
  (team) => ({
    Effect: 'Deny',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::acme-${team}-*`, `arn:aws:s3:::acme-${team}-*/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    Resource: `arn:aws:ssm:*:${ACCOUNT}:parameter/${team}/*`,
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
    Resource: `arn:aws:ecr:*:${ACCOUNT}:repository/${team}/*`,
  }),
  (team) => ({
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: `arn:aws:iam::${ACCOUNT}:role/${team}-*`,
    Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] } },
  }),
  () => ({
    Effect: 'Deny',
    Action: 'ec2:RunInstances',
    Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
    Condition: { StringNotLike: { 'ec2:InstanceType': ['t3.*', 't4g.*', 'm7g.large'] } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['ec2:RunInstances', 'ec2:CreateTags'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:RequestedRegion': REGIONS_ALLOWED, 'aws:PrincipalTag/team': team } },
  }),
  () => ({ Effect: 'Allow', Action: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters', 'rds:ListTagsForResource'], Resource: '*' }),
  (team) => ({
    Effect: 'Allow',
    Action: 'rds-db:connect',
    Resource: `arn:aws:rds-db:eu-west-1:${ACCOUNT}:dbuser:*/${team}_*`,
    Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
  }),
  (team) => ({
    Effect: 'Allow',
    Action: ['sns:Publish', 'sns:Subscribe'],
    Resource: `arn:aws:sns:eu-*:${ACCOUNT}:${team}-*`,
    Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${team}-*` } },
  }),
];

/** an "off the corporate network" guard; any-service statements are scanned for every request */
const DENY_OFF_NETWORK = {
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  Condition: { NotIpAddress: { 'aws:SourceIp': CORPORATE_CIDRS }, BoolIfExists: { 'aws:ViaAWSService': 'false' } },
};

function identityPolicies(r: Random): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  for (let p = 0; p < 20; p++) {
    const team = TEAMS[p % TEAMS.length]!;
    const statements = r.sample(STATEMENTS, p === 3 || p === 14 ? 9 : 10).map((template, i) => ({ Sid: `S${i}`, ...template(team, r) }));
    if (p === 3 || p === 14) statements.push({ Sid: 'S9', ...DENY_OFF_NETWORK });
    out.push({ name: `${team}-developer-${p < TEAMS.length ? 'a' : 'b'}`, text: policyText(statements) });
  }
  return out;
}

interface Operation {
  readonly action: string;
  readonly resource: (team: string, region: string, r: Random) => string;
  readonly context?: (team: string, r: Random) => Record<string, string>;
}

const s3Object = (team: string, _region: string, r: Random) =>
  `arn:aws:s3:::acme-${team}-${r.pick(['logs', 'assets', 'exports'])}/${r.pick(['uploads', team, 'shared', 'tmp'])}/${r.int(10_000)}.json`;

/** what developers do all day, with the keys AWS would put in the request context */
const OPERATIONS: readonly (readonly [Operation, number])[] = [
  [{ action: 's3:GetObject', resource: s3Object }, 12],
  [{ action: 's3:PutObject', resource: s3Object }, 6],
  [{ action: 's3:DeleteObject', resource: s3Object }, 2],
  [{ action: 's3:ListBucket', resource: (team, _g, r) => `arn:aws:s3:::acme-${team}-${r.pick(['logs', 'assets'])}`, context: (team, r) => ({ 's3:prefix': r.pick([`${team}/`, `${team}/2026/`, 'shared/reports/', 'private/']) }) }, 5],
  [{ action: 's3:DeleteBucket', resource: (team) => `arn:aws:s3:::acme-${team}-tmp` }, 1],
  [{ action: 's3:PutBucketPolicy', resource: (team) => `arn:aws:s3:::acme-${team}-assets` }, 1],
  [{ action: 'dynamodb:GetItem', resource: (team, region) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${team}-orders` }, 8],
  [{ action: 'dynamodb:Query', resource: (team, region) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${team}-orders/index/by-customer` }, 6],
  [{ action: 'dynamodb:DeleteTable', resource: (team, region) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${team}-orders` }, 1],
  [{ action: 'lambda:InvokeFunction', resource: (team, region) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${team}-api` }, 6],
  [{ action: 'lambda:UpdateFunctionCode', resource: (team, region) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${team}-worker` }, 2],
  [{ action: 'ec2:DescribeInstances', resource: () => '*' }, 6],
  [{ action: 'ec2:StopInstances', resource: (_t, region, r) => `arn:aws:ec2:${region}:${ACCOUNT}:instance/i-0${r.int(1e9).toString(16)}`, context: (team, r) => ({ 'aws:ResourceTag/team': r.chance(0.8) ? team : r.pick(TEAMS) }) }, 2],
  [{ action: 'ec2:TerminateInstances', resource: (_t, region, r) => `arn:aws:ec2:${region}:${ACCOUNT}:instance/i-0${r.int(1e9).toString(16)}` }, 1],
  [{ action: 'ec2:RunInstances', resource: (_t, region, r) => `arn:aws:ec2:${region}:${ACCOUNT}:instance/i-0${r.int(1e9).toString(16)}`, context: (_t, r) => ({ 'ec2:InstanceType': r.pick(['t3.micro', 't3.large', 'm7g.large', 'p4d.24xlarge', 'c7i.8xlarge']) }) }, 2],
  [{ action: 'sqs:SendMessage', resource: (team, region) => `arn:aws:sqs:${region}:${ACCOUNT}:${team}-events` }, 5],
  [{ action: 'sqs:ReceiveMessage', resource: (team, region) => `arn:aws:sqs:${region}:${ACCOUNT}:${team}-events` }, 4],
  [{ action: 'logs:PutLogEvents', resource: (team, region) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/lambda/${team}-api:log-stream:2026/03/14` }, 5],
  [{ action: 'logs:FilterLogEvents', resource: (team, region) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/lambda/${team}-api:*` }, 3],
  [{ action: 'kms:Decrypt', resource: (_t, region) => `arn:aws:kms:${region}:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`, context: (_t, r) => (r.chance(0.7) ? { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } : {}) }, 4],
  [{ action: 'kms:ScheduleKeyDeletion', resource: (_t, region) => `arn:aws:kms:${region}:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b` }, 1],
  [{ action: 'secretsmanager:GetSecretValue', resource: (team, region) => `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${team}/db-AbCdEf`, context: (_t, r) => ({ 'aws:ResourceTag/env': r.pick(['dev', 'staging', 'prod']) }) }, 4],
  [{ action: 'cloudwatch:PutMetricData', resource: () => '*', context: (team, r) => ({ 'cloudwatch:namespace': r.chance(0.85) ? `${team}/app` : 'AWS/EC2' }) }, 4],
  [{ action: 'cloudwatch:GetMetricData', resource: () => '*' }, 3],
  [{ action: 'ssm:GetParameter', resource: (team, region) => `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${team}/config/db-url` }, 4],
  [{ action: 'ecr:BatchGetImage', resource: (team, region) => `arn:aws:ecr:${region}:${ACCOUNT}:repository/${team}/api` }, 3],
  [{ action: 'iam:PassRole', resource: (team) => `arn:aws:iam::${ACCOUNT}:role/${team}-lambda-exec`, context: (_t, r) => ({ 'iam:PassedToService': r.pick(['lambda.amazonaws.com', 'ec2.amazonaws.com']) }) }, 2],
  [{ action: 'iam:CreateUser', resource: (team) => `arn:aws:iam::${ACCOUNT}:user/${team}-bot` }, 1],
  [{ action: 'rds:DescribeDBInstances', resource: (_t, region) => `arn:aws:rds:${region}:${ACCOUNT}:db:*` }, 2],
  [{ action: 'rds-db:connect', resource: (team, region) => `arn:aws:rds-db:${region}:${ACCOUNT}:dbuser:db-ABCDEFGHIJKL/${team}_app` }, 2],
  [{ action: 'sns:Publish', resource: (team, region) => `arn:aws:sns:${region}:${ACCOUNT}:${team}-alerts` }, 2],
  [{ action: 'sagemaker:CreateNotebookInstance', resource: (team, region) => `arn:aws:sagemaker:${region}:${ACCOUNT}:notebook-instance/${team}-nb` }, 1],
  [{ action: 'organizations:LeaveOrganization', resource: () => '*' }, 1],
  [{ action: 'organizations:ListAccounts', resource: () => '*' }, 1],
  [{ action: 'cloudtrail:StopLogging', resource: (_t, region) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/org-trail` }, 1],
  [{ action: 'cloudtrail:LookupEvents', resource: () => '*' }, 1],
];

function requests(r: Random, count: number): BenchRequest[] {
  const out: BenchRequest[] = [];
  for (let i = 0; i < count; i++) {
    const team = r.pick(TEAMS);
    // most requests touch the caller's own resources; some reach for another team's
    const resourceTeam = r.chance(0.85) ? team : r.pick(TEAMS);
    const region = r.weighted([['eu-west-1', 80], ['eu-central-1', 12], ['us-east-1', 6], ['ap-southeast-2', 2]] as const);
    const operation = r.weighted(OPERATIONS);
    const admin = r.chance(0.03);
    const role = admin ? 'OrgAdmin' : `${team}-developer`;
    const user = `${r.pick(['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'grace', 'heidi'])}@acme.example`;
    const mfa = r.weighted([['true', 70], ['false', 20], [undefined, 10]] as const);
    const context: Record<string, string> = {
      'aws:PrincipalTag/team': team,
      'aws:RequestedRegion': region,
      'aws:SourceIp': r.chance(0.9) ? `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}` : `198.51.100.${1 + r.int(254)}`,
      'aws:CurrentTime': `2026-03-${String(1 + r.int(28)).padStart(2, '0')}T${String(r.int(24)).padStart(2, '0')}:${String(r.int(60)).padStart(2, '0')}:00Z`,
      'aws:SecureTransport': r.chance(0.97) ? 'true' : 'false',
      'aws:ViaAWSService': 'false',
      'aws:userid': `AROAEXAMPLEID${r.int(100)}:${user}`,
      ...(mfa !== undefined ? { 'aws:MultiFactorAuthPresent': mfa } : {}),
      ...(mfa === 'true' ? { 'aws:MultiFactorAuthAge': String(r.int(7200)) } : {}),
      ...(operation.context?.(resourceTeam, r) ?? {}),
    };
    out.push({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${user}`,
        action: operation.action,
        resource: operation.resource(resourceTeam, region, r),
        context,
      },
    });
  }
  return out;
}

export function buildOrgScenario(): Scenario {
  const r = createRandom(0x0a11ce);
  return {
    name: 'org',
    description: '5 SCPs on 3 levels + 20 identity policies × 10 statements, ~1,000 rotating requests',
    identity: identityPolicies(r),
    scps: scpChain(),
    managementAccount: MANAGEMENT_ACCOUNT,
    requests: requests(r, 1000),
    expectMixedDecisions: true,
  };
}
