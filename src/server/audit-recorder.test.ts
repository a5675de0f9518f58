/**
 * The recorder on a real SQLite file with the server's worker-thread appender: an event with no
 * canonical form fails its own record only (the events recorded beside it are written), a group
 * recorded together lands in consecutive positions, and what was acknowledged is in the log,
 * which verifies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyAuditExport } from '../audit/index.ts';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import { exportAuditLog, openStore } from '../store/index.ts';
import { workerAuditAppender } from './audit-appender.ts';
import { createAuditRecorder } from './audit-recorder.ts';

test('a bad event fails alone; a group lands together; the acknowledged log verifies', async () => {
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
    // a lone surrogate (from a caller's JSON) has no RFC 8785 form
    const lone = { ...sampleEvent(1), resource: 'arn:aws:s3:::bucket/\ud800' };
    const results = await Promise.allSettled([
      recorder.record(sampleEvent(0)),
      recorder.record(lone),
      recorder.recordAll([sampleEvent(2), sampleEvent(3), sampleEvent(4)]),
      recorder.record(sampleEvent(5)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const refused = results[1] as PromiseRejectedResult;
    assert.match(String(refused.reason), /cannot be written in canonical form/u);
    await recorder.stop();
    const lines: string[] = [];
    const { checkpoints } = await exportAuditLog(store, { event: (line) => void lines.push(line) });
    const requestIds = lines.map((line) => (JSON.parse(line) as { event: { requestId: string } }).event.requestId);
    assert.deepEqual(requestIds, ['req-0', 'req-2', 'req-3', 'req-4', 'req-5']);
    const verified = await verifyAuditExport({ events: lines, checkpoints, publicKey: recorder.verifierKey });
    assert.deepEqual(verified, { ok: true, events: 5, checkpoints: 1, verifiedSize: 5, unverifiedTail: 0 });
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
