/**
 * Runs the migrations of migrations.ts with Kysely's Migrator. The Migrator serialises concurrent
 * runs (an advisory lock on PostgreSQL, a lock row on SQLite), so several server processes starting
 * at once on one database apply each migration exactly once; a database migrated by a newer
 * Parapet (a migration this build does not know) is refused rather than used.
 */
import { Migrator, type Kysely } from 'kysely';
import { ParapetError } from '../policy/index.ts';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations.ts';

/**
 * `schema`: on PostgreSQL, the schema the tables live in (the first of the search path). Named,
 * because the Migrator otherwise takes a same-named table in any schema for its own.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<readonly string[]> {
  const migrator = new Migrator({
    db,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    provider: migrationProvider,
    migrationTableName: 'parapet_migrations',
    migrationLockTableName: 'parapet_migrations_lock',
    // engineers are given name ranges (0100-…, 0120-…, 0200-…) and merge in any order: a database that ran
    // 0200 before 0120 existed runs 0120 next, instead of refusing to start
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    const which = failed === undefined ? 'database migrations' : `database migration \`${failed.migrationName}\``;
    throw new ParapetError('unavailable', `${which} failed: ${reason}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
