import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.test-support.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function brokenCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-validate-'));
  copies.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  const yaml = join(dir, 'parapet.yaml');
  const text = readFileSync(yaml, 'utf8')
    .replace('- { group: auditors,', '- { group: auditor,')
    .replace('accounts: [network, shared-services] }', 'accounts: [network, shared-services, network] }');
  writeFileSync(yaml, text);
  return dir;
}

test('a valid repository: a summary line, exit 0', async () => {
  const { code, out } = await runCli('validate', EXAMPLE);
  assert.equal(code, 0);
  assert.match(out, /: valid \(0 errors, 0 warnings\): 11 accounts in 6 units, 5 guardrails, 1 resource guardrail, 5 permission sets, 6 groups, \d+ assignments, 1 service account\n$/);
});

test('mistakes: file:line:column: severity code: message, then a summary, exit 1', async () => {
  const dir = brokenCopy();
  const { code, out } = await runCli('validate', dir);
  assert.equal(code, 1);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0] ?? '', new RegExp(`^${dir}/parapet\\.yaml:\\d+:\\d+: warning duplicate-entry: assignment 8: \`accounts\`: \`network\` is listed twice$`));
  assert.match(lines[1] ?? '', new RegExp(`^${dir}/parapet\\.yaml:\\d+:\\d+: error unknown-group: assignment 13: unknown group \`auditor\`: did you mean \`auditors\`$`));
  assert.equal(lines[2], `${dir}: invalid: 1 error, 1 warning`);
});

test('--json: one object with every issue, for machines', async () => {
  const dir = brokenCopy();
  const { code, out } = await runCli('validate', dir, '--json');
  assert.equal(code, 1);
  const report = JSON.parse(out) as { format: string; valid: boolean; errors: number; warnings: number; issues: { code: string; file: string; line: number; column: number }[] };
  assert.equal(report.format, 'parapet-validate/1');
  assert.equal(report.valid, false);
  assert.equal(report.errors, 1);
  assert.equal(report.warnings, 1);
  assert.deepEqual(
    report.issues.map((i) => [i.code, i.file]),
    [
      ['duplicate-entry', `${dir}/parapet.yaml`],
      ['unknown-group', `${dir}/parapet.yaml`],
    ],
  );
  const valid = JSON.parse((await runCli('validate', EXAMPLE, '--json')).out) as { valid: boolean; summary: { accounts: number } };
  assert.equal(valid.valid, true);
  assert.equal(valid.summary.accounts, 11);
});

test('warnings alone keep exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-validate-'));
  copies.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  const yaml = join(dir, 'parapet.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('accounts: [network, shared-services] }', 'accounts: [network, shared-services, network] }'));
  const { code, out } = await runCli('validate', dir);
  assert.equal(code, 0);
  assert.match(out, /: valid \(0 errors, 1 warning\)/);
});

test('a folder that does not exist: exit 2', async () => {
  const { code, err } = await runCli('validate', join(tmpdir(), 'parapet-no-such-folder'));
  assert.equal(code, 2);
  assert.match(err, /^parapet: no such folder: `.*parapet-no-such-folder`\n$/);
});

test('terminal control characters from the files are printed as escapes, never raw', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-validate-'));
  copies.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  const yaml = join(dir, 'parapet.yaml');
  // a name with an ESC sequence that would turn the terminal red, a member with a carriage return
  // that would overwrite the line it is on, a reference that would retitle the terminal window:
  // each is reported, quoting the value
  const text = readFileSync(yaml, 'utf8')
    .replace('groups:\n', 'groups:\n  "ops\\e[31mred": { members: ["eve\\r@acme.example"] }\n')
    .replace('assignments:\n', 'assignments:\n  - { group: "x\\e]0;owned\\a", permissionSet: admin, accounts: [audit] }\n');
  writeFileSync(yaml, text);
  for (const args of [['validate', dir], ['validate', dir, '--json']]) {
    const { out, err } = await runCli(...args);
    const printed = out + err;
    const raw = [...printed].filter((c) => {
      const point = c.charCodeAt(0);
      return (point < 0x20 && c !== '\n' && c !== '\t') || (point >= 0x7f && point <= 0x9f);
    });
    assert.deepEqual(raw, [], printed);
    if (args.includes('--json')) {
      // lossless: the escapes are JSON's own
      assert.ok(JSON.stringify(JSON.parse(out)).includes('eve\\r@acme.example'));
    } else {
      assert.match(printed, /warning suspicious-name: `groups`: `ops\\u\{001B\}\[31mred` has a control character \(U\+001B\)\n/);
      assert.match(printed, /member `eve\\u000d@acme\.example` is not a user name/);
      assert.match(printed, /unknown group `x\\u001b\]0;owned\\u0007`/);
    }
  }
});

test('the terminal sanitiser keeps tab and newline and escapes C1 and bidirectional controls', async () => {
  const { sanitizeTerminalText } = await import('./terminal-safe-io.ts');
  assert.equal(sanitizeTerminalText('a\tb\nc'), 'a\tb\nc');
  assert.equal(sanitizeTerminalText('\u009b2J\u202Eevil\u0007'), '\\u009b2J\\u202eevil\\u0007');
  // inside JSON text the escape is the same character
  assert.deepEqual(JSON.parse(sanitizeTerminalText(JSON.stringify({ name: '\u009b\u202E\u001b' }))), { name: '\u009b\u202E\u001b' });
});

test('a service account\'s GitHub trust: a branch name where a full ref belongs, and a second service account the same token would match', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-validate-'));
  copies.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  const yaml = join(dir, 'parapet.yaml');
  const text = readFileSync(yaml, 'utf8').replace(
    '      environment: production\n',
    '      environment: production\n  previewer:\n    permissionSet: read-only\n    accounts: [payments-staging]\n    github: { repository: acme/infra, ref: main }\n  planner:\n    permissionSet: read-only\n    accounts: [payments-staging]\n    github: { repository: acme/infra }\n',
  );
  writeFileSync(yaml, text);
  const { code, out } = await runCli('validate', dir);
  assert.equal(code, 1);
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /parapet\.yaml:\d+:\d+: error bad-github-ref: service account `previewer`: `github`: `ref`: `main` is not a full git ref, which the token's `ref` claim always is: write `refs\/heads\/main` for a branch/);
  assert.match(lines[1] ?? '', /parapet\.yaml:\d+:\d+: error ambiguous-github-trust: service account `planner`: a workflow run of `acme\/infra` on `refs\/heads\/main` in environment `production` would match both `deployer` \(line \d+\) and `planner`/);
  assert.match(lines[2] ?? '', /parapet\.yaml:\d+:\d+: warning unrestricted-github-trust: service account `planner`/);
  assert.equal(lines[3], `${dir}: invalid: 2 errors, 1 warning`);
});
