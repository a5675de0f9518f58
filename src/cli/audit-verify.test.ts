/** `parapet audit verify`: generated exports on disk, untouched and tampered, through the real command line */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExport } from '../audit/audit-export.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

describe('parapet audit verify', () => {
  const root = mkdtempSync(join(tmpdir(), 'parapet-audit-verify-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const generated = generateExport(200, 16);
  let n = 0;
  const writeExport = (lines: readonly string[], notes: readonly string[] = generated.notes): string => {
    const dir = join(root, `export-${(n += 1)}`);
    mkdir(dir);
    writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'checkpoints.txt'), notes.join(''));
    writeFileSync(join(dir, 'public-key.txt'), generated.publicKey);
    return dir;
  };

  it('verifies an untouched export with exit status 0', async () => {
    const run = await runCli('audit', 'verify', writeExport(generated.lines));
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^ok: 200 events, 13 checkpoints, all 200 signed events verified\n$/u);
  });

  it('names the first bad event with exit status 1, in text and in json', async () => {
    const tampered = generated.lines.filter((_, i) => i !== 150);
    const dir = writeExport(tampered);
    const run = await runCli('audit', 'verify', dir);
    assert.equal(run.code, 1);
    assert.match(run.out, /^first bad event at line 151 \(event 150\): missing: /u);
    const json = await runCli('audit', 'verify', dir, '--json');
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.out) as { ok: boolean; problem: { kind: string; line: number; index: number } };
    assert.deepEqual([parsed.ok, parsed.problem.kind, parsed.problem.line, parsed.problem.index], [false, 'missing', 151, 150]);
  });

  it('fails with exit status 2 when a file of the export is missing', async () => {
    const run = await runCli('audit', 'verify', join(root, 'nowhere'));
    assert.equal(run.code, 2);
    assert.match(run.err, /public-key\.txt` does not exist/u);
  });
});

function mkdir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
