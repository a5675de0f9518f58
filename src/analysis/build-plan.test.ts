/**
 * The plan between the acme example and variants of it: each variant is one pull request a
 * platform team could open, and the test checks what a reviewer would be told.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { acmeFiles, acmeVariant, parseValid, policyText } from '../org/acme-variant.test-support.ts';
import type { OrgConfig } from '../org/index.ts';
import { policyDigest } from '../policy/index.ts';
import { buildPlan, type PlanFlag, type PlanReport } from './build-plan.ts';
import type { AccessChange } from './plan-access-impact.ts';
import { renderPlanMarkdown } from './render-plan-markdown.ts';

const catalog = loadCatalog();
const acme = parseValid(acmeFiles);
const YAML = 'parapet.yaml';

function plan(before: OrgConfig, after: OrgConfig): PlanReport {
  return buildPlan(before, after, { catalog, from: 'before', to: 'after' });
}

function entry(report: PlanReport, principal: string, account: string, mode: 'standing' | 'eligible'): AccessChange | undefined {
  return report.access.find((c) => c.principal === principal && c.account === account && c.mode === mode);
}

function flagsOf(report: PlanReport, kind: PlanFlag['kind']): PlanFlag[] {
  return report.flags.filter((f) => f.kind === kind);
}

const where = (f: { principal: string; account: string; mode: string }) => `${f.principal} ${f.account} ${f.mode}`;

test('the same version twice: nothing changes and nothing is recomputed', () => {
  const report = plan(acme, parseValid(new Map(acmeFiles)));
  assert.deepEqual(report.structural, []);
  assert.deepEqual(report.access, []);
  assert.deepEqual(report.flags, []);
  assert.equal(report.stats.recomputed, 0);
  assert.equal(report.stats.policySetsEvaluated, 0);
  assert.ok(report.stats.compared > 50);
  assert.match(renderPlanMarkdown(report), /No change to the organization/);
});

const denyBucketDeletion = acmeVariant(
  [
    [YAML, '      - name: workloads\n        guardrails: [full-access, protect-audit-trail]', '      - name: workloads\n        guardrails: [full-access, protect-audit-trail, deny-bucket-deletion]'],
    [YAML, '  require-mfa-for-destructive: guardrails/require-mfa-for-destructive.json\n', '  require-mfa-for-destructive: guardrails/require-mfa-for-destructive.json\n  deny-bucket-deletion: guardrails/deny-bucket-deletion.json\n'],
  ],
  { 'guardrails/deny-bucket-deletion.json': policyText([{ Sid: 'NoBucketDeletion', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }]) },
);

test('a guardrail denying s3:DeleteBucket: the action is lost, to the guardrail, and the lock-out flagged', () => {
  const report = plan(acme, denyBucketDeletion);
  assert.deepEqual(
    report.structural.map((c) => c.kind),
    ['guardrail-attached', 'guardrail-added'],
  );
  // admin in staging could delete buckets (in an approved region); now no request can
  const staging = entry(report, 'group:payments-devs', 'payments-staging', 'standing');
  assert.ok(staging !== undefined);
  assert.deepEqual(staging.permissionSets, { before: ['admin', 'developer'], after: ['admin', 'developer'] });
  assert.equal(staging.gained, 0);
  assert.deepEqual(staging.services, [
    { service: 's3', gained: [], gainedConditional: [], lost: ['s3:DeleteBucket'], lostToGuardrails: ['s3:DeleteBucket'], narrowed: [], widened: [], dependsOn: [] },
  ]);
  // the developer boundary already denied it in production: no change there; nor outside workloads
  assert.equal(entry(report, 'group:payments-devs', 'payments-prod', 'standing'), undefined);
  assert.equal(entry(report, 'group:payments-devs', 'sandbox-alice', 'standing'), undefined);
  assert.ok(report.access.every((c) => ['payments-prod', 'checkout-prod', 'payments-staging', 'checkout-staging'].includes(c.account)));
  // users lose it through their group
  assert.deepEqual(entry(report, 'user:alice@acme.example', 'payments-staging', 'standing')?.lost, 1);

  const lockouts = flagsOf(report, 'guardrail-lockout');
  assert.ok(lockouts.some((f) => where(f) === 'group:payments-devs payments-staging standing'));
  assert.ok(lockouts.some((f) => where(f) === 'service:deployer checkout-prod standing'));
  assert.deepEqual(lockouts[0], {
    principal: 'group:checkout-devs',
    account: 'checkout-prod',
    mode: 'eligible',
    kind: 'guardrail-lockout',
    actions: ['s3:DeleteBucket'],
    causes: ['guardrail `deny-bucket-deletion` attached to unit `workloads`'],
  });
  assert.equal(report.summary.flags['guardrail-lockout'], lockouts.length);
  assert.equal(report.summary.actionsLost, report.summary.actionsLostToGuardrails);
  // only what the guardrail touches was recomputed: the four workloads accounts
  assert.ok(report.stats.recomputed < report.stats.compared, JSON.stringify(report.stats));
  assert.ok(report.stats.policySetsEvaluated <= 20, JSON.stringify(report.stats));

  const markdown = renderPlanMarkdown(report);
  assert.match(markdown, /^## Parapet plan: `before` → `after`\n\n\| \| \|/);
  assert.match(markdown, /🔒 \*\*locked out\*\* of 1 action by guardrail changes: `s3:DeleteBucket` \(guardrail `deny-bucket-deletion` attached to unit `workloads`\)/);
  assert.match(markdown, /<details><summary><code>group:checkout-devs<\/code> in <code>checkout-prod<\/code> \(eligible\): \+0 −1<\/summary>/);
});

test('a permission-set change that removes an action is a loss, not a lock-out', () => {
  const after = acmeVariant([['permission-sets/admin.json', '"Resource": "*"', '"Resource": "*"\n    },\n    {\n      "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"']]);
  const report = plan(acme, after);
  const staging = entry(report, 'group:payments-devs', 'payments-staging', 'standing');
  assert.deepEqual(staging?.services.map((s) => [s.service, s.lost, s.lostToGuardrails]), [['s3', ['s3:DeleteBucket'], []]]);
  assert.deepEqual(flagsOf(report, 'guardrail-lockout'), []);
});

test('iam:PassRole on every role for a group: privilege escalation flagged', () => {
  const after = acmeVariant([
    [YAML, '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }', '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }\n  - { group: auditors, permissionSet: pass-roles, accounts: [audit] }'],
    [YAML, 'permissionSets:\n', 'permissionSets:\n  pass-roles:\n    policies: [permission-sets/pass-roles.json]\n'],
  ], { 'permission-sets/pass-roles.json': policyText([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]) });
  const report = plan(acme, after);
  const audit = entry(report, 'group:auditors', 'audit', 'standing');
  assert.deepEqual(audit?.services, [
    { service: 'iam', gained: ['iam:PassRole'], gainedConditional: [], lost: [], lostToGuardrails: [], narrowed: [], widened: [], dependsOn: [] },
  ]);
  const escalations = flagsOf(report, 'privilege-escalation');
  assert.deepEqual(escalations.map(where), ['group:auditors audit standing', 'user:heidi@acme.example audit standing']);
  assert.deepEqual(escalations[0], {
    principal: 'group:auditors',
    account: 'audit',
    mode: 'standing',
    kind: 'privilege-escalation',
    rules: [{ rule: 'pass-role', actions: ['iam:PassRole'], everywhere: true, why: 'hand a role to a service, which then acts with the role’s permissions' }],
  });
  assert.deepEqual(flagsOf(report, 'admin-equivalent'), []);
  assert.match(renderPlanMarkdown(report), /🚩 \*\*privilege escalation\*\* newly allowed: `iam:PassRole` on every resource: `group:auditors` in `audit` \(standing\)/);
});

test('a group that could already pass some roles is not flagged again', () => {
  // developers pass app-* roles already (conditionally); read-only now lets them pass any role
  const after = acmeVariant([['permission-sets/read-only.json', '"tag:GetResources"', '"tag:GetResources",\n        "iam:PassRole"']]);
  const report = plan(acme, after);
  const developers = entry(report, 'group:payments-devs', 'payments-prod', 'standing');
  assert.deepEqual(developers?.services.map((s) => [s.service, s.widened]), [['iam', ['iam:PassRole']]]);
  assert.deepEqual(developers?.newEscalations, []);
  assert.ok(flagsOf(report, 'privilege-escalation').some((f) => where(f) === 'group:auditors audit standing'));
  assert.ok(!flagsOf(report, 'privilege-escalation').some((f) => f.principal === 'group:payments-devs'));
});

test('admin for a group: admin-equivalent flagged once, without the escalations it implies', () => {
  const after = acmeVariant([[YAML, '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }', '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }\n  - { group: auditors, permissionSet: admin, accounts: [log-archive] }']]);
  const report = plan(acme, after);
  assert.deepEqual(
    report.flags.map((f) => `${f.kind} ${where(f)}`),
    ['admin-equivalent group:auditors log-archive standing', 'admin-equivalent user:heidi@acme.example log-archive standing'],
  );
  const change = entry(report, 'group:auditors', 'log-archive', 'standing');
  assert.equal(change?.newAdmin, 'all-actions');
  assert.ok((change?.newEscalations.length ?? 0) > 5);
  assert.ok((change?.gained ?? 0) > 20000);
  // most of it only in an approved region: conditional, and what it depends on is said
  const ec2 = change?.services.find((s) => s.service === 'ec2');
  assert.equal(ec2?.gainedConditional.length, ec2?.gained.length);
  assert.deepEqual(ec2?.dependsOn, ['aws:RequestedRegion']);
});

test('an account moved out of a unit: access gained; moved back: the loss is a lock-out, caused by the move', () => {
  const line = '          - { id: "300000000001", name: network, tags: { owner: platform, env: prod } }\n';
  const atRoot = acmeVariant([
    [YAML, line, ''],
    [YAML, '      - { id: "100000000001", name: management, tags: { owner: platform } }\n', `      - { id: "100000000001", name: management, tags: { owner: platform } }\n${line.replace(/^ {10}/, '      ')}`],
  ]);
  const report = plan(acme, atRoot);
  assert.deepEqual(report.structural, [{ kind: 'account-moved', account: 'network', from: 'infrastructure', to: 'root' }]);
  const admins = entry(report, 'group:platform-admins', 'network', 'standing');
  assert.ok(admins?.services.some((s) => s.service === 'cloudtrail' && s.gained.includes('cloudtrail:StopLogging') && s.gainedConditional.includes('cloudtrail:StopLogging')));
  assert.deepEqual(report.access.map((c) => c.account).filter((a) => a !== 'network'), []);

  const back = plan(atRoot, acme);
  const lockout = flagsOf(back, 'guardrail-lockout').find((f) => where(f) === 'group:platform-admins network standing');
  assert.ok(lockout?.kind === 'guardrail-lockout');
  assert.ok(lockout.actions.includes('cloudtrail:StopLogging'));
  assert.deepEqual(lockout.causes, ['account moved from `root` to `infrastructure`']);
});

test('a new permission set assigned to a group: structure and access', () => {
  const after = acmeVariant(
    [
      [YAML, 'permissionSets:\n', 'permissionSets:\n  billing:\n    policies: [permission-sets/billing.json]\n    sessionDuration: 4h\n'],
      [YAML, '  auditors: { members: [heidi@acme.example] }', '  auditors: { members: [heidi@acme.example, ivan@acme.example] }'],
      [YAML, '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }', '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }\n  - { group: auditors, permissionSet: billing, accounts: [audit], eligible: true }'],
    ],
    { 'permission-sets/billing.json': policyText([{ Effect: 'Allow', Action: ['ce:Get*', 'budgets:View*'], Resource: '*' }]) },
  );
  const report = plan(acme, after);
  assert.deepEqual(report.structural, [
    { kind: 'permission-set-added', permissionSet: 'billing', policies: ['permission-sets/billing.json'], sessionDuration: '4h' },
    { kind: 'group-members-changed', group: 'auditors', added: ['ivan@acme.example'], removed: [] },
    { kind: 'assignment-added', group: 'auditors', permissionSet: 'billing', account: 'audit', mode: 'eligible' },
  ]);
  const billing = entry(report, 'group:auditors', 'audit', 'eligible');
  assert.deepEqual(billing?.permissionSets, { before: [], after: ['billing'] });
  assert.deepEqual(billing?.services.map((s) => s.service), ['budgets', 'ce']);
  assert.ok(billing?.services.every((s) => s.gained.length > 0 && s.gainedConditional.length === 0 && s.lost.length === 0));
  // the new member gains everything the group has, in every account
  const ivan = report.access.filter((c) => c.principal === 'user:ivan@acme.example');
  assert.deepEqual(ivan.map((c) => `${c.account} ${c.mode}`), ['audit standing', 'audit eligible', 'checkout-prod standing', 'log-archive standing', 'payments-prod standing']);
  assert.equal(entry(report, 'user:heidi@acme.example', 'audit', 'standing'), undefined);
});

test('an assignment made eligible: standing access lost, eligible gained, nothing flagged', () => {
  const after = acmeVariant([[YAML, '  - { group: checkout-devs, permissionSet: admin, accounts: [checkout-staging] }', '  - { group: checkout-devs, permissionSet: admin, accounts: [checkout-staging], eligible: true }']]);
  const report = plan(acme, after);
  assert.deepEqual(report.structural.map((c) => c.kind), ['assignment-mode-changed']);
  const standing = entry(report, 'group:checkout-devs', 'checkout-staging', 'standing');
  const eligible = entry(report, 'group:checkout-devs', 'checkout-staging', 'eligible');
  assert.ok((standing?.lost ?? 0) > 20000);
  assert.equal(standing?.lostToGuardrails, 0);
  // the developer permission set stays standing: what it allows is not lost
  assert.ok((eligible?.gained ?? 0) > (standing?.lost ?? 0));
  assert.ok(standing?.services.some((s) => s.service === 'iam' && s.lost.includes('iam:CreateRole')));
  assert.ok(!standing?.services.some((s) => s.service === 's3' && s.lost.includes('s3:GetObject')));
  assert.equal(eligible?.newAdmin, undefined);
  assert.deepEqual(report.flags, []);

  // the other way round, admin without approval is new standing access: flagged
  const back = plan(after, acme);
  assert.deepEqual(
    flagsOf(back, 'admin-equivalent').map(where),
    ['group:checkout-devs checkout-staging standing', 'user:carol@acme.example checkout-staging standing', 'user:dan@acme.example checkout-staging standing'],
  );
});

test('a guardrail edit that only adds a condition narrows access instead of removing it', () => {
  const after = acmeVariant([
    [
      'guardrails/deny-leave-organization.json',
      '"Resource": "*"',
      '"Resource": "*"\n    },\n    {\n      "Sid": "DenyIamOutsideBusinessHours", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*", "Condition": { "DateGreaterThan": { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }',
    ],
  ]);
  const report = plan(acme, after);
  assert.deepEqual(report.structural, [
    {
      kind: 'guardrail-edited',
      guardrailKind: 'scp',
      guardrail: 'deny-leave-organization',
      file: 'guardrails/deny-leave-organization.json',
      statements: [{ change: 'added', statement: 'DenyIamOutsideBusinessHours', summary: 'Deny iam:CreateUser on * when aws:CurrentTime' }],
      digest: {
        from: policyDigest(acme.guardrails.get('deny-leave-organization')!.policy),
        to: policyDigest(after.guardrails.get('deny-leave-organization')!.policy),
      },
    },
  ]);
  const admins = entry(report, 'group:platform-admins', 'network', 'standing');
  assert.deepEqual(admins?.services, [
    { service: 'iam', gained: [], gainedConditional: [], lost: [], lostToGuardrails: [], narrowed: ['iam:CreateUser'], widened: [], dependsOn: ['aws:CurrentTime'] },
  ]);
  // the management account has no guardrail: nobody there is affected
  assert.ok(report.access.every((c) => c.account !== 'management'));
  assert.deepEqual(report.flags, []);
});
