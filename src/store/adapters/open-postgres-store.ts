/**
 * The server adapter: PostgreSQL through a `pg` pool, for several Parapet processes sharing one
 * database. Opening checks the connection, so a wrong URL or a stopped server is one clear error at
 * start rather than a failure of the first request. The URL's password never appears in a message.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ParapetError } from '../../policy/index.ts';
import type { Database } from '../database.ts';
import { migrateToLatest } from '../migrate-to-latest.ts';
import type { Store } from '../store.ts';

const CONNECT_TIMEOUT_MS = 5000;

/** the URL as it may be shown: the password replaced */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable database URL)';
  }
}

export async function openPostgresStore(url: string): Promise<Store> {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ParapetError('usage', `the database URL is not a URL: ${redactDatabaseUrl(url)}`);
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ParapetError('usage', `the database URL must start with \`postgres://\`: \`${redactDatabaseUrl(url)}\``);
  }
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // an idle connection dropped by the server (a restart) is replaced on next use; without a
  // listener the pool's 'error' event would end the process
  pool.on('error', () => undefined);
  // and a connection the pool has lent (a transaction between two statements) dropped the same way
  // emits its error on the client, where the pool does not listen while it is lent: the statement
  // that uses it next fails instead, and the pool discards it when it comes back
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let schema: string | null | undefined;
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    schema = rows[0]?.schema;
  } catch (error) {
    await db.destroy();
    const reason = error instanceof Error ? error.message : String(error);
    throw new ParapetError('unavailable', `cannot reach the database at \`${redactDatabaseUrl(url)}\`: ${reason}`, { cause: error });
  }
  if (schema === null || schema === undefined) {
    await db.destroy();
    throw new ParapetError('unavailable', `the database at \`${redactDatabaseUrl(url)}\` has no schema in its search path to keep Parapet's tables in`);
  }
  const tablesSchema = schema;
  return {
    kind: 'postgres',
    db,
    migrate: () => migrateToLatest(db, tablesSchema),
    close: () => db.destroy(),
  };
}
