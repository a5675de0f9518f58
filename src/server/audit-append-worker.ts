/**
 * The audit appender's thread (audit-appender.ts): its own connection to the server's SQLite file,
 * appending each batch it is sent with a durable commit. better-sqlite3 is synchronous, so the
 * fsync of every commit blocks the thread it runs on; here it blocks this thread only, and the
 * server's event loop keeps reading requests, whose events make the next batch. The appends use
 * prepared statements on a connection that syncs the WAL at every commit
 * (src/store/adapters/sqlite-audit-appender.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteAuditAppender } from '../store/index.ts';

export interface AppendRequest {
  readonly id: number;
  /** the events in RFC 8785 form: strings cross to the thread far cheaper than objects */
  readonly texts: readonly string[];
}

export type AppendReply = { readonly id: number; readonly ok: true; readonly first: number; readonly count: number } | { readonly id: number; readonly ok: false; readonly message: string };

const { file } = workerData as { file: string };
const port = parentPort!;
let appender: ReturnType<typeof openSqliteAuditAppender>;
try {
  appender = openSqliteAuditAppender(file);
} catch (error) {
  port.postMessage({ failed: error instanceof Error ? error.message : String(error) });
  throw error;
}
port.on('message', (message: AppendRequest | 'close') => {
  if (message === 'close') {
    appender.close();
    port.close();
    return;
  }
  try {
    const { first, count } = appender.append(message.texts);
    port.postMessage({ id: message.id, ok: true, first, count } satisfies AppendReply);
  } catch (error) {
    port.postMessage({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies AppendReply);
  }
});
port.postMessage('ready');
