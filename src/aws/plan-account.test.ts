import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfigDir, parseConfig } from '../org/index.ts';
import { permissionSetRoleArn } from '../analysis/principal-session.ts';
import type { AccountChange } from './account-change.ts';
import { desiredAccounts, type DesiredAccount } from './account-roles.ts';
import type { LiveAccountIam, LiveRole } from './live-account.ts';
import { planAccount, sameDocument } from './plan-account.ts';

const loaded = loadConfigDir('examples/acme');
assert.ok(loaded.ok);
const acme = loaded.value;
const TRUST = { issuer: 'https://parapet.acme.example', audience: 'sts.amazonaws.com' };
const PAYMENTS_PROD = '400000000001';
const desired = (id: string): DesiredAccount => desiredAccounts(acme).find((a) => a.accountId === id) ?? assert.fail(`no account ${id}`);
const empty = (accountId: string): LiveAccountIam => ({ accountId, roles: [], otherRoles: {}, policies: [], otherPolicies: {}, oidcProviders: [] });
const kinds = (changes: readonly AccountChange[]) => changes.map((c) => [c.kind, 'role' in c ? c.role : '', 'name' in c ? c.name : ''].filter((s) => s !== '').join(' '));

test('every permission set assigned in an account, standing, eligible or to a service account, is the role `parapet test` models', () => {
  const account = desired(PAYMENTS_PROD);
  assert.deepEqual(
    account.roles.map((r) => r.name),
    ['admin', 'break-glass', 'deployer', 'developer', 'read-only'],
  );
  const plan = planAccount(account, empty(PAYMENTS_PROD), TRUST);
  assert.deepEqual(plan.problems, []);
  // the ARN the engine's sessions carry is the ARN of the role apply creates: path /parapet/, name the permission set
  const created = plan.changes.flatMap((c) => (c.kind === 'create-role' ? [`arn:aws:iam::${PAYMENTS_PROD}:role/parapet/${c.role}`] : []));
  assert.deepEqual(created, account.roles.map((r) => permissionSetRoleArn(PAYMENTS_PROD, r.name)));
  const developer = plan.changes.find((c) => c.kind === 'create-role' && c.role === 'developer');
  assert.ok(developer?.kind === 'create-role');
  assert.equal(developer.maxSessionDuration, 8 * 3600);
  assert.equal(developer.boundary, `arn:aws:iam::${PAYMENTS_PROD}:policy/parapet/parapet-developer-boundary`);
  assert.deepEqual(JSON.parse(developer.trustPolicy), {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ParapetWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${PAYMENTS_PROD}:oidc-provider/parapet.acme.example` },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        // the token's subject names account, permission set and user (src/aws/web-identity.ts): the server decides who holds it
        Condition: { StringEquals: { 'parapet.acme.example:aud': 'sts.amazonaws.com' }, StringLike: { 'parapet.acme.example:sub': `account:${PAYMENTS_PROD}:permission-set:developer:user:*` } },
      },
    ],
  });
  const deployer = plan.changes.find((c) => c.kind === 'create-role' && c.role === 'deployer');
  assert.match(deployer?.kind === 'create-role' ? deployer.trustPolicy : '', /"parapet\.acme\.example:sub":"account:400000000001:permission-set:deployer:user:\*"/);
  // dependency order: the provider, then the boundaries, then the roles, then their policies
  assert.deepEqual(kinds(plan.changes).slice(0, 4), ['create-oidc-provider', 'create-managed-policy parapet-deployer-boundary', 'create-managed-policy parapet-developer-boundary', 'create-role admin']);
  const inline = plan.changes.filter((c) => c.kind === 'put-inline-policy' && c.role === 'developer').map((c) => (c.kind === 'put-inline-policy' ? c.name : ''));
  assert.deepEqual(inline, ['read-only', 'developer']);
  const rank = (k: string) => kinds(plan.changes).findIndex((x) => x.startsWith(k));
  assert.ok(rank('create-oidc-provider') < rank('create-managed-policy') && rank('create-managed-policy') < rank('create-role') && rank('create-role') < rank('put-inline-policy'));
});

/** the account as apply leaves it: what the plan of an empty account creates */
function liveAfter(plan: ReturnType<typeof planAccount>): LiveAccountIam {
  const roles = new Map<string, LiveRole>();
  const policies: LiveAccountIam['policies'][number][] = [];
  const providers: LiveAccountIam['oidcProviders'][number][] = [];
  for (const c of plan.changes) {
    if (c.kind === 'create-oidc-provider') providers.push({ arn: c.provider, url: c.url.replace('https://', ''), clientIds: c.audiences, tags: { 'parapet:managed': 'true' } });
    if (c.kind === 'create-managed-policy') policies.push({ name: c.name, path: '/parapet/', arn: c.policy, document: c.document, defaultVersionId: 'v1', otherVersionIds: [], tags: {}, attachmentCount: 0, boundaryUsageCount: 1 });
    if (c.kind === 'create-role') {
      roles.set(c.role, {
        name: c.role,
        path: '/parapet/',
        arn: `arn:aws:iam::${plan.accountId}:role/parapet/${c.role}`,
        trustPolicy: c.trustPolicy,
        maxSessionDuration: c.maxSessionDuration,
        ...(c.boundary !== undefined ? { boundaryArn: c.boundary } : {}),
        tags: { 'parapet:managed': 'true', 'parapet:permission-set': c.permissionSet },
        inlinePolicies: {},
        attachedPolicies: [],
      });
    }
    if (c.kind === 'put-inline-policy') {
      const role = roles.get(c.role)!;
      roles.set(c.role, { ...role, inlinePolicies: { ...role.inlinePolicies, [c.name]: c.document } });
    }
    if (c.kind === 'attach-managed-policy') {
      const role = roles.get(c.role)!;
      roles.set(c.role, { ...role, attachedPolicies: [...role.attachedPolicies, c.policy] });
    }
  }
  return { accountId: plan.accountId, roles: [...roles.values()], otherRoles: { OrganizationAccountAccessRole: '/' }, policies, otherPolicies: {}, oidcProviders: providers };
}

test('an account as the plan left it plans empty; documents that say the same in other words are the same', () => {
  const account = desired(PAYMENTS_PROD);
  const live = liveAfter(planAccount(account, empty(PAYMENTS_PROD), TRUST));
  assert.deepEqual(planAccount(account, live, TRUST).changes, []);
  // IAM gives documents back re-spaced, a one-element list as a string
  const spaced = live.roles.map((r) => ({ ...r, trustPolicy: JSON.stringify(JSON.parse(r.trustPolicy), null, 2).replace('"Action": [\n', '"Action": [\n') }));
  assert.deepEqual(planAccount(account, { ...live, roles: spaced }, TRUST).changes, []);
  assert.ok(sameDocument('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}', 'identity'));
  assert.ok(!sameDocument('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}', 'identity'));
});

test('every property of a role Parapet manages is compared; the revocation deny is left as it is; what is not Parapet\'s is a problem, never taken', () => {
  const account = desired(PAYMENTS_PROD);
  const live = liveAfter(planAccount(account, empty(PAYMENTS_PROD), TRUST));
  const REVOKED = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-12-06T00:00:00Z"}}}]}';
  const roles = live.roles.map((r): LiveRole => {
    if (r.name === 'developer')
      return {
        ...r,
        maxSessionDuration: 3600,
        tags: { 'parapet:managed': 'true' },
        inlinePolicies: { ...r.inlinePolicies, 'parapet-revoked-sessions': REVOKED, 'added-by-hand': REVOKED },
        attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      };
    if (r.name === 'read-only') return { ...r, trustPolicy: r.trustPolicy.replace(':user:*"', ':user:mallory*"') };
    return r;
  });
  // a role Parapet made once, no longer assigned here, with a revocation deny
  const stale: LiveRole = { ...roles[0]!, name: 'old', arn: `arn:aws:iam::${PAYMENTS_PROD}:role/parapet/old`, inlinePolicies: { x: REVOKED, 'parapet-revoked-sessions': REVOKED }, attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] };
  const changes = planAccount(account, { ...live, roles: [...roles, stale], otherRoles: { ...live.otherRoles, 'hand-made': '/' } }, TRUST).changes;
  assert.deepEqual(kinds(changes), [
    'tag-role developer',
    'update-session-duration developer',
    'update-trust-policy read-only',
    'detach-managed-policy developer',
    'detach-managed-policy old',
    'delete-inline-policy developer added-by-hand',
    'delete-inline-policy old x',
    'delete-inline-policy old parapet-revoked-sessions',
    'delete-role old',
  ]);
  assert.ok(!changes.some((c) => c.kind === 'delete-inline-policy' && c.role === 'developer' && c.name === 'parapet-revoked-sessions'));

  // a role of Parapet's name that Parapet does not manage
  const clash = planAccount(account, { ...empty(PAYMENTS_PROD), otherRoles: { developer: '/team/' }, otherPolicies: { 'parapet-deployer-boundary': '/' } }, TRUST);
  assert.deepEqual(clash.problems, [
    'managed policy `parapet-deployer-boundary` exists at path `/` and Parapet does not manage it: rename or delete it',
    'role `parapet/developer`: a role `developer` exists at path `/team/` and Parapet does not manage it (a role name is unique in an account): rename or delete it',
  ]);
  assert.ok(!clash.changes.some((c) => c.kind === 'create-role' && c.role === 'developer'));
});

test('the provider: one of Parapet\'s issuer is used and gets the audience; one Parapet made for another issuer goes; one it did not make stays', () => {
  const account = desired(PAYMENTS_PROD);
  const live = liveAfter(planAccount(account, empty(PAYMENTS_PROD), TRUST));
  const providers = [
    { arn: `arn:aws:iam::${PAYMENTS_PROD}:oidc-provider/parapet.acme.example`, url: 'parapet.acme.example', clientIds: ['other'], tags: {} },
    { arn: `arn:aws:iam::${PAYMENTS_PROD}:oidc-provider/old.acme.example`, url: 'old.acme.example', clientIds: ['sts.amazonaws.com'], tags: { 'parapet:managed': 'true' } },
    { arn: `arn:aws:iam::${PAYMENTS_PROD}:oidc-provider/token.actions.githubusercontent.com`, url: 'token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'], tags: {} },
  ];
  const plan = planAccount(account, { ...live, oidcProviders: providers }, TRUST);
  assert.deepEqual(plan.changes, [
    { kind: 'add-oidc-audience', provider: providers[0]!.arn, audience: 'sts.amazonaws.com' },
    { kind: 'delete-oidc-provider', provider: providers[1]!.arn },
  ]);
});

test('without an https issuer no role is planned: a problem, not a guess', () => {
  const account = desired(PAYMENTS_PROD);
  assert.match(planAccount(account, empty(PAYMENTS_PROD), undefined).problems[0] ?? '', /give it with `--issuer`/);
  assert.match(planAccount(account, empty(PAYMENTS_PROD), { ...TRUST, issuer: 'http://parapet.acme.example' }).problems[0] ?? '', /not an https URL/);
  // an account nobody is assigned to needs no issuer, and its Parapet roles are deleted
  const none: DesiredAccount = { accountId: '1', accountName: 'x', roles: [], problems: [], notes: [] };
  assert.deepEqual(planAccount(none, empty('1'), undefined), { accountId: '1', accountName: 'x', changes: [], problems: [], notes: [] });
});

test('policies that do not fit AWS\'s 10,240 characters of inline policy become managed policies attached to the role', () => {
  const big = (n: number) => ({ Version: '2012-10-17', Statement: [{ Sid: `S${n}`, Effect: 'Allow', Action: Array.from({ length: 180 }, (_, i) => `s3:GetObject${n}x${i}`), Resource: '*' }] });
  const files = new Map([
    ['parapet.yaml', `organization:\n  name: t\n  managementAccount: "111111111111"\n  root:\n    guardrails: [all]\n    accounts:\n      - { id: "222222222222", name: app }\nguardrails:\n  all: all.json\npermissionSets:\n  wide:\n    policies: [p/one.json, p/two.json, p/three.json]\ngroups:\n  g: { members: [a@x.example] }\nassignments:\n  - { group: g, permissionSet: wide, accounts: [app] }\n`],
    ['all.json', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'],
    ['p/one.json', JSON.stringify(big(1))],
    ['p/two.json', JSON.stringify(big(2))],
    ['p/three.json', JSON.stringify(big(3))],
  ]);
  const parsed = parseConfig(files);
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  const role = desiredAccounts(parsed.value)[0]?.roles[0];
  assert.ok(role !== undefined);
  assert.deepEqual(role.inlinePolicies.map((p) => p.name), ['one', 'two']);
  assert.deepEqual(role.managedPolicies.map((p) => p.name), ['parapet-wide-three']);
  assert.ok(role.inlinePolicies.reduce((n, p) => n + p.document.length, 0) <= 10_240);
});

test('a policy file cannot take the revocation deny\'s name', () => {
  const files = new Map([
    ['parapet.yaml', 'organization:\n  name: t\n  managementAccount: "111111111111"\n  root:\n    guardrails: [all]\n    accounts:\n      - { id: "222222222222", name: app }\nguardrails:\n  all: all.json\npermissionSets:\n  sneaky:\n    policies: [p/parapet-revoked-sessions.json]\ngroups:\n  g: { members: [a@x.example] }\nassignments:\n  - { group: g, permissionSet: sneaky, accounts: [app] }\n'],
    ['all.json', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'],
    ['p/parapet-revoked-sessions.json', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'],
  ]);
  const parsed = parseConfig(files);
  assert.ok(parsed.ok);
  assert.deepEqual(desiredAccounts(parsed.value)[0]?.roles[0]?.inlinePolicies.map((p) => p.name), ['parapet-revoked-sessions-2']);
});

test('a managed policy: a new document is a new version (the oldest deleted first when AWS holds five); one still used elsewhere is not deleted', () => {
  const account = desired(PAYMENTS_PROD);
  const live = liveAfter(planAccount(account, empty(PAYMENTS_PROD), TRUST));
  const boundary = live.policies.find((p) => p.name === 'parapet-developer-boundary')!;
  const edited = { ...boundary, document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}', otherVersionIds: ['v1', 'v2', 'v3', 'v4'], defaultVersionId: 'v5' };
  assert.deepEqual(planAccount(account, { ...live, policies: live.policies.map((p) => (p === boundary ? edited : p)) }, TRUST).changes, [
    { kind: 'update-managed-policy', policy: boundary.arn, document: account.roles.find((r) => r.name === 'developer')?.boundary?.document, deleteVersion: 'v1' },
  ]);
  // no longer wanted: deleted with its old versions, unless something that is not Parapet's still uses it
  const stale = { ...boundary, name: 'parapet-old-boundary', arn: boundary.arn.replace('developer', 'old'), otherVersionIds: ['v1'], boundaryUsageCount: 0 };
  assert.deepEqual(planAccount(account, { ...live, policies: [...live.policies, stale] }, TRUST).changes, [{ kind: 'delete-managed-policy', policy: stale.arn, versions: ['v1'] }]);
  const used = planAccount(account, { ...live, policies: [...live.policies, { ...stale, attachmentCount: 2 }] }, TRUST);
  assert.deepEqual(used.changes, []);
  assert.deepEqual(used.notes, ['managed policy `parapet-old-boundary` is no longer needed but is still used by 2 users, groups or roles Parapet does not manage: not deleted']);
});
