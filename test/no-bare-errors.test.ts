/**
 * ADR 0003: every thrown failure in the product code is a ParapetError with a stable code, so the
 * CLI and the server can map it; a bare `new Error` would reach the user as an internal error.
 * Test code (`*.test.ts`, `*.test-support.ts`) may throw what it likes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productFiles(path);
    return entry.name.endsWith('.ts') && !/\.test(-support)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

const files = productFiles(SRC);

function offending(pattern: RegExp, allowed: readonly string[] = []): string[] {
  return files.flatMap((file) => {
    const name = relative(SRC, file).replaceAll('\\', '/');
    if (allowed.includes(name)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (pattern.test(line) ? [`src/${name}:${index + 1}: ${line.trim()}`] : []));
  });
}

test('the product code is found (the scan looks where the code is)', () => {
  assert.ok(files.length > 100, `only ${files.length} files under src`);
  assert.ok(files.some((f) => f.endsWith('parapet-error.ts')));
});

test('no bare `throw new Error(` in src: every thrown failure is a ParapetError', () => {
  assert.deepEqual(offending(/\bthrow new (Error|TypeError|RangeError)\(/), []);
});

test('no error class but ParapetError in src', () => {
  assert.deepEqual(offending(/\bextends (Error|TypeError|RangeError)\b/, ['policy/parapet-error.ts']), []);
});
