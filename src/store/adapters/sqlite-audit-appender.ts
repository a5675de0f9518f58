/**
 * The SQLite audit appender: a connection of its own to the server's SQLite file (the server runs
 * it in a worker thread, src/server/audit-append-worker.ts) that appends batches of audit events
 * with prepared statements, one IMMEDIATE transaction per batch, the same rows as
 * `appendAuditEvents` (`auditAppendRows`).
 *
 * Durable at commit: the file is in WAL mode and this connection runs `synchronous = FULL`, with
 * which SQLite syncs the WAL to disk at every commit (https://www.sqlite.org/pragma.html#pragma_synchronous:
 * "with synchronous=FULL in WAL mode, an additional sync operation of the WAL file happens after
 * each transaction commit"), so a batch is acknowledged only once it survives a power loss. Both
 * are checked after they are set, never assumed.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompactRange, type Hash } from '../../audit/index.ts';
import { ParapetError, internalError } from '../../policy/index.ts';
import { auditAppendRows, frontierFrom, nodeKey, type AppendedAuditEvents, type AuditEventRow } from '../audit-log.ts';

const BUSY_TIMEOUT_MS = 5000;

export interface SqliteAuditAppender {
  /** appends the batch (events in RFC 8785 form, `canonicalEvent`) in one durable transaction; synchronous (run it off the event loop) */
  append(texts: readonly string[]): AppendedAuditEvents;
  close(): void;
}

export function openSqliteAuditAppender(file: string): SqliteAuditAppender {
  let db: BetterSqlite3.Database;
  try {
    // the file exists and is migrated: the server opened it first
    db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ParapetError('unwritable-file', `cannot open the database file for the audit log: ${reason}`, { path: file, cause: error });
  }
  const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
  db.pragma('synchronous = FULL');
  const synchronous: unknown = db.pragma('synchronous', { simple: true });
  if (mode !== 'wal' || synchronous !== 2) {
    db.close();
    throw new ParapetError('unavailable', `the audit log cannot be made durable: journal mode \`${String(mode)}\`, synchronous ${String(synchronous)}`, { path: file });
  }
  const lastIndex = db.prepare<[], { last: number | null }>('select max(idx) as last from audit_events');
  const leafHash = db.prepare<[number], { hash: string }>('select leaf_hash as hash from audit_events where idx = ?');
  const nodeHash = db.prepare<[number], { hash: string }>('select hash from audit_nodes where node = ?');
  const insertNode = db.prepare<[number, string]>('insert into audit_nodes (node, hash) values (?, ?)');
  // named parameters: a row of auditAppendRows binds as it is (its type is the table's)
  const insertEvent = db.prepare<[AuditEventRow]>('insert into audit_events (idx, event, leaf_hash, time, principal, type) values (@idx, @event, @leaf_hash, @time, @principal, @type)');
  const readFrontier = (size: number): CompactRange =>
    frontierFrom(size, (subtree): Hash => {
      const row = subtree.level === 0 ? leafHash.get(subtree.index) : nodeHash.get(nodeKey(subtree));
      if (row === undefined) throw internalError(`the audit log has no hash of the ${2 ** subtree.level} events from ${subtree.index * 2 ** subtree.level}`);
      return new Uint8Array(Buffer.from(row.hash, 'base64'));
    });
  // the frontier this connection last committed: valid while no other connection appended since
  let committed: { size: number; range: CompactRange } | undefined;
  const appendBatch = db.transaction((texts: readonly string[]) => {
    const last = lastIndex.get()?.last;
    const first = last === null || last === undefined ? 0 : Number(last) + 1;
    const range = committed?.size === first ? CompactRange.fromState(committed.range.state()) : readFrontier(first);
    const rows = auditAppendRows(first, texts, range);
    for (const row of rows.events) insertEvent.run(row);
    for (const node of rows.nodes) insertNode.run(node.node, node.hash);
    return { first, range };
  });
  return {
    append(texts) {
      if (texts.length === 0) return { first: -1, count: 0 };
      // IMMEDIATE: the write lock at begin, so the size read is the size written after
      const { first, range } = appendBatch.immediate(texts);
      committed = { size: first + texts.length, range };
      return { first, count: texts.length };
    },
    close() {
      db.close();
    },
  };
}
