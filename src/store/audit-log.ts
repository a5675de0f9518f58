/**
 * The stored audit log (#10): events appended with consecutive indexes, each with its RFC 9162
 * leaf hash, the hash of every perfect subtree of the tree as the appends complete them
 * (audit_nodes), and checkpoints (signed tree heads). Checkpoints, inclusion and consistency
 * proofs read O(log n) stored hashes; exports read the events as stored.
 *
 * No fork, several writers: an append takes the next indexes inside its transaction, after a
 * lock that serializes appenders (PostgreSQL: a table lock that conflicts with itself, readers
 * not blocked; SQLite: the one writer of BEGIN IMMEDIATE), and continues the tree from the
 * frontier at that size. The primary key on the index is the second line of defence: two appends
 * can never both write index n.
 *
 * Acknowledged means on disk: an append returns after its commit is durable. PostgreSQL: the
 * transaction sets `synchronous_commit = on` (the default, made sure of whatever the server's or
 * role's setting), so the commit waits for its WAL flush (a server run with `fsync = off` cannot
 * be made durable from here). SQLite runs with `synchronous = NORMAL`, which in WAL mode survives
 * a crash of the process but not of the machine; an audit append switches its connection to FULL
 * (the WAL is synced at every commit) for its own transaction, holding the connection so nothing
 * else runs in between; the server's appender thread has a connection of its own that is always
 * FULL (adapters/sqlite-audit-appender.ts). A batch of events is one commit: callers batch (group
 * commit) to stay fast.
 */
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import {
  canonicalEvent,
  leafHashOfRecord,
  recordOfCanonicalEvent,
  CompactRange,
  consistencyProofRanges,
  inclusionProofRanges,
  perfectSubtrees,
  rangeHead,
  signCheckpoint,
  type AuditSigner,
  type Hash,
  type Subtree,
} from '../audit/index.ts';
import type { AuditEvent } from '../contract/audit.ts';
import { ParapetError, internalError } from '../policy/index.ts';
import type { AuditEventsTable, Database } from './database.ts';
import type { Store } from './store.ts';

const PAGE = 5_000;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Hash => new Uint8Array(Buffer.from(text, 'base64'));

async function lockAppenders(tx: Transaction<Database>): Promise<void> {
  if (tx.getExecutor().adapter instanceof PostgresAdapter) await sql`lock table audit_events in share row exclusive mode`.execute(tx);
}

/** runs `body` in one transaction whose commit is durable before this returns (see the file comment) */
async function durableTransaction<T>(store: Store, body: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (store.kind !== 'sqlite') {
    return store.db.transaction().execute(async (tx) => {
      // whatever the server's or the role's default: this commit waits for its WAL flush
      await sql`set local synchronous_commit = on`.execute(tx);
      return body(tx);
    });
  }
  return store.db.connection().execute(async (connection: Kysely<Database>) => {
    await sql`pragma synchronous = FULL`.execute(connection);
    try {
      return await connection.transaction().execute(body);
    } finally {
      await sql`pragma synchronous = NORMAL`.execute(connection);
    }
  });
}

async function nextIndex(tx: Kysely<Database>): Promise<number> {
  const row = await tx.selectFrom('audit_events').select((eb) => eb.fn.max('idx').as('last')).executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** the key of a perfect subtree in audit_nodes (migration 0220-audit-nodes) */
export const nodeKey = (subtree: Subtree): number => subtree.index * 64 + subtree.level;

/**
 * Reads the hashes of these perfect subtrees: level 0 from the events' leaf hashes, the others
 * from audit_nodes; a missing one is a broken log, never guessed.
 */
async function readSubtrees(db: Kysely<Database>, subtrees: readonly Subtree[]): Promise<(subtree: Subtree) => Hash> {
  const leaves = [...new Set(subtrees.filter((s) => s.level === 0).map((s) => s.index))];
  const nodes = [...new Set(subtrees.filter((s) => s.level > 0).map(nodeKey))];
  const found = new Map<number, Hash>();
  for (let i = 0; i < leaves.length; i += 500) {
    const rows = await db.selectFrom('audit_events').select(['idx', 'leaf_hash']).where('idx', 'in', leaves.slice(i, i + 500)).execute();
    for (const row of rows) found.set(nodeKey({ level: 0, index: Number(row.idx) }), unb64(row.leaf_hash));
  }
  for (let i = 0; i < nodes.length; i += 500) {
    const rows = await db.selectFrom('audit_nodes').select(['node', 'hash']).where('node', 'in', nodes.slice(i, i + 500)).execute();
    for (const row of rows) found.set(Number(row.node), unb64(row.hash));
  }
  return (subtree) => {
    const hash = found.get(nodeKey(subtree));
    if (hash === undefined) throw internalError(`the audit log has no hash of the ${2 ** subtree.level} events from ${subtree.index * 2 ** subtree.level}`);
    return hash;
  };
}

/** the compact range (perfect subtrees, largest first) of the first `size` events, from O(log n) rows */
async function readFrontier(db: Kysely<Database>, size: number): Promise<CompactRange> {
  return frontierFrom(size, await readSubtrees(db, perfectSubtrees(0, size)));
}

/**
 * The frontier each store's appender last committed: the next append continues from it when the
 * log has not grown since (another process appending to the same PostgreSQL log makes it stale,
 * and the size read under the lock says so), instead of reading it again.
 */
const committedFrontiers = new WeakMap<Store, { readonly size: number; readonly range: CompactRange }>();

export interface AppendedAuditEvents {
  /** the index of the first event appended; the others follow it */
  readonly first: number;
  readonly count: number;
}

/** one row of audit_events, as an append writes it (the table's own type) */
export type AuditEventRow = AuditEventsTable;

/** one row of audit_nodes */
export interface AuditNodeRow {
  readonly node: number;
  readonly hash: string;
}

/**
 * The rows an append of events at `first` writes, from their RFC 8785 texts (`canonicalEvent`):
 * each text as it is and its leaf hash, the columns search reads, and the hash of every perfect
 * subtree they complete, `range` (the frontier of the first `first` events) advanced over them.
 * Both appenders (this file's, and the SQLite worker's in adapters/sqlite-audit-appender.ts)
 * write exactly these.
 */
export function auditAppendRows(first: number, texts: readonly string[], range: CompactRange): { readonly events: AuditEventRow[]; readonly nodes: AuditNodeRow[] } {
  if (range.size !== first) throw internalError(`the frontier of ${range.size} events cannot continue at ${first}`);
  const nodes: AuditNodeRow[] = [];
  const rows = texts.map((text, i): AuditEventRow => {
    // the text is what is hashed and kept; the columns for search are read back from it
    const event = JSON.parse(text) as AuditEvent;
    const leaf = leafHashOfRecord(recordOfCanonicalEvent(first + i, text));
    range.append(leaf, (level, index, hash) => nodes.push({ node: nodeKey({ level, index }), hash: b64(hash) }));
    return {
      idx: first + i,
      event: text,
      leaf_hash: b64(leaf),
      time: event.time,
      principal: event.actor.principal,
      type: event.type,
    };
  });
  return { events: rows, nodes };
}

/** the frontier of the first `size` events from a lookup of subtree hashes (O(log n) of them) */
export function frontierFrom(size: number, head: (subtree: Subtree) => Hash): CompactRange {
  const subtrees = perfectSubtrees(0, size);
  return CompactRange.fromState({ sizes: subtrees.map((s) => 2 ** s.level), hashes: subtrees.map(head) });
}

/**
 * Inserts the rows in one statement with one parameter, whatever their number: PostgreSQL turns
 * the JSON array into rows of the table's own column types (json_populate_recordset). A statement
 * with a parameter per value was slower to build and send than the rows were to write.
 */
async function insertAllPostgres(tx: Transaction<Database>, table: 'audit_events' | 'audit_nodes', rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.join(Object.keys(rows[0] as object).map((column) => sql.ref(column)));
  await sql`insert into ${sql.table(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(tx);
}

/**
 * Appends the events in order, durably, and returns where they went: one transaction with the
 * events, their leaf hashes and the hashes of the perfect subtrees they complete.
 */
export function appendAuditEvents(store: Store, events: readonly AuditEvent[]): Promise<AppendedAuditEvents> {
  // canonicalized once: the stored text, and inside the leaf's record
  return appendCanonicalAuditEvents(store, events.map(canonicalEvent));
}

/** `appendAuditEvents` of events already in their RFC 8785 form (`canonicalEvent`) */
export async function appendCanonicalAuditEvents(store: Store, texts: readonly string[]): Promise<AppendedAuditEvents> {
  if (texts.length === 0) return { first: -1, count: 0 };
  const appended = await durableTransaction(store, async (tx) => {
    await lockAppenders(tx);
    const first = await nextIndex(tx);
    const committed = committedFrontiers.get(store);
    const range = committed?.size === first ? CompactRange.fromState(committed.range.state()) : await readFrontier(tx, first);
    const rows = auditAppendRows(first, texts, range);
    if (tx.getExecutor().adapter instanceof PostgresAdapter) {
      await insertAllPostgres(tx, 'audit_events', rows.events);
      await insertAllPostgres(tx, 'audit_nodes', rows.nodes);
    } else {
      // a few hundred rows per statement: under SQLite's limit on bound parameters
      for (let i = 0; i < rows.events.length; i += 500) await tx.insertInto('audit_events').values(rows.events.slice(i, i + 500)).execute();
      for (let i = 0; i < rows.nodes.length; i += 1000) await tx.insertInto('audit_nodes').values(rows.nodes.slice(i, i + 1000)).execute();
    }
    return { first, count: texts.length, range };
  });
  committedFrontiers.set(store, { size: appended.first + appended.count, range: appended.range });
  return { first: appended.first, count: appended.count };
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Hash;
  /** the C2SP signed note */
  readonly note: string;
  readonly createdAt: string;
}

/** the latest checkpoint, if any */
export async function latestAuditCheckpoint(store: Store): Promise<StoredCheckpoint | undefined> {
  const row = await store.db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : { size: row.size, root: unb64(row.root), note: row.note, createdAt: row.created_at };
}

/**
 * Signs a checkpoint over every event appended so far; its root comes from the stored subtree
 * hashes (O(log n) rows). Returns the latest checkpoint unchanged when nothing was appended since.
 */
export async function createAuditCheckpoint(store: Store, signer: AuditSigner, origin: string, now: Date): Promise<StoredCheckpoint> {
  return durableTransaction(store, async (tx) => {
    await lockAppenders(tx);
    const last = await tx.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
    const size = await nextIndex(tx);
    if (last !== undefined && last.size === size) return { size, root: unb64(last.root), note: last.note, createdAt: last.created_at };
    const range = await readFrontier(tx, size);
    const root = range.root();
    const note = signCheckpoint({ origin, size, root }, signer);
    const state = range.state();
    const createdAt = now.toISOString();
    await tx
      .insertInto('audit_checkpoints')
      .values({ size, root: b64(root), note, frontier: JSON.stringify({ sizes: state.sizes, hashes: state.hashes.map(b64) }), created_at: createdAt })
      .execute();
    return { size, root, note, createdAt };
  });
}

/** the signed checkpoint of exactly `size` events, if one was made */
export async function auditCheckpointOfSize(store: Store, size: number): Promise<StoredCheckpoint | undefined> {
  const row = await store.db.selectFrom('audit_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
  return row === undefined ? undefined : { size: row.size, root: unb64(row.root), note: row.note, createdAt: row.created_at };
}

export interface AuditInclusionProof {
  readonly index: number;
  readonly size: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
  /** the signed checkpoint of `size` the proof leads to */
  readonly checkpoint: string;
}

/** the proof that event `index` is in the latest checkpoint's tree: O(log n) rows read */
export async function auditInclusionProof(store: Store, index: number): Promise<AuditInclusionProof> {
  const checkpoint = await latestAuditCheckpoint(store);
  if (checkpoint === undefined || !Number.isSafeInteger(index) || index < 0 || index >= checkpoint.size) {
    throw new ParapetError('not-found', `no checkpoint covers audit event ${index} yet`);
  }
  const ranges = inclusionProofRanges(index, checkpoint.size);
  const leaf: Subtree = { level: 0, index };
  const head = await readSubtrees(store.db, [leaf, ...ranges.flatMap(([start, end]) => perfectSubtrees(start, end))]);
  return {
    index,
    size: checkpoint.size,
    leafHash: b64(head(leaf)),
    proof: ranges.map(([start, end]) => b64(rangeHead(start, end, head))),
    checkpoint: checkpoint.note,
  };
}

/** the proof that the tree of `second` events extends the tree of `first`: O(log n) rows read */
export async function auditConsistencyProof(store: Store, first: number, second: number): Promise<readonly string[]> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new ParapetError('invalid-input', `no consistency proof from ${first} to ${second} events`);
  }
  const events = await nextIndex(store.db);
  if (second > events) throw new ParapetError('invalid-input', `no consistency proof from ${first} to ${second} events: the log has ${events}`);
  const ranges = consistencyProofRanges(first, second);
  const head = await readSubtrees(store.db, ranges.flatMap(([start, end]) => perfectSubtrees(start, end)));
  return ranges.map(([start, end]) => b64(rangeHead(start, end, head)));
}

export interface AuditExportSink {
  /** one line of events.jsonl, without its newline */
  event(line: string): void | Promise<void>;
}

/**
 * Writes the log as an export: every stored event as it is stored (the event column verbatim,
 * never re-serialized, so what the database holds is what the verifier checks), with its stored
 * leaf hash; returns checkpoints.txt.
 */
export async function exportAuditLog(store: Store, sink: AuditExportSink): Promise<{ readonly checkpoints: string; readonly events: number }> {
  // the checkpoints first: every event they cover is then in the export, even if appends go on meanwhile
  const checkpoints = await store.db.selectFrom('audit_checkpoints').select('note').orderBy('size').execute();
  let events = 0;
  let after = -1;
  for (;;) {
    const rows = await store.db.selectFrom('audit_events').select(['idx', 'event', 'leaf_hash']).where('idx', '>', after).orderBy('idx').limit(PAGE).execute();
    for (const row of rows) {
      await sink.event(`{"event":${row.event},"index":${row.idx},"leafHash":"${row.leaf_hash}"}`);
      events += 1;
    }
    if (rows.length < PAGE) break;
    after = (rows[rows.length - 1] as { idx: number }).idx;
  }
  return { checkpoints: checkpoints.map((row) => row.note).join(''), events };
}
