import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Io } from './io.ts';
import { main } from './main.ts';

async function help(args: string[]): Promise<string> {
  let out = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (out += s) };
  assert.equal(await main([...args, '--help'], io), 0);
  return out;
}

test('`parapet --help` lists every command, with examples', async () => {
  const out = await help([]);
  for (const command of ['simulate', 'validate', 'test', 'who-can', 'what-can', 'plan']) assert.match(out, new RegExp(`^  ${command} `, 'm'));
  assert.match(out, /\nExamples:\n {2}parapet validate examples\/acme\n/);
  assert.match(out, /docs\/cli\.md/);
});

for (const command of ['simulate', 'validate', 'test', 'who-can', 'what-can', 'plan']) {
  test(`\`parapet ${command} --help\` documents --json, the exit status and examples`, async () => {
    const out = await help([command]);
    assert.match(out, /^ {2}--json /m);
    assert.match(out, /\nExit status: /);
    assert.match(out, new RegExp(`\nExamples:\n {2}parapet ${command} `));
  });
}

test('`parapet --version` prints the package version', async () => {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  let out = '';
  const code = await main(['--version'], { out: (s) => void (out += s), err: (s) => void (out += s) });
  assert.equal(code, 0);
  assert.equal(out.trim(), version);
});
