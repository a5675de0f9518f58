/**
 * `large`: 2,000 identity policies with 20,000 statements over 100 real services, the way a big
 * organization's policy repository looks when every team has written its own: mostly exact
 * actions from the catalog, `service:Verb*` patterns, a few `service:*`, a handful of `NotAction`
 * and `"Action": "*"` guards, ARNs in the services' real formats, and conditions on about half.
 * Services are used with a skew (S3, EC2 and Lambda far more than Textract), and so are requests.
 */
import type { ActionInfo, Catalog } from '../src/catalog/catalog.ts';
import { createRandom, type Random } from './create-random.ts';
import { readArnFormats } from './read-arn-formats.ts';
import { policyText, type BenchRequest, type PolicyDocument, type Scenario } from './scenario.ts';

const ACCOUNT = '111122223333';
const POLICIES = 2_000;
const STATEMENTS_PER_POLICY = 10;
const SERVICE_COUNT = 100;
const REQUESTS = 2_000;
/**
 * statements with `"Action": "*"` or `NotAction`; about 0.3% of the statements of AWS's own
 * managed policies are like that, customer policies carry a few more guards
 */
const ANY_SERVICE_SHARE = 0.005;
const TEAMS = Array.from({ length: 40 }, (_, i) => `team${String(i).padStart(2, '0')}`);
const CORPORATE_CIDRS = ['10.0.0.0/8', '203.0.113.0/24'];
const ALLOWED_REGIONS = ['eu-west-1', 'eu-central-1'];

/** the services organizations use most, most used first; the catalog decides which exist */
const POPULAR_SERVICES = [
  's3', 'ec2', 'iam', 'lambda', 'dynamodb', 'sts', 'logs', 'cloudwatch', 'kms', 'sqs', 'sns', 'rds', 'ssm', 'secretsmanager',
  'ecr', 'ecs', 'eks', 'cloudformation', 'cloudtrail', 'elasticloadbalancing', 'autoscaling', 'route53', 'cloudfront', 'apigateway',
  'execute-api', 'events', 'states', 'glue', 'athena', 'kinesis', 'firehose', 'redshift', 'elasticache', 'es', 'sagemaker', 'bedrock',
  'codebuild', 'codecommit', 'codedeploy', 'codepipeline', 'config', 'guardduty', 'securityhub', 'inspector2', 'macie2', 'organizations',
  'sso', 'acm', 'wafv2', 'backup', 'elasticfilesystem', 'fsx', 'batch', 'elasticmapreduce', 'kafka', 'mq', 'appsync', 'cognito-idp',
  'cognito-identity', 'ses', 'mobiletargeting', 'airflow', 'datasync', 'transfer', 'storagegateway', 'directconnect', 'servicecatalog',
  'lakeformation', 'quicksight', 'xray', 'amplify', 'appconfig', 'application-autoscaling', 'budgets', 'ce', 'health', 'support',
  'tag', 'resource-groups', 'ram', 'network-firewall', 'route53resolver', 'globalaccelerator', 'elasticbeanstalk', 'lightsail',
  'workspaces', 'comprehend', 'rekognition', 'textract', 'translate', 'polly', 'transcribe', 'personalize', 'kendra', 'timestream',
  'neptune-db', 'dax', 'memorydb', 'aoss', 'scheduler', 'pipes', 'schemas', 'access-analyzer', 'identitystore', 'account',
  'servicequotas', 'cloudshell', 'acm-pca', 'dms', 'emr-serverless', 'grafana', 'aps',
];

interface ServiceInfo {
  readonly prefix: string;
  readonly actions: readonly ActionInfo[];
  /** first words of action names used by at least two actions: `Get`, `List`, `Describe` */
  readonly verbs: readonly string[];
  readonly arnFormats: ReadonlyMap<string, string>;
  /** the service's own condition keys that take a plain value */
  readonly conditionKeys: readonly string[];
}

/** what a statement can be asked for: its actions and one of its services */
interface StatementTarget {
  readonly team: string;
  readonly actions: readonly ActionInfo[];
}

function verbOf(name: string): string {
  return /^[A-Z][a-z]+/.exec(name)?.[0] ?? name;
}

function chooseServices(catalog: Catalog): ServiceInfo[] {
  const known = POPULAR_SERVICES.filter((s) => catalog.isKnownService(s) && catalog.actionsOf(s).length > 0);
  const rest = catalog.services().filter((s) => !known.includes(s) && catalog.actionsOf(s).length >= 20);
  const prefixes = [...known, ...rest].slice(0, SERVICE_COUNT);
  if (prefixes.length < SERVICE_COUNT) throw new Error(`the catalog has only ${prefixes.length} usable services`);
  return prefixes.map((prefix) => {
    const actions = catalog.actionsOf(prefix);
    const counts = new Map<string, number>();
    for (const a of actions) counts.set(verbOf(a.name), (counts.get(verbOf(a.name)) ?? 0) + 1);
    return {
      prefix,
      actions,
      verbs: [...counts].filter(([, n]) => n >= 2).map(([verb]) => verb),
      arnFormats: readArnFormats(prefix),
      conditionKeys: catalog.conditionKeysOf(prefix).filter((k) => k.toLowerCase().startsWith(`${prefix}:`) && !/[$<{]/.test(k)),
    };
  });
}

/** an ARN pattern for a resource type: the team's resources (`team07-*`), or by ABAC variable */
function arnPattern(format: string, team: string, r: Random): string {
  const region = r.chance(0.5) ? '*' : r.pick(ALLOWED_REGIONS);
  const owner = r.chance(0.05) ? '${aws:PrincipalTag/team}' : team;
  let first = true;
  return format.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'Partition') return 'aws';
    if (name === 'Region') return region;
    if (name === 'Account') return ACCOUNT;
    if (first) {
      first = false;
      return `${owner}-*`;
    }
    return '*';
  });
}

function arnOf(format: string, team: string, region: string, r: Random): string {
  let first = true;
  return format.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'Partition') return 'aws';
    if (name === 'Region') return region;
    if (name === 'Account') return ACCOUNT;
    const value = `${name.toLowerCase()}-${r.int(1000)}`;
    if (first) {
      first = false;
      return `${team}-${value}`;
    }
    return value;
  });
}

function resourceFormat(service: ServiceInfo, action: ActionInfo): string | undefined {
  for (const type of action.resourceTypes) {
    const format = service.arnFormats.get(type);
    if (format !== undefined) return format;
  }
  return undefined;
}

type Conditions = Record<string, Record<string, string | string[]>>;

function addCondition(into: Conditions, operator: string, key: string, value: string | string[]): void {
  into[operator] = { ...into[operator], [key]: value };
}

function allowConditions(team: string, service: ServiceInfo, r: Random): Conditions | undefined {
  if (!r.chance(0.45)) return undefined;
  const out: Conditions = {};
  const count = r.weighted([[1, 6], [2, 3], [3, 1]] as const);
  for (let i = 0; i < count; i++) {
    const kind = r.weighted([
      ['team', 3], ['region', 2], ['ip', 2], ['date', 1], ['tls', 1], ['env', 2], ['mfa', 1], ['arn', 1], ['userid', 0.5],
      ['mfa-age', 0.5], ['service-key', service.conditionKeys.length > 0 ? 1 : 0], ['abac', 1.5],
    ] as const);
    switch (kind) {
      case 'team': addCondition(out, 'StringEquals', 'aws:PrincipalTag/team', team); break;
      case 'region': addCondition(out, 'StringEquals', 'aws:RequestedRegion', ALLOWED_REGIONS); break;
      case 'ip': addCondition(out, 'IpAddress', 'aws:SourceIp', CORPORATE_CIDRS); break;
      case 'date': addCondition(out, 'DateLessThan', 'aws:CurrentTime', '2026-12-31T23:59:59Z'); break;
      case 'tls': addCondition(out, 'Bool', 'aws:SecureTransport', 'true'); break;
      case 'env': addCondition(out, 'StringEquals', 'aws:ResourceTag/env', r.sample(['dev', 'staging', 'prod'], r.between(1, 2))); break;
      case 'mfa': addCondition(out, 'BoolIfExists', 'aws:MultiFactorAuthPresent', 'true'); break;
      case 'arn': addCondition(out, 'ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:role/${team}-*`); break;
      case 'userid': addCondition(out, 'StringLike', 'aws:userid', '*:*@acme.example'); break;
      case 'mfa-age': addCondition(out, 'NumericLessThanEquals', 'aws:MultiFactorAuthAge', '3600'); break;
      case 'service-key': addCondition(out, 'StringEqualsIfExists', r.pick(service.conditionKeys), `${team}-value`); break;
      case 'abac': addCondition(out, 'StringEquals', 'aws:ResourceTag/team', '${aws:PrincipalTag/team}'); break;
    }
  }
  return out;
}

function denyConditions(r: Random, exact: boolean): Conditions | undefined {
  if (exact && r.chance(0.4)) return undefined;
  const out: Conditions = {};
  switch (r.int(4)) {
    case 0: addCondition(out, 'StringNotEquals', 'aws:RequestedRegion', ALLOWED_REGIONS); break;
    case 1: addCondition(out, 'BoolIfExists', 'aws:MultiFactorAuthPresent', 'false'); break;
    case 2: addCondition(out, 'NotIpAddress', 'aws:SourceIp', CORPORATE_CIDRS); break;
    default: addCondition(out, 'Bool', 'aws:SecureTransport', 'false'); break;
  }
  return out;
}

const GLOBAL_SERVICES = ['iam:*', 'organizations:*', 'sts:*', 'route53:*', 'cloudfront:*', 'support:*', 'budgets:*', 'ce:*', 'health:*', 'account:*'];

/** the rare statements that apply to every service: scanned for every request */
function anyServiceStatement(r: Random): object {
  switch (r.int(4)) {
    case 0:
      // power users: everything but identity and the organization, for the platform teams only
      return { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': TEAMS.slice(0, 4) } } };
    case 1:
      return { Effect: 'Deny', NotAction: GLOBAL_SERVICES, Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ALLOWED_REGIONS } } };
    case 2:
      return { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'team00' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    default:
      return { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': CORPORATE_CIDRS }, BoolIfExists: { 'aws:ViaAWSService': 'false' } } };
  }
}

function serviceStatement(team: string, services: readonly ServiceInfo[], r: Random, targets: StatementTarget[]): object {
  const service = r.pick(services);
  const deny = r.chance(0.05);
  // a Deny names destructive actions outright, or reaches wider only under a condition
  const shape = deny
    ? r.weighted([['exact', 70], ['verb', 20], ['service', 10]] as const)
    : r.weighted([['exact', 50], ['verb', 25], ['mixed', 8], ['service', 5], ['two-services', 10]] as const);
  let actions: string[];
  let matching: ActionInfo[];
  switch (shape) {
    case 'exact':
    case 'two-services': {
      const destructive = service.actions.filter((a) => a.accessLevel === 'Write' || a.accessLevel === 'Permissions management');
      const pool = deny && destructive.length > 0 ? destructive : service.actions;
      matching = r.sample(pool, r.weighted([[1, 3], [2, 3], [3, 2], [5, 1], [8, 1]] as const));
      if (shape === 'two-services') {
        const other = r.pick(services);
        matching.push(...r.sample(other.actions, r.between(1, 3)));
      }
      actions = matching.map((a) => a.action);
      break;
    }
    case 'verb':
    case 'mixed': {
      const verbs = service.verbs.length > 0 ? r.sample(service.verbs, r.between(1, 2)) : [verbOf(r.pick(service.actions).name)];
      actions = verbs.map((v) => `${service.prefix}:${v}*`);
      matching = service.actions.filter((a) => verbs.some((v) => a.name.startsWith(v)));
      if (shape === 'mixed') {
        const extra = r.sample(service.actions, r.between(1, 3));
        actions.push(...extra.map((a) => a.action));
        matching.push(...extra);
      }
      break;
    }
    case 'service':
      actions = [`${service.prefix}:*`];
      matching = [...service.actions];
      break;
  }
  targets.push({ team, actions: matching });
  const statement: Record<string, unknown> = { Effect: deny ? 'Deny' : 'Allow', Action: actions.length === 1 ? actions[0] : actions };
  const format = matching.length > 0 ? resourceFormat(service, r.pick(matching)) : undefined;
  const resourceShape = format === undefined ? 'star' : r.weighted([['star', shape === 'exact' ? 30 : 50], ['arn', 58], ['two-arns', 10], ['not', 2]] as const);
  switch (resourceShape) {
    case 'star': statement.Resource = '*'; break;
    case 'arn': statement.Resource = arnPattern(format!, team, r); break;
    case 'two-arns': statement.Resource = [arnPattern(format!, team, r), arnPattern(format!, r.pick(TEAMS), r)]; break;
    case 'not': statement.NotResource = arnPattern(format!, r.pick(TEAMS), r); break;
  }
  const conditions = deny ? denyConditions(r, shape === 'exact') : allowConditions(team, service, r);
  if (conditions !== undefined) statement.Condition = conditions;
  return statement;
}

/** services picked with a skew: the n-th most popular in proportion to 1/√n */
function popularityPicker(services: readonly ServiceInfo[], r: Random): () => ServiceInfo {
  const weights = services.map((s, i) => [s, 1 / Math.sqrt(i + 1)] as const);
  return () => r.weighted(weights);
}

function identityPolicies(services: readonly ServiceInfo[], r: Random, targets: StatementTarget[]): PolicyDocument[] {
  const pickService = popularityPicker(services, r);
  const out: PolicyDocument[] = [];
  for (let p = 0; p < POLICIES; p++) {
    const team = TEAMS[p % TEAMS.length]!;
    const focus = Array.from({ length: r.between(1, 4) }, pickService);
    const statements = Array.from({ length: STATEMENTS_PER_POLICY }, (_, i) => ({
      Sid: `S${i}`,
      ...(r.chance(ANY_SERVICE_SHARE) ? anyServiceStatement(r) : serviceStatement(team, focus, r, targets)),
    }));
    out.push({ name: `${team}-policy-${String(p).padStart(4, '0')}`, text: policyText(statements) });
  }
  return out;
}

function requests(services: readonly ServiceInfo[], others: readonly ServiceInfo[], targets: readonly StatementTarget[], r: Random): BenchRequest[] {
  const pickService = popularityPicker(services, r);
  const byPrefix = new Map([...services, ...others].map((s) => [s.prefix, s]));
  const askable = targets.filter((t) => t.actions.length > 0);
  const out: BenchRequest[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    let team = r.pick(TEAMS);
    let action: ActionInfo;
    const source = r.weighted([['statement', 55], ['catalog', 37], ['other-service', 8]] as const);
    if (source === 'statement') {
      const target = r.pick(askable);
      action = r.pick(target.actions);
      if (r.chance(0.8)) team = target.team;
    } else {
      action = r.pick((source === 'catalog' ? pickService() : r.pick(others)).actions);
    }
    const service = byPrefix.get(action.service)!;
    const region = r.weighted([['eu-west-1', 70], ['eu-central-1', 20], ['us-east-1', 10]] as const);
    const format = resourceFormat(service, action);
    const resourceTeam = r.chance(0.7) ? team : r.pick(TEAMS);
    const user = `${r.pick(['alice', 'bob', 'carol', 'dan', 'erin', 'frank'])}${r.int(100)}@acme.example`;
    const mfa = r.weighted([['true', 70], ['false', 20], [undefined, 10]] as const);
    const context: Record<string, string> = {
      'aws:PrincipalTag/team': team,
      'aws:RequestedRegion': region,
      'aws:SourceIp': r.chance(0.9) ? `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}` : `198.51.100.${1 + r.int(254)}`,
      'aws:CurrentTime': `2026-03-${String(1 + r.int(28)).padStart(2, '0')}T${String(r.int(24)).padStart(2, '0')}:00:00Z`,
      'aws:SecureTransport': r.chance(0.97) ? 'true' : 'false',
      'aws:ViaAWSService': 'false',
      'aws:userid': `AROAEXAMPLE${r.int(100)}:${user}`,
      ...(mfa !== undefined ? { 'aws:MultiFactorAuthPresent': mfa } : {}),
      ...(mfa === 'true' ? { 'aws:MultiFactorAuthAge': String(r.int(7200)) } : {}),
      ...(r.chance(0.6) ? { 'aws:ResourceTag/env': r.pick(['dev', 'staging', 'prod']), 'aws:ResourceTag/team': resourceTeam } : {}),
      ...(service.conditionKeys.length > 0 && r.chance(0.1) ? { [r.pick(service.conditionKeys)]: `${team}-value` } : {}),
    };
    out.push({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${team}-developer/${user}`,
        action: action.action,
        resource: format === undefined ? '*' : arnOf(format, resourceTeam, region, r),
        context,
      },
    });
  }
  return out;
}

export function buildLargeScenario(catalog: Catalog): Scenario {
  const r = createRandom(0x1a26e);
  const all = chooseServices(catalog);
  const chosen = new Set(all.map((s) => s.prefix));
  // a few services no policy mentions: requests for them are denied by the index at once
  const others = ['textract', 'gamelift', 'braket', 'iotevents', 'robomaker']
    .filter((s) => !chosen.has(s) && catalog.actionsOf(s).length > 0)
    .map((prefix) => ({ prefix, actions: catalog.actionsOf(prefix), verbs: [], arnFormats: readArnFormats(prefix), conditionKeys: [] }));
  const targets: StatementTarget[] = [];
  const identity = identityPolicies(all, r, targets);
  return {
    name: 'large',
    description:
      `${POLICIES.toLocaleString('en')} identity policies, ${(POLICIES * STATEMENTS_PER_POLICY).toLocaleString('en')} statements over ${SERVICE_COUNT} services ` +
      `(Allow: 50% exact actions, 25% \`service:Verb*\`, 8% both, 5% \`service:*\`, 10% two services; 5% Deny; ${ANY_SERVICE_SHARE * 100}% \`*\` or NotAction; ` +
      `about half the resources real ARN patterns, 45% of Allows with 1–3 conditions), ${REQUESTS.toLocaleString('en')} rotating requests`,
    identity,
    scps: [],
    requests: requests(all, others.length > 0 ? others : all.slice(-5), targets, r),
    expectMixedDecisions: true,
  };
}
