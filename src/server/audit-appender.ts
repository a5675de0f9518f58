/**
 * Where the audit recorder's batches are made durable. On PostgreSQL the driver is asynchronous:
 * the append runs on the server's event loop and waits for the commit without blocking it. On
 * SQLite (better-sqlite3 is synchronous) every durable commit's fsync would stop the event loop,
 * and with it every request, for the length of the fsync: the appends run in a worker thread on a
 * connection of its own (audit-append-worker.ts), so requests keep being read while a batch is
 * written, and their events form the next batch (group commit).
 */
import { ParapetError } from '../policy/index.ts';
import { appendCanonicalAuditEvents, type AppendedAuditEvents, type Store, type StoreOptions } from '../store/index.ts';
import type { AppendReply, AppendRequest } from './audit-append-worker.ts';
import { startModuleWorker, WorkerCalls } from './module-worker.ts';

export interface AuditAppender {
  /** appends events in their RFC 8785 form (`canonicalEvent`), durably */
  append(texts: readonly string[]): Promise<AppendedAuditEvents>;
  close(): Promise<void>;
  /**
   * how many appends the recorder may have sent and not yet seen answered (default 1): more than
   * one only where they are committed in the order sent, so the log's order is the order of the batches
   */
  readonly depth?: number;
  /** how many events an append should carry at most (default 1000) */
  readonly batch?: number;
}

/** appends on the store's own connection: for PostgreSQL, whose driver does not block */
export function storeAuditAppender(store: Store): AuditAppender {
  return { append: (texts) => appendCanonicalAuditEvents(store, texts), close: () => Promise.resolve() };
}

/** appends in a worker thread with its own connection to the SQLite file */
export async function workerAuditAppender(file: string): Promise<AuditAppender> {
  // the worker is this folder's sibling module: `.ts` from the sources (tests, tsx), `.js` when built
  const worker = startModuleWorker(import.meta.url, 'audit-append-worker', { workerData: { file } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (message: unknown) =>
      message === 'ready' ? resolve() : reject(new ParapetError('unavailable', `the audit appender did not start: ${(message as { failed?: string }).failed ?? 'no reason given'}`)),
    );
    worker.once('error', reject);
  });
  const calls = new WorkerCalls<AppendReply>(worker, () => new ParapetError('unavailable', 'the audit appender stopped'));
  return {
    // the worker takes its messages in the order sent, one transaction each: the next batch waits
    // in its queue while one commits, instead of being gathered only after the answer; batches of
    // 250 keep both threads busy (bench/audit-log.ts, with 1,000 producers: 24,000 events/s with one
    // batch of up to 1,000 at a time, 30,000/s so; docs/audit.md)
    depth: 2,
    batch: 250,
    async append(texts) {
      const reply = await calls.call((id) => ({ id, texts }) satisfies AppendRequest);
      if (!reply.ok) throw new ParapetError('unavailable', reply.message);
      return { first: reply.first, count: reply.count };
    },
    async close() {
      if (calls.failed !== undefined) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    },
  };
}

export async function auditAppenderFor(store: Store, options: StoreOptions): Promise<AuditAppender> {
  return options.kind === 'sqlite' ? workerAuditAppender(options.file) : storeAuditAppender(store);
}
