/**
 * Generated scenarios for property tests of the engine: realistic policy documents (the JSON values
 * parsePolicy reads), principals and requests over a small vocabulary, and the helpers that parse
 * and decide them. Shared by invariants.test.ts and engine-matches-reference.test.ts.
 */
import fc from 'fast-check';
import {
  compilePolicySet,
  decide,
  formatIssue,
  parsePolicy,
  type CompiledPolicySet,
  type ContextValue,
  type Decision,
  type Effect,
  type Policy,
  type PolicySetInput,
  type PolicyType,
  type CallerFacts,
  type DecisionRequest,
} from './index.ts';
// =============================================================================================
// Generators: realistic policy documents (the JSON values parsePolicy reads) and requests, drawn
// from a small vocabulary of accounts, principals, actions, resources and condition keys so that
// statements match requests often. Every document generated here is valid for its policy type;
// `parseDocs` fails loudly when one is not, since that is a bug in the generator, not the engine.
// =============================================================================================

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const MANAGEMENT_ACCOUNT = '999999999999';

// ---------------------------------------------------------------------------------------------
// principals

export type PrincipalLabel =
  | 'user'
  | 'user-with-path'
  | 'role'
  | 'role-session'
  | 'federated-user'
  | 'root'
  | 'root-account-id'
  | 'other-account-root'
  | 'other-account-role-session'
  | 'other-account-user'
  | 'management-user'
  | 'management-root'
  | 'service-linked-role-session'
  | 'service'
  | 'web-identity'
  | 'anonymous';

export interface Who {
  readonly label: PrincipalLabel;
  readonly principal: string;
  readonly facts: CallerFacts;
  /** the principal's account; undefined for a service principal or an anonymous caller */
  readonly account: string | undefined;
  /** has identity policies and may have a permissions boundary (an IAM user or role) */
  readonly iamIdentity: boolean;
  /** a session that may carry a session policy */
  readonly session: boolean;
  readonly root: boolean;
  readonly serviceLinked: boolean;
}

export const iam = { iamIdentity: true, session: false, root: false, serviceLinked: false } as const;
export const rootUser = { iamIdentity: false, session: false, root: true, serviceLinked: false } as const;
export const outsider = { iamIdentity: false, session: false, root: false, serviceLinked: false, account: undefined, facts: {} } as const;

export const PRINCIPALS: readonly Who[] = [
  { label: 'user', principal: `arn:aws:iam::${ACCOUNT}:user/alice`, facts: {}, account: ACCOUNT, ...iam },
  { label: 'user-with-path', principal: `arn:aws:iam::${ACCOUNT}:user/eng/bob`, facts: {}, account: ACCOUNT, ...iam },
  { label: 'role', principal: `arn:aws:iam::${ACCOUNT}:role/dev`, facts: {}, account: ACCOUNT, ...iam },
  {
    label: 'role-session',
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice`,
    facts: { roleArn: `arn:aws:iam::${ACCOUNT}:role/team/dev` },
    account: ACCOUNT,
    ...iam,
    session: true,
  },
  { label: 'federated-user', principal: `arn:aws:sts::${ACCOUNT}:federated-user/fed`, facts: {}, account: ACCOUNT, ...iam, session: true },
  { label: 'root', principal: `arn:aws:iam::${ACCOUNT}:root`, facts: {}, account: ACCOUNT, ...rootUser },
  { label: 'root-account-id', principal: ACCOUNT, facts: {}, account: ACCOUNT, ...rootUser },
  { label: 'other-account-root', principal: `arn:aws:iam::${OTHER_ACCOUNT}:root`, facts: {}, account: OTHER_ACCOUNT, ...rootUser },
  {
    label: 'other-account-role-session',
    principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/partner/p1`,
    facts: { roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/partner` },
    account: OTHER_ACCOUNT,
    ...iam,
    session: true,
  },
  { label: 'other-account-user', principal: `arn:aws:iam::${OTHER_ACCOUNT}:user/carol`, facts: {}, account: OTHER_ACCOUNT, ...iam },
  { label: 'management-user', principal: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:user/admin`, facts: {}, account: MANAGEMENT_ACCOUNT, ...iam },
  { label: 'management-root', principal: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:root`, facts: {}, account: MANAGEMENT_ACCOUNT, ...rootUser },
  {
    label: 'service-linked-role-session',
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling`,
    facts: { roleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
    account: ACCOUNT,
    ...iam,
    session: true,
    serviceLinked: true,
  },
  { label: 'service', principal: 's3.amazonaws.com', ...outsider },
  { label: 'web-identity', principal: 'accounts.google.com', ...outsider },
  { label: 'anonymous', principal: '*', ...outsider },
];

export function principalArb(filter: (who: Who) => boolean = () => true): fc.Arbitrary<Who> {
  return fc.constantFrom(...PRINCIPALS.filter(filter));
}

// ---------------------------------------------------------------------------------------------
// actions and resources

export const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  's3:DeleteObject',
  'ec2:RunInstances',
  'ec2:TerminateInstances',
  'iam:PassRole',
  'iam:CreateUser',
  'sts:AssumeRole',
  'kms:Decrypt',
] as const;

export const ACTION_PATTERNS = [
  ...ACTIONS,
  '*',
  's3:*',
  's3:Get*',
  's3:*Object',
  'S3:getobject',
  'ec2:*',
  'ec2:*Instances',
  'iam:Pass?ole',
  'iam:*',
  'sts:Assume*',
  'kms:*',
  '*:Get*',
];

export const RESOURCES_BY_SERVICE: Record<string, readonly string[]> = {
  s3: ['arn:aws:s3:::bucket-a', 'arn:aws:s3:::bucket-a/reports/q1.csv', 'arn:aws:s3:::bucket-a/alice/notes.txt', 'arn:aws:s3:::bucket-b/data.bin'],
  ec2: [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`, `arn:aws:ec2:eu-west-1:${OTHER_ACCOUNT}:instance/i-0def`, `arn:aws:ec2:us-east-1:${MANAGEMENT_ACCOUNT}:instance/i-0mgt`],
  iam: [`arn:aws:iam::${ACCOUNT}:role/team/dev`, `arn:aws:iam::${OTHER_ACCOUNT}:role/partner`, `arn:aws:iam::${ACCOUNT}:user/alice`],
  sts: [`arn:aws:iam::${ACCOUNT}:role/team/dev`, `arn:aws:iam::${OTHER_ACCOUNT}:role/partner`],
  kms: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/k-1`, `arn:aws:kms:us-east-1:${MANAGEMENT_ACCOUNT}:key/k-mgmt`],
};
export const ALL_RESOURCES = [...new Set(Object.values(RESOURCES_BY_SERVICE).flat()), '*'];

export const RESOURCE_PATTERNS = [
  ...ALL_RESOURCES,
  'arn:aws:s3:::bucket-a/*',
  'arn:aws:s3:::bucket-*',
  'arn:aws:s3:::*/reports/*',
  'arn:aws:s3:::bucket-a/${aws:username}/*',
  "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team, 'alice'}/*",
  'arn:aws:s3:::bucket-?/*',
  `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
  'arn:aws:ec2:us-east-1:*:*',
  'arn:aws:iam::*:role/*',
  `arn:aws:iam::${ACCOUNT}:role/team/*`,
  'arn:aws:kms:*:*:key/*',
  `arn:aws:*:*:${OTHER_ACCOUNT}:*`,
  // a `*` inside a segment stays in it (this one matches no instance); one that ends a segment runs on across colons
  'arn:aws:ec2:us-*instance/*',
  'arn:aws:kms:*:key/*',
];

// ---------------------------------------------------------------------------------------------
// conditions and request context

export type KeyType = 'string' | 'numeric' | 'date' | 'bool' | 'ip' | 'arn';

export interface ConditionKey {
  readonly key: string;
  readonly type: KeyType;
  readonly multiValued: boolean;
  /** values a policy compares with */
  readonly policyValues: readonly Json[];
  /** values a request may carry; absent when the engine supplies the key itself */
  readonly contextValues?: readonly ContextValue[];
}

export const CONDITION_KEYS: readonly ConditionKey[] = [
  {
    key: 'aws:SourceIp',
    type: 'ip',
    multiValued: false,
    policyValues: ['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7/32', '203.0.113.7', '2001:db8::/32', '0.0.0.0/0'],
    contextValues: ['10.0.0.5', '192.168.1.20', '203.0.113.7', '198.51.100.1', '2001:db8::1'],
  },
  { key: 'aws:MultiFactorAuthPresent', type: 'bool', multiValued: false, policyValues: ['true', 'false', true, false], contextValues: ['true', 'false'] },
  { key: 'aws:SecureTransport', type: 'bool', multiValued: false, policyValues: ['true', 'false', true], contextValues: ['true', 'false'] },
  {
    key: 'aws:RequestedRegion',
    type: 'string',
    multiValued: false,
    policyValues: ['us-east-1', 'eu-west-1', 'us-*', 'eu-*', 'ap-south-?'],
    contextValues: ['us-east-1', 'eu-west-1', 'ap-south-1', 'US-EAST-1'],
  },
  { key: 'aws:PrincipalTag/team', type: 'string', multiValued: false, policyValues: ['red', 'blue', 'Red', 'r*', '${aws:username}', "${aws:SourceIp, 'red'}", 'r${*}'], contextValues: ['red', 'blue', 'Red'] },
  { key: 's3:max-keys', type: 'numeric', multiValued: false, policyValues: [50, '100', 1000.5, '0'], contextValues: ['10', '100', '1000', '2000'] },
  {
    key: 'aws:CurrentTime',
    type: 'date',
    multiValued: false,
    policyValues: ['2026-03-01T00:00:00Z', '2026-01-01', 1767225600, '2026-06-01T00:00:00+02:00'],
    contextValues: ['2026-01-15T12:00:00Z', '2026-06-01T00:00:00Z', '2025-12-31T23:59:59Z'],
  },
  { key: 'aws:TagKeys', type: 'string', multiValued: true, policyValues: ['team', 'env', 'cost*'], contextValues: [['team'], ['team', 'env'], ['owner'], []] },
  {
    key: 'aws:PrincipalArn',
    type: 'arn',
    multiValued: false,
    policyValues: [`arn:aws:iam::${ACCOUNT}:role/*`, 'arn:aws:iam::*:user/*', `arn:aws:iam::${ACCOUNT}:role/team/dev`, `arn:aws:iam::${OTHER_ACCOUNT}:*`],
  },
  { key: 'aws:PrincipalAccount', type: 'string', multiValued: false, policyValues: [ACCOUNT, OTHER_ACCOUNT, MANAGEMENT_ACCOUNT] },
  { key: 'aws:username', type: 'string', multiValued: false, policyValues: ['alice', 'bob', 'a*'] },
  {
    key: 'aws:SourceArn',
    type: 'arn',
    multiValued: false,
    policyValues: ['arn:aws:s3:::bucket-a', `arn:aws:sns:*:${ACCOUNT}:*`],
    contextValues: ['arn:aws:s3:::bucket-a', `arn:aws:sns:us-east-1:${OTHER_ACCOUNT}:topic`],
  },
];

export const OPERATORS: Record<KeyType, readonly string[]> = {
  string: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
  numeric: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
  date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  bool: ['Bool'],
  ip: ['IpAddress', 'NotIpAddress'],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike', 'StringEquals'],
};

/** the value of `arb` with the given chance (in percent), else undefined */
export function present<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: arb, weight: percent }, { arbitrary: fc.constant(undefined), weight: 100 - percent });
}

/** `x` alone, or a list of one to three of it (IAM accepts both forms) */
export function oneOrMany<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> {
  return fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));
}

/** condition keys are case-insensitive: sometimes spell them in lower case */
export function spelledKey(key: string): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constant(key), weight: 4 }, { arbitrary: fc.constant(key.toLowerCase()), weight: 1 });
}

export const conditionEntryArb: fc.Arbitrary<{ operator: string; key: string; values: Json }> = fc
  .constantFrom(...CONDITION_KEYS)
  .chain((k) =>
    fc.oneof(
      {
        weight: 9,
        arbitrary: fc.record({
          base: fc.constantFrom(...OPERATORS[k.type]),
          set: k.multiValued
            ? fc.constantFrom('ForAnyValue:', 'ForAllValues:', 'ForAnyValue:', '')
            : fc.oneof({ arbitrary: fc.constant(''), weight: 9 }, { arbitrary: fc.constantFrom('ForAnyValue:', 'ForAllValues:'), weight: 1 }),
          ifExists: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
          key: spelledKey(k.key),
          values: oneOrMany(fc.constantFrom(...k.policyValues)),
        }).map(({ base, set, ifExists, key, values }) => ({ operator: `${set}${base}${ifExists ? 'IfExists' : ''}`, key, values: values as Json })),
      },
      {
        weight: 1,
        arbitrary: fc.record({ key: spelledKey(k.key), value: fc.constantFrom<Json>('true', 'false', true, false) }).map(({ key, value }) => ({
          operator: 'Null',
          key,
          values: value,
        })),
      },
    ),
  );

export const conditionArb: fc.Arbitrary<JsonObject> = fc.array(conditionEntryArb, { minLength: 1, maxLength: 3 }).map((entries) => {
  const block: Record<string, JsonObject> = {};
  for (const { operator, key, values } of entries) (block[operator] ??= {})[key] = values;
  return block;
});

export const contextArb: fc.Arbitrary<Record<string, ContextValue>> = fc
  .tuple(
    ...CONDITION_KEYS.filter((k) => k.contextValues !== undefined).map((k) =>
      present(fc.tuple(spelledKey(k.key), fc.constantFrom(...k.contextValues!)), 60),
    ),
  )
  .map((entries) => Object.fromEntries(entries.filter((e) => e !== undefined)));

// ---------------------------------------------------------------------------------------------
// statements and policies

export const allowMostly: fc.Arbitrary<Effect> = fc.oneof({ arbitrary: fc.constant<Effect>('Allow'), weight: 3 }, { arbitrary: fc.constant<Effect>('Deny'), weight: 1 });
export const denyMostly: fc.Arbitrary<Effect> = fc.oneof({ arbitrary: fc.constant<Effect>('Allow'), weight: 1 }, { arbitrary: fc.constant<Effect>('Deny'), weight: 3 });
export const denyOnly: fc.Arbitrary<Effect> = fc.constant<Effect>('Deny');

export const rarely = (arb: fc.Arbitrary<boolean> = fc.boolean()) => fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: arb, weight: 1 });

export const AWS_PRINCIPALS: readonly Json[] = [
  '*',
  ACCOUNT,
  `arn:aws:iam::${ACCOUNT}:root`,
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  `arn:aws:iam::${ACCOUNT}:user/eng/bob`,
  `arn:aws:iam::${ACCOUNT}:role/dev`,
  `arn:aws:iam::${ACCOUNT}:role/team/dev`,
  `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice`,
  `arn:aws:sts::${ACCOUNT}:federated-user/fed`,
  OTHER_ACCOUNT,
  `arn:aws:iam::${OTHER_ACCOUNT}:root`,
  `arn:aws:iam::${OTHER_ACCOUNT}:role/partner`,
  `arn:aws:iam::${OTHER_ACCOUNT}:user/carol`,
  `arn:aws:iam::${MANAGEMENT_ACCOUNT}:user/admin`,
];

export const principalSpecArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('*') },
  { weight: 6, arbitrary: oneOrMany(fc.constantFrom(...AWS_PRINCIPALS)).map((aws): Json => ({ AWS: aws })) },
  { weight: 1, arbitrary: oneOrMany(fc.constantFrom('s3.amazonaws.com', 'ec2.amazonaws.com')).map((service): Json => ({ Service: service })) },
  { weight: 1, arbitrary: fc.constantFrom('accounts.google.com', 'graph.facebook.com').map((idp): Json => ({ Federated: idp })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ aws: oneOrMany(fc.constantFrom(...AWS_PRINCIPALS)), service: fc.constantFrom('s3.amazonaws.com', 'cloudtrail.amazonaws.com') })
      .map(({ aws, service }): Json => ({ AWS: aws, Service: service })),
  },
);

/**
 * the request a policy is written for, if any: half of the action and resource patterns are then
 * drawn from ones that match it, so that statements apply often enough to reach every branch
 */
export interface Hint {
  readonly action: string;
  readonly resource: string;
}

export function actionPatternArb(hint: Hint | undefined): fc.Arbitrary<string> {
  const any = fc.constantFrom(...ACTION_PATTERNS);
  if (hint === undefined) return any;
  const service = hint.action.slice(0, hint.action.indexOf(':'));
  return fc.oneof({ arbitrary: any, weight: 1 }, { arbitrary: fc.constantFrom(hint.action, `${service}:*`, '*'), weight: 2 });
}

export function resourcePatternArb(hint: Hint | undefined): fc.Arbitrary<string> {
  const any = fc.constantFrom(...RESOURCE_PATTERNS);
  if (hint === undefined) return any;
  return fc.oneof({ arbitrary: any, weight: 1 }, { arbitrary: fc.constantFrom(hint.resource, '*'), weight: 2 });
}

/**
 * one statement valid for the policy type; Sids are assigned by the policy. The hint steers only
 * Allow statements: Deny statements drawn from the whole vocabulary still match often enough.
 */
export function statementArb(type: PolicyType, effect: fc.Arbitrary<Effect>, hint?: Hint): fc.Arbitrary<JsonObject> {
  return (type === 'rcp' ? denyOnly : effect).chain((e) => statementWithEffectArb(type, e, e === 'Allow' ? hint : undefined));
}

export function statementWithEffectArb(type: PolicyType, effect: Effect, hint: Hint | undefined): fc.Arbitrary<JsonObject> {
  const needsPrincipal = type === 'resource' || type === 'rcp';
  return fc
    .record({
      effect: fc.constant(effect),
      // resource control policies do not support NotAction (rcp-not-action-not-supported)
      notAction: type === 'rcp' ? fc.constant(false) : rarely(),
      actions: oneOrMany(actionPatternArb(hint)),
      resourceForm: type === 'resource' ? fc.constantFrom('Resource', 'Resource', 'Resource', 'NotResource', 'none') : fc.constantFrom('Resource', 'Resource', 'Resource', 'Resource', 'NotResource'),
      resources: oneOrMany(resourcePatternArb(hint)),
      principal: type === 'rcp' ? fc.constant<Json>('*') : principalSpecArb,
      notPrincipal: type === 'resource' ? rarely() : fc.constant(false),
      condition: present(conditionArb, 30),
    })
    .map(({ effect: e, notAction, actions, resourceForm, resources, principal, notPrincipal, condition }) => {
      const statement: JsonObject = { Effect: e };
      if (needsPrincipal) statement[notPrincipal && e === 'Deny' ? 'NotPrincipal' : 'Principal'] = principal;
      statement[notAction ? 'NotAction' : 'Action'] = actions;
      if (resourceForm !== 'none') statement[resourceForm] = resources;
      if (condition !== undefined) statement.Condition = condition;
      return statement;
    });
}

/** put statements into a document: a list or (for one) sometimes a bare object, unique Sids or none */
export function policyDocArb(statements: fc.Arbitrary<JsonObject[]>): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      version: fc.oneof({ arbitrary: fc.constant<string | undefined>('2012-10-17'), weight: 8 }, { arbitrary: fc.constantFrom<string | undefined>('2008-10-17', undefined), weight: 1 }),
      statements,
      sids: fc.boolean(),
      bare: fc.boolean(),
      id: present(fc.constantFrom('policy-a', 'policy-b'), 20),
    })
    .map(({ version, statements: list, sids, bare, id }) => {
      const withSids = list.map((s, i) => (sids ? { Sid: `S${i}`, ...s } : s));
      const doc: JsonObject = {};
      if (version !== undefined) doc.Version = version;
      if (id !== undefined) doc.Id = id;
      doc.Statement = bare && withSids.length === 1 ? withSids[0]! : withSids;
      return doc;
    });
}

export function policyArb(type: PolicyType, effect: fc.Arbitrary<Effect> = allowMostly, hint?: Hint, maxStatements = 3): fc.Arbitrary<JsonObject> {
  return policyDocArb(fc.array(statementArb(type, effect, hint), { minLength: 1, maxLength: maxStatements }));
}

export const FULL_ACCESS: JsonObject = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** one SCP level: usually FullAWSAccess next to a few (mostly Deny) policies, sometimes an allow list */
export function scpLevelArb(effect: fc.Arbitrary<Effect> = denyMostly, hint?: Hint): fc.Arbitrary<JsonObject[]> {
  return fc
    .record({ fullAccess: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }), others: fc.array(policyArb('scp', effect, hint, 2), { maxLength: 2 }) })
    .map(({ fullAccess, others }) => (fullAccess ? [FULL_ACCESS, ...others] : others.length > 0 ? others : [FULL_ACCESS]));
}

export function rcpLevelArb(hint?: Hint): fc.Arbitrary<JsonObject[]> {
  return fc.array(policyArb('rcp', denyOnly, hint, 2), { maxLength: 2 });
}

// ---------------------------------------------------------------------------------------------
// scenarios: a principal, a request and the policies in force

export interface PolicyDocs {
  readonly identity?: readonly JsonObject[];
  readonly permissionBoundary?: JsonObject;
  readonly session?: JsonObject;
  readonly resource?: JsonObject;
  readonly scps?: readonly (readonly JsonObject[])[];
  readonly rcps?: readonly (readonly JsonObject[])[];
}

export interface Scenario {
  readonly who: Who;
  readonly request: DecisionRequest;
  readonly managementAccount: string | undefined;
  readonly docs: PolicyDocs;
}

export interface DocsOptions {
  /** effects of identity-policy statements */
  readonly identityEffect?: fc.Arbitrary<Effect>;
  /** effects of resource-policy statements */
  readonly resourceEffect?: fc.Arbitrary<Effect>;
  /** which kinds of policy may appear (default: every kind that fits the principal) */
  readonly kinds?: readonly (keyof PolicyDocs)[];
}

export function requestArb(who: Who): fc.Arbitrary<DecisionRequest> {
  return fc
    .constantFrom(...ACTIONS)
    .chain((action) =>
      fc.record({
        action: fc.oneof({ arbitrary: fc.constant(action), weight: 5 }, { arbitrary: fc.constant(action.toLowerCase()), weight: 1 }),
        resource: fc.oneof(
          { arbitrary: fc.constantFrom(...RESOURCES_BY_SERVICE[action.slice(0, action.indexOf(':'))]!), weight: 4 },
          { arbitrary: fc.constantFrom(...ALL_RESOURCES), weight: 1 },
        ),
        resourceAccount: present(fc.constantFrom(ACCOUNT, OTHER_ACCOUNT, MANAGEMENT_ACCOUNT), 15),
        context: contextArb,
      }),
    )
    .map(({ action, resource, resourceAccount, context }) => ({
      principal: who.principal,
      action,
      resource,
      ...(resourceAccount !== undefined ? { resourceAccount } : {}),
      context,
    }));
}

export function policyDocsArb(who: Who, options: DocsOptions = {}, hint?: Hint): fc.Arbitrary<PolicyDocs> {
  const kinds = new Set(options.kinds ?? ['identity', 'permissionBoundary', 'session', 'resource', 'scps', 'rcps']);
  const none = fc.constant(undefined);
  return fc
    .record({
      identity: kinds.has('identity') && who.iamIdentity ? present(fc.array(policyArb('identity', options.identityEffect, hint), { minLength: 1, maxLength: 3 }), 85) : none,
      permissionBoundary: kinds.has('permissionBoundary') && who.iamIdentity ? present(policyArb('permissionBoundary', allowMostly, hint), 30) : none,
      session: kinds.has('session') && who.session ? present(policyArb('session', allowMostly, hint), 30) : none,
      resource: kinds.has('resource') ? present(policyArb('resource', options.resourceEffect, hint), 50) : none,
      scps: kinds.has('scps') ? present(fc.array(scpLevelArb(denyMostly, hint), { minLength: 1, maxLength: 3 }), 50) : none,
      rcps: kinds.has('rcps') ? present(fc.array(rcpLevelArb(hint), { minLength: 1, maxLength: 3 }), 35) : none,
    })
    .map(({ identity, permissionBoundary, session, resource, scps, rcps }) => ({
      ...(identity !== undefined ? { identity } : {}),
      ...(permissionBoundary !== undefined ? { permissionBoundary } : {}),
      ...(session !== undefined ? { session } : {}),
      ...(resource !== undefined ? { resource } : {}),
      ...(scps !== undefined ? { scps } : {}),
      ...(rcps !== undefined ? { rcps } : {}),
    }));
}

export function scenarioArb(options: DocsOptions & { readonly who?: (who: Who) => boolean } = {}): fc.Arbitrary<Scenario> {
  return principalArb(options.who).chain((who) =>
    requestArb(who).chain((request) =>
      fc.record({
        who: fc.constant(who),
        request: fc.constant(request),
        managementAccount: present(fc.constant(MANAGEMENT_ACCOUNT), 75),
        docs: policyDocsArb(who, options, request),
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// evaluating a scenario

export function parseDoc(doc: JsonObject, type: PolicyType, name: string): Policy {
  const parsed = parsePolicy(doc, { type, name });
  if (!parsed.ok) throw new Error(`generated ${type} policy does not parse: ${parsed.issues.map((issue) => formatIssue(issue)).join('; ')}\n${JSON.stringify(doc)}`);
  return parsed.value;
}

export function parseDocs(docs: PolicyDocs): PolicySetInput {
  return {
    ...(docs.identity !== undefined ? { identity: docs.identity.map((d, i) => parseDoc(d, 'identity', `identity-${i}`)) } : {}),
    ...(docs.permissionBoundary !== undefined ? { permissionBoundary: parseDoc(docs.permissionBoundary, 'permissionBoundary', 'boundary') } : {}),
    ...(docs.session !== undefined ? { session: parseDoc(docs.session, 'session', 'session') } : {}),
    ...(docs.resource !== undefined ? { resource: parseDoc(docs.resource, 'resource', 'resource') } : {}),
    ...(docs.scps !== undefined ? { scps: docs.scps.map((level, l) => level.map((d, i) => parseDoc(d, 'scp', `scp-${l}-${i}`))) } : {}),
    ...(docs.rcps !== undefined ? { rcps: docs.rcps.map((level, l) => level.map((d, i) => parseDoc(d, 'rcp', `rcp-${l}-${i}`))) } : {}),
  };
}

export function compileScenario(s: Scenario, docs: PolicyDocs = s.docs): CompiledPolicySet {
  return compilePolicySet(parseDocs(docs), s.managementAccount !== undefined ? { managementAccount: s.managementAccount } : {});
}

export function scenarioDecision(s: Scenario, docs: PolicyDocs = s.docs): Decision {
  return decide(compileScenario(s, docs), s.request, s.who.facts);
}
