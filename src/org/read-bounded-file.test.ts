import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ParapetError, type ErrorCode } from '../policy/index.ts';
import { describeFsError, MAX_FILE_BYTES, readBoundedFile } from './read-bounded-file.ts';
import { CONFIG_DIR_LIMITS, readConfigDir } from './read-config-dir.ts';

const dir = mkdtempSync(join(tmpdir(), 'parapet-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fails(read: () => unknown, code: ErrorCode, path: string): void {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof ParapetError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.path, path);
    assert.ok(error.message.includes(`\`${path}\``), error.message);
    return true;
  });
}

describe('readBoundedFile', () => {
  test('a regular file within the limit is read whole, UTF-8', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, '{"é": "😀"}');
    assert.equal(readBoundedFile(path, 100), '{"é": "😀"}');
  });

  test('one byte over the limit is `file-too-large`; the limit itself is read', () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, 'x'.repeat(1000));
    assert.equal(readBoundedFile(path, 1000).length, 1000);
    fails(() => readBoundedFile(path, 999), 'file-too-large', path);
  });

  test('`/dev/zero` is `not-a-file`, refused before a byte is read', () => {
    fails(() => readBoundedFile('/dev/zero', MAX_FILE_BYTES.policy), 'not-a-file', '/dev/zero');
  });

  test('a FIFO with no writer is `not-a-file` at once, not a wait forever', () => {
    const path = join(dir, 'pipe.json');
    execFileSync('mkfifo', [path]);
    fails(() => readBoundedFile(path, MAX_FILE_BYTES.policy), 'not-a-file', path);
  });

  test('a folder is `is-a-folder`; a missing file is `not-found`', () => {
    fails(() => readBoundedFile(dir, 100), 'is-a-folder', dir);
    fails(() => readBoundedFile(join(dir, 'nope.json'), 100), 'not-found', join(dir, 'nope.json'));
  });

  test('file-system errors map to stable codes (permission denied cannot be produced as root, so the error is given)', () => {
    const denied = describeFsError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), 'p.json');
    assert.deepEqual([denied.code, denied.message], ['permission-denied', '`p.json`: permission denied: cannot read it']);
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'EIO' }), 'p.json').code, 'unreadable-file');
  });
});

describe('readConfigDir limits', () => {
  test('a folder without parapet.yaml is not walked: nothing is read, not even an oversized file', () => {
    const folder = join(dir, 'no-config');
    mkdirSync(join(folder, 'deep'), { recursive: true });
    writeFileSync(join(folder, 'deep/huge.json'), 'x'.repeat(MAX_FILE_BYTES.policy + 1));
    assert.deepEqual([...readConfigDir(folder)], []);
  });

  test('an oversized policy file is `file-too-large`, naming the file', () => {
    const folder = join(dir, 'large-policy');
    mkdirSync(join(folder, 'guardrails'), { recursive: true });
    writeFileSync(join(folder, 'parapet.yaml'), 'organization: {}\n');
    writeFileSync(join(folder, 'guardrails/huge.json'), `{"Statement":"${'x'.repeat(MAX_FILE_BYTES.policy)}"}`);
    fails(() => readConfigDir(folder), 'file-too-large', join(folder, 'guardrails/huge.json'));
  });

  test('parapet.yaml that is a FIFO is `not-a-file`, not skipped and not a hang', () => {
    const folder = join(dir, 'fifo-config');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'parapet.yaml')]);
    fails(() => readConfigDir(folder), 'not-a-file', join(folder, 'parapet.yaml'));
  });

  test('folders nested deeper than the limit are `folder-too-deep`', () => {
    const folder = join(dir, 'deep-config');
    const deepest = join(folder, ...Array.from({ length: CONFIG_DIR_LIMITS.depth + 1 }, (_, i) => `d${i}`));
    mkdirSync(deepest, { recursive: true });
    writeFileSync(join(folder, 'parapet.yaml'), 'organization: {}\n');
    assert.throws(() => readConfigDir(folder), (error: unknown) => error instanceof ParapetError && error.code === 'folder-too-deep' && error.path === deepest);
  });
});
