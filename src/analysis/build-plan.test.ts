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
import { ESCALATION_RULES } from './escalation-rules.ts';
import { accessOfKeys, evaluations, keyedAccesses, type AccessChange, type Impact } from './plan-access-impact.ts';
import { renderPlanMarkdown } from './render-plan-markdown.ts';

const catalog = loadCatalog();
const acme = parseValid(acmeFiles);
const YAML = 'parapet.yaml';

function plan(before: OrgConfig, after: OrgConfig): PlanReport {
  return buildPlan(before, after, { catalog, from: 'before', to: 'after' });
}

/** a group's or service account's change, with what changed; or a user's, found through the users' entries */
function entry(report: PlanReport, principal: string, account: string, mode: 'standing' | 'eligible'): (Impact & { permissionSets: AccessChange['permissionSets'] }) | undefined {
  const found = principal.startsWith('user:')
    ? report.userAccess.find((c) => c.sample.includes(principal.slice('user:'.length)) && c.account === account && c.mode === mode)
    : report.access.find((c) => c.principal === principal && c.account === account && c.mode === mode);
  return found === undefined ? undefined : { ...report.impacts[found.impact]!, permissionSets: found.permissionSets };
}

/** who a flag is about: a principal, or the users of an entry (by the sample) */
function whoOf(report: PlanReport, flag: PlanFlag): string[] {
  if (flag.principal !== undefined) return [flag.principal];
  return report.userAccess[flag.userAccess]!.sample.map((u) => `user:${u}`);
}

function flagsOf(report: PlanReport, kind: PlanFlag['kind']): PlanFlag[] {
  return report.flags.filter((f) => f.kind === kind);
}

/** the (principal, account, mode) holding a permission set, users counted one by one; in the given accounts only */
function held(config: OrgConfig, accounts?: ReadonlySet<string>): number {
  const keys = new Set<string>();
  for (const a of config.assignments) {
    const mode = a.eligible ? 'eligible' : 'standing';
    for (const account of a.accounts.filter((x) => accounts?.has(x) ?? true)) {
      keys.add(`group:${a.group} ${account} ${mode}`);
      for (const user of config.groups.get(a.group)?.members ?? []) keys.add(`user:${user} ${account} ${mode}`);
    }
  }
  for (const s of config.serviceAccounts.values()) for (const account of s.accounts.filter((x) => accounts?.has(x) ?? true)) keys.add(`service:${s.name} ${account} standing`);
  return keys.size;
}

/** how many actions some request is allowed, holding these permission sets in the account */
function allowedActions(config: OrgConfig, sets: readonly string[], account: string): number {
  const ev = evaluations(config, config, catalog);
  return accessOfKeys(ev, keyedAccesses(ev, 'after', sets, account)).positions.length;
}

const where = (report: PlanReport) => (f: PlanFlag) => whoOf(report, f).map((who) => `${who} ${f.account} ${f.mode}`).join(', ');

test('the same version twice: nothing changes and nothing is recomputed', () => {
  const report = plan(acme, parseValid(new Map(acmeFiles)));
  assert.deepEqual(report.structural, []);
  assert.deepEqual(report.access, []);
  assert.deepEqual(report.flags, []);
  assert.equal(report.stats.recomputed, 0);
  assert.equal(report.stats.policySetsEvaluated, 0);
  assert.equal(report.stats.compared, held(acme));
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
  assert.ok(lockouts.some((f) => where(report)(f) === 'group:payments-devs payments-staging standing'));
  assert.ok(lockouts.some((f) => where(report)(f) === 'service:deployer checkout-prod standing'));
  assert.deepEqual(lockouts[0], {
    principal: 'group:checkout-devs',
    account: 'checkout-prod',
    mode: 'eligible',
    impact: lockouts[0]?.impact,
    kind: 'guardrail-lockout',
    actions: 1,
    causes: [0],
  });
  assert.deepEqual(report.structural[0], { kind: 'guardrail-attached', guardrailKind: 'scp', guardrail: 'deny-bucket-deletion', node: { kind: 'unit', name: 'workloads' } });
  // every loss of s3:DeleteBucket to the guardrail is one impact, however many principals share it
  assert.equal(new Set(lockouts.map((f) => f.impact)).size, 1);
  assert.deepEqual(report.impacts[lockouts[0]!.impact]?.services.flatMap((s) => s.lostToGuardrails), ['s3:DeleteBucket']);
  // users counted one by one
  const lockedOut = lockouts.reduce((n, f) => n + (f.userAccess === undefined ? 1 : report.userAccess[f.userAccess]!.users), 0);
  assert.equal(report.summary.flags['guardrail-lockout'], lockedOut);
  assert.equal(report.summary.actionsLost, report.summary.actionsLostToGuardrails);
  // only what the guardrail touches was recomputed: the four workloads accounts
  const workloads = ['payments-prod', 'checkout-prod', 'payments-staging', 'checkout-staging'];
  assert.equal(report.stats.compared, held(acme));
  assert.equal(report.stats.recomputed, held(acme, new Set(workloads)));
  // each permission set held there evaluated once per unit (the two accounts of a unit have the
  // same policies in force) and version: prod holds five, staging four (no break-glass)
  const setsIn = (account: string) => new Set(acme.assignments.filter((a) => a.accounts.includes(account)).map((a) => a.permissionSet)).add('deployer').size;
  assert.deepEqual(workloads.map(setsIn), [5, 5, 4, 4]);
  assert.equal(report.stats.policySetsEvaluated, 2 * (5 + 4));

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
  assert.deepEqual(escalations.map(where(report)), ['group:auditors audit standing', 'user:heidi@acme.example audit standing']);
  assert.deepEqual(escalations[0], { principal: 'group:auditors', account: 'audit', mode: 'standing', impact: 0, kind: 'privilege-escalation', rules: ['pass-role'] });
  assert.deepEqual(report.impacts[0]?.newEscalations, [
    { rule: 'pass-role', actions: ['iam:PassRole'], everywhere: true },
  ]);
  // heidi, the auditors' one member, is one users' entry sharing the group's impact
  assert.deepEqual(report.userAccess, [
    { groups: ['auditors'], account: 'audit', accountId: report.access[0]?.accountId, mode: 'standing', permissionSets: { before: ['read-only'], after: ['pass-roles', 'read-only'] }, impact: 0, users: 1, sample: ['heidi@acme.example'] },
  ]);
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
  assert.ok(flagsOf(report, 'privilege-escalation').some((f) => where(report)(f) === 'group:auditors audit standing'));
  assert.ok(!flagsOf(report, 'privilege-escalation').some((f) => f.principal === 'group:payments-devs'));
});

test('admin for a group: admin-equivalent flagged once, without the escalations it implies', () => {
  const after = acmeVariant([[YAML, '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }', '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }\n  - { group: auditors, permissionSet: admin, accounts: [log-archive] }']]);
  const report = plan(acme, after);
  assert.deepEqual(
    report.flags.map((f) => `${f.kind} ${where(report)(f)}`),
    ['admin-equivalent group:auditors log-archive standing', 'admin-equivalent user:heidi@acme.example log-archive standing'],
  );
  const change = entry(report, 'group:auditors', 'log-archive', 'standing');
  assert.equal(change?.newAdmin, 'all-actions');
  // every escalation holds with admin; none did with read-only
  assert.deepEqual(change?.newEscalations.map((e) => e.rule), ESCALATION_RULES.map((r) => r.id));
  // admin allows all that read-only did, and more: exactly the difference is gained
  assert.deepEqual([change?.lost, change?.narrowed, change?.widened], [0, 0, 0]);
  assert.equal(change?.gained, allowedActions(after, ['admin'], 'log-archive') - allowedActions(acme, ['read-only'], 'log-archive'));
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
  const lockout = flagsOf(back, 'guardrail-lockout').find((f) => where(back)(f) === 'group:platform-admins network standing');
  assert.ok(lockout?.kind === 'guardrail-lockout');
  assert.ok(back.impacts[lockout.impact]?.services.some((s) => s.lostToGuardrails.includes('cloudtrail:StopLogging')));
  assert.deepEqual(lockout.causes.map((i) => back.structural[i]), [{ kind: 'account-moved', account: 'network', from: 'root', to: 'infrastructure' }]);
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
  const ivan = report.userAccess.filter((c) => c.sample.includes('ivan@acme.example'));
  assert.ok(ivan.every((c) => c.groups.join() === 'auditors'));
  // the new eligible billing is new to heidi too: one entry for both
  assert.deepEqual(ivan.map((c) => `${c.account} ${c.mode} ${c.sample.join(' ')}`).sort()[0], 'audit eligible heidi@acme.example ivan@acme.example');
  assert.ok(ivan.filter((c) => c.mode === 'standing').every((c) => c.users === 1));
  assert.deepEqual(ivan.map((c) => `${c.account} ${c.mode}`).sort(), ['audit eligible', 'audit standing', 'checkout-prod standing', 'log-archive standing', 'payments-prod standing']);
  assert.equal(entry(report, 'user:heidi@acme.example', 'audit', 'standing'), undefined);
});

test('an assignment made eligible: standing access lost, eligible gained, nothing flagged', () => {
  const after = acmeVariant([[YAML, '  - { group: checkout-devs, permissionSet: admin, accounts: [checkout-staging] }', '  - { group: checkout-devs, permissionSet: admin, accounts: [checkout-staging], eligible: true }']]);
  const report = plan(acme, after);
  assert.deepEqual(report.structural.map((c) => c.kind), ['assignment-mode-changed']);
  const standing = entry(report, 'group:checkout-devs', 'checkout-staging', 'standing');
  const eligible = entry(report, 'group:checkout-devs', 'checkout-staging', 'eligible');
  assert.equal(standing?.lostToGuardrails, 0);
  // the developer permission set stays standing: what it allows is not lost (one action is allowed for fewer requests)
  assert.equal(standing?.lost, allowedActions(acme, ['admin', 'developer'], 'checkout-staging') - allowedActions(acme, ['developer'], 'checkout-staging'));
  assert.deepEqual([standing?.gained, standing?.narrowed, standing?.widened], [0, 1, 0]);
  // all that admin allows is new in eligible mode
  assert.equal(eligible?.gained, allowedActions(after, ['admin'], 'checkout-staging'));
  assert.deepEqual([eligible?.lost, eligible?.narrowed, eligible?.widened], [0, 0, 0]);
  assert.ok(standing?.services.some((s) => s.service === 'iam' && s.lost.includes('iam:CreateRole')));
  assert.ok(!standing?.services.some((s) => s.service === 's3' && s.lost.includes('s3:GetObject')));
  assert.equal(eligible?.newAdmin, undefined);
  assert.deepEqual(report.flags, []);

  // the other way round, admin without approval is new standing access: flagged
  const back = plan(after, acme);
  assert.deepEqual(
    flagsOf(back, 'admin-equivalent').map(where(back)),
    // the group's two members: one entry
    ['group:checkout-devs checkout-staging standing', 'user:carol@acme.example checkout-staging standing, user:dan@acme.example checkout-staging standing'],
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
      statements: [
        {
          change: 'added',
          statement: 'DenyIamOutsideBusinessHours',
          outline: { effect: 'Deny', notAction: false, actions: ['iam:CreateUser'], notResource: false, resources: ['*'], conditionKeys: ['aws:CurrentTime'] },
        },
      ],
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

test('a group of thousands gaining admin in every account: the report does not grow with the members', () => {
  const accounts = [...acme.accounts.keys()].filter((a) => a !== 'management');
  const variant = (members: number, assigned: boolean) => {
    const names = Array.from({ length: members }, (_, i) => `user${String(i).padStart(6, '0')}@acme.example`);
    const assignment = assigned ? `  - { group: everyone, permissionSet: admin, accounts: [${accounts.join(', ')}] }\n` : '';
    return acmeVariant([
      [YAML, 'groups:\n', `groups:\n  everyone: { members: [${names.join(', ')}] }\n`],
      [YAML, 'assignments:\n', `assignments:\n${assignment}`],
    ]);
  };
  const report = (members: number) => plan(variant(members, false), variant(members, true));
  const small = report(100);
  const large = report(20_000);
  // one entry for the group's users per account, and what admin gives listed once per distinct change
  assert.equal(large.summary.principals.users, 20_000);
  assert.equal(large.summary.accessChanges, small.summary.accessChanges - 100 * accounts.length + 20_000 * accounts.length);
  assert.equal(large.userAccess.length, small.userAccess.length);
  assert.ok(large.userAccess.every((c) => c.groups.join() === 'everyone' && c.users === 20_000 && c.sample.length === 10));
  // two distinct changes: admin under the prod unit's MFA guardrail, and admin everywhere else
  const impactOf = (account: string) => large.access.find((c) => c.account === account)?.impact;
  assert.equal(large.impacts.length, 2);
  assert.deepEqual(accounts.map(impactOf), accounts.map((a) => (a.endsWith('-prod') ? impactOf('payments-prod') : impactOf('audit'))));
  assert.notEqual(impactOf('payments-prod'), impactOf('audit'));
  assert.equal(large.summary.flags['admin-equivalent'], accounts.length * 20_001);
  // the JSON differs only in the digits of the counts
  const digitless = (p: PlanReport) => JSON.stringify(p).replace(/\d+/g, '#');
  assert.equal(digitless(large), digitless(small));
  const markdown = renderPlanMarkdown(large);
  assert.ok(markdown.length < 65_536, `${markdown.length} characters`);
  assert.match(markdown, /20000 users through `group:everyone` in `audit` \(standing\)/);
});

test('hostile names in the configuration cannot break the markdown table or inject into the comment', () => {
  const group = 'ev|l`<script>x[a](evil.example)';
  const member = 'm|a`l<b>@x';
  const after = acmeVariant([
    [YAML, 'groups:\n', `groups:\n  ${JSON.stringify(group)}: { members: [${JSON.stringify(member)}] }\n`],
    [YAML, 'assignments:\n', `assignments:\n  - { group: ${JSON.stringify(group)}, permissionSet: read-only, accounts: [audit] }\n`],
  ]);
  const markdown = renderPlanMarkdown(plan(acme, after));
  const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
  assert.ok(rows.length > 4);
  // every row of the access tables has its seven cells: no name adds one
  const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;
  for (const row of rows.filter((r) => /\| (standing|eligible) \|/.test(r))) assert.equal(cells(row), 7, row);
  assert.ok(rows.some((r) => r.startsWith('| <code>group:ev&#124;l&#96;&#60;script&#62;x&#91;a&#93;&#40;evil.example&#41;</code> | `audit` |')), rows.join('\n'));
  assert.match(markdown, /1 user through <code>group:ev&#124;l/);
  assert.doesNotMatch(markdown, /<script|<b>|\]\(evil/);
});
