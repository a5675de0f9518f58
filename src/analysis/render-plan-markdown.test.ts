import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StructuralChange } from '../org/index.ts';
import { PLAN_FORMAT, type PlanReport } from './build-plan.ts';
import type { AccessChange, Impact } from './plan-access-impact.ts';
import { describeOutline, describeStatementChange, describeStructuralChange, renderPlanMarkdown } from './render-plan-markdown.ts';

function impact(i: number): Impact {
  const actions = Array.from({ length: 300 }, (_, a) => `svc${a % 30}:Action${i}x${a}`);
  const services = Array.from({ length: 30 }, (_, s) => {
    const gained = actions.filter((a) => a.startsWith(`svc${s}:`));
    return { service: `svc${s}`, gained, gainedConditional: gained.slice(0, 2), lost: [], lostToGuardrails: [], narrowed: [], widened: [], dependsOn: ['aws:RequestedRegion'] };
  });
  return { gained: 300, lost: 0, lostToGuardrails: 0, narrowed: 0, widened: 0, services, newEscalations: [] };
}

function change(i: number): AccessChange {
  return {
    principal: `group:team-${i}`,
    principalKind: 'group',
    account: `account-${i}`,
    accountId: '111111111111',
    mode: 'standing',
    permissionSets: { before: [], after: ['admin'] },
    impact: i,
  };
}

function report(access: AccessChange[], structural: StructuralChange[] = []): PlanReport {
  return {
    format: PLAN_FORMAT,
    from: 'main',
    to: 'HEAD',
    summary: {
      structuralChanges: structural.length,
      principals: { groups: access.length, users: 0, serviceAccounts: 0 },
      accessChanges: access.length,
      actionsGained: access.length * 300,
      actionsLost: 0,
      actionsLostToGuardrails: 0,
      flags: { 'admin-equivalent': 0, 'privilege-escalation': 0, 'guardrail-lockout': 0 },
    },
    flags: [],
    structural,
    impacts: access.map((c) => impact(c.impact)),
    access: access.map((c, i) => ({ ...c, impact: i })),
    userAccess: [],
    stats: { compared: 1000, recomputed: access.length, policySetsEvaluated: 3, decisions: 500 },
  };
}

test('a large plan stays under the size of a pull-request comment; the JSON has the rest', () => {
  const markdown = renderPlanMarkdown(report(Array.from({ length: 400 }, (_, i) => change(i))));
  assert.ok(markdown.length < 65_536, `${markdown.length} characters`);
  assert.match(markdown, /\| … and 350 more \(see `--json`\) \|/);
  assert.match(markdown, /… and \d+ more \(see `--json`\)\n/);
  // a service's ten actions are all shown; services are cut after fifteen
  assert.match(markdown, /- \*\*svc0\*\* gained 10, 2 of them conditional \(depending on `aws:RequestedRegion`\): `svc0:Action0x0`, .*`svc0:Action0x270`\n/);
  assert.doesNotMatch(markdown, /and 0 more/);
  assert.match(markdown, /- … and 15 more services\n/);
});

test('the summary table comes first', () => {
  const markdown = renderPlanMarkdown(report([change(1)]));
  const lines = markdown.split('\n');
  assert.deepEqual(lines.slice(0, 6), ['## Parapet plan: `main` → `HEAD`', '', '| | |', '|:--|--:|', '| structural changes | 0 |', '| principals whose access changed | 1 group, 0 users, 0 service accounts |']);
  assert.ok(markdown.indexOf('### Access changes') < markdown.indexOf('### Details'));
});

test('a change of the organization\'s own settings reads as one sentence', () => {
  const change: StructuralChange = {
    kind: 'organization-changed',
    changes: [
      { field: 'name', from: 'acme', to: 'acme-corp' },
      { field: 'id', to: 'o-acme0example' },
      { field: 'managementAccount', from: '100000000001', to: '999999999999' },
    ],
  };
  assert.deepEqual(describeStructuralChange(change), ['organization: name `acme` → `acme-corp`, id set: `o-acme0example`, management account `100000000001` → `999999999999`']);
  assert.deepEqual(describeStructuralChange({ kind: 'organization-changed', changes: [{ field: 'id', from: 'o-acme0example' }] }), ['organization: id removed (was `o-acme0example`)']);
});

test('every structural change reads as a sentence', () => {
  const changes: StructuralChange[] = [
    { kind: 'unit-moved', unit: 'staging', from: 'workloads/staging', to: 'sandbox/staging' },
    { kind: 'account-added', account: 'data-prod', id: '700000000001', unit: 'workloads/prod' },
    { kind: 'guardrail-detached', guardrailKind: 'rcp', guardrail: 'data-perimeter', node: { kind: 'root', name: 'root' } },
    { kind: 'guardrail-edited', guardrailKind: 'scp', guardrail: 'deny-regions', file: 'guardrails/deny-regions.json', statements: [
        {
          change: 'changed',
          statement: 'Regions',
          outline: { effect: 'Deny', notAction: true, actions: ['iam:*', 's3:*'], notResource: false, resources: ['*'], conditionKeys: ['aws:RequestedRegion'] },
          differences: { actionsAdded: ['s3:*'], actionsRemoved: [], resourcesAdded: [], resourcesRemoved: [], principalChanged: false },
        },
      ],
    },
    { kind: 'assignment-mode-changed', group: 'devs', permissionSet: 'admin', account: 'prod', from: 'standing', to: 'eligible' },
    {
      kind: 'permission-set-changed',
      permissionSet: 'developer',
      policiesAdded: [],
      policiesRemoved: ['permission-sets/old.json'],
      policiesEdited: [{ file: 'permission-sets/dev.json', statements: [{ change: 'added', statement: 'statement 3', outline: { effect: 'Allow', notAction: false, actions: ['iam:PassRole'], notResource: false, resources: ['*'], conditionKeys: [] } }] }],
      sessionDuration: { from: '8h', to: '4h' },
    },
    {
      kind: 'service-account-changed',
      serviceAccount: 'deployer',
      accountsAdded: [],
      accountsRemoved: [],
      github: { from: { repository: 'acme/infra', refs: ['refs/heads/main'], environments: ['production'] }, to: { repository: 'acme/infra', jobWorkflowRef: 'acme/infra/.github/workflows/apply.yml@refs/heads/main' } },
    },
    { kind: 'service-account-changed', serviceAccount: 'deployer', accountsAdded: [], accountsRemoved: [], github: { from: null, to: { repository: 'acme/infra', audience: 'parapet' } } },
    { kind: 'service-account-added', serviceAccount: 'previewer', permissionSet: 'read-only', accounts: ['staging'], github: { repository: 'acme/web', environments: ['staging', 'qa'] } },
  ];
  assert.deepEqual(changes.map(describeStructuralChange), [
    ['unit `staging` moved from `workloads/staging` to `sandbox/staging`'],
    ['account `data-prod` (`700000000001`) added in `workloads/prod`'],
    ['resource guardrail `data-perimeter` detached from the root'],
    ['guardrail `deny-regions` edited (`guardrails/deny-regions.json`)', 'Regions changed: not-actions +s3:\\*'],
    ['`devs` holds `admin` in `prod` eligible instead of standing'],
    [
      'permission set `developer` changed: policies removed: `permission-sets/old.json`; session duration 8h → 4h; policies edited: `permission-sets/dev.json`',
      '`permission-sets/dev.json`: statement 3 added: Allow iam:PassRole on \\*',
    ],
    [
      'service account `deployer`: who may act as it: GitHub Actions runs of `acme/infra` on `refs/heads/main` in environment `production` → ' +
        'GitHub Actions runs of `acme/infra` of workflow `acme/infra/.github/workflows/apply.yml@refs/heads/main`',
    ],
    ['service account `deployer`: who may act as it: no workflow run → GitHub Actions runs of `acme/infra` for audience `parapet`'],
    ['service account `previewer` added: `read-only` in `staging`; acting as it: GitHub Actions runs of `acme/web` in environment `staging`, `qa`'],
  ]);
});

test('names and free text from the configuration in structural changes are escaped', () => {
  const lines = [
    ...describeStructuralChange({
      kind: 'guardrail-edited',
      guardrailKind: 'scp',
      guardrail: 'deny|all',
      file: 'guardrails/x`y.json',
      statements: [
        {
          change: 'added',
          statement: '<img src=x onerror=alert(1)>',
          outline: { effect: 'Deny', notAction: false, actions: ['*'], notResource: false, resources: ['[x](https://evil.example)\nnew line'], conditionKeys: [] },
        },
      ],
    }),
    ...describeStructuralChange({ kind: 'account-changed', account: 'prod', changes: [{ field: 'tag', key: 'owner', from: 'a', to: '<b>b</b>' }, { field: 'id', from: '1', to: '2' }, { field: 'tag', key: 'new', to: 'x' }] }),
  ];
  assert.deepEqual(lines, [
    'guardrail <code>deny&#124;all</code> edited (<code>guardrails/x&#96;y.json</code>)',
    '\\<img src=x onerror=alert\\(1\\)\\> added: Deny \\* on \\[x\\]\\(https://evil.example\\)\\\\u\\{000A\\}new line',
    'account `prod`: tag `owner` `a` → `<b>b</b>`, id `1` → `2`, tag `new` added: `x`',
  ]);
});

test('a statement outline reads as one line, long lists cut', () => {
  const outline = { effect: 'Allow', notAction: false, actions: ['a:A', 'a:B', 'a:C', 'a:D', 'a:E', 'a:F'], notResource: false, resources: ['*'], conditionKeys: [] } as const;
  assert.equal(describeOutline(outline), 'Allow a:A, a:B, a:C, a:D and 2 more on *');
  assert.equal(describeOutline({ ...outline, effect: 'Deny', notAction: true, actions: ['iam:*', 'sts:*'], conditionKeys: ['aws:RequestedRegion'] }), 'Deny NotAction iam:*, sts:* on * when aws:RequestedRegion');
  assert.equal(
    describeStatementChange({
      change: 'changed',
      statement: 'NoDelete',
      outline: { ...outline, effect: 'Deny', notResource: true },
      differences: { effect: { from: 'Allow', to: 'Deny' }, notResource: { from: false, to: true }, actionsAdded: ['s3:PutBucketPolicy'], actionsRemoved: [], resourcesAdded: [], resourcesRemoved: ['arn:aws:s3:::a'], principalChanged: false, conditionKeys: ['aws:MultiFactorAuthPresent'] },
    }),
    'effect Allow → Deny; actions +s3:PutBucketPolicy; Resource → NotResource; not-resources −arn:aws:s3:::a; conditions changed (aws:MultiFactorAuthPresent)',
  );
});
