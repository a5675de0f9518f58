/**
 * The recorder on a real SQLite file with the server's worker-thread appender: an event its
 * schema refuses fails its own record only (the events recorded beside it are written), text a
 * caller sent that the log cannot hold as it is (a NUL, a lone surrogate) is recorded as U+FFFD,
 * a group recorded together lands in consecutive positions, and what was acknowledged is in the
 * log, which verifies. The same text on PostgreSQL (whose jsonb search columns refuse a NUL).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { verifyAuditExport } from '../audit/index.ts';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import { exportAuditLog, openStore } from '../store/index.ts';
import { startTestDatabases, withStore } from '../store/test-databases.test-support.ts';
import { workerAuditAppender } from './audit-appender.ts';
import { createAuditRecorder, storableCanonicalEvent } from './audit-recorder.ts';

const databases = await startTestDatabases();
after(() => Promise.all(databases.map((d) => d.stop())));

test('a bad event fails alone; hostile text is recorded as U+FFFD; a group lands together; the acknowledged log verifies', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'parapet-recorder-'));
  const file = join(folder, 'parapet.db');
  const store = await openStore({ kind: 'sqlite', file });
  try {
    await store.migrate();
    const recorder = createAuditRecorder({
      store,
      appender: await workerAuditAppender(file),
      publicUrl: 'http://parapet.test',
      keyEncryptionKey: Buffer.alloc(32, 1),
      clock: () => new Date('2026-12-06T12:00:00Z'),
    });
    // text from a caller: a lone surrogate has no RFC 8785 form, a NUL no place in PostgreSQL's jsonb
    const hostile = { ...sampleEvent(1), resource: 'arn:aws:s3:::bucket/\ud800\u0000', details: { 'key\udc00': 'a\u0000b' } };
    // an event its own schema refuses (no action) is the caller's bug: it fails alone
    const broken = { ...sampleEvent(6), action: '' };
    const results = await Promise.allSettled([
      recorder.record(sampleEvent(0)),
      recorder.record(hostile),
      recorder.record(broken),
      recorder.recordAll([sampleEvent(2), sampleEvent(3), sampleEvent(4)]),
      recorder.record(sampleEvent(5)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /does not match its schema/u);
    await recorder.stop();
    const lines: string[] = [];
    const { checkpoints } = await exportAuditLog(store, { event: (line) => void lines.push(line) });
    const events = lines.map((line) => (JSON.parse(line) as { event: { requestId: string; resource?: string; details?: Record<string, string> } }).event);
    assert.deepEqual(events.map((e) => e.requestId), ['req-0', 'req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    assert.equal(events[1]?.resource, 'arn:aws:s3:::bucket/\ufffd\ufffd');
    assert.deepEqual(events[1]?.details, { 'key\ufffd': 'a\ufffdb' });
    const verified = await verifyAuditExport({ events: lines, checkpoints, publicKey: recorder.verifierKey });
    assert.deepEqual(verified, { ok: true, events: 6, checkpoints: 1, verifiedSize: 6, unverifiedTail: 0 });
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('with batches pipelined to the worker thread, the log holds the events in the order they were recorded, and verifies', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'parapet-recorder-order-'));
  const file = join(folder, 'parapet.db');
  const store = await openStore({ kind: 'sqlite', file });
  try {
    await store.migrate();
    const appender = await workerAuditAppender(file);
    // two batches on their way at once, 250 events each: 2,000 events make eight of them
    assert.deepEqual([appender.depth, appender.batch], [2, 250]);
    const recorder = createAuditRecorder({ store, appender, publicUrl: 'http://parapet.test', keyEncryptionKey: Buffer.alloc(32, 1), clock: () => new Date('2026-12-06T12:00:00Z') });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => recorder.record(sampleEvent(i))));
    await recorder.stop();
    const lines: string[] = [];
    const { checkpoints } = await exportAuditLog(store, { event: (line) => void lines.push(line) });
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as { event: { requestId: string } }).event.requestId),
      Array.from({ length: 2000 }, (_, i) => `req-${i}`),
    );
    assert.equal((await verifyAuditExport({ events: lines, checkpoints, publicKey: recorder.verifierKey })).ok, true);
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('storableCanonicalEvent: each kind of text the log cannot hold is replaced alone; the text that only looks like one is kept', () => {
  const canonical = (event: object): unknown => {
    const text = storableCanonicalEvent({ ...sampleEvent(0), ...event });
    assert.equal(typeof text, 'string', String(text));
    return JSON.parse(text as string) as unknown;
  };
  // a NUL alone (JSON.stringify escapes it, so it hides in an escape of the canonical text)
  assert.deepEqual(canonical({ resource: 'a\u0000b' }), { ...sampleEvent(0), resource: 'a\ufffdb' });
  // a lone surrogate alone, high and low, in a value and in a key
  assert.deepEqual(canonical({ resource: 'x\ud83d', details: { 'k\ude00': 'v' } }), { ...sampleEvent(0), resource: 'x\ufffd', details: { 'k\ufffd': 'v' } });
  // a pair is one character, kept
  assert.deepEqual(canonical({ resource: 'x\ud83d\ude00' }), { ...sampleEvent(0), resource: 'x\u{1f600}' });
  // the six characters \\u0000 are text like any other: kept as they were sent
  assert.deepEqual(canonical({ resource: 'a\\u0000b' }), { ...sampleEvent(0), resource: 'a\\u0000b' });
  assert.match(String(storableCanonicalEvent({ ...sampleEvent(0), action: '' })), /does not match its schema/u);
});

for (const database of databases) {
  describe(`the audit recorder on ${database.name}`, () => {
    test('a NUL and lone surrogates from a caller are recorded as U+FFFD, searchable, and the log verifies', async () => {
      await withStore(await database.fresh(), async (store) => {
        await store.migrate();
        const recorder = createAuditRecorder({ store, publicUrl: 'http://parapet.test', keyEncryptionKey: Buffer.alloc(32, 1), clock: () => new Date('2026-12-06T12:00:00Z') });
        await recorder.record({ ...sampleEvent(0), action: 'patch-user\u0000', account: '\ud800', resource: 'scim:User/\u0000' });
        await recorder.stop();
        const lines: string[] = [];
        const { checkpoints } = await exportAuditLog(store, { event: (line) => void lines.push(line) });
        const event = (JSON.parse(lines[0] ?? '{}') as { event: { action: string; account: string; resource: string } }).event;
        assert.deepEqual([event.action, event.account, event.resource], ['patch-user\ufffd', '\ufffd', 'scim:User/\ufffd']);
        assert.equal((await verifyAuditExport({ events: lines, checkpoints, publicKey: recorder.verifierKey })).ok, true);
      });
    });
  });
}
