import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../org/parse-config.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { formatIssue } from '../policy/index.ts';
import { importOrganization } from './import-organization.ts';
import { FULL_AWS_ACCESS_ID, type LiveOrganization } from './live-organization.ts';
import { DENY_LEAVE, LIVE, unit } from './live-organization-fixture.test-support.ts';
import { MANAGED_TAG, NAME_TAG, planOrganization } from './plan-organization.ts';

const DENY_ROOT = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}';

/** the imported repository of LIVE, edited: `edits` replaces one text by another in parapet.yaml */
function configWith(edits: readonly (readonly [string, string])[], extraFiles: Record<string, string> = {}): OrgConfig {
  const files = new Map(importOrganization(LIVE));
  let yaml = files.get('parapet.yaml') ?? '';
  for (const [from, to] of edits) {
    assert.ok(yaml.includes(from), `\`${from}\` is not in parapet.yaml:\n${yaml}`);
    yaml = yaml.replace(from, to);
  }
  files.set('parapet.yaml', yaml);
  for (const [path, text] of Object.entries(extraFiles)) files.set(path, text);
  const parsed = parseConfig(files);
  assert.ok(parsed.ok, parsed.issues.map((i) => formatIssue(i)).join('\n') + '\n' + yaml);
  return parsed.value;
}

test('right after import the plan is empty: every object matched by its AWS id', () => {
  const plan = planOrganization(configWith([]), LIVE);
  assert.deepEqual([plan.changes, plan.problems, plan.notes], [[], [], []]);
});

test('a new guardrail, a moved account, a renamed unit, a new unit and a removed attachment: exactly those, in dependency order', () => {
  const config = configWith(
    [
      // a new guardrail, attached at workloads
      ['  # no account may leave', '  deny-root: guardrails/deny-root.json\n  # no account may leave'],
      ['name: workloads\n        awsName: "Workloads"\n        id: ou-ab12-33333333\n        guardrails: [full-access]', 'name: workloads\n        awsName: "Workloads"\n        id: ou-ab12-33333333\n        guardrails: [full-access, deny-root]'],
      // deny-leaving-the-org detached from the root
      ['    guardrails: [full-access, deny-leaving-the-org]\n    accounts:', '    guardrails: [full-access]\n    accounts:'],
      // the sandbox renamed in AWS
      ['awsName: "Sandbox"', 'awsName: "Sand box"'],
      // a new unit under workloads with its own accounts moved in
      ['            accounts:\n              - { id: "333333333333"', '            accounts:\n              - { id: "444444444444", name: new-account }\n          - name: staging\n            guardrails: [full-access]\n            accounts:\n              - { id: "333333333333"'],
    ],
    { 'guardrails/deny-root.json': DENY_ROOT },
  );
  const plan = planOrganization(config, LIVE);
  assert.deepEqual(plan.problems, []);
  const staging = { label: 'workloads/staging' };
  assert.deepEqual(plan.changes, [
    {
      kind: 'create-policy',
      policy: { name: 'deny-root' },
      policyType: 'SERVICE_CONTROL_POLICY',
      awsName: 'deny-root',
      // the document as the engine read it, every value a list
      content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]}}}]}',
    },
    { kind: 'create-unit', unit: staging, parent: { id: 'ou-ab12-33333333', label: 'workloads' }, awsName: 'staging' },
    { kind: 'rename-unit', unit: { id: 'ou-ab12-11111111', label: 'sandbox' }, from: 'Sandbox', to: 'Sand box' },
    { kind: 'move-account', account: { id: '333333333333', label: 'payments-prod-2' }, from: { id: 'ou-ab12-44444444', label: 'workloads/prod' }, to: staging },
    { kind: 'attach-policy', policy: { name: 'deny-root' }, target: { id: 'ou-ab12-33333333', label: 'workloads' } },
    { kind: 'detach-policy', policy: { id: DENY_LEAVE.id, name: 'deny-leaving-the-org' }, target: { id: 'r-ab12', label: 'root' } },
  ]);
  assert.deepEqual(plan.notes, ['account `new-account` (`444444444444`) is not in organization `o-abcdefghij`: Parapet does not create or invite accounts']);
});

test('a changed document or AWS name updates the policy found by its id', () => {
  const config = configWith([['awsName: "Deny: leaving the org"', 'awsName: "Deny leaving"']], {
    'guardrails/deny-leaving-the-org.json': '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["organizations:LeaveOrganization","account:CloseAccount"],"Resource":"*"}]}',
  });
  const plan = planOrganization(config, LIVE);
  assert.deepEqual(plan.changes, [
    {
      kind: 'update-policy',
      policy: { id: DENY_LEAVE.id, name: 'deny-leaving-the-org' },
      awsName: { from: 'Deny: leaving the org', to: 'Deny leaving' },
      content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["organizations:LeaveOrganization","account:CloseAccount"],"Resource":["*"]}]}',
    },
  ]);
});

test('a document that says the same in other words is no change', () => {
  const config = configWith([], {
    'guardrails/deny-leaving-the-org.json': '{ "Statement": [ { "Resource": "*", "Action": ["organizations:LeaveOrganization"], "Effect": "Deny" } ], "Version": "2012-10-17" }',
  });
  assert.deepEqual(planOrganization(config, LIVE).changes, []);
});

test('an account without guardrails of its own is FullAWSAccess alone: anything else attached there is detached', () => {
  const config = configWith([['name: payments-prod-2, awsName: "Payments Prod", guardrails: [full-access, deny-leaving-the-org]', 'name: payments-prod-2, awsName: "Payments Prod"']]);
  assert.deepEqual(planOrganization(config, LIVE).changes, [
    { kind: 'detach-policy', policy: { id: DENY_LEAVE.id, name: 'deny-leaving-the-org' }, target: { id: '333333333333', label: 'payments-prod-2' } },
  ]);
});

test('only what Parapet manages is deleted; the rest is left alone and said so', () => {
  const live: LiveOrganization = {
    ...LIVE,
    policies: [...LIVE.policies, { ...DENY_LEAVE, id: 'p-managed01', name: 'old', tags: { [MANAGED_TAG]: 'true', [NAME_TAG]: 'old' } }, { ...DENY_LEAVE, id: 'p-theirs001', name: 'theirs' }],
    root: {
      ...LIVE.root,
      units: [...LIVE.root.units, unit('ou-ab12-55555555', 'Old', { tags: { [MANAGED_TAG]: 'true' } }), unit('ou-ab12-66666666', 'Theirs')],
    },
  };
  const plan = planOrganization(configWith([]), live);
  assert.deepEqual(plan.changes, [
    { kind: 'delete-unit', unit: { id: 'ou-ab12-55555555', label: 'Old' } },
    { kind: 'delete-policy', policy: { id: 'p-managed01', name: 'old' } },
  ]);
  assert.deepEqual(plan.notes, [
    'unit `Theirs` (`ou-ab12-66666666`) is not in the configuration and not managed by Parapet: left alone',
    'policy `theirs` (`p-theirs001`) is not in the configuration and not managed by Parapet: left alone',
  ]);
});

test('never by name alone: a new unit named like a live unit Parapet does not manage is a problem, not a match', () => {
  const config = configWith([['          - name: prod\n            awsName: "Prod"\n            id: ou-ab12-22222222', '          - name: prod\n            awsName: "Prod"']]);
  const plan = planOrganization(config, LIVE);
  assert.deepEqual(plan.problems, [
    'unit `sandbox/prod`: AWS already has a unit `Prod` (`ou-ab12-22222222`) there that Parapet does not manage: record its id (`id: ou-ab12-22222222`) to manage it, or choose another name',
  ]);
});

test('a unit Parapet created (tagged) is found again without a recorded id: a second plan after apply is empty', () => {
  const config = configWith([['          - name: prod\n            awsName: "Prod"\n            id: ou-ab12-22222222', '          - name: prod\n            awsName: "Prod"']]);
  const [sandbox, workloads] = LIVE.root.units;
  const tagged = { ...sandbox!, units: [{ ...sandbox!.units[0]!, tags: { [MANAGED_TAG]: 'true' } }] };
  const plan = planOrganization(config, { ...LIVE, root: { ...LIVE.root, units: [tagged, workloads!] } });
  assert.deepEqual([plan.changes, plan.problems], [[], []]);
});

test('FullAWSAccess: a guardrail without an id that says what it says is AWS\'s own; one that says more cannot change it', () => {
  const same = configWith([['full-access: { file: guardrails/full-access.json, id: p-FullAWSAccess, awsName: "FullAWSAccess" }', 'full-access: guardrails/full-access.json']]);
  assert.deepEqual(planOrganization(same, LIVE).changes, []);
  const other = configWith([], { 'guardrails/full-access.json': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
  assert.deepEqual(planOrganization(other, LIVE).problems, [
    'guardrail `full-access`: `FullAWSAccess` is managed by AWS and cannot be changed, but its file says something else',
  ]);
});

test('a unit recorded under another parent than AWS has it: AWS cannot move units', () => {
  const config = configWith([
    ['id: ou-ab12-22222222', 'id: SWAP'],
    ['id: ou-ab12-44444444', 'id: ou-ab12-22222222'],
    ['id: SWAP', 'id: ou-ab12-44444444'],
  ]);
  assert.match(planOrganization(config, LIVE).problems.join('\n'), /unit `sandbox\/prod` \(`ou-ab12-44444444`\) is under `ou-ab12-33333333` in AWS, not under `sandbox`: AWS cannot move a unit/);
});

test('a configuration of another organization is refused', () => {
  const plan = planOrganization(configWith([['    id: r-ab12\n', '    id: r-zz99\n']]), LIVE);
  assert.match(plan.problems[0] ?? '', /the configuration's root is `r-zz99`, the organization's `r-ab12`/);
  assert.ok(FULL_AWS_ACCESS_ID);
});
