import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ParapetError } from '../policy/index.ts';
import { readConfigDir } from './read-config-dir.ts';
import { normalizeFilePath } from './read-config-shape.ts';

const dir = mkdtempSync(join(tmpdir(), 'parapet-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('reads parapet.yaml and every JSON file, by relative path, skipping dot folders', () => {
  mkdirSync(join(dir, 'guardrails/nested'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'parapet.yaml'), 'organization: {}\n');
  writeFileSync(join(dir, 'guardrails/a.json'), '{}');
  writeFileSync(join(dir, 'guardrails/nested/b.json'), '[]');
  writeFileSync(join(dir, 'guardrails/notes.md'), '# notes');
  writeFileSync(join(dir, '.git/config.json'), '{}');
  assert.deepEqual(
    [...readConfigDir(dir).entries()],
    [
      ['guardrails/a.json', '{}'],
      ['guardrails/nested/b.json', '[]'],
      ['parapet.yaml', 'organization: {}\n'],
    ],
  );
});

test('a folder that does not exist is an error with a code', () => {
  assert.throws(() => readConfigDir(join(dir, 'nope')), (error: unknown) => error instanceof ParapetError && error.code === 'not-found');
});

test('file references are normalized relative to the repository', () => {
  assert.equal(normalizeFilePath('./guardrails/../guardrails/a.json'), 'guardrails/a.json');
  assert.deepEqual(normalizeFilePath('../a.json'), { problem: 'is outside the repository folder' });
  assert.deepEqual(normalizeFilePath('/etc/a.json'), { problem: 'is absolute: write it relative to the repository folder' });
  assert.deepEqual(normalizeFilePath('guardrails\\a.json'), { problem: 'uses `\\`: write paths with `/`' });
  assert.deepEqual(normalizeFilePath('guardrails/a.yaml'), { problem: 'is not a `.json` file: policies are JSON documents' });
});
