/**
 * The audit log survives a crash (#10): `parapet serve` as a separate process, recording every
 * decision (`auditDecisions`), under concurrent load, is killed with SIGKILL. After a restart on
 * the same database every acknowledged event (a decision whose answer was received) is in the
 * log, and `parapet audit export` of the log verifies with `parapet audit verify`. On a SQLite
 * file and on PostgreSQL, at a size that fits CI: a second or so of load.
 *
 * The scenario is test/e2e/audit-kill-scenario.test-support.ts, which the bench runs larger.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { StoreOptions } from '../../src/store/index.ts';
import { startTestDatabases } from '../../src/store/test-databases.test-support.ts';
import { runAuditKillScenario } from './audit-kill-scenario.test-support.ts';
import type { ServerProcess } from './server-process.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

for (const database of databases) {
  describe(`the audit log after SIGKILL on ${database.name}`, () => {
    test('every acknowledged event is in the log after a restart, and its export verifies', async (t) => {
      const home = mkdtempSync(join(tmpdir(), 'parapet-kill-'));
      const processes: ServerProcess[] = [];
      t.after(async () => {
        for (const server of processes) await server.stop();
        rmSync(home, { recursive: true, force: true });
      });
      const fresh = await database.fresh();
      const store: StoreOptions = fresh.kind === 'postgres' ? fresh : { kind: 'sqlite', file: join(home, 'state', 'parapet.db') };
      // a second and a half of load from 8 clients, one SIGKILL: the bench runs it longer, several times
      const result = await runAuditKillScenario({ store, home, clients: 8, loadMs: 1_500, kills: 1, processes, onProgress: (text) => t.diagnostic(text) });
      assert.ok((result.acknowledgedPerKill[0] ?? 0) >= 20, `the load got answers before the kill: ${result.acknowledgedPerKill[0]}`);
      assert.equal(result.verifyCode, 0, result.problems);
      assert.equal(result.verification.ok, true);
      assert.equal(result.verification.events, result.events);
      assert.deepEqual(result.missing, [], 'every acknowledged decision is in the log');
      assert.deepEqual(result.uncovered, [], 'and covered by a signed checkpoint the export verifies');
    });
  });
}
