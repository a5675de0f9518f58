/**
 * A process killed after its events were durable but before a checkpoint covered them (the
 * checkpoint timer runs every few seconds) leaves a tail no signed tree head covers. The next
 * start signs one over it before it serves anything: the whole log verifies at once, with no
 * unverified tail, on a real SQLite file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyAuditExport } from '../audit/index.ts';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import { appendAuditEvents, exportAuditLog, latestAuditCheckpoint, openStore } from '../store/index.ts';
import { startAcmeServer } from './acme-server.test-support.ts';

test('a start covers the events a killed process left without a checkpoint', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'parapet-startup-checkpoint-'));
  const database = { kind: 'sqlite' as const, file: join(folder, 'parapet.db') };
  try {
    // what a killed process leaves: durable events, no checkpoint over them
    const before = await openStore(database);
    await before.migrate();
    await appendAuditEvents(before, [sampleEvent(0), sampleEvent(1), sampleEvent(2)]);
    assert.equal(await latestAuditCheckpoint(before), undefined);
    await before.close();

    const server = await startAcmeServer({ database });
    try {
      const checkpoint = await latestAuditCheckpoint(server.context.store);
      assert.ok(checkpoint !== undefined && checkpoint.size >= 3, `no checkpoint covers the 3 events: ${JSON.stringify(checkpoint?.size)}`);
      const lines: string[] = [];
      const { checkpoints } = await exportAuditLog(server.context.store, { event: (line) => void lines.push(line) });
      const result = await verifyAuditExport({ events: lines.slice(0, checkpoint.size), checkpoints, publicKey: server.context.audit.verifierKey });
      assert.deepEqual(result, { ok: true, events: checkpoint.size, checkpoints: 1, verifiedSize: checkpoint.size, unverifiedTail: 0 });
      assert.deepEqual(lines.slice(0, 3).map((line) => (JSON.parse(line) as { event: { requestId: string } }).event.requestId), ['req-0', 'req-1', 'req-2']);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
