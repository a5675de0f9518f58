import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { expandActionPattern } from '../catalog/expand-action-pattern.ts';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { loadConfigDir, type OrgConfig, type PrincipalRef } from '../org/index.ts';
import { parsePolicy } from '../policy/index.ts';
import { candidateServices, whatCan } from './what-can.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));

function load(dir: string): OrgConfig {
  const parsed = loadConfigDir(dir);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

const config = load(FIXTURE);
const catalog = loadCatalog();
const rcpServices = catalog.rcpSupportedServices();

function what(principal: PrincipalRef, account?: string) {
  const result = whatCan(config, catalog, { principal, account }, { rcpServices });
  assert.ok(result.ok, result.ok ? '' : result.issues.map((i) => i.message).join('; '));
  return result.value.access;
}

describe('whatCan on the small organization (expectations computed by hand from its policies)', () => {
  test('readers in dev: the Get and List actions of SQS (conditional on the region and TLS), and iam:GetRole without conditions', () => {
    const [reader, ...others] = what({ kind: 'group', name: 'readers' }, 'dev');
    assert.equal(others.length, 0);
    assert.ok(reader !== undefined);
    assert.deepEqual([reader.account, reader.accountId, reader.permissionSet, reader.via], ['dev', '222222222222', 'reader', 'standing']);
    assert.deepEqual(
      reader.services.map((s) => s.service),
      ['iam', 'sqs'],
    );
    const [iam, sqs] = reader.services;
    assert.deepEqual(iam?.granted, [{ action: 'iam:GetRole', accessLevel: 'Read', status: 'allowed', resources: ['*'], conditionKeys: [], example: {}, relations: [], deniedResources: [] }]);
    const expected = [...expandActionPattern(catalog, 'sqs:Get*'), ...expandActionPattern(catalog, 'sqs:List*')].map((a) => a.action).sort();
    assert.deepEqual(sqs?.granted.map((g) => g.action).sort(), expected);
    assert.equal(sqs?.conditional, expected.length);
    for (const g of sqs?.granted ?? []) assert.deepEqual(g.conditionKeys, ['aws:RequestedRegion', 'aws:SecureTransport']);
    assert.equal(sqs?.catalogActions, catalog.actionsOf('sqs').length);
    // only the two services the policy names were decided
    assert.equal(reader.decided, catalog.actionsOf('iam').length + catalog.actionsOf('sqs').length);
  });

  test('the ci service account in prod: two queue actions, not DeleteQueue (prod guardrail), PassRole only on application roles for Lambda', () => {
    const [operator] = what({ kind: 'serviceAccount', name: 'ci' });
    assert.ok(operator !== undefined);
    assert.equal(operator.granted, 3);
    const actions = operator.services.flatMap((s) => s.granted.map((g) => [g.action, g.status, g.resources.join(','), g.conditionKeys.join(','), JSON.stringify(g.example)]));
    assert.deepEqual(actions, [
      ['iam:PassRole', 'conditional', 'arn:aws:iam::*:role/app-*', 'iam:PassedToService', '{"iam:PassedToService":"lambda.amazonaws.com"}'],
      ['sqs:ReceiveMessage', 'conditional', '*', 'aws:RequestedRegion,aws:SecureTransport', '{"aws:RequestedRegion":"eu-west-1","aws:SecureTransport":"true"}'],
      ['sqs:SendMessage', 'conditional', '*', 'aws:RequestedRegion,aws:SecureTransport', '{"aws:RequestedRegion":"eu-west-1","aws:SecureTransport":"true"}'],
    ]);
  });

  test('ops admin in prod, after elevation: every catalog action but sqs:DeleteQueue; unconditional only for IAM, outside the region guardrail', () => {
    const [admin] = what({ kind: 'group', name: 'ops' }, 'prod');
    assert.ok(admin !== undefined);
    assert.equal(admin.via, 'eligible');
    const total = catalog.services().reduce((n, s) => n + catalog.actionsOf(s).length, 0);
    const iam = catalog.actionsOf('iam').length;
    assert.equal(admin.decided, total);
    // all but sqs:DeleteQueue, and sts:GetCallerIdentity, which needs no permission: no policy grants it
    assert.equal(admin.granted, total - 2);
    assert.equal(admin.conditional, total - 2 - iam);
    assert.equal(admin.services.find((s) => s.service === 'sts')?.granted.some((g) => g.action === 'sts:GetCallerIdentity'), false);
    const sqs = admin.services.find((s) => s.service === 'sqs');
    assert.equal(sqs?.granted.some((g) => g.action === 'sqs:DeleteQueue'), false);
    assert.equal(sqs?.granted.length, catalog.actionsOf('sqs').length - 1);
    assert.equal(admin.services.find((s) => s.service === 'iam')?.conditional, 0);
  });

  test('a user: every (account, permission set) of its groups, in assignment order', () => {
    const access = what({ kind: 'user', name: 'rita@example.com' });
    assert.deepEqual(
      access.map((a) => `${a.permissionSet} ${a.account} ${a.via} ${a.groups.join(',')}`),
      ['reader prod standing readers', 'reader dev standing readers', 'operator dev standing ops', 'admin prod eligible ops'],
    );
  });

  test('unknown principal or account: an issue with a suggestion', () => {
    const principal = whatCan(config, catalog, { principal: { kind: 'group', name: 'opss' } }, { rcpServices });
    assert.deepEqual(principal.ok ? [] : principal.issues, [{ code: 'unknown-group', severity: 'error', path: '$.principal', message: 'unknown group `opss`: did you mean `ops`' }]);
    const account = whatCan(config, catalog, { principal: { kind: 'group', name: 'ops' }, account: 'prd' }, { rcpServices });
    assert.deepEqual(account.ok ? [] : account.issues, [{ code: 'unknown-account', severity: 'error', path: '$.account', message: 'unknown account `prd`: did you mean `prod`' }]);
  });

  test('candidateServices: the services of Allow statements; every service for `*`, a wildcard service or NotAction', () => {
    const reader = config.permissionSets.get('reader')?.policies.map((p) => p.policy) ?? [];
    const admin = config.permissionSets.get('admin')?.policies.map((p) => p.policy) ?? [];
    assert.deepEqual(candidateServices(reader, catalog), ['iam', 'sqs']);
    assert.equal(candidateServices(admin, catalog).length, catalog.services().length);
  });
});

describe('whatCan with a Deny that names one resource', () => {
  // an explicit Deny overrides any Allow for the requests it matches, and only those
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
  const parsed = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'IamRead', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
        { Sid: 'NotTheBreakGlassRole', Effect: 'Deny', Action: 'iam:GetRole', Resource: 'arn:aws:iam::*:role/break-glass' },
      ],
    },
    { type: 'identity', name: 'iam-read' },
  );
  assert.ok(parsed.ok);
  const reader = config.permissionSets.get('reader')!;
  const withDeny: OrgConfig = {
    ...config,
    permissionSets: new Map(config.permissionSets).set('reader', { ...reader, policies: [{ ...reader.policies[0]!, policy: parsed.value }] }),
  };

  test('allowed on `*` but denied on the named role: conditional on the resource, which is listed', () => {
    const result = whatCan(withDeny, catalog, { principal: { kind: 'group', name: 'readers' }, account: 'dev' }, { rcpServices });
    assert.ok(result.ok);
    const granted = result.value.access[0]?.services.flatMap((s) => s.granted) ?? [];
    assert.deepEqual(
      granted.map((g) => [g.action, g.status, g.conditionKeys, g.deniedResources, g.resources]),
      [['iam:GetRole', 'conditional', ['Resource'], ['arn:aws:iam::*:role/break-glass'], ['*']]],
    );
  });

  test('without the Deny the same action is allowed, with no denied resource', () => {
    const [access] = what({ kind: 'group', name: 'readers' }, 'dev');
    const iam = access?.services.find((s) => s.service === 'iam')?.granted;
    assert.deepEqual(iam?.map((g) => [g.status, g.deniedResources]), [['allowed', []]]);
  });
});

describe('whatCan where what-can and the plan disagreed (what-can-agrees-with-plan.test.ts)', () => {
  const reader = config.permissionSets.get('reader')!;
  function policyOf(type: 'identity' | 'permissionBoundary', statements: unknown[]) {
    const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type, name: `${type}-test` });
    assert.ok(parsed.ok);
    return parsed.value;
  }
  /** readers in dev with these identity statements and boundary: what they get of IAM (outside the region guardrail) */
  function iamGrants(statements: unknown[], boundary?: unknown[]) {
    const set = {
      ...reader,
      policies: [{ ...reader.policies[0]!, policy: policyOf('identity', statements) }],
      ...(boundary !== undefined ? { boundary: { file: 'permission-sets/boundary.json', policy: policyOf('permissionBoundary', boundary) } } : {}),
    };
    const edited: OrgConfig = { ...config, permissionSets: new Map(config.permissionSets).set('reader', set) };
    const result = whatCan(edited, catalog, { principal: { kind: 'group', name: 'readers' }, account: 'dev' }, { rcpServices });
    assert.ok(result.ok);
    return result.value.access[0]?.services.find((s) => s.service === 'iam')?.granted ?? [];
  }

  test('a conditional Allow made redundant by an Allow without condition: allowed, as one Allow that applies suffices', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    const granted = iamGrants([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    ]);
    assert.deepEqual(
      granted.map((g) => [g.action, g.status, g.resources, g.conditionKeys]),
      [['iam:GetRole', 'allowed', ['*'], []]],
    );
  });

  test('a Deny on some resources under a condition: conditional on the resource and the key of the Deny, the resource listed', () => {
    const granted = iamGrants([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:GetRole', Resource: 'arn:aws:iam::*:role/app-*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
    ]);
    assert.deepEqual(
      granted.map((g) => [g.action, g.status, g.resources, g.conditionKeys, g.deniedResources]),
      [['iam:GetRole', 'conditional', ['*'], ['Resource', 'aws:MultiFactorAuthPresent'], ['arn:aws:iam::*:role/app-*']]],
    );
  });

  test('an identity Allow on `*` and a boundary Allow on some roles: granted on those roles', () => {
    // what both allow is allowed (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html)
    const granted = iamGrants([{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }], [{ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/app-*' }]);
    assert.deepEqual(
      granted.map((g) => [g.action, g.status, g.resources]),
      [['iam:GetRole', 'allowed', ['arn:aws:iam::*:role/app-*']]],
    );
  });
});
