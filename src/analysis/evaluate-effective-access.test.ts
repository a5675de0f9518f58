/**
 * Effective access on the acme example: the classes of alike actions give exactly the decisions
 * the engine gives action by action, and the certainties and what they depend on read as the policies
 * say.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { guardrailChain, loadConfigDir, resourceGuardrailChain } from '../org/index.ts';
import { compilePolicySet, decide, needsNoPermission, type Policy, type PolicyVersion, type Statement } from '../policy/index.ts';
import { boundPolicy, type PolicyBound } from './bound-policy.ts';
import { catalogActionIndex } from './catalog-action-index.ts';
import { actionAccess, CONDITIONAL, DENIED, evaluateEffectiveAccess, UNCONDITIONAL, type EffectiveAccessInput } from './evaluate-effective-access.ts';
import { statementStatusReader } from './statement-status-reader.ts';

const catalog = loadCatalog();
const loaded = loadConfigDir(fileURLToPath(new URL('../../examples/acme', import.meta.url)));
assert.ok(loaded.ok);
const config = loaded.value;
const read = statementStatusReader();

function inputFor(permissionSet: string, accountName: string): EffectiveAccessInput {
  const set = config.permissionSets.get(permissionSet)!;
  const account = config.accounts.get(accountName)!;
  const roleArn = `arn:aws:iam::${account.id}:role/parapet/${permissionSet}`;
  const session = {
    principal: `arn:aws:sts::${account.id}:assumed-role/${permissionSet}/test`,
    facts: { roleArn },
    context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account.id, 'aws:PrincipalIsAWSService': 'false', 'aws:PrincipalType': 'AssumedRole' },
  };
  return {
    identity: set.policies.map((p) => p.policy),
    permissionBoundary: set.boundary?.policy,
    scps: guardrailChain(config, account).levels,
    rcps: resourceGuardrailChain(config, account).levels,
    accountId: account.id,
    managementAccount: config.organization.managementAccount,
    statusOf: (statement: Statement, version: PolicyVersion) => read(statement, version, session),
  };
}

/** the engine on every catalog action, one by one */
function bruteForce(input: EffectiveAccessInput): Uint8Array {
  const compile = (bound: PolicyBound) => {
    const b = (p: Policy) => boundPolicy(p, bound, (s) => input.statusOf(s, p.version));
    return compilePolicySet(
      {
        identity: input.identity.map(b),
        ...(input.permissionBoundary !== undefined ? { permissionBoundary: b(input.permissionBoundary) } : {}),
        scps: input.scps.map((l) => l.map(b)),
        rcps: input.rcps.map((l) => l.map(b)),
      },
      { managementAccount: input.managementAccount, rcpServices: catalog.rcpSupportedServices() },
    );
  };
  const most = compile('most');
  const least = compile('least');
  const principal = `arn:aws:sts::${input.accountId}:assumed-role/x/y`;
  const { actions } = catalogActionIndex(catalog);
  const levels = new Uint8Array(actions.length);
  actions.forEach((info, i) => {
    // effective access lists what the policies grant, not what needs no permission at all
    if (needsNoPermission(info.action.toLowerCase())) return;
    if (decide(most, { principal, action: info.action, resource: '*' }).decision !== 'Allow') return;
    levels[i] = decide(least, { principal, action: info.action, resource: '*' }).decision === 'Allow' ? UNCONDITIONAL : CONDITIONAL;
  });
  return levels;
}

const watching = (...actions: string[]) => new Map(actions.map((a) => [a, catalogActionIndex(catalog).indexOf(a)!]));

const PAIRS: [string, string][] = [
  ['admin', 'payments-prod'],
  ['developer', 'checkout-prod'],
  ['deployer', 'payments-staging'],
  ['read-only', 'audit'],
  ['break-glass', 'network'],
  ['admin', 'management'],
];

for (const [permissionSet, account] of PAIRS) {
  test(`${permissionSet} in ${account}: one decision per class gives what the engine gives per action`, () => {
    const input = inputFor(permissionSet, account);
    const access = evaluateEffectiveAccess(input, { catalog });
    const expected = bruteForce(input);
    const { actions } = catalogActionIndex(catalog);
    const dense = new Uint8Array(actions.length);
    access.positions.forEach((i, at) => (dense[i] = access.certainties[at]!));
    const differences = actions.filter((_, i) => dense[i] !== expected[i]).map((a) => a.action);
    assert.deepEqual(differences, []);
    assert.equal(access.positions.length, expected.filter((l) => l !== DENIED).length);
    assert.ok(access.decisions < actions.length / 20, `${access.decisions} decisions`);
  });
}

test('admin in a production account: guarded actions denied, regional ones conditional, what each depends on', () => {
  const access = evaluateEffectiveAccess(inputFor('admin', 'payments-prod'), { catalog });
  const at = (action: string) => actionAccess(access, catalog, action);
  // protect-audit-trail's exemption names a role the session is not: it always applies
  assert.equal(at('cloudtrail:StopLogging'), undefined);
  assert.equal(at('organizations:LeaveOrganization'), undefined);
  assert.deepEqual(at('iam:CreateRole'), { certainty: 'unconditional', dependsOn: [] });
  assert.deepEqual(at('ec2:RunInstances'), { certainty: 'conditional', dependsOn: ['aws:RequestedRegion'] });
  assert.deepEqual(at('s3:DeleteBucket'), {
    certainty: 'conditional',
    dependsOn: ['aws:MultiFactorAuthPresent', 'aws:PrincipalOrgID', 'aws:RequestedRegion', 'aws:SecureTransport'],
  });
});

test('no guardrail applies in the management account', () => {
  const access = evaluateEffectiveAccess(inputFor('admin', 'management'), { catalog });
  // every action but the ones that need no permission (sts:GetCallerIdentity), which no policy grants
  const { actions } = catalogActionIndex(catalog);
  assert.equal(access.positions.length, actions.filter((a) => !needsNoPermission(a.action.toLowerCase())).length);
  assert.ok(actions.some((a) => needsNoPermission(a.action.toLowerCase())));
  assert.ok(access.certainties.every((l) => l === UNCONDITIONAL));
});

test('a grant on some resources is conditional on `Resource`, and not allowed everywhere', () => {
  const access = evaluateEffectiveAccess(inputFor('developer', 'payments-prod'), { catalog, watched: watching('iam:PassRole', 'lambda:UpdateFunctionCode') });
  assert.deepEqual(actionAccess(access, catalog, 'iam:PassRole'), { certainty: 'conditional', dependsOn: ['Resource', 'iam:PassedToService'] });
  assert.deepEqual([...access.everywhere], ['lambda:UpdateFunctionCode']);
  assert.equal(actionAccess(access, catalog, 'iam:CreateRole'), undefined);
});
