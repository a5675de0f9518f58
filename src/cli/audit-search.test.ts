/**
 * `parapet audit search` and `parapet audit export` against a real listening server with the
 * example organization (readers: `auditors`, `security-team`): filters and pages, text and JSON;
 * an export `parapet audit verify` accepts; OCSF lines; a non-reader refused; usage mistakes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { AuditEvent } from '../contract/audit.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';

const fixture = await startSessionCliFixture();
const folder = mkdtempSync(join(tmpdir(), 'parapet-audit-cli-'));
after(async () => {
  await fixture.close();
  rmSync(folder, { recursive: true, force: true });
});

const T = Date.parse('2026-12-06T15:00:00Z');
const seeded: AuditEvent[] = Array.from({ length: 25 }, (_, i) => ({
  time: new Date(T + i * 1000).toISOString(),
  actor: { principal: i % 2 === 0 ? 'ivan@acme.example' : 'judy@acme.example', sourceIp: '10.1.1.1' },
  type: 'decision',
  action: i % 5 === 0 ? 'iam:CreateUser' : 's3:GetObject',
  account: '400000000001',
  outcome: i % 5 === 0 ? 'deny' : 'allow',
  requestId: `req-${i}`,
}));
await Promise.all(seeded.map((event) => fixture.server.context.audit.record(event)));

describe('parapet audit search', () => {
  test('filters, as a line an event or JSON Lines, following pages up to --limit', async () => {
    await fixture.signInAs('heidi@acme.example');
    const text = await runCli('audit', 'search', '--principal', 'ivan@acme.example', '--outcome', 'deny', '--since', '2026-12-06T15:00:00Z', '--until', '2026-12-06T16:00:00Z');
    assert.equal(text.code, 0, text.err);
    const lines = text.out.trim().split('\n');
    const expected = seeded.filter((e) => e.actor.principal === 'ivan@acme.example' && e.outcome === 'deny');
    assert.equal(lines.length, expected.length);
    assert.match(lines[0] ?? '', /^\d+ {2}2026-12-06T15:00:00\.000Z {2}decision {2}iam:CreateUser {2}deny {2}ivan@acme\.example {2}400000000001 {2}- {2}from 10\.1\.1\.1 {2}request req-0$/u);

    const json = await runCli('audit', 'search', '--type', 'decision', '--account', '400000000001', '--limit', '1000', '--json');
    assert.equal(json.code, 0, json.err);
    const found = json.out.trim().split('\n').map((line) => JSON.parse(line) as { index: number; event: AuditEvent });
    // recorded concurrently: in the order the log took them, which is the order of the indexes
    assert.deepEqual(found.map((f) => f.index), found.map((f) => f.index).sort((a, b) => a - b));
    assert.deepEqual(found.map((f) => f.event.requestId).sort(), seeded.map((e) => e.requestId).sort());

    const limited = await runCli('audit', 'search', '--type', 'decision', '--limit', '10', '--json');
    const limitedLines = limited.out.trim().split('\n').map((line) => JSON.parse(line) as { index?: number; nextCursor?: string });
    assert.equal(limitedLines.filter((line) => line.index !== undefined).length, 10);
    const cursor = limitedLines.at(-1)?.nextCursor;
    assert.ok(cursor !== undefined, 'the last line says where to go on');
    const rest = await runCli('audit', 'search', '--type', 'decision', '--limit', '1000', '--json', '--cursor', cursor);
    assert.equal(rest.out.trim().split('\n').length, seeded.length - 10);
  });

  test('usage mistakes and a caller who is not a reader', async () => {
    await fixture.signInAs('heidi@acme.example');
    assert.notEqual((await runCli('audit', 'search', '--limit', '0')).code, 0);
    assert.notEqual((await runCli('audit', 'search', '--type', 'login')).code, 0);
    const window = await runCli('audit', 'search', '--since', 'yesterday');
    assert.notEqual(window.code, 0);
    assert.match(window.err, /since/);
    await fixture.signInAs('bob@acme.example');
    const refused = await runCli('audit', 'search');
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /not an audit log reader/);
  });
});

describe('parapet audit export', () => {
  test('jsonl: a folder that `parapet audit verify` accepts', async () => {
    await fixture.signInAs('heidi@acme.example');
    await fixture.server.context.audit.checkpoint();
    const out = join(folder, 'export');
    const run = await runCli('audit', 'export', '--format', 'jsonl', '--out', out);
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /^parapet: exported \d+ audit events to `.*export` \(jsonl\); \d+ checkpoints/u);
    const verify = await runCli('audit', 'verify', out);
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.out, /^ok: /u);
    assert.equal(readFileSync(join(out, 'public-key.txt'), 'utf8').trim(), fixture.server.context.audit.verifierKey);
    // an export never lands among other files
    const again = await runCli('audit', 'export', '--format', 'jsonl', '--out', out);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /is not empty/);
    const noOut = await runCli('audit', 'export', '--format', 'jsonl');
    assert.notEqual(noOut.code, 0);
    assert.match(noOut.err, /--out DIR/);
  });

  test('ocsf: one OCSF event a line, to a file or to standard output', async () => {
    await fixture.signInAs('heidi@acme.example');
    const file = join(folder, 'ocsf.jsonl');
    const run = await runCli('audit', 'export', '--format', 'ocsf', '--out', file);
    assert.equal(run.code, 0, run.err);
    const events = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(events.length >= seeded.length);
    assert.ok(events.every((event) => event['class_uid'] === 6003 || event['class_uid'] === 3002));
    const decisions = events.filter((event) => (event['unmapped'] as { parapet: { type: string } }).parapet.type === 'decision');
    assert.equal(decisions.length, seeded.length);
    const stdout = await runCli('audit', 'export', '--format', 'ocsf');
    assert.equal(stdout.code, 0, stdout.err);
    assert.ok(stdout.out.trim().split('\n').length >= events.length);
    writeFileSync(join(folder, 'taken.jsonl'), 'x');
    assert.notEqual((await runCli('audit', 'export', '--format', 'ocsf', '--out', join(folder, 'taken.jsonl'))).code, 0, 'an existing file is not overwritten');
  });
});
