import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { compilePolicySet, decide, explain, type DecisionRequest } from '../policy/index.ts';
import { findAccount, unitsAbove } from './find-account.ts';
import { guardrailChain, resourceGuardrailChain } from './guardrail-chain.ts';
import { assignmentsOf, groupsOfUser, listPrincipalAccess } from './list-principal-access.ts';
import { loadConfigDir } from './load-config-dir.ts';
import type { OrgConfig } from './org-config.ts';
import { formatPrincipalRef, parsePrincipalRef } from './principal-ref.ts';
import { resolveAccess, type AccessQuery, type ResolvedAccess } from './resolve-access.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
let config: OrgConfig;

before(() => {
  const parsed = loadConfigDir(EXAMPLE);
  assert.ok(parsed.ok, 'the example is valid');
  config = parsed.value;
});

function resolve(query: AccessQuery): ResolvedAccess {
  const result = resolveAccess(config, query);
  assert.ok(result.ok, result.ok ? '' : result.issues.map((i) => i.message).join('\n'));
  return result.value;
}

const names = (levels: readonly (readonly { name: string }[])[]) => levels.map((level) => level.map((p) => p.name));

describe('resolveAccess', () => {
  test('the SCP chain runs root → units → account, each level with its own guardrails', () => {
    const access = resolve({ principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-prod', permissionSet: 'developer' });
    assert.deepEqual(names(access.policies.scps), [
      ['full-access', 'deny-leave-organization', 'deny-other-regions'],
      ['full-access', 'protect-audit-trail'],
      ['full-access', 'require-mfa-for-destructive'],
    ]);
    assert.deepEqual(access.explainOptions.scpLevelNames, ['root', 'workloads', 'prod']);
    assert.deepEqual(names(access.policies.rcps), [['data-perimeter'], [], []]);
    assert.deepEqual(access.explainOptions.rcpLevelNames, ['root', 'workloads', 'prod']);
    assert.ok(access.policies.scps.flat().every((p) => p.type === 'scp'));
    assert.ok(access.policies.rcps.flat().every((p) => p.type === 'rcp'));
  });

  test("the permission set's policies and boundary, typed for the engine", () => {
    const access = resolve({ principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-prod', permissionSet: 'developer' });
    assert.deepEqual(
      access.policies.identity.map((p) => [p.name, p.type]),
      [
        ['permission-sets/read-only.json', 'identity'],
        ['permission-sets/developer.json', 'identity'],
      ],
    );
    assert.equal(access.policies.permissionBoundary?.name, 'boundaries/developer.json');
    assert.equal(access.policies.permissionBoundary?.type, 'permissionBoundary');
    assert.deepEqual(access.compileOptions, { managementAccount: '100000000001' });
    assert.equal(access.permissionSet.sessionDuration, '8h');
  });

  test('a permission set without a boundary has none', () => {
    const access = resolve({ principal: { kind: 'group', name: 'platform-admins' }, account: 'network', permissionSet: 'admin' });
    assert.equal(access.policies.permissionBoundary, undefined);
    assert.equal('permissionBoundary' in access.policies, false);
  });

  test('standing and eligible holdings: an eligible assignment without a standing one', () => {
    const prodAdmin = resolve({ principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-prod', permissionSet: 'admin' });
    assert.equal(prodAdmin.standing, false);
    assert.equal(prodAdmin.eligible, true);
    assert.equal(prodAdmin.sources.length, 1);
    const stagingAdmin = resolve({ principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-staging', permissionSet: 'admin' });
    assert.equal(stagingAdmin.standing, true);
    assert.equal(stagingAdmin.eligible, false);
  });

  test('not held: the policies are still resolved, and no source says the principal holds them', () => {
    const access = resolve({ principal: { kind: 'group', name: 'payments-devs' }, account: 'checkout-prod', permissionSet: 'developer' });
    assert.deepEqual(access.sources, []);
    assert.equal(access.standing, false);
    assert.equal(access.eligible, false);
  });

  test('a user holds what their groups hold', () => {
    const erin = resolve({ principal: { kind: 'user', name: 'erin@acme.example' }, account: 'payments-prod', permissionSet: 'break-glass' });
    assert.equal(erin.eligible, true);
    assert.deepEqual(
      erin.sources.map((g) => (g.kind === 'assignment' ? g.group : g.serviceAccount)),
      ['incident-responders'],
    );
    const alice = resolve({ principal: { kind: 'user', name: 'alice@acme.example' }, account: 'sandbox-alice', permissionSet: 'admin' });
    assert.equal(alice.standing, true);
  });

  test('a service account holds its permission set in its accounts', () => {
    const access = resolve({ principal: { kind: 'serviceAccount', name: 'deployer' }, account: 'checkout-staging', permissionSet: 'deployer' });
    assert.equal(access.standing, true);
    assert.deepEqual(access.sources, [{ kind: 'serviceAccount', serviceAccount: 'deployer' }]);
    assert.deepEqual(access.explainOptions.scpLevelNames, ['root', 'workloads', 'staging']);
    const elsewhere = resolve({ principal: { kind: 'serviceAccount', name: 'deployer' }, account: 'network', permissionSet: 'deployer' });
    assert.deepEqual(elsewhere.sources, []);
  });

  test('accounts by name or id; the RCP chain of another account that owns the resource', () => {
    const access = resolve({
      principal: { kind: 'group', name: 'security-team' },
      account: '200000000001',
      permissionSet: 'admin',
      resourceAccount: 'payments-prod',
    });
    assert.equal(access.account.name, 'audit');
    assert.equal(access.resourceAccount.name, 'payments-prod');
    assert.deepEqual(access.explainOptions.scpLevelNames, ['root', 'security']);
    assert.deepEqual(access.explainOptions.rcpLevelNames, ['root', 'workloads', 'prod']);
  });

  test('an account at the root has a one-level chain', () => {
    const access = resolve({ principal: { kind: 'group', name: 'auditors' }, account: 'management', permissionSet: 'read-only' });
    assert.deepEqual(access.explainOptions.scpLevelNames, ['root']);
    assert.equal(access.policies.scps.length, 1);
  });

  test('unknown names are issues, with suggestions, all at once', () => {
    const result = resolveAccess(config, {
      principal: { kind: 'group', name: 'payment-devs' },
      account: 'payments-prd',
      permissionSet: 'develper',
    });
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.issues, [
      { code: 'unknown-group', severity: 'error', path: '$.principal', message: 'unknown group `payment-devs`: did you mean `payments-devs`' },
      { code: 'unknown-account', severity: 'error', path: '$.account', message: 'unknown account `payments-prd`: did you mean `payments-prod`' },
      { code: 'unknown-permission-set', severity: 'error', path: '$.permissionSet', message: 'unknown permission set `develper`: did you mean `developer`' },
    ]);
    const user = resolveAccess(config, { principal: { kind: 'user', name: 'alise@acme.example' }, account: 'audit', permissionSet: 'admin' });
    assert.deepEqual(user.ok ? [] : user.issues.map((i) => i.code), ['unknown-user']);
    const service = resolveAccess(config, { principal: { kind: 'serviceAccount', name: 'deploy' }, account: 'audit', permissionSet: 'admin' });
    assert.deepEqual(service.ok ? [] : service.issues.map((i) => i.code), ['unknown-service-account']);
  });
});

describe('the resolved policies decide as the example intends', () => {
  const rcpServices = () => loadCatalog().rcpSupportedServices();
  const orgContext = { 'aws:PrincipalOrgID': 'o-acme0example', 'aws:SecureTransport': 'true', 'aws:PrincipalIsAWSService': 'false' };
  const request = (account: string, action: string, resource: string, context: DecisionRequest['context'] = {}): DecisionRequest => ({
    principal: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_session/alice@acme.example`,
    action,
    resource,
    context: { 'aws:RequestedRegion': 'us-east-1', ...orgContext, ...context },
  });
  const decideFor = (query: AccessQuery, req: (account: string) => DecisionRequest) => {
    const access = resolve(query);
    const compiled = compilePolicySet(access.policies, { ...access.compileOptions, rcpServices: rcpServices() });
    const decision = decide(compiled, req(access.account.id));
    return { decision, text: explain(decision, access.explainOptions) };
  };
  const developer: AccessQuery = { principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-prod', permissionSet: 'developer' };

  test('a developer may invoke a function in an approved region', () => {
    const { decision } = decideFor(developer, (id) => request(id, 'lambda:InvokeFunction', `arn:aws:lambda:us-east-1:${id}:function:charge`));
    assert.equal(decision.decision, 'Allow');
  });

  test('deny-other-regions, attached at the root, stops the same call elsewhere', () => {
    const { decision, text } = decideFor(developer, (id) =>
      request(id, 'lambda:InvokeFunction', `arn:aws:lambda:ap-south-1:${id}:function:charge`, { 'aws:RequestedRegion': 'ap-south-1' }),
    );
    assert.equal(decision.decision, 'ExplicitDeny');
    assert.match(text, /service control policy `deny-other-regions` attached at `root`/);
  });

  test('an admin in prod cannot stop the audit trail: protect-audit-trail, attached at workloads', () => {
    const admin: AccessQuery = { principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-prod', permissionSet: 'admin' };
    const { decision, text } = decideFor(admin, (id) => request(id, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${id}:trail/org-trail`));
    assert.equal(decision.decision, 'ExplicitDeny');
    assert.match(text, /`protect-audit-trail` attached at `workloads`/);
  });

  test('destructive actions in prod need MFA: require-mfa-for-destructive, attached at prod', () => {
    const admin: AccessQuery = { principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-prod', permissionSet: 'admin' };
    const terminate = (mfa: string) => (id: string) =>
      request(id, 'ec2:TerminateInstances', `arn:aws:ec2:us-east-1:${id}:instance/i-0123456789abcdef0`, { 'aws:MultiFactorAuthPresent': mfa });
    const without = decideFor(admin, terminate('false'));
    assert.equal(without.decision.decision, 'ExplicitDeny');
    assert.match(without.text, /`require-mfa-for-destructive` attached at `prod`/);
    assert.equal(decideFor(admin, terminate('true')).decision.decision, 'Allow');
  });

  test('staging has no MFA guardrail', () => {
    const admin: AccessQuery = { principal: { kind: 'group', name: 'payments-devs' }, account: 'payments-staging', permissionSet: 'admin' };
    const { decision } = decideFor(admin, (id) =>
      request(id, 'ec2:TerminateInstances', `arn:aws:ec2:us-east-1:${id}:instance/i-0123456789abcdef0`, { 'aws:MultiFactorAuthPresent': 'false' }),
    );
    assert.equal(decision.decision, 'Allow');
  });

  test("the developer boundary caps the developer's own policies", () => {
    const { decision, text } = decideFor(developer, (id) => request(id, 's3:DeleteBucket', 'arn:aws:s3:::payments-receipts', { 'aws:MultiFactorAuthPresent': 'true' }));
    assert.equal(decision.decision, 'ExplicitDeny');
    assert.match(text, /permissions boundary `boundaries\/developer.json`/);
  });

  test('no one in any account may leave the organization', () => {
    const admin: AccessQuery = { principal: { kind: 'group', name: 'payments-devs' }, account: 'sandbox-alice', permissionSet: 'admin' };
    const { decision } = decideFor(admin, (id) => request(id, 'organizations:LeaveOrganization', '*'));
    assert.equal(decision.decision, 'ExplicitDeny');
  });
});

describe('helpers', () => {
  test('an account by name or id, and the units above it', () => {
    const account = findAccount(config, '500000000002');
    assert.equal(account?.name, 'checkout-staging');
    assert.ok(account !== undefined);
    assert.deepEqual(account.units, ['workloads', 'staging']);
    assert.deepEqual(
      unitsAbove(config, account).map((u) => u.name),
      ['root', 'workloads', 'staging'],
    );
    assert.equal(findAccount(config, 'nope'), undefined);
  });

  test('guardrail chains of an account', () => {
    const audit = findAccount(config, 'audit');
    assert.ok(audit !== undefined);
    assert.deepEqual(guardrailChain(config, audit).levelNames, ['root', 'security']);
    assert.deepEqual(names(resourceGuardrailChain(config, audit).levels), [['data-perimeter'], []]);
  });

  test("a user's groups and assignments", () => {
    assert.deepEqual(
      groupsOfUser(config, 'erin@acme.example').map((g) => g.name),
      ['platform-admins', 'incident-responders'],
    );
    const assignments = assignmentsOf(config, { kind: 'user', name: 'erin@acme.example' });
    assert.ok(assignments.every((a) => a.group === 'platform-admins' || a.group === 'incident-responders'));
    assert.equal(assignments.length, config.assignments.filter((a) => a.group === 'platform-admins' || a.group === 'incident-responders').length);
    assert.deepEqual(groupsOfUser(config, 'nobody@acme.example'), []);
  });

  test('the flat access list of a principal', () => {
    const entries = listPrincipalAccess(config, { kind: 'group', name: 'checkout-devs' });
    assert.deepEqual(
      entries.map((e) => `${e.account} ${e.permissionSet}${e.source.kind === 'assignment' && e.source.eligible ? ' (eligible)' : ''}`),
      [
        'checkout-prod developer',
        'checkout-staging developer',
        'checkout-staging admin',
        'checkout-prod admin (eligible)',
        'sandbox-carol admin',
      ],
    );
    assert.equal(listPrincipalAccess(config, { kind: 'serviceAccount', name: 'deployer' }).length, 4);
  });

  test('principal references', () => {
    assert.deepEqual(parsePrincipalRef('group:payments-devs'), { ok: true, value: { kind: 'group', name: 'payments-devs' }, issues: [] });
    assert.deepEqual(parsePrincipalRef('user:alice@acme.example'), { ok: true, value: { kind: 'user', name: 'alice@acme.example' }, issues: [] });
    // `service:` is the form written; `serviceAccount:` and `service-account:` are read too
    for (const prefix of ['service', 'serviceAccount', 'service-account']) {
      assert.deepEqual(parsePrincipalRef(`${prefix}:deployer`), { ok: true, value: { kind: 'serviceAccount', name: 'deployer' }, issues: [] });
    }
    assert.deepEqual(parsePrincipalRef('team:ops'), { ok: false, issues: [{ code: 'bad-principal', severity: 'error', path: '$.principal', message: '`team:ops` is not a principal: write `group:NAME`, `user:EMAIL` or `service:NAME`' }] });
    assert.deepEqual(parsePrincipalRef('service:'), { ok: false, issues: [{ code: 'bad-principal', severity: 'error', path: '$.principal', message: '`service:` names no service account' }] });
    assert.equal(parsePrincipalRef('payments-devs').ok, false);
    assert.equal(parsePrincipalRef('role:x').ok, false);
    assert.equal(parsePrincipalRef('group:').ok, false);
    assert.equal(formatPrincipalRef({ kind: 'serviceAccount', name: 'deployer' }), 'service:deployer');
  });
});
