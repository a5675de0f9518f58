/**
 * The plan's JSON form and its markdown say the same facts: a pull request that gives a group
 * iam:PassRole on every role, changes an account's tag and edits a guardrail statement.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { acmeFiles, acmeVariant, parseValid, policyText } from '../org/acme-variant.test-support.ts';
import { parseConfig } from '../org/index.ts';
import { buildPlan, PLAN_FORMAT } from './build-plan.ts';
import { invalidPlanJson, planJson } from './plan-json.ts';
import { renderInvalidPlanMarkdown, renderPlanMarkdown } from './render-plan-markdown.ts';

const YAML = 'parapet.yaml';
const acme = parseValid(acmeFiles);
const after = acmeVariant(
  [
    [YAML, '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }', '  - { group: auditors, permissionSet: read-only, accounts: [audit, log-archive, payments-prod, checkout-prod] }\n  - { group: auditors, permissionSet: pass-roles, accounts: [audit] }'],
    [YAML, 'permissionSets:\n', 'permissionSets:\n  pass-roles:\n    policies: [permission-sets/pass-roles.json]\n'],
    ['guardrails/protect-audit-trail.json', '"cloudtrail:DeleteEventDataStore"', '"cloudtrail:DeleteEventDataStore",\n        "cloudtrail:StopEventDataStoreIngestion"'],
    [YAML, 'name: sandbox-carol, tags: { owner: carol@acme.example, env: sandbox }', 'name: sandbox-carol, tags: { owner: carol@acme.example, env: dev }'],
  ],
  { 'permission-sets/pass-roles.json': policyText([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]) },
);
const plan = buildPlan(acme, after, { catalog: loadCatalog(), from: 'main', to: 'feature' });

test('the JSON form survives a round trip, is tagged, and carries facts, not sentences', () => {
  const json = planJson(plan);
  const back = JSON.parse(JSON.stringify(json)) as typeof json;
  assert.deepEqual(back, json);
  assert.equal(back.format, PLAN_FORMAT);
  assert.equal(back.valid, true);
  assert.deepEqual(Object.keys(back).sort(), ['access', 'flags', 'format', 'from', 'impacts', 'stats', 'structural', 'summary', 'to', 'userAccess', 'valid']);
  // the rule by its id, with no description
  assert.deepEqual(back.impacts.flatMap((i) => i.newEscalations), [{ rule: 'pass-role', actions: ['iam:PassRole'], everywhere: true }]);
  const account = back.structural.find((c) => c.kind === 'account-changed');
  assert.deepEqual(account, { kind: 'account-changed', account: 'sandbox-carol', changes: [{ field: 'tag', key: 'env', from: 'sandbox', to: 'dev' }] });
  const edited = back.structural.find((c) => c.kind === 'guardrail-edited');
  assert.ok(edited?.kind === 'guardrail-edited');
  assert.deepEqual(edited.statements[0]?.change === 'changed' ? edited.statements[0].differences.actionsAdded : [], ['cloudtrail:StopEventDataStoreIngestion']);
});

test('the markdown says the facts of the JSON: the flagged principals, rules, structural changes and the counts', () => {
  const json = planJson(plan);
  const markdown = renderPlanMarkdown(plan);
  for (const flag of json.flags) {
    if (flag.principal !== undefined) assert.ok(markdown.includes(`\`${flag.principal}\``), flag.principal);
    assert.ok(markdown.includes(`\`${flag.account}\``), flag.account);
    if (flag.kind === 'privilege-escalation') for (const rule of flag.rules) assert.ok(markdown.includes(rule), rule);
  }
  assert.ok(markdown.includes('account `sandbox-carol`: tag `env` `sandbox` → `dev`'));
  assert.ok(markdown.includes('ProtectCloudTrail changed: actions +cloudtrail:StopEventDataStoreIngestion'));
  assert.ok(markdown.includes(`| structural changes | ${json.summary.structuralChanges} |`));
});

test('an invalid version: the JSON lists its errors by version, the markdown each of them', () => {
  const broken = parseConfig(new Map([...acmeFiles, [YAML, acmeFiles.get(YAML)!.replace('- { group: auditors,', '- { group: auditor,')]]));
  assert.ok(!broken.ok);
  const errors = broken.issues.filter((i) => i.severity === 'error');
  const report = { from: 'main', to: 'feature', issues: { from: [], to: errors } };
  const json = invalidPlanJson(report);
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  assert.equal(json.format, PLAN_FORMAT);
  assert.equal(json.valid, false);
  assert.deepEqual(json.issues.from, []);
  assert.deepEqual(json.issues.to.map((i) => [i.code, i.version]), errors.map((i) => [i.code, 'feature']));
  const markdown = renderInvalidPlanMarkdown(report);
  for (const issue of json.issues.to) assert.ok(markdown.includes(`feature/${issue.source}:${issue.line}:${issue.column}`), issue.message);
  assert.match(markdown, /Not a valid configuration: no plan/);
});
