/**
 * The structural diff on the acme example and copies of it changed in memory: each test changes
 * one kind of thing and checks the changes reported, and nothing else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acmeFiles, acmeVariant, parseValid, type Edit } from './acme-variant.test-support.ts';
import { policyDigest } from '../policy/index.ts';
import { diffConfigs, type StructuralChange } from './diff-configs.ts';
import { outlineOf, type StatementOutline } from './diff-policy-statements.ts';
import type { OrgConfig } from './org-config.ts';

const acme = parseValid(acmeFiles);
const changed = acmeVariant;

const YAML = 'parapet.yaml';

const adminPolicy = (config: typeof acme) => config.permissionSets.get('admin')!.policies.find((p) => p.file === 'permission-sets/admin.json')!.policy;
/** the outline of a statement of a guardrail or permission-set file (outlineOf is tested in diff-policy-statements.test.ts) */
function statementOutline(file: string, sid: string, config: OrgConfig): StatementOutline {
  const policies = [...config.guardrails.values(), ...[...config.permissionSets.values()].flatMap((set) => [...set.policies, ...(set.boundary !== undefined ? [set.boundary] : [])])];
  const statement = policies.find((p) => p.file === file)?.policy.statements.find((st) => st.sid === sid);
  assert.ok(statement !== undefined, `${file}: no statement ${sid}`);
  return outlineOf(statement);
}

test('a version against itself: no change', () => {
  assert.deepEqual(diffConfigs(acme, acme), []);
  assert.deepEqual(diffConfigs(acme, parseValid(new Map(acmeFiles))), []);
});

test('the organization\'s own settings: id, management account, name; nothing when equal', () => {
  const id: Edit = [YAML, '  id: o-acme0example\n', '  id: o-acme1example\n'];
  const management: Edit = [YAML, '  managementAccount: "100000000001"\n', '  managementAccount: "999999999999"\n'];
  const name: Edit = [YAML, '  name: acme\n', '  name: acme-corp\n'];
  assert.deepEqual(diffConfigs(acme, changed([id])), [{ kind: 'organization-changed', changes: [{ field: 'id', from: 'o-acme0example', to: 'o-acme1example' }] }]);
  assert.deepEqual(diffConfigs(acme, changed([management])), [
    { kind: 'organization-changed', changes: [{ field: 'managementAccount', from: '100000000001', to: '999999999999' }] },
  ]);
  assert.deepEqual(diffConfigs(acme, changed([name])), [{ kind: 'organization-changed', changes: [{ field: 'name', from: 'acme', to: 'acme-corp' }] }]);
  // all three at once: one change, the fields in the order name, id, management account; listed before the tree
  const line = '          - { id: "300000000001", name: network, tags: { owner: platform, env: prod } }\n';
  const all = changed([management, id, name, [YAML, line, ''], [YAML, '          - { id: "600000000002", name: sandbox-carol, tags: { owner: carol@acme.example, env: sandbox } }\n', `          - { id: "600000000002", name: sandbox-carol, tags: { owner: carol@acme.example, env: sandbox } }\n${line}`]]);
  assert.deepEqual(diffConfigs(acme, all), [
    {
      kind: 'organization-changed',
      changes: [
        { field: 'name', from: 'acme', to: 'acme-corp' },
        { field: 'id', from: 'o-acme0example', to: 'o-acme1example' },
        { field: 'managementAccount', from: '100000000001', to: '999999999999' },
      ],
    },
    { kind: 'account-moved', account: 'network', from: 'infrastructure', to: 'sandbox' },
  ]);
  // an id no longer given: `to` absent; given again: `from` absent
  const withoutId = changed([[YAML, '  id: o-acme0example\n', '']]);
  assert.deepEqual(diffConfigs(acme, withoutId), [{ kind: 'organization-changed', changes: [{ field: 'id', from: 'o-acme0example' }] }]);
  assert.deepEqual(diffConfigs(withoutId, acme), [{ kind: 'organization-changed', changes: [{ field: 'id', to: 'o-acme0example' }] }]);
  // equal settings, whatever else changed: no organization change
  assert.deepEqual(diffConfigs(changed([id, name]), changed([name, id])), []);
  assert.deepEqual(diffConfigs(withoutId, changed([[YAML, '  id: o-acme0example\n', '']])), []);
});

test('a guardrail defined and attached to a unit', () => {
  const after = changed(
    [
      [YAML, '      - name: workloads\n        guardrails: [full-access, protect-audit-trail]', '      - name: workloads\n        guardrails: [full-access, protect-audit-trail, deny-bucket-deletion]'],
      [YAML, '  require-mfa-for-destructive: guardrails/require-mfa-for-destructive.json\n', '  require-mfa-for-destructive: guardrails/require-mfa-for-destructive.json\n  deny-bucket-deletion: guardrails/deny-bucket-deletion.json\n'],
    ],
    { 'guardrails/deny-bucket-deletion.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] }) },
  );
  assert.deepEqual(diffConfigs(acme, after), [
    { kind: 'guardrail-attached', guardrailKind: 'scp', guardrail: 'deny-bucket-deletion', node: { kind: 'unit', name: 'workloads' } },
    {
      kind: 'guardrail-added',
      guardrailKind: 'scp',
      guardrail: 'deny-bucket-deletion',
      file: 'guardrails/deny-bucket-deletion.json',
      digest: policyDigest(after.guardrails.get('deny-bucket-deletion')!.policy),
    },
  ]);
  // and the other way: detached and no longer defined
  assert.deepEqual(
    diffConfigs(after, acme).map((c) => [c.kind, 'digest' in c ? c.digest : undefined]),
    [['guardrail-detached', undefined], ['guardrail-removed', policyDigest(after.guardrails.get('deny-bucket-deletion')!.policy)]],
  );
});

test('a guardrail document edited: the statement that changed', () => {
  const after = changed([['guardrails/protect-audit-trail.json', '"cloudtrail:DeleteEventDataStore"', '"cloudtrail:DeleteEventDataStore",\n        "cloudtrail:StopEventDataStoreIngestion"']]);
  assert.deepEqual(diffConfigs(acme, after), [
    {
      kind: 'guardrail-edited',
      guardrailKind: 'scp',
      guardrail: 'protect-audit-trail',
      file: 'guardrails/protect-audit-trail.json',
      statements: [
        {
          change: 'changed',
          statement: 'ProtectCloudTrail',
          outline: statementOutline('guardrails/protect-audit-trail.json', 'ProtectCloudTrail', after),
          differences: { actionsAdded: ['cloudtrail:StopEventDataStoreIngestion'], actionsRemoved: [], resourcesAdded: [], resourcesRemoved: [], principalChanged: false },
        },
      ],
      digest: { from: policyDigest(acme.guardrails.get('protect-audit-trail')!.policy), to: policyDigest(after.guardrails.get('protect-audit-trail')!.policy) },
    },
  ]);
  // the digests differ: the document changed
  const edit = diffConfigs(acme, after)[0]!;
  assert.ok(edit.kind === 'guardrail-edited' && edit.digest !== undefined && edit.digest.from !== edit.digest.to);
});

test('an account moved between units; a tag changed', () => {
  const line = '          - { id: "300000000001", name: network, tags: { owner: platform, env: prod } }\n';
  const after = changed([
    [YAML, line, ''],
    [YAML, '          - { id: "600000000002", name: sandbox-carol, tags: { owner: carol@acme.example, env: sandbox } }\n', `          - { id: "600000000002", name: sandbox-carol, tags: { owner: carol@acme.example, env: dev } }\n${line}`],
  ]);
  assert.deepEqual(diffConfigs(acme, after), [
    { kind: 'account-moved', account: 'network', from: 'infrastructure', to: 'sandbox' },
    { kind: 'account-changed', account: 'sandbox-carol', changes: [{ field: 'tag', key: 'env', from: 'sandbox', to: 'dev' }] },
  ]);
});

test('a unit moved under another keeps its accounts, which move with it', () => {
  const staging = [
    '          - name: staging',
    '            guardrails: [full-access]',
    '            accounts:',
    '              - { id: "500000000001", name: payments-staging, tags: { owner: payments, env: staging } }',
    '              - { id: "500000000002", name: checkout-staging, tags: { owner: checkout, env: staging } }',
    '',
  ].join('\n');
  const after = changed([
    [YAML, staging, ''],
    [
      YAML,
      '          - { id: "600000000002", name: sandbox-carol, tags: { owner: carol@acme.example, env: sandbox } }\n',
      `          - { id: "600000000002", name: sandbox-carol, tags: { owner: carol@acme.example, env: sandbox } }\n        units:\n${staging.replace(/^ {10}/gm, '          ')}`,
    ],
  ]);
  const changes = diffConfigs(acme, after);
  assert.deepEqual(changes[0], { kind: 'unit-moved', unit: 'staging', from: 'workloads/staging', to: 'sandbox/staging' });
  assert.deepEqual(
    changes.slice(1),
    [
      { kind: 'account-moved', account: 'payments-staging', from: 'workloads/staging', to: 'sandbox/staging' },
      { kind: 'account-moved', account: 'checkout-staging', from: 'workloads/staging', to: 'sandbox/staging' },
    ].sort((a, b) => [...after.accounts.keys()].indexOf(a.account) - [...after.accounts.keys()].indexOf(b.account)),
  );
});

test('permission sets added and changed: policies, boundary, session duration', () => {
  const after = changed(
    [
      [YAML, 'permissionSets:\n', 'permissionSets:\n  billing:\n    policies: [permission-sets/billing.json]\n'],
      [YAML, '  deployer:\n    policies: [permission-sets/deployer.json]\n    boundary: boundaries/deployer.json\n    sessionDuration: 1h', '  deployer:\n    policies: [permission-sets/deployer.json, permission-sets/read-only.json]\n    sessionDuration: 2h'],
      ['permission-sets/admin.json', '"Resource": "*"', '"Resource": "*",\n      "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" } }'],
    ],
    { 'permission-sets/billing.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ce:Get*', Resource: '*' }] }) },
  );
  const changes = diffConfigs(acme, after);
  assert.deepEqual(changes, [
    { kind: 'permission-set-added', permissionSet: 'billing', policies: ['permission-sets/billing.json'], sessionDuration: '1h' },
    {
      kind: 'permission-set-changed',
      permissionSet: 'deployer',
      policiesAdded: ['permission-sets/read-only.json'],
      policiesRemoved: [],
      policiesEdited: [],
      boundary: {
        from: 'boundaries/deployer.json',
        statements: [
          { change: 'removed', statement: 'DeploymentScope', outline: statementOutline('boundaries/deployer.json', 'DeploymentScope', acme) },
          {
            change: 'removed',
            statement: 'NoIdentityOutsideApplicationRoles',
            outline: { effect: 'Deny', notAction: false, actions: ['iam:*'], notResource: true, resources: ['arn:aws:iam::*:role/app-*'], conditionKeys: [] },
          },
          {
            change: 'removed',
            statement: 'NoBoundaryRemoval',
            outline: { effect: 'Deny', notAction: false, actions: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary'], notResource: false, resources: ['*'], conditionKeys: [] },
          },
        ],
        digest: { from: policyDigest(acme.permissionSets.get('deployer')!.boundary!.policy) },
      },
      sessionDuration: { from: '1h', to: '2h' },
    },
    {
      kind: 'permission-set-changed',
      permissionSet: 'admin',
      policiesAdded: [],
      policiesRemoved: [],
      policiesEdited: [
        {
          file: 'permission-sets/admin.json',
          statements: [
            {
              change: 'changed',
              statement: 'AdministratorAccess',
              outline: statementOutline('permission-sets/admin.json', 'AdministratorAccess', after),
              differences: { actionsAdded: [], actionsRemoved: [], resourcesAdded: [], resourcesRemoved: [], principalChanged: false, conditionKeys: ['aws:MultiFactorAuthPresent'] },
            },
          ],
          digest: { from: policyDigest(adminPolicy(acme)), to: policyDigest(adminPolicy(after)) },
        },
      ],
    },
  ]);
});

test('groups, members, assignments (standing, eligible, a change of mode) and service accounts', () => {
  const after = changed([
    [YAML, '  auditors: { members: [heidi@acme.example] }', '  auditors: { members: [heidi@acme.example, ivan@acme.example] }\n  finance: { members: [judy@acme.example] }'],
    [YAML, '  incident-responders: { members: [erin@acme.example, grace@acme.example] }', '  incident-responders: { members: [erin@acme.example] }'],
    [YAML, '  - { group: checkout-devs, permissionSet: admin, accounts: [checkout-staging] }', '  - { group: checkout-devs, permissionSet: admin, accounts: [checkout-staging], eligible: true }'],
    [YAML, '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }', '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod] }\n  - { group: finance, permissionSet: read-only, accounts: [management] }\n  - { group: auditors, permissionSet: admin, accounts: [audit], eligible: true }'],
    [YAML, 'permissionSet: deployer\n    accounts: [payments-prod, payments-staging, checkout-prod, checkout-staging]', 'permissionSet: admin\n    accounts: [payments-prod, payments-staging, network]'],
  ]);
  const kinds = (list: readonly StructuralChange[]) => list.map((c) => c.kind);
  const changes = diffConfigs(acme, after);
  assert.deepEqual(kinds(changes), [
    'group-added',
    'group-members-changed',
    'group-members-changed',
    'assignment-added',
    'assignment-added',
    'assignment-removed',
    'assignment-mode-changed',
    'service-account-changed',
  ]);
  assert.deepEqual(changes, [
    { kind: 'group-added', group: 'finance', members: ['judy@acme.example'] },
    { kind: 'group-members-changed', group: 'auditors', added: ['ivan@acme.example'], removed: [] },
    { kind: 'group-members-changed', group: 'incident-responders', added: [], removed: ['grace@acme.example'] },
    { kind: 'assignment-added', group: 'finance', permissionSet: 'read-only', account: 'management', mode: 'standing' },
    { kind: 'assignment-added', group: 'auditors', permissionSet: 'admin', account: 'audit', mode: 'eligible' },
    { kind: 'assignment-removed', group: 'auditors', permissionSet: 'read-only', account: 'checkout-prod', mode: 'standing' },
    { kind: 'assignment-mode-changed', group: 'checkout-devs', permissionSet: 'admin', account: 'checkout-staging', from: 'standing', to: 'eligible' },
    {
      kind: 'service-account-changed',
      serviceAccount: 'deployer',
      permissionSet: { from: 'deployer', to: 'admin' },
      accountsAdded: ['network'],
      accountsRemoved: ['checkout-prod', 'checkout-staging'],
    },
  ]);
});

test('a service account\'s GitHub trust changed: who may act as it, before and after', () => {
  const widened = changed([[YAML, '      ref: refs/heads/main\n      environment: production\n', '      ref: [refs/heads/main, refs/heads/dev]\n']]);
  assert.deepEqual(diffConfigs(acme, widened), [
    {
      kind: 'service-account-changed',
      serviceAccount: 'deployer',
      accountsAdded: [],
      accountsRemoved: [],
      github: { from: { repository: 'acme/infra', refs: ['refs/heads/main'], environments: ['production'] }, to: { repository: 'acme/infra', refs: ['refs/heads/main', 'refs/heads/dev'] } },
    },
  ]);
  const removed = changed([[YAML, '    github:\n      repository: acme/infra\n      ref: refs/heads/main\n      environment: production\n', '']]);
  assert.deepEqual(
    diffConfigs(acme, removed).map((c) => (c.kind === 'service-account-changed' ? c.github : undefined)),
    [{ from: { repository: 'acme/infra', refs: ['refs/heads/main'], environments: ['production'] }, to: null }],
  );
  // the same trust written another way (a list of one) is no change
  assert.deepEqual(diffConfigs(acme, changed([[YAML, 'ref: refs/heads/main', 'ref: [refs/heads/main]']])), []);
});

test('a service account added with a GitHub trust says which runs may act as it', () => {
  const after = changed([[YAML, '      environment: production\n', '      environment: production\n  previewer:\n    permissionSet: read-only\n    accounts: [payments-staging]\n    github: { repository: acme/web, ref: refs/heads/main }\n']]);
  assert.deepEqual(diffConfigs(acme, after), [
    { kind: 'service-account-added', serviceAccount: 'previewer', permissionSet: 'read-only', accounts: ['payments-staging'], github: { repository: 'acme/web', refs: ['refs/heads/main'] } },
  ]);
});
