/**
 * The stored audit log (#10): events appended with consecutive indexes, each with its RFC 9162
 * leaf hash, and checkpoints (signed tree heads) over them; exports, inclusion and consistency
 * proofs are computed from the stored leaf hashes.
 *
 * No fork, several writers: an append takes the next indexes inside its transaction, after a
 * lock that serializes appenders (PostgreSQL: a table lock that conflicts with itself, readers
 * not blocked; SQLite: the one writer of BEGIN IMMEDIATE). The primary key on the index is the
 * second line of defence: two appends can never both write index n.
 *
 * Acknowledged means on disk: `appendAuditEvents` returns after its commit is durable. PostgreSQL
 * with `synchronous_commit = on` (its default; Parapet does not change it) flushes the WAL at
 * commit. SQLite runs with `synchronous = NORMAL`, which in WAL mode survives a crash of the
 * process but not of the machine; an audit append switches its connection to FULL (the WAL is
 * synced at every commit) for its own transaction, holding the connection so nothing else runs
 * in between. A batch of events is one commit: callers batch (group commit) to stay fast.
 */
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import {
  canonicalEvent,
  leafHashOfRecord,
  recordOfCanonicalEvent,
  CompactRange,
  consistencyProof,
  inclusionProof,
  signCheckpoint,
  type AuditSigner,
  type Hash,
} from '../audit/index.ts';
import type { AuditEvent } from '../contract/audit.ts';
import { ParapetError } from '../policy/index.ts';
import type { Database } from './database.ts';
import type { Store } from './store.ts';

const PAGE = 5_000;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Hash => new Uint8Array(Buffer.from(text, 'base64'));

async function lockAppenders(tx: Transaction<Database>): Promise<void> {
  if (tx.getExecutor().adapter instanceof PostgresAdapter) await sql`lock table audit_events in share row exclusive mode`.execute(tx);
}

/** runs `body` in one transaction whose commit is durable before this returns (see the file comment) */
async function durableTransaction<T>(store: Store, body: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (store.kind !== 'sqlite') return store.db.transaction().execute(body);
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

export interface AppendedAuditEvents {
  /** the index of the first event appended; the others follow it */
  readonly first: number;
  readonly count: number;
}

/** appends the events in order, durably, and returns where they went */
export async function appendAuditEvents(store: Store, events: readonly AuditEvent[]): Promise<AppendedAuditEvents> {
  if (events.length === 0) return { first: -1, count: 0 };
  return durableTransaction(store, async (tx) => {
    await lockAppenders(tx);
    const first = await nextIndex(tx);
    const rows = events.map((event, i) => {
      // canonicalized once: the stored text, and inside the leaf's record
      const text = canonicalEvent(event);
      return {
        idx: first + i,
        event: text,
        leaf_hash: b64(leafHashOfRecord(recordOfCanonicalEvent(first + i, text))),
        time: event.time,
        principal: event.actor.principal,
        type: event.type,
      };
    });
    // a few hundred rows per statement: under both databases' limits on bound parameters
    for (let i = 0; i < rows.length; i += 500) await tx.insertInto('audit_events').values(rows.slice(i, i + 500)).execute();
    return { first, count: events.length };
  });
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
 * Signs a checkpoint over every event appended so far, continuing the tree from the last
 * checkpoint's frontier (only the newer leaves are read). Returns the latest checkpoint unchanged
 * when nothing was appended since.
 */
export async function createAuditCheckpoint(store: Store, signer: AuditSigner, origin: string, now: Date): Promise<StoredCheckpoint> {
  return durableTransaction(store, async (tx) => {
    await lockAppenders(tx);
    const last = await tx.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
    const size = await nextIndex(tx);
    if (last !== undefined && last.size === size) return { size, root: unb64(last.root), note: last.note, createdAt: last.created_at };
    let range = new CompactRange();
    if (last !== undefined) {
      const frontier = JSON.parse(last.frontier) as { sizes: number[]; hashes: string[] };
      range = CompactRange.fromState({ sizes: frontier.sizes, hashes: frontier.hashes.map(unb64) });
    }
    for (let from = range.size; from < size; from += PAGE) {
      const rows = await tx.selectFrom('audit_events').select(['idx', 'leaf_hash']).where('idx', '>=', from).where('idx', '<', Math.min(size, from + PAGE)).orderBy('idx').execute();
      for (const [i, row] of rows.entries()) {
        if (row.idx !== from + i) throw new ParapetError('internal', `the audit log has no event ${from + i}`);
        range.append(unb64(row.leaf_hash));
      }
    }
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

/** the stored leaf hashes of events 0..size-1 */
async function leafHashes(store: Store, size: number): Promise<Hash[]> {
  const hashes: Hash[] = [];
  for (let from = 0; from < size; from += PAGE) {
    const rows = await store.db.selectFrom('audit_events').select(['idx', 'leaf_hash']).where('idx', '>=', from).where('idx', '<', Math.min(size, from + PAGE)).orderBy('idx').execute();
    for (const row of rows) {
      if (row.idx !== hashes.length) throw new ParapetError('internal', `the audit log has no event ${hashes.length}`);
      hashes.push(unb64(row.leaf_hash));
    }
  }
  if (hashes.length !== size) throw new ParapetError('internal', `the audit log has no event ${hashes.length}`);
  return hashes;
}

export interface AuditInclusionProof {
  readonly index: number;
  readonly size: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
  /** the signed checkpoint of `size` the proof leads to */
  readonly checkpoint: string;
}

/** the proof that event `index` is in the latest checkpoint's tree */
export async function auditInclusionProof(store: Store, index: number): Promise<AuditInclusionProof> {
  const checkpoint = await latestAuditCheckpoint(store);
  if (checkpoint === undefined || !Number.isSafeInteger(index) || index < 0 || index >= checkpoint.size) {
    throw new ParapetError('not-found', `no checkpoint covers audit event ${index} yet`);
  }
  const leaves = await leafHashes(store, checkpoint.size);
  return {
    index,
    size: checkpoint.size,
    leafHash: b64(leaves[index] as Hash),
    proof: inclusionProof(leaves, index, checkpoint.size).map(b64),
    checkpoint: checkpoint.note,
  };
}

/** the proof that the tree of `second` events extends the tree of `first` */
export async function auditConsistencyProof(store: Store, first: number, second: number): Promise<readonly string[]> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new ParapetError('invalid-input', `no consistency proof from ${first} to ${second} events`);
  }
  const leaves = await leafHashes(store, second);
  return consistencyProof(leaves, first, second).map(b64);
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
