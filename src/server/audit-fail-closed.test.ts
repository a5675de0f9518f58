/**
 * Fail closed when the audit log cannot be written, with the store failing for real (nothing of
 * ours replaced): on SQLite, the database file and its write-ahead log made immutable
 * (`chattr +i`, which refuses writes even to root and even on descriptors already open; where the
 * file system or the user cannot do that, another connection holding the write lock past the busy
 * timeout); on PostgreSQL, the server's connections terminated and new ones refused. A decision
 * recorded nowhere is not given: 503 `unavailable` with the reason, no engine decision in the body,
 * single and batch, answered as a Deny with that reason. Once the store is back, decisions are recorded again and the log verifies.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { verifyAuditExport } from '../audit/index.ts';
import { ErrorBody } from '../contract/error-body.ts';
import { exportAuditLog } from '../store/index.ts';
import { startTestDatabases } from '../store/test-databases.test-support.ts';
import { startAcmeServer, testCredential } from './acme-server.test-support.ts';
import type { TestServer } from './test-server.test-support.ts';

const PROD_LOGS = 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1';
const IN_REGION = { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' };

async function decide(server: TestServer, token: string, batch = false) {
  const request = { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION };
  return server.app.inject({
    method: 'POST',
    url: batch ? '/v1/authorize/batch' : '/v1/authorize',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: batch ? { requests: [request, request] } : { request },
  });
}

/** the answer is a Deny for the audit log's sake, with that reason, and nothing of the engine's decision is given */
function assertRefused(response: Awaited<ReturnType<typeof decide>>): void {
  assert.equal(response.statusCode, 503, response.body);
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, 'unavailable');
  assert.match(body.error.message, /^denied: the audit log cannot be written: .+: no decision is given that the audit log has not recorded$/u);
  assert.deepEqual(body.error.details, { decision: 'Deny', reason: 'audit-log-unavailable' });
  // the engine's answer (an Allow here: the same request is allowed once the log is back) is not in it
  assert.ok(!response.body.includes('Allow') && !response.body.includes('"decisions"') && !response.body.includes('"causes"'), response.body);
}

/** the engine's answer to the request, when the log can record it: an Allow */
function assertAllowed(response: Awaited<ReturnType<typeof decide>>): void {
  assert.equal(response.statusCode, 200, response.body);
  assert.equal((response.json() as { decision: { decision: string } }).decision.decision, 'Allow');
}

/** the log verifies and holds exactly `decisions` decision events (the server's own events, such as its first signing key, beside them) */
async function assertLogVerifies(server: TestServer, decisions: number): Promise<void> {
  await server.context.audit.checkpoint();
  const lines: string[] = [];
  const { checkpoints } = await exportAuditLog(server.context.store, { event: (line) => void lines.push(line) });
  const result = await verifyAuditExport({ events: lines, checkpoints, publicKey: server.context.audit.verifierKey });
  assert.equal(result.ok, true, JSON.stringify(result.problem));
  assert.equal(result.events, lines.length);
  assert.equal(lines.filter((line) => (JSON.parse(line) as { event: { type?: string } }).event.type === 'decision').length, decisions);
}

/** makes the files refuse every write, or says it cannot here */
function immutable(files: readonly string[], on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', ...files], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('decisions fail closed when the audit log cannot be written', () => {
  test('sqlite: the database file and its log made read-only', async () => {
    const server = await startAcmeServer({ settings: { auditDecisions: true } });
    try {
      const { token } = await testCredential(server);
      assertAllowed(await decide(server, token));
      const settings = server.context.settings.database;
      assert.equal(settings.kind, 'sqlite');
      if (settings.kind !== 'sqlite') return;
      const files = [settings.file, `${settings.file}-wal`];
      if (immutable(files, true)) {
        try {
          assertRefused(await decide(server, token));
          assertRefused(await decide(server, token, true));
        } finally {
          immutable(files, false);
        }
      } else {
        // no chattr here: another connection holds the write lock for longer than the appender waits
        const other = new BetterSqlite3(settings.file);
        other.exec('begin exclusive');
        try {
          assertRefused(await decide(server, token));
        } finally {
          other.exec('rollback');
          other.close();
        }
      }
      // the store is back: recorded again, and the failed batches left nothing half-written
      assertAllowed(await decide(server, token));
      await assertLogVerifies(server, 2);
    } finally {
      await server.close();
    }
  });

  describe('postgres: the connections closed and new ones refused', async () => {
    const databases = await startTestDatabases();
    after(async () => {
      for (const database of databases) await database.stop();
    });
    const postgres = databases.find((database) => database.name === 'postgres');

    test('refuses while the database refuses, records again once it is back', async () => {
      assert.ok(postgres);
      const options = await postgres.fresh();
      assert.equal(options.kind, 'postgres');
      if (options.kind !== 'postgres') return;
      const server = await startAcmeServer({ database: options, settings: { auditDecisions: true } });
      // from another database of the same server: a database cannot refuse the connection that changes it
      const url = new URL(options.url);
      const database = decodeURIComponent(url.pathname.slice(1));
      url.pathname = '/template1';
      url.searchParams.delete('options');
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        const { token } = await testCredential(server);
        assertAllowed(await decide(server, token));
        await admin.query(`alter database "${database}" allow_connections false`);
        try {
          await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database]);
          // gone, not only told to go: a backend still finishing a commit would record the next event
          for (let wait = 0; wait < 100; wait += 1) {
            const { rows } = await admin.query<{ count: string }>('select count(*) as count from pg_stat_activity where datname = $1', [database]);
            if (rows[0]?.count === '0') break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          assertRefused(await decide(server, token));
          assertRefused(await decide(server, token, true));
        } finally {
          await admin.query(`alter database "${database}" allow_connections true`);
        }
        assertAllowed(await decide(server, token));
        await assertLogVerifies(server, 2);
      } finally {
        await admin.end();
        await server.close();
      }
    });
  });
});
