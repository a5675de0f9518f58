/**
 * The embedded adapter: one SQLite file through better-sqlite3, the default when no database
 * server is given. WAL lets readers run beside the one writer; foreign keys are off in SQLite unless
 * asked for; the busy timeout (better-sqlite3's `timeout`, SQLite's busy_timeout) makes a second connection wait for the write lock instead of failing.
 * Transactions begin IMMEDIATE: they take the write lock at `begin`, so a read-then-write
 * transaction (read the current version, insert the next) can never be refused half-way because
 * another connection wrote in between (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not cover).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import { ParapetError } from '../../policy/index.ts';
import type { Database } from '../database.ts';
import { migrateToLatest } from '../migrate-to-latest.ts';
import type { Store } from '../store.ts';

const BUSY_TIMEOUT_MS = 5000;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function openSqliteStore(file: string): Store {
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    sqlite = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
    const mode: unknown = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new ParapetError('unavailable', `the database file cannot use WAL: journal mode \`${String(mode)}\``, { path: file });
    sqlite.pragma('foreign_keys = ON');
    // in WAL, NORMAL loses no committed transaction on a crash of the process, only on power loss
    sqlite.pragma('synchronous = NORMAL');
  } catch (error) {
    // a file opened but refused (no WAL, a failed pragma) is let go, not left open
    sqlite?.close();
    if (error instanceof ParapetError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ParapetError('unwritable-file', `cannot open the database file: ${reason}`, { path: file, cause: error });
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return {
    kind: 'sqlite',
    db,
    migrate: () => migrateToLatest(db),
    close: () => db.destroy(),
  };
}
