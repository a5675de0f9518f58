/**
 * One test per validation code: each copies examples/acme to a temporary folder, breaks one thing,
 * and checks that the mistake is reported with its code, in its file, on its line.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { unknownActionChecker } from '../catalog/unknown-action-checker.ts';
import type { ConfigIssue } from './config-issue.ts';
import { formatIssue } from '../policy/index.ts';
import { loadConfigDir } from './load-config-dir.ts';
import type { ParsedConfig } from './parse-config.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const checkAction = unknownActionChecker(loadCatalog());
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** a fresh copy of the example, without its access tests */
function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-acme-'));
  copies.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !source.startsWith(join(EXAMPLE, 'tests')) });
  return dir;
}

/** replaces the one occurrence of `from` in a file of the copy, and returns the line `to` starts on */
function edit(dir: string, file: string, from: string, to: string): number {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(from);
  assert.notEqual(at, -1, `\`${from}\` is not in ${file}`);
  assert.equal(text.indexOf(from, at + 1), -1, `\`${from}\` occurs more than once in ${file}`);
  writeFileSync(path, text.slice(0, at) + to + text.slice(at + from.length));
  return lineOf(dir, file, to);
}

function lineOf(dir: string, file: string, needle: string): number {
  const text = readFileSync(join(dir, file), 'utf8');
  const at = text.indexOf(needle);
  assert.notEqual(at, -1, `\`${needle}\` is not in ${file}`);
  return text.slice(0, at).split('\n').length;
}

function validate(dir: string): ParsedConfig {
  return loadConfigDir(dir, { checkAction });
}

/** the one issue with this code; checks its file and line */
function expectIssue(result: ParsedConfig, code: ConfigIssue['code'], source: string, line: number): ConfigIssue {
  const found = result.issues.filter((i) => i.code === code);
  const shown = result.issues.map((i) => formatIssue(i)).join('\n');
  assert.ok(found.length > 0, `no \`${code}\` issue among:\n${shown}`);
  const issue = found.find((i) => i.source === source && i.line === line);
  assert.ok(issue !== undefined, `no \`${code}\` at ${source}:${line} among:\n${shown}`);
  return issue;
}

function expectError(result: ParsedConfig, code: ConfigIssue['code'], source: string, line: number): ConfigIssue {
  assert.equal(result.ok, false, 'the configuration should be invalid');
  const issue = expectIssue(result, code, source, line);
  assert.equal(issue.severity, 'error');
  return issue;
}

function expectWarning(result: ParsedConfig, code: ConfigIssue['code'], source: string, line: number): ConfigIssue {
  assert.equal(result.ok, true, `a warning alone keeps the configuration valid:\n${result.issues.map((i) => formatIssue(i)).join('\n')}`);
  const issue = expectIssue(result, code, source, line);
  assert.equal(issue.severity, 'warning');
  return issue;
}

const YAML = 'parapet.yaml';

describe('the acme example', () => {
  test('is valid, without a warning', () => {
    const result = validate(copyExample());
    assert.deepEqual(result.issues.map((i) => formatIssue(i)), []);
    assert.equal(result.ok, true);
  });

  test('has the units, accounts and definitions the issue asks for', () => {
    const result = validate(copyExample());
    assert.ok(result.ok);
    const config = result.value;
    assert.deepEqual(
      config.organization.root.units.map((u) => [u.name, u.units.map((c) => c.name)]),
      [
        ['security', []],
        ['infrastructure', []],
        ['workloads', ['prod', 'staging']],
        ['sandbox', []],
      ],
    );
    assert.ok(config.accounts.size >= 8);
    assert.deepEqual(config.accounts.get('payments-prod'), {
      id: '400000000001',
      name: 'payments-prod',
      tags: { owner: 'payments', env: 'prod', data: 'pci' },
      units: ['workloads', 'prod'],
      at: { source: YAML, line: lineOf(EXAMPLE, YAML, '{ id: "400000000001"') , column: 17 },
    });
    assert.deepEqual([...config.guardrails.keys()].sort(), [
      'deny-leave-organization',
      'deny-other-regions',
      'full-access',
      'protect-audit-trail',
      'require-mfa-for-destructive',
    ]);
    assert.deepEqual([...config.resourceGuardrails.keys()], ['data-perimeter']);
    assert.equal(config.resourceGuardrails.get('data-perimeter')?.policy.type, 'rcp');
    assert.equal(config.guardrails.get('deny-other-regions')?.policy.type, 'scp');
    assert.deepEqual([...config.permissionSets.keys()], ['read-only', 'developer', 'deployer', 'admin', 'break-glass']);
    const developer = config.permissionSets.get('developer');
    assert.equal(developer?.boundary?.policy.type, 'permissionBoundary');
    assert.deepEqual(developer?.policies.map((p) => [p.file, p.policy.type]), [
      ['permission-sets/read-only.json', 'identity'],
      ['permission-sets/developer.json', 'identity'],
    ]);
    assert.equal(developer?.sessionDurationSeconds, 8 * 3600);
    assert.equal(config.permissionSets.get('admin')?.sessionDuration, '1h');
    assert.ok(config.assignments.some((a) => a.permissionSet === 'admin' && a.eligible));
    assert.deepEqual(config.serviceAccounts.get('deployer')?.permissionSet, 'deployer');
    assert.equal(config.organization.id, 'o-acme0example');
  });

  test('`organization.id` is optional', () => {
    const dir = copyExample();
    edit(dir, YAML, '  id: o-acme0example\n', '');
    const result = validate(dir);
    assert.ok(result.ok);
    assert.equal(result.value.organization.id, undefined);
    assert.equal('id' in result.value.organization, false);
  });
});

describe('validation codes', () => {
  test('missing-config: no parapet.yaml', () => {
    const dir = copyExample();
    unlinkSync(join(dir, YAML));
    expectError(validate(dir), 'missing-config', YAML, 1);
  });

  test('yaml-syntax: an unclosed flow list', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'resourceGuardrails: [data-perimeter]\n    accounts:', 'resourceGuardrails: [data-perimeter\n    accounts:');
    const issue = expectIssue(validate(dir), 'yaml-syntax', YAML, issueLine(validate(dir), 'yaml-syntax'));
    assert.equal(issue.severity, 'error');
    assert.ok(issue.line >= line, `reported at line ${issue.line}, the mistake is on ${line}`);
  });

  test('duplicate-key: a group defined twice', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '  auditors: { members: [heidi@acme.example] }\n', '  auditors: { members: [heidi@acme.example] }\n  auditors: { members: [ivan@acme.example] }\n') + 1;
    const issue = expectError(validate(dir), 'duplicate-key', YAML, line);
    assert.match(issue.message, /`auditors`/);
  });

  test('json-syntax: a missing comma in a guardrail', () => {
    const dir = copyExample();
    const line = edit(dir, 'guardrails/deny-leave-organization.json', '"Effect": "Deny",', '"Effect": "Deny"');
    const result = validate(dir);
    const issue = expectError(result, 'json-syntax', 'guardrails/deny-leave-organization.json', issueLine(result, 'json-syntax'));
    assert.ok(issue.line === line || issue.line === line + 1);
  });

  test('policy issues keep the engine codes, in their own files: an SCP parsed as an SCP', () => {
    const dir = copyExample();
    const line = edit(dir, 'guardrails/protect-audit-trail.json', '"Sid": "ProtectConfig",\n      "Effect": "Deny"', '"Sid": "ProtectConfig",\n      "Effect": "Denied"') + 1;
    const issue = expectError(validate(dir), 'bad-effect', 'guardrails/protect-audit-trail.json', line);
    assert.equal(issue.path, '$.Statement[1].Effect');
  });

  test('policy issues: a resource guardrail is parsed as an RCP (Allow is not supported)', () => {
    const dir = copyExample();
    const line = edit(dir, 'resource-guardrails/data-perimeter.json', '"Sid": "EnforceSecureTransport",\n      "Effect": "Deny"', '"Sid": "EnforceSecureTransport",\n      "Effect": "Allow"') + 1;
    expectError(validate(dir), 'rcp-allow-not-supported', 'resource-guardrails/data-perimeter.json', line);
  });

  test('policy issues: permission set policies are identity policies (no Principal)', () => {
    const dir = copyExample();
    const line = edit(dir, 'permission-sets/admin.json', '"Effect": "Allow",', '"Effect": "Allow",\n      "Principal": "*",') + 1;
    expectError(validate(dir), 'principal-not-allowed', 'permission-sets/admin.json', line);
  });

  test('policy issues: a boundary is parsed as a permissions boundary', () => {
    const dir = copyExample();
    const line = edit(dir, 'boundaries/deployer.json', '"Sid": "NoBoundaryRemoval",', '"Sid": "NoBoundaryRemoval",\n      "NotPrincipal": { "AWS": "arn:aws:iam::111111111111:root" },') + 1;
    const issue = expectError(validate(dir), 'principal-not-allowed', 'boundaries/deployer.json', line);
    assert.match(issue.message, /permissions boundary/);
  });

  test('unknown-action: a warning from the catalog, with a suggestion', () => {
    const dir = copyExample();
    const line = edit(dir, 'guardrails/require-mfa-for-destructive.json', '"ec2:TerminateInstances"', '"ec2:TerminateInstance"');
    const issue = expectWarning(validate(dir), 'unknown-action', 'guardrails/require-mfa-for-destructive.json', line);
    assert.match(issue.message, /did you mean `ec2:TerminateInstances`/);
  });

  test('wrong-type: `eligible` is not a boolean', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'accounts: [payments-prod], eligible: true }', 'accounts: [payments-prod], eligible: yes }');
    const issue = expectError(validate(dir), 'wrong-type', YAML, line);
    assert.match(issue.message, /assignment 2: `eligible` must be true or false, not the string `yes`/);
  });

  test('missing-field: a service account without a permission set', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '    permissionSet: deployer\n    accounts: [payments-prod,', '    accounts: [payments-prod,');
    const issue = expectError(validate(dir), 'missing-field', YAML, line);
    assert.match(issue.message, /service account `deployer`: missing `permissionSet`/);
  });

  test('unknown-field: a misspelt field, with a suggestion', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'policies: [permission-sets/admin.json]\n    sessionDuration: 1h', 'policies: [permission-sets/admin.json]\n    sessionDurration: 1h') + 1;
    const issue = expectError(validate(dir), 'unknown-field', YAML, line);
    assert.match(issue.message, /permission set `admin`: unknown field `sessionDurration`: did you mean `sessionDuration`/);
    assert.equal(issue.column, 5);
  });

  test('bad-name: a unit name with a space', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '- name: sandbox', '- name: sand box');
    expectError(validate(dir), 'bad-name', YAML, line);
  });

  test('suspicious-name: look-alike letters, invisible and bidirectional characters in names are warned about where they are', () => {
    const dir = copyExample();
    const cyrillicA = '\u0430';
    edit(dir, YAML, 'groups:\n', `groups:\n  p${cyrillicA}yments-devs: { members: [ev\u0435@acme.example] }\n`);
    edit(dir, YAML, '          - { id: "600000000002"', `          - { id: "600000000003", name: "sandbox\\u200Bdan" }\n          - { id: "600000000002"`);
    edit(dir, YAML, 'permissionSets:\n', 'permissionSets:\n  "admin\\u202Egnp": { policies: [permission-sets/r\u0435ad-only.json] }\n');
    const [groupLine, accountLine, setLine] = [`p${cyrillicA}yments-devs:`, 'sandbox\\u200Bdan', 'admin\\u202Egnp'].map((needle) => lineOf(dir, YAML, needle));
    writeFileSync(join(dir, 'permission-sets', 'r\u0435ad-only.json'), readFileSync(join(dir, 'permission-sets', 'read-only.json')));
    const result = validate(dir);
    const suspicious = result.issues.filter((i) => i.code === 'suspicious-name');
    assert.ok(suspicious.every((i) => i.severity === 'warning'));
    assert.deepEqual(
      suspicious.map((i) => `${i.line} ${i.path}: ${i.message}`).sort(),
      [
        `${accountLine} $.organization.root.units[3].accounts[1].name: account in unit \`sandbox\`: \`name\`: \`sandbox\\u{200B}dan\` has an invisible character (U+200B)`,
        `${groupLine} $.groups["p${cyrillicA}yments-devs"]: \`groups\`: \`p${cyrillicA}yments-devs\` mixes Latin and Cyrillic letters (Cyrillic \`${cyrillicA}\` U+0430): it can be mistaken for another name`,
        `${groupLine} $.groups["p${cyrillicA}yments-devs"].members[0]: group \`p${cyrillicA}yments-devs\`: member 0: \`ev\u0435@acme.example\` mixes Latin and Cyrillic letters (Cyrillic \`\u0435\` U+0435): it can be mistaken for another name`,
        `${setLine} $.permissionSets["admin\u202Egnp"]: \`permissionSets\`: \`admin\\u{202E}gnp\` has a bidirectional control character (U+202E), which changes the order text reads in`,
        `${setLine} $.permissionSets["admin\u202Egnp"].policies[0]: permission set \`admin\u202Egnp\`: \`policies\` item 0: \`permission-sets/r\u0435ad-only.json\` mixes Latin and Cyrillic letters (Cyrillic \`\u0435\` U+0435): it can be mistaken for another name`,
      ].sort(),
    );
    // plain names, and names in one other script, are not suspicious
    assert.equal(validate(copyExample()).issues.filter((i) => i.code === 'suspicious-name').length, 0);
  });

  test('bad-account-id: eleven digits', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '{ id: "300000000002"', '{ id: "30000000002"');
    const issue = expectError(validate(dir), 'bad-account-id', YAML, line);
    assert.match(issue.message, /`30000000002` is not an AWS account id: expected 12 digits/);
  });

  test('bad-account-id: an unquoted id, which YAML reads as a number', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'managementAccount: "100000000001"', 'managementAccount: 010000000001');
    const issue = expectError(validate(dir), 'bad-account-id', YAML, line);
    assert.match(issue.message, /write the account id in quotes, `"010000000001"`/);
  });

  test('bad-organization-id: not `o-` and 10 to 32 lower-case letters or digits', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'id: o-acme0example', 'id: o-Acme');
    const issue = expectError(validate(dir), 'bad-organization-id', YAML, line);
    assert.equal(issue.column, 7);
    assert.equal(issue.path, '$.organization.id');
    assert.match(issue.message, /^`organization.id`: `o-Acme` is not an AWS organization id: expected `o-` and 10 to 32 lower-case letters or digits/);
  });

  test('wrong-type: a number for `organization.id`', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'id: o-acme0example', 'id: 12');
    expectError(validate(dir), 'wrong-type', YAML, line);
  });

  test('bad-session-duration: longer than AWS allows', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'policies: [permission-sets/break-glass.json]\n    sessionDuration: 1h', 'policies: [permission-sets/break-glass.json]\n    sessionDuration: 24h') + 1;
    const issue = expectError(validate(dir), 'bad-session-duration', YAML, line);
    assert.match(issue.message, /`24h` is longer than 12 hours: AWS permission sets allow 1h to 12h/);
  });

  test('bad-path: a policy file outside the repository', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'boundary: boundaries/developer.json', 'boundary: ../developer.json');
    expectError(validate(dir), 'bad-path', YAML, line);
  });

  test('missing-file: a guardrail file that does not exist, with a suggestion', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'deny-other-regions: guardrails/deny-other-regions.json', 'deny-other-regions: guardrails/deny-other-region.json');
    const issue = expectError(validate(dir), 'missing-file', YAML, line);
    assert.match(issue.message, /did you mean `guardrails\/deny-other-regions.json`/);
  });

  test('unknown-guardrail: a misspelt guardrail, with a suggestion', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '[full-access, require-mfa-for-destructive]', '[full-access, require-mfa-for-destruction]');
    const issue = expectError(validate(dir), 'unknown-guardrail', YAML, line);
    assert.equal(issue.message, 'unit `workloads/prod`: unknown guardrail `require-mfa-for-destruction`: did you mean `require-mfa-for-destructive`');
  });

  test('unknown-guardrail: a resource guardrail attached as a guardrail says where it belongs', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'guardrails: [full-access]\n', 'guardrails: [full-access, data-perimeter]\n');
    const issue = expectError(validate(dir), 'unknown-guardrail', YAML, line);
    assert.match(issue.message, /`data-perimeter` is a resource guardrail: attach it under `resourceGuardrails`/);
  });

  test('unknown-resource-guardrail', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'resourceGuardrails: [data-perimeter]\n    accounts:', 'resourceGuardrails: [data-perimeters]\n    accounts:');
    expectError(validate(dir), 'unknown-resource-guardrail', YAML, line);
  });

  test('unknown-permission-set', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'permissionSet: deployer\n', 'permissionSet: deploy\n');
    expectError(validate(dir), 'unknown-permission-set', YAML, line);
  });

  test('unknown-group', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '- { group: auditors,', '- { group: auditor,');
    const issue = expectError(validate(dir), 'unknown-group', YAML, line);
    assert.match(issue.message, /did you mean `auditors`/);
  });

  test('unknown-account', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'accounts: [sandbox-carol] }', 'accounts: [sandbox-karol] }');
    const issue = expectError(validate(dir), 'unknown-account', YAML, line);
    assert.match(issue.message, /unknown account `sandbox-karol`: did you mean `sandbox-carol`/);
  });

  test('unknown-account: an id where a name belongs', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'accounts: [sandbox-carol] }', 'accounts: ["600000000002"] }');
    const issue = expectError(validate(dir), 'unknown-account', YAML, line);
    assert.match(issue.message, /is the id of account `sandbox-carol`: refer to accounts by name/);
  });

  test('duplicate-entry: an account listed twice in one assignment (a warning)', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'accounts: [network, shared-services] }', 'accounts: [network, shared-services, network] }');
    expectWarning(validate(dir), 'duplicate-entry', YAML, line);
  });

  test('unused-definition: a guardrail attached nowhere (a warning)', () => {
    const dir = copyExample();
    edit(dir, YAML, 'guardrails: [full-access, deny-leave-organization, deny-other-regions]', 'guardrails: [full-access, deny-other-regions]');
    const issue = expectWarning(validate(dir), 'unused-definition', YAML, lineOf(dir, YAML, '  deny-leave-organization: guardrails/'));
    assert.equal(issue.message, 'guardrail `deny-leave-organization` is not attached anywhere');
  });

  test('account-in-two-places: the same account under two units', () => {
    const dir = copyExample();
    const account = '{ id: "400000000002", name: checkout-prod, tags: { owner: checkout, env: prod } }';
    const line = edit(dir, YAML, '          - { id: "600000000002"', `          - ${account}\n          - { id: "600000000002"`);
    const issue = expectError(validate(dir), 'account-in-two-places', YAML, line);
    assert.match(issue.message, /account `checkout-prod` \(`400000000002`\) is in two places, `workloads\/prod` \(line \d+\) and `sandbox`/);
  });

  test('duplicate-account-id: two accounts with one id', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '{ id: "600000000002", name: sandbox-carol', '{ id: "600000000001", name: sandbox-carol');
    expectError(validate(dir), 'duplicate-account-id', YAML, line);
  });

  test('duplicate-account-name: two accounts with one name', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '{ id: "300000000002", name: shared-services', '{ id: "300000000002", name: network');
    expectError(validate(dir), 'duplicate-account-name', YAML, line);
  });

  test('duplicate-unit-name: two sibling units with one name', () => {
    const dir = copyExample();
    edit(dir, YAML, '- name: staging', '- name: prod');
    const issue = expectError(validate(dir), 'duplicate-unit-name', YAML, lineOf(dir, YAML, '- name: prod\n            guardrails: [full-access]\n'));
    assert.match(issue.message, /unit `workloads` has two units named `prod`/);
  });

  test('no-allow-at-level: a unit whose guardrails only deny', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'guardrails: [full-access]\n', 'guardrails: [deny-leave-organization]\n');
    const issue = expectError(validate(dir), 'no-allow-at-level', YAML, line);
    assert.equal(
      issue.message,
      'unit `workloads/staging`: no Allow statement in its guardrails (`deny-leave-organization`), so every account in it is locked out: AWS requires an Allow at every level from the root to the account: attach `full-access` here',
    );
    // reported once, at the level that lacks it, not for every account below
    assert.equal(validate(dir).issues.filter((i) => i.code === 'no-allow-at-level').length, 1);
  });

  test('no-allow-at-level: a unit without guardrails', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '      - name: sandbox\n        guardrails: [full-access, protect-audit-trail]\n', '      - name: sandbox\n');
    const issue = expectError(validate(dir), 'no-allow-at-level', YAML, line);
    assert.match(issue.message, /^unit `sandbox` has no guardrails, so every account in it is locked out/);
  });

  test('no-allow-at-level: an account with guardrails of its own that only deny', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'name: sandbox-carol, tags:', 'name: sandbox-carol, guardrails: [deny-leave-organization], tags:');
    const issue = expectError(validate(dir), 'no-allow-at-level', YAML, line);
    assert.match(issue.message, /^account `sandbox-carol`: no Allow statement/);
  });

  test('no-allow-only-management-account: deny-only guardrails on the management account warn, since SCPs do not apply there', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'name: management, tags:', 'name: management, guardrails: [deny-leave-organization], tags:');
    const result = validate(dir);
    const issue = expectWarning(result, 'no-allow-only-management-account', YAML, line);
    assert.match(issue.message, /^account `management`: no Allow statement in its guardrails \(`deny-leave-organization`\), but the only account it covers is the management account `100000000001`, and SCPs do not apply to the management account/);
    assert.doesNotMatch(issue.message, /locked out:/);
    assert.equal(result.issues.filter((i) => i.code === 'no-allow-at-level').length, 0);
    assert.equal(result.ok, true);
  });

  test('no-allow-only-management-account: a unit holding only the management account', () => {
    const dir = copyExample();
    edit(dir, YAML, '    accounts:\n      # the management account sits at the root; no SCP or RCP applies to it\n      - { id: "100000000001", name: management, tags: { owner: platform } }\n    units:\n', '    units:\n      - name: management\n        guardrails: [deny-leave-organization]\n        accounts:\n          - { id: "100000000001", name: management, tags: { owner: platform } }\n');
    const result = validate(dir);
    const issue = expectWarning(result, 'no-allow-only-management-account', YAML, lineOf(dir, YAML, '        guardrails: [deny-leave-organization]\n'));
    assert.match(issue.message, /^unit `management`: .*SCPs do not apply to the management account/);
    assert.equal(result.ok, true);
  });

  test('no-allow-at-level: a deny-only unit holding the management account and another account is still an error', () => {
    const dir = copyExample();
    edit(dir, YAML, '    accounts:\n      # the management account sits at the root; no SCP or RCP applies to it\n      - { id: "100000000001", name: management, tags: { owner: platform } }\n    units:\n', '    units:\n      - name: management\n        guardrails: [deny-leave-organization]\n        accounts:\n          - { id: "100000000001", name: management, tags: { owner: platform } }\n          - { id: "100000000009", name: tooling, tags: { owner: platform } }\n');
    const issue = expectError(validate(dir), 'no-allow-at-level', YAML, lineOf(dir, YAML, '        guardrails: [deny-leave-organization]\n'));
    assert.match(issue.message, /every account in it is locked out/);
  });

  test('policy-too-large: an SCP over 5,120 characters', () => {
    const dir = copyExample();
    const file = 'guardrails/deny-other-regions.json';
    const text = readFileSync(join(dir, file), 'utf8');
    writeFileSync(join(dir, file), text.replace(/\n/g, `\n${' '.repeat(120)}`));
    const issue = expectError(validate(dir), 'policy-too-large', file, 1);
    assert.match(issue.message, /^guardrail `deny-other-regions` is [\d,]+ characters, over AWS's limit of 5,120 for a service control policy \([\d,]+ without white space/);
  });

  test('policy-too-large: exactly 5,120 characters is within the limit', () => {
    const dir = copyExample();
    const file = 'guardrails/deny-other-regions.json';
    const text = readFileSync(join(dir, file), 'utf8');
    writeFileSync(join(dir, file), text + ' '.repeat(5120 - text.length));
    assert.equal(validate(dir).ok, true);
  });

  test('assignment-to-management-account (a warning)', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'accounts: [audit, log-archive, payments-prod, checkout-prod] }', 'accounts: [management] }');
    const issue = expectWarning(validate(dir), 'assignment-to-management-account', YAML, line);
    assert.match(issue.message, /no guardrail applies there/);
  });

  test('every mistake is reported at once, parapet.yaml first, by position', () => {
    const dir = copyExample();
    edit(dir, YAML, '- { group: auditors,', '- { group: auditor,');
    edit(dir, YAML, '- name: staging', '- name: prod');
    edit(dir, 'guardrails/deny-leave-organization.json', '"Effect": "Deny",', '"Effect": "Deny"');
    edit(dir, 'permission-sets/admin.json', '"Effect": "Allow",', '"Effect": "Alow",');
    const result = validate(dir);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.issues.map((i) => `${i.source} ${i.code}`),
      [
        'parapet.yaml duplicate-unit-name',
        'parapet.yaml unknown-group',
        'guardrails/deny-leave-organization.json json-syntax',
        'permission-sets/admin.json bad-effect',
      ],
    );
  });
});

function issueLine(result: ParsedConfig, code: ConfigIssue['code']): number {
  const issue = result.issues.find((i) => i.code === code);
  assert.ok(issue !== undefined, `no \`${code}\` issue`);
  return issue.line;
}

describe('service accounts: which GitHub Actions workflow runs may act as one (`github`)', () => {
  const TRUST = '    github:\n      repository: acme/infra\n      ref: refs/heads/main\n      environment: production\n';
  /** a second service account after the deployer, with this `github` entry (made before the deployer's is edited); the line of that entry */
  const addServiceAccount = (dir: string, github: string): number =>
    edit(dir, YAML, TRUST, `${TRUST}  previewer:\n    permissionSet: read-only\n    accounts: [payments-staging]\n    github:\n${github}`) + 8;

  test('the acme deployer: acme/infra on refs/heads/main in the production environment', () => {
    const result = validate(copyExample());
    assert.ok(result.ok);
    assert.deepEqual(result.value.serviceAccounts.get('deployer')?.github, {
      repository: 'acme/infra',
      refs: ['refs/heads/main'],
      environments: ['production'],
      at: { source: YAML, line: lineOf(EXAMPLE, YAML, '      repository: acme/infra'), column: 7 },
    });
  });

  test('`ref` and `environment` may be lists; `jobWorkflowRef` and `audience` are read; the fields left out do not restrict', () => {
    const dir = copyExample();
    addServiceAccount(dir, '      repository: acme/web\n      ref: refs/heads/main\n');
    edit(dir, YAML, '      ref: refs/heads/main\n      environment: production\n', '      ref: [refs/heads/main, refs/tags/v1]\n      environment: [production, production-eu]\n      jobWorkflowRef: acme/infra/.github/workflows/apply.yml@refs/heads/main\n      audience: https://parapet.acme.example\n');
    const result = validate(dir);
    assert.deepEqual(result.issues.map((i) => formatIssue(i)), []);
    assert.ok(result.ok);
    const deployer = result.value.serviceAccounts.get('deployer')?.github;
    assert.deepEqual(deployer?.refs, ['refs/heads/main', 'refs/tags/v1']);
    assert.deepEqual(deployer?.environments, ['production', 'production-eu']);
    assert.equal(deployer?.jobWorkflowRef, 'acme/infra/.github/workflows/apply.yml@refs/heads/main');
    assert.equal(deployer?.audience, 'https://parapet.acme.example');
    const previewer = result.value.serviceAccounts.get('previewer')?.github;
    assert.deepEqual(previewer && { ...previewer, at: undefined }, { repository: 'acme/web', refs: ['refs/heads/main'], at: undefined });
  });

  test('a service account without `github` is valid: no workflow run can act as it', () => {
    const dir = copyExample();
    edit(dir, YAML, TRUST, '');
    const result = validate(dir);
    assert.ok(result.ok);
    assert.equal(result.value.serviceAccounts.get('deployer')?.github, undefined);
  });

  test('unknown-field: a misspelt field of `github`, with a suggestion', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '      environment: production\n', '      enviroment: production\n');
    const issue = expectError(validate(dir), 'unknown-field', YAML, line);
    assert.equal(issue.message, 'service account `deployer`: `github`: unknown field `enviroment`: did you mean `environment`');
    assert.equal(issue.path, '$.serviceAccounts.deployer.github.enviroment');
  });

  test('missing-field: `github` without a repository', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '      repository: acme/infra\n      ref:', '      ref:');
    const issue = expectError(validate(dir), 'missing-field', YAML, line);
    assert.equal(issue.message, 'service account `deployer`: `github`: missing `repository`');
  });

  test('wrong-type: `github` is not a map; a ref that is a number; an empty list of environments', () => {
    const dir = copyExample();
    edit(dir, YAML, TRUST, '    github: acme/infra\n');
    const line = lineOf(dir, YAML, '    github: acme/infra');
    assert.match(expectError(validate(dir), 'wrong-type', YAML, line).message, /`github` must be a map, not the string `acme\/infra`/);
    const other = copyExample();
    const refLine = edit(other, YAML, 'ref: refs/heads/main', 'ref: 12');
    const envLine = edit(other, YAML, 'environment: production', 'environment: []');
    const result = validate(other);
    assert.match(expectError(result, 'wrong-type', YAML, refLine).message, /`ref` must be a string, not the number `12`/);
    assert.match(expectError(result, 'wrong-type', YAML, envLine).message, /`environment` is an empty list, which no workflow run matches/);
  });

  test('bad-github-repository: not `owner/name`; a URL says what to write; a wildcard is refused', () => {
    for (const [written, message] of [
      ['acme', /`acme` is not a GitHub repository: expected `owner\/name`/],
      ['acme/infra/extra', /is not a GitHub repository/],
      ['-acme/infra', /is not a GitHub repository/],
      ['https://github.com/acme/infra', /`https:\/\/github.com\/acme\/infra` is a URL: write the repository as `acme\/infra`/],
      ['acme/*', /wildcards are not supported: every value is matched exactly/],
    ] as const) {
      const dir = copyExample();
      const line = edit(dir, YAML, 'repository: acme/infra', `repository: "${written}"`);
      const issue = expectError(validate(dir), 'bad-github-repository', YAML, line);
      assert.match(issue.message, message);
      assert.equal(issue.path, '$.serviceAccounts.deployer.github.repository');
    }
  });

  test('bad-github-ref: a branch name that is not a full ref, with the ref to write; a wildcard; an empty part', () => {
    for (const [written, message] of [
      ['main', /`main` is not a full git ref, which the token's `ref` claim always is: write `refs\/heads\/main`/],
      ['heads/main', /write `refs\/heads\/main`/],
      ['refs/heads/*', /wildcards are not supported/],
      ['refs/heads//main', /expected `refs\/` and a path of non-empty parts/],
    ] as const) {
      const dir = copyExample();
      const line = edit(dir, YAML, 'ref: refs/heads/main', `ref: [refs/tags/v1, "${written}"]`);
      const issue = expectError(validate(dir), 'bad-github-ref', YAML, line);
      assert.match(issue.message, message);
      assert.equal(issue.path, '$.serviceAccounts.deployer.github.ref[1]');
    }
  });

  test('bad-github-environment, bad-github-workflow-ref, bad-audience', () => {
    const dir = copyExample();
    const envLine = edit(dir, YAML, 'environment: production', 'environment: "prod*"\n      jobWorkflowRef: acme/infra/apply.yml\n      audience: "two words"');
    const result = validate(dir);
    assert.match(expectError(result, 'bad-github-environment', YAML, envLine).message, /`prod\*` is not an environment name: wildcards are not supported/);
    assert.match(
      expectError(result, 'bad-github-workflow-ref', YAML, envLine + 1).message,
      /`acme\/infra\/apply.yml` is not a workflow ref: expected `owner\/name\/.github\/workflows\/FILE.yml@REF`/,
    );
    assert.match(expectError(result, 'bad-audience', YAML, envLine + 2).message, /`two words` is not an audience/);
  });

  test('ambiguous-github-trust: a second service account that the deployer\'s token would also match', () => {
    const dir = copyExample();
    // no environment: any run of acme/infra on main, the deployer's included
    const line = addServiceAccount(dir, '      repository: acme/infra\n      ref: [refs/heads/release, refs/heads/main]\n');
    const issue = expectError(validate(dir), 'ambiguous-github-trust', YAML, line);
    assert.equal(
      issue.message,
      `service account \`previewer\`: a workflow run of \`acme/infra\` on \`refs/heads/main\` in environment \`production\` would match both \`deployer\` (line ${lineOf(dir, YAML, '      repository: acme/infra')}) and \`previewer\`: ` +
        'a token must act as one service account: give them different `ref`, `environment` or `jobWorkflowRef` values',
    );
  });

  test('ambiguous-github-trust: GitHub\'s names are case-insensitive, so `Acme/Infra` is the same repository', () => {
    const dir = copyExample();
    const line = addServiceAccount(dir, '      repository: Acme/Infra\n      environment: production\n');
    expectError(validate(dir), 'ambiguous-github-trust', YAML, line);
  });

  test('not ambiguous: the same repository and ref in another environment, or another workflow', () => {
    const dir = copyExample();
    addServiceAccount(dir, '      repository: acme/infra\n      ref: refs/heads/main\n      environment: staging\n');
    assert.deepEqual(validate(dir).issues.map((i) => formatIssue(i)), []);
    const other = copyExample();
    addServiceAccount(other, '      repository: acme/infra\n      jobWorkflowRef: acme/infra/.github/workflows/preview.yml@refs/heads/main\n');
    edit(other, YAML, '      environment: production\n', '      environment: production\n      jobWorkflowRef: acme/infra/.github/workflows/apply.yml@refs/heads/main\n');
    assert.deepEqual(validate(other).issues.map((i) => formatIssue(i)), []);
  });

  test('unrestricted-github-trust: a repository alone lets any branch or pull request act as the service account (a warning)', () => {
    const dir = copyExample();
    edit(dir, YAML, '      ref: refs/heads/main\n      environment: production\n', '');
    const issue = expectWarning(validate(dir), 'unrestricted-github-trust', YAML, lineOf(dir, YAML, '      repository: acme/infra'));
    assert.match(issue.message, /service account `deployer`: any workflow run of `acme\/infra`, on any branch, tag or pull request, can act as it/);
  });
});

describe('AWS ids and names recorded by `parapet aws import`', () => {
  test('root, unit, account and guardrail ids and AWS names are read into the model', () => {
    const dir = copyExample();
    edit(dir, YAML, '  root:\n', '  root:\n    id: r-ab12\n');
    edit(dir, YAML, '      - name: security\n', '      - name: security\n        id: ou-ab12-cd34ef56\n        awsName: Security & Audit\n');
    edit(dir, YAML, '{ id: "200000000001", name: audit,', '{ id: "200000000001", name: audit, awsName: "Audit (prod)",');
    edit(dir, YAML, '  deny-leave-organization: guardrails/deny-leave-organization.json', '  deny-leave-organization: { file: guardrails/deny-leave-organization.json, id: p-ab12cd34, awsName: Deny leaving }');
    const result = validate(dir);
    assert.ok(result.ok, result.issues.map((i) => formatIssue(i)).join('\n'));
    const config = result.value;
    assert.equal(config.organization.root.awsId, 'r-ab12');
    const security = config.organization.root.units.find((u) => u.name === 'security');
    assert.deepEqual([security?.awsId, security?.awsName], ['ou-ab12-cd34ef56', 'Security & Audit']);
    assert.equal(config.accounts.get('audit')?.awsName, 'Audit (prod)');
    const guardrail = config.guardrails.get('deny-leave-organization');
    assert.deepEqual([guardrail?.file, guardrail?.awsId, guardrail?.awsName], ['guardrails/deny-leave-organization.json', 'p-ab12cd34', 'Deny leaving']);
  });

  test('bad-aws-id: a unit id not in AWS pattern', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '      - name: security\n', '      - name: security\n        id: r-ab12\n') + 1;
    const issue = expectError(validate(dir), 'bad-aws-id', YAML, line);
    assert.match(issue.message, /`r-ab12` is not an AWS unit id/);
  });

  test('bad-aws-name: an empty AWS name', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '      - name: security\n', '      - name: security\n        awsName: ""\n') + 1;
    expectError(validate(dir), 'bad-aws-name', YAML, line);
  });

  test('duplicate-aws-id: one AWS id on two units', () => {
    const dir = copyExample();
    edit(dir, YAML, '      - name: security\n', '      - name: security\n        id: ou-ab12-cd34ef56\n');
    const line = edit(dir, YAML, '      - name: infrastructure\n', '      - name: infrastructure\n        id: ou-ab12-cd34ef56\n') + 1;
    const issue = expectError(validate(dir), 'duplicate-aws-id', YAML, line);
    assert.match(issue.message, /unit `infrastructure`: AWS id `ou-ab12-cd34ef56` is also the id of unit `security`/);
  });

  test('a guardrail written as a map needs its file', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '  deny-leave-organization: guardrails/deny-leave-organization.json', '  deny-leave-organization: { id: p-ab12cd34 }');
    expectError(validate(dir), 'missing-field', YAML, line);
  });
});

describe('audit: who may read the audit log', () => {
  test('the example\'s readers: the auditors and the security team, no service account', () => {
    const result = validate(copyExample());
    assert.ok(result.ok);
    assert.deepEqual(result.value.audit, { readers: { groups: ['auditors', 'security-team'], serviceAccounts: [] } });
  });

  test('no `audit` section: no readers at all (nobody reads the log)', () => {
    const dir = copyExample();
    edit(dir, YAML, 'audit:\n  readers:\n    groups: [auditors, security-team]\n', '');
    const result = validate(dir);
    assert.ok(result.ok);
    assert.equal(result.value.audit, undefined);
  });

  test('unknown-group: a reader group the configuration does not define, with a suggestion', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'groups: [auditors, security-team]', 'groups: [auditor, security-team]');
    const issue = expectError(validate(dir), 'unknown-group', YAML, line);
    assert.match(issue.message, /`audit.readers.groups`: unknown group `auditor`: did you mean `auditors`/);
  });

  test('unknown-service-account: a reader that is not a service account', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'groups: [auditors, security-team]', 'groups: [auditors]\n    serviceAccounts: [deployer, siem]') + 1;
    const issue = expectError(validate(dir), 'unknown-service-account', YAML, line);
    assert.match(issue.message, /`audit.readers.serviceAccounts`: unknown service account `siem`/);
  });

  test('duplicate-entry: a reader listed twice is a warning', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'groups: [auditors, security-team]', 'groups: [auditors, auditors]');
    expectWarning(validate(dir), 'duplicate-entry', YAML, line);
  });

  test('unknown-field: a misspelt field of `audit.readers`', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, '    groups: [auditors, security-team]', '    group: [auditors, security-team]');
    const issue = expectError(validate(dir), 'unknown-field', YAML, line);
    assert.match(issue.message, /`audit.readers`: unknown field `group`: did you mean `groups`/);
  });

  test('a reader list that is not a list of names is reported where it is written', () => {
    const dir = copyExample();
    const line = edit(dir, YAML, 'groups: [auditors, security-team]', 'groups: auditors');
    const result = validate(dir);
    assert.equal(result.ok, false);
    assert.ok(result.issues.some((issue) => issue.line === line && issue.severity === 'error'), result.issues.map((i) => formatIssue(i)).join('\n'));
  });
});
