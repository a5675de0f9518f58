/**
 * Issue #6, "stay bounded": for every command, an input that cannot be read (missing, a folder, a
 * device, a pipe, too large) or an output that cannot be written is one line naming the path with
 * exit status 2 (docs/cli.md), never a stack trace or a hang; a YAML alias bomb is a located issue.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, type CliRun } from './run-cli.test-support.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'parapet-cli-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, 'pipe.json');
execFileSync('mkfifo', [fifo]);
const missing = join(dir, 'missing', 'nothing.json');

/** exit status 2 and one line on standard error, naming the path; no trace */
function refused(run: CliRun, path: string, words: RegExp): void {
  assert.equal(run.code, 2, run.err);
  const lines = run.err.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.err);
  assert.ok(lines[0]!.startsWith('parapet: '), lines[0]);
  assert.ok(lines[0]!.includes(`\`${path}\``), lines[0]);
  assert.match(lines[0]!, words);
  assert.doesNotMatch(run.err, /\n\s+at /);
}

const adHoc = ['simulate', '--principal', 'arn:aws:iam::111111111111:user/a', '--action', 's3:GetObject'];

function copyExample(name: string): string {
  const copy = join(dir, name);
  cpSync(EXAMPLE, copy, { recursive: true });
  return copy;
}

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

describe('every command: unreadable inputs and unwritable outputs are one line with exit status 2', () => {
  test('simulate --case: a device, a pipe, a missing file', async () => {
    refused(await runCli('simulate', '--case', '/dev/zero'), '/dev/zero', /not a regular file/);
    refused(await runCli('simulate', '--case', fifo), fifo, /not a regular file/);
    refused(await runCli('simulate', '--case', missing), missing, /no such file/);
  });

  test('simulate ad hoc: a policy that is a folder, a device, or too large', async () => {
    refused(await runCli(...adHoc, '--identity', dir), dir, /is a folder/);
    refused(await runCli(...adHoc, '--scp', '/dev/zero'), '/dev/zero', /not a regular file/);
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"Version":"2012-10-17","Statement":[${'{"Effect":"Allow","Action":"*","Resource":"*"},'.repeat(30_000)}{}]}`);
    refused(await runCli(...adHoc, '--identity', big), big, /larger than 1 MiB/);
  });

  test('validate, test, who-can, what-can: a configuration whose parapet.yaml is a pipe', async () => {
    const folder = join(dir, 'fifo-config');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'parapet.yaml')]);
    const path = join(folder, 'parapet.yaml');
    refused(await runCli('validate', folder), path, /not a regular file/);
    refused(await runCli('test', folder), path, /not a regular file/);
    refused(await runCli('who-can', folder, '--action', 's3:GetObject', '--resource', '*'), path, /not a regular file/);
    refused(await runCli('what-can', folder, '--principal', 'group:x', '--account', 'y'), path, /not a regular file/);
  });

  test('test --junit and plan --output: a missing folder, a folder', async () => {
    const target = join(dir, 'no-such-folder', 'report.xml');
    refused(await runCli('test', EXAMPLE, '--junit', target), target, /cannot write .*its folder does not exist/);
    refused(await runCli('plan', '--from', EXAMPLE, '--to', EXAMPLE, '--output', dir), dir, /cannot write .*it is a folder/);
  });

  test('plan: a policy file too large in either version', async () => {
    const copy = copyExample('large-policy');
    const policy = join(copy, 'guardrails', 'huge.json');
    writeFileSync(policy, 'x'.repeat(1024 * 1024 + 1));
    refused(await runCli('plan', '--from', EXAMPLE, '--to', copy), policy, /larger than 1 MiB/);
  });

  test('plan on git revisions: a policy file too large at a revision, refused from its size before it is read', async () => {
    const repo = copyExample('large-at-revision');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'acme');
    writeFileSync(join(repo, 'guardrails', 'huge.json'), 'x'.repeat(1024 * 1024 + 1));
    git('add', '.');
    git('commit', '-q', '-m', 'huge');
    refused(await runCli('plan', '--repo', repo, '--from', 'main~1', '--to', 'main'), 'main:guardrails/huge.json', /larger than 1 MiB/);
  });

  test('validate DIR where DIR is a file', async () => {
    const file = join(dir, 'a-file.json');
    writeFileSync(file, '{}');
    refused(await runCli('validate', file), file, /no such folder/);
  });
});

describe('a YAML alias bomb is a located issue, in seconds', () => {
  test('in parapet.yaml: validate reports `yaml-alias-limit` with exit status 1; who-can stops with 2', async () => {
    const copy = copyExample('bomb-config');
    writeFileSync(join(copy, 'parapet.yaml'), BOMB);
    const validate = await runCli('validate', copy);
    assert.equal(validate.code, 1);
    assert.match(validate.out, /parapet\.yaml:\d+:\d+: error yaml-alias-limit: aliases expand to more than 100000 values/);
    const whoCan = await runCli('who-can', copy, '--action', 's3:GetObject', '--resource', '*');
    assert.equal(whoCan.code, 2);
    assert.match(whoCan.err, /error yaml-alias-limit/);
  });

  test('in an access test file: the file is invalid (exit status 2), the other files still run', async () => {
    const copy = copyExample('bomb-tests');
    writeFileSync(join(copy, 'tests', 'zz-bomb.yaml'), `${BOMB}\ntests: []\n`);
    const run = await runCli('test', copy);
    assert.equal(run.code, 2);
    assert.match(run.out, /tests\/zz-bomb\.yaml:6:\d+: error yaml-alias-limit/);
    assert.match(run.out, /PASS /);
  });
});
