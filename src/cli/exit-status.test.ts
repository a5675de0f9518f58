import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ParapetError } from '../policy/index.ts';
import { exitStatus, FAILURE_STATUS } from './exit-status.ts';
import { runCli } from './run-cli.test-support.ts';

describe('the exit-status table', () => {
  test('has one row for every error code, and no other', () => {
    assert.deepEqual(Object.keys(FAILURE_STATUS).sort(), [...ERROR_CODES].sort());
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length, 'a code is listed twice');
  });

  test('a failure never exits 0 or 1 (those are answers)', () => {
    for (const code of ERROR_CODES) {
      const { exit } = FAILURE_STATUS[code];
      assert.ok(exit === 2 || exit === 3, `${code}: exit ${exit}`);
      assert.equal(exitStatus(code), exit);
    }
  });

  test('what the caller can fix is 2; what only Parapet can fix is 3', () => {
    for (const code of ['usage', 'invalid-input', 'not-found', 'conflict', 'unauthenticated', 'forbidden', 'file-too-large'] as const) {
      assert.equal(FAILURE_STATUS[code].exit, 2, code);
    }
    for (const code of ['internal', 'unavailable', 'catalog-data-missing', 'catalog-data-invalid'] as const) {
      assert.equal(FAILURE_STATUS[code].exit, 3, code);
    }
  });

  test('an answer: yes is 0, no is 1', () => {
    assert.equal(exitStatus('yes'), 0);
    assert.equal(exitStatus('no'), 1);
  });

  test('a ParapetError keeps its code, path and cause', () => {
    const cause = new Error('EACCES');
    const error = new ParapetError('permission-denied', '`x`: permission denied', { path: 'x', cause });
    assert.deepEqual([error.code, error.path, error.cause, error.message, error.name], ['permission-denied', 'x', cause, '`x`: permission denied', 'ParapetError']);
    assert.ok(error instanceof Error);
  });
});

// every command that reads a configuration repository, asking something that needs it
const EXAMPLE = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const COMMANDS: readonly (readonly [string, (dir: string) => string[]])[] = [
  ['validate', (dir) => ['validate', dir]],
  ['test', (dir) => ['test', dir]],
  ['who-can', (dir) => ['who-can', dir, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::acme-payments-data/x']],
  ['what-can', (dir) => ['what-can', dir, '--principal', 'group:payments-devs']],
  ['plan', (dir) => ['plan', '--from', EXAMPLE, '--to', dir]],
];

const scratch = mkdtempSync(join(tmpdir(), 'parapet-exit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function copyOfExample(name: string, change: (dir: string) => void): string {
  const dir = join(scratch, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  change(dir);
  return dir;
}

describe('every command maps the same failure to the same exit status', () => {
  test('a folder that does not exist: 2, one line naming it', async () => {
    const missing = join(scratch, 'nope');
    for (const [name, argv] of COMMANDS) {
      const { code, err } = await runCli(...argv(missing));
      assert.equal(code, 2, `${name}: ${err}`);
      // plan reads a name that is not a folder as a git revision, and says so
      assert.match(err, name === 'plan' ? /^parapet: unknown revision `[^`]*nope`/ : /^parapet: no such folder: `[^`]*nope`\n$/, name);
    }
  });

  test('a policy file larger than the most read: 2, one line naming it', async () => {
    const dir = copyOfExample('too-large', (d) => writeFileSync(join(d, 'boundaries', 'developer.json'), `{${' '.repeat(1024 * 1024)}}`));
    for (const [name, argv] of COMMANDS) {
      const { code, err } = await runCli(...argv(dir));
      assert.equal(code, 2, `${name}: ${err}`);
      assert.match(err, /^parapet: `[^`]*developer\.json` is larger than 1 MiB, the most read for this kind of file\n$/, name);
    }
  });

  test('an invalid configuration: invalid input (2) for every question asked of it, the answer "no" (1) for validate', async () => {
    const dir = copyOfExample('invalid', (d) => {
      const yaml = join(d, 'parapet.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('- { group: auditors,', '- { group: auditor,'));
    });
    for (const [name, argv] of COMMANDS) {
      const { code, out, err } = await runCli(...argv(dir));
      assert.equal(code, name === 'validate' ? 1 : 2, `${name}: ${err}`);
      assert.match(out + err, /error unknown-group: /, name);
    }
  });

  test('a wrong option: 2 for every command', async () => {
    for (const [name, argv] of COMMANDS) {
      const { code } = await runCli(...argv(EXAMPLE), '--no-such-option');
      assert.equal(code, 2, name);
    }
  });

  test('the same configuration, valid: 0 for every command that answers about it', async () => {
    for (const [name, argv] of COMMANDS) {
      const { code, err } = await runCli(...argv(EXAMPLE));
      assert.equal(code, 0, `${name}: ${err}`);
    }
  });
});
