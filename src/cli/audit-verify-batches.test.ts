/**
 * `parapet audit verify` on large exports: events.jsonl read in chunks of bytes, its lines checked
 * and hashed in worker threads, batch by batch. Small chunks cut a small export into dozens of
 * batches spread over two threads, so a tampered event lands in the second or the last batch, in
 * two batches at once, or in a line split between reads. Every case must give what the
 * in-thread reader and the line-by-line core (`verifyAuditExport` on the text's lines) give, and
 * the exact first bad event.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExport, sampleEvent } from '../audit/audit-export.test-support.ts';
import { auditLeafHash, exportLine } from '../audit/audit-record.ts';
import { verifyAuditExport, type AuditVerification } from '../audit/verify-export.ts';
import { verifyExportDir } from './audit-verify.ts';

const SIZE = 300;
const EVERY = 20;
/** about ten lines a batch: 30-odd batches */
const CHUNK = 4096;

describe('parapet audit verify in batches and threads', () => {
  const root = mkdtempSync(join(tmpdir(), 'parapet-audit-batches-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const generated = generateExport(SIZE, EVERY);
  let n = 0;
  const writeExport = (events: string | Uint8Array): string => {
    const dir = join(root, `export-${(n += 1)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.jsonl'), events);
    writeFileSync(join(dir, 'checkpoints.txt'), generated.notes.join(''));
    writeFileSync(join(dir, 'public-key.txt'), generated.publicKey);
    return dir;
  };
  const fileOf = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

  /** the result in two threads with small batches, checked against the in-thread reader and the line-by-line core */
  async function verifyEveryWay(events: string | Uint8Array, chunkBytes = CHUNK): Promise<AuditVerification> {
    const dir = writeExport(events);
    // every batch in the threads; then as by default, this thread checking some while they are busy
    const threaded = await verifyExportDir(dir, { workers: 2, chunkBytes, checkWhileWaiting: false });
    const mixed = await verifyExportDir(dir, { workers: 2, chunkBytes });
    const here = await verifyExportDir(dir, { workers: 0, chunkBytes });
    const whole = await verifyExportDir(dir, { workers: 0 });
    const text = typeof events === 'string' ? events : Buffer.from(events).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const core = await verifyAuditExport({ events: lines, checkpoints: generated.notes.join(''), publicKey: generated.publicKey });
    assert.deepEqual(mixed, threaded, 'threads and this thread');
    assert.deepEqual(here, threaded, 'in this thread');
    assert.deepEqual(whole, threaded, 'in one batch');
    assert.deepEqual(core, threaded, 'line by line');
    return threaded;
  }
  const where = (result: AuditVerification): unknown[] => [result.ok, result.problem?.kind, result.problem?.line, result.problem?.index];
  const altered = (lines: readonly string[], i: number): string[] => lines.map((line, k) => (k === i ? line.replace(`req-${i}"`, `req-${i}x"`) : line));

  it('verifies an untouched export cut into many batches', async () => {
    const result = await verifyEveryWay(fileOf(generated.lines));
    assert.deepEqual(result, { ok: true, events: SIZE, checkpoints: SIZE / EVERY, verifiedSize: SIZE, unverifiedTail: 0 });
  });

  it('names an altered event in the second batch and in the last one', async () => {
    assert.deepEqual(where(await verifyEveryWay(fileOf(altered(generated.lines, 12)))), [false, 'altered', 13, 12]);
    assert.deepEqual(where(await verifyEveryWay(fileOf(altered(generated.lines, SIZE - 1)))), [false, 'altered', SIZE, SIZE - 1]);
  });

  it('names the earlier of two problems in different batches', async () => {
    // two altered events: the earlier checkpoint fails first
    const twice = altered(altered(generated.lines, 250), 31);
    assert.deepEqual(where(await verifyEveryWay(fileOf(twice))), [false, 'altered', 32, 31]);
    // two malformed lines: reading stops at the first, whichever thread saw the later one first
    const malformed = generated.lines.map((line, k) => (k === 23 || k === 260 ? line.slice(0, 40) : line));
    const result = await verifyEveryWay(fileOf(malformed));
    assert.deepEqual(where(result), [false, 'malformed', 24, 23]);
    assert.equal(result.events, 23);
    // a missing event and a reordered pair further on
    const missing = generated.lines.filter((_, k) => k !== 57);
    [missing[200], missing[201]] = [missing[201] as string, missing[200] as string];
    assert.deepEqual(where(await verifyEveryWay(fileOf(missing))), [false, 'missing', 58, 57]);
  });

  it('joins a line split between reads, even when a line is longer than a read', async () => {
    const tampered = altered(generated.lines, 140);
    for (const chunk of [100, 377]) {
      assert.deepEqual(await verifyEveryWay(fileOf(generated.lines), chunk), { ok: true, events: SIZE, checkpoints: SIZE / EVERY, verifiedSize: SIZE, unverifiedTail: 0 }, `${chunk}`);
      assert.deepEqual(where(await verifyEveryWay(fileOf(tampered), chunk)), [false, 'altered', 141, 140], `${chunk}`);
    }
  });

  it('carries a line longer than the room kept before a read (64 KiB) whole into its batch', async () => {
    const long = generateExport(60, 20, 'parapet.test/audit', (i) => (i % 9 === 4 ? { ...sampleEvent(i), details: { blob: 'x'.repeat(70_000 + i) } } : sampleEvent(i)));
    const dir = join(root, `long-${(n += 1)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoints.txt'), long.notes.join(''));
    writeFileSync(join(dir, 'public-key.txt'), long.publicKey);
    const verifyLong = async (lines: readonly string[]): Promise<AuditVerification> => {
      writeFileSync(join(dir, 'events.jsonl'), fileOf(lines));
      const threaded = await verifyExportDir(dir, { workers: 2, chunkBytes: CHUNK, checkWhileWaiting: false });
      assert.deepEqual(await verifyExportDir(dir, { workers: 0, chunkBytes: 1000 }), threaded);
      assert.deepEqual(await verifyAuditExport({ events: lines, checkpoints: long.notes.join(''), publicKey: long.publicKey }), threaded);
      return threaded;
    };
    assert.equal((await verifyLong(long.lines)).ok, true);
    // the event after a long one altered, then the long one itself
    assert.deepEqual(where(await verifyLong(altered(long.lines, 23))), [false, 'altered', 24, 23]);
    assert.deepEqual(where(await verifyLong(long.lines.map((line, k) => (k === 22 ? line.replace('xxxx', 'xxxy') : line)))), [false, 'altered', 23, 22]);
  });

  it('reads carriage returns, a last line without a newline, an empty line and a cut last line as the core does', async () => {
    assert.equal((await verifyEveryWay(`${generated.lines.join('\r\n')}\r\n`)).ok, true);
    assert.equal((await verifyEveryWay(generated.lines.join('\n'))).ok, true);
    const empty = [...generated.lines.slice(0, 77), '', ...generated.lines.slice(77)];
    const result = await verifyEveryWay(fileOf(empty));
    assert.deepEqual(where(result), [false, 'malformed', 78, 77]);
    assert.match(result.problem?.message ?? '', /^line 78: empty line$/u);
    const cut = `${generated.lines.join('\n')}`.slice(0, -30);
    assert.deepEqual(where(await verifyEveryWay(cut)), [false, 'malformed', SIZE, SIZE - 1]);
  });

  it('hashes events that are not ASCII from their UTF-8 text, and names an invalid byte as an altered event', async () => {
    const accented = generateExport(SIZE, EVERY, 'parapet.test/audit', (i) =>
      i % 7 === 3 ? { ...sampleEvent(i), actor: { principal: `josé-${i}@exämple.com`, userAgent: 'naïve 😀 \u2028' } } : sampleEvent(i),
    );
    const dir = join(root, `accented-${(n += 1)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoints.txt'), accented.notes.join(''));
    writeFileSync(join(dir, 'public-key.txt'), accented.publicKey);
    const verifyAccented = async (events: Uint8Array | string): Promise<AuditVerification> => {
      writeFileSync(join(dir, 'events.jsonl'), events);
      const threaded = await verifyExportDir(dir, { workers: 2, chunkBytes: CHUNK, checkWhileWaiting: false });
      assert.deepEqual(await verifyExportDir(dir, { workers: 0 }), threaded);
      return threaded;
    };
    assert.equal((await verifyAccented(fileOf(accented.lines))).ok, true);
    // an invalid UTF-8 byte in event 45's text (its line is otherwise untouched)
    const bytes = Buffer.from(fileOf(accented.lines));
    const line45 = bytes.indexOf(Buffer.from('"req-45"'));
    bytes[line45 + 2] = 0xff;
    assert.deepEqual(where(await verifyAccented(bytes)), [false, 'altered', 46, 45]);
    // a forged event that is not ASCII, with a stored hash to match
    const forged = { ...sampleEvent(52), actor: { principal: 'mallöry@example.com' } };
    const lines = accented.lines.map((line, k) => (k === 52 ? exportLine(52, forged, auditLeafHash(52, forged)) : line));
    const result = await verifyAccented(fileOf(lines));
    assert.deepEqual([result.problem?.kind, result.problem?.index], ['altered', 40]);
    assert.match(result.problem?.message ?? '', /events 40\.\.59/u);
  });
});
