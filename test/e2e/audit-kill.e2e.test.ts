/**
 * The audit log survives a crash (#10): `parapet serve` as a separate process, recording every
 * decision (`auditDecisions`), under concurrent load, is killed with SIGKILL. After a restart on
 * the same database every acknowledged event (a decision whose answer was received) is in the
 * log, and `parapet audit export` of the log verifies with `parapet audit verify`. On a SQLite
 * file and on PostgreSQL, at a size that fits CI: a second or so of load.
 *
 * The load's credentials are minted here with the server's own keys (the same database and key
 * encryption key: exactly what a second server process would do), so no sign-in flow is needed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-support.ts';
import { AuditCheckpointResponse, AuditRecordLine } from '../../src/contract/audit.ts';
import { issueCredential, type CredentialClaims } from '../../src/identity/credential.ts';
import { createStoredKeyRing } from '../../src/identity/stored-key-ring.ts';
import { openStore, type StoreOptions } from '../../src/store/index.ts';
import { startTestDatabases } from '../../src/store/test-databases.test-support.ts';
import { freePort, startServerProcess, type ServerProcess, withEnv } from './server-process.test-support.ts';

const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const WORKERS = 8;
const LOAD_MS = 1_500;
const READ = { action: 'logs:GetLogEvents', resource: 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1', context: { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': 'eu-west-1' } };

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

/** a credential signed with the keys the server stored, as any process sharing its database can */
async function mint(store: StoreOptions, keyEncryptionKey: string, issuer: string, claims: Omit<CredentialClaims, 'iat' | 'exp' | 'jti'>): Promise<string> {
  const opened = await openStore(store);
  try {
    const keys = await createStoredKeyRing({ store: opened, keyEncryptionKey: Buffer.from(keyEncryptionKey, 'base64'), clock: () => new Date(), rotationSeconds: 7 * 24 * 3600 });
    const { token } = await issueCredential(keys, { ...claims, jti: randomBytes(8).toString('hex') }, { issuer, now: new Date(), lifetimeSeconds: 3600 });
    return token;
  } finally {
    await opened.close();
  }
}

/** decisions from WORKERS concurrent clients until `stop` is set; the request ids answered 200 */
async function load(url: string, token: string, prefix: string, stop: { readonly now: boolean }): Promise<{ acknowledged: string[]; refused: number }> {
  const acknowledged: string[] = [];
  let refused = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      for (let i = 0; !stop.now; i += 1) {
        const requestId = `${prefix}-${worker}-${i}`;
        try {
          const response = await fetch(`${url}/v1/authorize`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId },
            body: JSON.stringify({ request: READ }),
          });
          const body = await response.text();
          // acknowledged: the decision was answered, so its event was durable first
          if (response.status === 200 && body.includes('"decision"')) acknowledged.push(requestId);
          else refused += 1;
        } catch {
          // the server is gone: what was not answered was not acknowledged
          return;
        }
      }
    }),
  );
  return { acknowledged, refused };
}

for (const database of databases) {
  describe(`the audit log after SIGKILL on ${database.name}`, () => {
    test('every acknowledged event is in the log after a restart, and its export verifies', async (t) => {
      const home = mkdtempSync(join(tmpdir(), 'parapet-kill-'));
      const processes: ServerProcess[] = [];
      t.after(async () => {
        for (const server of processes) await server.stop();
        rmSync(home, { recursive: true, force: true });
      });
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      const keyEncryptionKey = randomBytes(32).toString('base64');
      const fresh = await database.fresh();
      const store: StoreOptions = fresh.kind === 'postgres' ? fresh : { kind: 'sqlite', file: join(home, 'state', 'parapet.db') };
      const settings = join(home, 'settings.json');
      writeFileSync(settings, JSON.stringify({ auditDecisions: true }));
      const env: Record<string, string> = {
        PARAPET_PUBLIC_URL: publicUrl,
        PARAPET_KEY_ENCRYPTION_KEY: keyEncryptionKey,
        PARAPET_LOG_LEVEL: 'warn',
        ...(store.kind === 'postgres' ? { PARAPET_DATABASE_URL: store.url } : { PARAPET_STATE_DIR: join(home, 'state') }),
      };
      const args = ['--host', '127.0.0.1', '--port', String(port), '--config', ACME, '--settings', settings];

      const first = await startServerProcess(args, env);
      processes.push(first);
      const session = await mint(store, keyEncryptionKey, publicUrl, { sub: 'alice@acme.example', use: 'session', authTime: Math.floor(Date.now() / 1000), account: '400000000001', permissionSet: 'developer', parent: 'kill-test' });

      // load, then SIGKILL in the middle of it: no shutdown, no last checkpoint, appends in flight
      const stop = { now: false };
      const running = load(first.url, session, 'kill', stop);
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
      await first.kill('SIGKILL');
      stop.now = true;
      const { acknowledged } = await running;
      t.diagnostic(`${acknowledged.length} decisions acknowledged before SIGKILL`);
      assert.ok(acknowledged.length >= 20, `the load got answers before the kill: ${acknowledged.length}`);

      // restart on the same database; one more decision, so a checkpoint covers everything on disk
      const second = await startServerProcess(args, env);
      processes.push(second);
      const after = await load(second.url, session, 'restarted', stopAfterOne());
      assert.equal(after.acknowledged.length >= 1, true);
      const reader = await mint(store, keyEncryptionKey, publicUrl, { sub: 'heidi@acme.example', use: 'sign-in', authTime: Math.floor(Date.now() / 1000) });
      const deadline = Date.now() + 15_000;
      let covered = 0;
      for (;;) {
        const response = await fetch(`${second.url}/v1/audit/checkpoint`, { headers: { authorization: `Bearer ${reader}` } });
        if (response.status === 200) covered = AuditCheckpointResponse.parse(await response.json()).size;
        // every acknowledged event and the one after the restart: a checkpoint past them (the recorder signs every 5 s)
        if (covered > 0 && (await coversLastDecision(second.url, reader, covered))) break;
        assert.ok(Date.now() < deadline, `no checkpoint covers the log after the restart (last of ${covered} events)`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      const out = join(home, 'export');
      const exported = await withEnv({ PARAPET_TOKEN: reader, PARAPET_CREDENTIALS_FILE: join(home, 'credentials.json') }, () => runCli('audit', 'export', '--format', 'jsonl', '--out', out, '--server', second.url));
      assert.equal(exported.code, 0, exported.err);
      const verified = await runCli('audit', 'verify', out, '--json');
      assert.equal(verified.code, 0, verified.out);
      const verification = JSON.parse(verified.out) as { ok: boolean; verifiedSize: number; events: number };
      assert.equal(verification.ok, true);

      const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => AuditRecordLine.parse(JSON.parse(line)));
      const indexOf = new Map(lines.flatMap((line) => (line.event.type === 'decision' && line.event.requestId !== undefined ? [[line.event.requestId, line.index] as const] : [])));
      const missing = acknowledged.filter((requestId) => !indexOf.has(requestId));
      assert.deepEqual(missing, [], 'every acknowledged decision is in the log');
      const uncovered = acknowledged.filter((requestId) => (indexOf.get(requestId) ?? Infinity) >= verification.verifiedSize);
      assert.deepEqual(uncovered, [], 'and covered by a signed checkpoint the export verifies');
    });
  });
}

function stopAfterOne(): { readonly now: boolean } {
  // a stop flag that turns true once read after the first request: exactly one decision per worker at most
  let reads = 0;
  return {
    get now() {
      reads += 1;
      return reads > WORKERS;
    },
  };
}

/** whether the checkpoint of `size` events includes the newest decision (a search needs a reader) */
async function coversLastDecision(url: string, token: string, size: number): Promise<boolean> {
  const response = await fetch(`${url}/v1/audit/events?type=decision&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) return false;
  let last = -1;
  let page = (await response.json()) as { events: { index: number }[]; nextCursor?: string };
  for (;;) {
    // a search is in time order: the newest decision is the highest index, wherever it comes
    for (const event of page.events) last = Math.max(last, event.index);
    if (page.nextCursor === undefined) break;
    const next = await fetch(`${url}/v1/audit/events?type=decision&limit=1000&cursor=${page.nextCursor}`, { headers: { authorization: `Bearer ${token}` } });
    page = (await next.json()) as { events: { index: number }[]; nextCursor?: string };
  }
  return last >= 0 && last < size;
}

