/**
 * The schema's history, written once for both dialects with Kysely's schema builder and kept in
 * code (not files read at run time), so the built package and the tests run the same list. Never
 * edit a migration that has shipped: add the next one. Names sort in the order they run.
 */
import { PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import { writeScimUserValues } from './scim-query.ts';
import { CompactRange } from '../audit/index.ts';
import { internalError } from '../policy/index.ts';

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-config-versions': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('config_versions')
        .addColumn('version', 'integer', (column) => column.primaryKey())
        .addColumn('hash', 'text', (column) => column.notNull())
        .addColumn('author', 'text', (column) => column.notNull())
        .addColumn('applied_at', 'text', (column) => column.notNull())
        .addColumn('snapshot', 'text', (column) => column.notNull())
        .addColumn('plan_report', 'text', (column) => column.notNull())
        .addCheckConstraint('config_versions_version_positive', sql`version > 0`)
        .execute();
    },
  },
  // apply (#8): the message an apply may carry, and the one-time bootstrap tokens (only their SHA-256)
  '0002-config-apply': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('config_versions').addColumn('message', 'text').execute();
      await db.schema
        .createTable('bootstrap_tokens')
        .addColumn('token_hash', 'text', (column) => column.primaryKey())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('consumed_at', 'text')
        .execute();
    },
  },
  '0003-signing-keys': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (column) => column.primaryKey())
        .addColumn('generation', 'integer', (column) => column.notNull().unique())
        .addColumn('public_jwk', 'text', (column) => column.notNull())
        .addColumn('private_jwk_encrypted', 'text', (column) => column.notNull())
        .addColumn('nonce', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('signing_from', 'text', (column) => column.notNull())
        .addColumn('published_until', 'text')
        .addCheckConstraint('signing_keys_generation_positive', sql`generation > 0`)
        .execute();
    },
  },
  '0004-credentials-and-revocations': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('credentials')
        .addColumn('jti', 'text', (column) => column.primaryKey())
        .addColumn('subject', 'text', (column) => column.notNull())
        .addColumn('use', 'text', (column) => column.notNull())
        .addColumn('account', 'text')
        .addColumn('permission_set', 'text')
        .addColumn('parent', 'text')
        .addColumn('issued_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .addCheckConstraint('credentials_use_known', sql`use in ('sign-in', 'session', 'service')`)
        .execute();
      await db.schema.createIndex('credentials_subject').on('credentials').columns(['subject', 'expires_at']).execute();
      await db.schema.createIndex('credentials_parent').on('credentials').column('parent').execute();
      // an increasing id that every process reads past: SERIAL on PostgreSQL, the rowid on SQLite
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('revocations')
        .addColumn('id', postgres ? 'serial' : 'integer', (column) => (postgres ? column.primaryKey() : column.primaryKey().autoIncrement()))
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('credential_id', 'text')
        .addColumn('subject', 'text')
        .addColumn('issued_before', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('revoked_by', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text', (column) => column.notNull())
        .addCheckConstraint(
          'revocations_kind_fields',
          sql`(kind = 'credential' and credential_id is not null) or (kind = 'subject' and subject is not null and issued_before is not null)`,
        )
        .execute();
    },
  },
  // sign-in (#8): device-code sign-ins, with only a hash of the device code
  '0005-device-logins': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('device_logins')
        .addColumn('user_code', 'text', (column) => column.primaryKey())
        .addColumn('device_code_hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('user_name', 'text')
        .addColumn('auth_time', 'integer')
        .addColumn('mfa_time', 'integer')
        .addCheckConstraint('device_logins_status', sql`status in ('pending', 'approved', 'consumed')`)
        .execute();
    },
  },
  // SCIM (#9): users, groups and memberships pushed by the directory; the SCIM clients' tokens
  // (only their SHA-256); every change with the token that made it, for the audit trail
  '0100-scim': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('scim_users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('external_id', 'text')
        .addColumn('user_name', 'text', (column) => column.notNull())
        // userName is unique case-insensitively (RFC 7643 §4.1.1): the lower-cased form carries the constraint
        .addColumn('user_name_key', 'text', (column) => column.notNull().unique())
        .addColumn('active', 'integer', (column) => column.notNull())
        .addColumn('document', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('modified_at', 'text', (column) => column.notNull())
        .addCheckConstraint('scim_users_active_boolean', sql`active in (0, 1)`)
        .execute();
      await db.schema.createIndex('scim_users_external_id').on('scim_users').column('external_id').execute();
      await db.schema
        .createTable('scim_groups')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('external_id', 'text')
        .addColumn('display_name', 'text', (column) => column.notNull())
        .addColumn('display_name_key', 'text', (column) => column.notNull().unique())
        .addColumn('document', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('modified_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('scim_memberships')
        .addColumn('group_id', 'text', (column) => column.notNull().references('scim_groups.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (column) => column.notNull().references('scim_users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('scim_memberships_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('scim_memberships_user').on('scim_memberships').column('user_id').execute();
      await db.schema
        .createTable('scim_tokens')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('scim_changes')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('token_id', 'text', (column) => column.notNull())
        .addColumn('resource_type', 'text', (column) => column.notNull())
        .addColumn('resource_id', 'text', (column) => column.notNull())
        .addColumn('operation', 'text', (column) => column.notNull())
        .addColumn('detail', 'text', (column) => column.notNull())
        .execute();
    },
  },
  // SCIM lists in SQL (#9): every leaf value of a user's document in scim_user_values (written with
  // the user, lower-cased keys from the same JavaScript the reference evaluator uses), indexes for the
  // filters and for the creation order pages are read in; existing users are filled in here
  '0120-scim-list-queries': {
    async up(db: Kysely<unknown>): Promise<void> {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('scim_user_values')
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('attribute', 'text', (column) => column.notNull())
        .addColumn('item', 'integer', (column) => column.notNull())
        .addColumn('sub', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('value_key', 'text', (column) => column.notNull())
        .addCheckConstraint('scim_user_values_kind', sql`kind in ('s', 'b', 'n', 'o')`)
        .execute();
      await db.schema.createIndex('scim_user_values_owner').on('scim_user_values').columns(['user_id', 'attribute', 'item', 'sub']).execute();
      await db.schema.createIndex('scim_user_values_key').on('scim_user_values').columns(['attribute', 'sub', 'value_key']).execute();
      await db.schema.createIndex('scim_user_values_exact').on('scim_user_values').columns(['attribute', 'sub', 'value']).execute();
      // pages are read in creation order; the other columns let a filter on them be checked in the index
      // while walking it (SQLite reads the row only for a match)
      await db.schema.createIndex('scim_users_created').on('scim_users').columns(['created_at', 'id', 'user_name_key', 'external_id', 'active']).execute();
      await db.schema.createIndex('scim_groups_created').on('scim_groups').columns(['created_at', 'id', 'display_name_key', 'external_id']).execute();
      if (postgres) {
        // prefix (sw) and ordering filters compare in code-point order, COLLATE "C": these indexes serve them
        await sql`create index scim_users_user_name_key_c on scim_users (user_name_key collate "C")`.execute(db);
        await sql`create index scim_groups_display_name_key_c on scim_groups (display_name_key collate "C")`.execute(db);
      }
      const typed = db as unknown as Kysely<Database>;
      const users = await typed.selectFrom('scim_users').select(['id', 'document']).execute();
      for (const user of users) await writeScimUserValues(typed, user.id, JSON.parse(user.document) as Record<string, unknown>);
    },
  },
  // directory sync (#9): a counter every SCIM change increments in its transaction, so each server
  // process sees that the directory changed by reading one row per poll (src/store/scim-directory-read.ts)
  '0110-scim-directory-version': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('scim_directory_version')
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addCheckConstraint('scim_directory_version_one_row', sql`id = 1`)
        .execute();
      await (db as Kysely<{ scim_directory_version: { id: number; version: number } }>).insertInto('scim_directory_version').values({ id: 1, version: 0 }).execute();
    },
  },
  // the audit log (#10): events in log order with their RFC 9162 leaf hashes, and signed checkpoints
  '0200-audit-log': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_events')
        .addColumn('idx', 'integer', (column) => column.primaryKey())
        .addColumn('event', 'text', (column) => column.notNull())
        .addColumn('leaf_hash', 'text', (column) => column.notNull())
        .addColumn('time', 'text', (column) => column.notNull())
        .addColumn('principal', 'text', (column) => column.notNull())
        .addColumn('type', 'text', (column) => column.notNull())
        .addCheckConstraint('audit_events_idx_not_negative', sql`idx >= 0`)
        .execute();
      await db.schema.createIndex('audit_events_principal_time').on('audit_events').columns(['principal', 'time']).execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('size', 'integer', (column) => column.primaryKey())
        .addColumn('root', 'text', (column) => column.notNull())
        .addColumn('note', 'text', (column) => column.notNull())
        .addColumn('frontier', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
    },
  },
  // AWS (#12): the web identity tokens issued for AWS (which roles a user may have sessions of),
  // and how far each revocation has reached AWS (its deny on those roles)
  '0310-aws-sessions': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('aws_web_identity_tokens')
        .addColumn('jti', 'text', (column) => column.primaryKey())
        .addColumn('subject', 'text', (column) => column.notNull())
        .addColumn('parent', 'text')
        .addColumn('account_id', 'text', (column) => column.notNull())
        .addColumn('permission_set', 'text', (column) => column.notNull())
        .addColumn('role_session_name', 'text', (column) => column.notNull())
        .addColumn('issued_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('sessions_end_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('aws_web_identity_tokens_subject').on('aws_web_identity_tokens').columns(['subject', 'sessions_end_at']).execute();
      await db.schema.createIndex('aws_web_identity_tokens_role').on('aws_web_identity_tokens').columns(['account_id', 'permission_set', 'sessions_end_at']).execute();
      await db.schema
        .createTable('aws_revocation_deliveries')
        .addColumn('revocation_id', 'integer', (column) => column.primaryKey())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute();
    },
  },
  // audit search (#10): account, action and outcome as columns computed from the stored event (no
  // appender writes them, so no appender can get them wrong), and the indexes of the filters:
  // each filter with the time window, and the window alone
  '0210-audit-search': {
    async up(db: Kysely<unknown>): Promise<void> {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      for (const field of ['account', 'action', 'outcome']) {
        // SQLite adds only virtual generated columns to an existing table; PostgreSQL (before 18) only stored ones
        if (postgres) await sql`alter table audit_events add column ${sql.raw(field)} text generated always as ((event::jsonb) ->> ${sql.lit(field)}) stored`.execute(db);
        else await sql`alter table audit_events add column ${sql.raw(field)} text generated always as (json_extract(event, ${sql.lit(`$.${field}`)})) virtual`.execute(db);
      }
      await db.schema.createIndex('audit_events_account_time').on('audit_events').columns(['account', 'time']).execute();
      await db.schema.createIndex('audit_events_action_time').on('audit_events').columns(['action', 'time']).execute();
      await db.schema.createIndex('audit_events_type_time').on('audit_events').columns(['type', 'time']).execute();
      await db.schema.createIndex('audit_events_time').on('audit_events').columns(['time']).execute();
    },
  },
  // the audit log's interior nodes (#10): the hash of every perfect subtree of two leaves or more,
  // written with the events that complete it, so a proof or a checkpoint reads O(log n) rows.
  // `node` = index * 64 + level (the subtree of 2^level leaves from leaf index * 2^level): one
  // integer key, 64-bit on PostgreSQL. Nodes of events appended before this migration are built here.
  '0220-audit-nodes': {
    async up(db: Kysely<unknown>): Promise<void> {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('audit_nodes')
        .addColumn('node', postgres ? 'bigint' : 'integer', (column) => column.primaryKey())
        .addColumn('hash', 'text', (column) => column.notNull())
        .execute();
      const range = new CompactRange();
      let batch: { node: number; hash: string }[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length > 0) await db.insertInto('audit_nodes' as never).values(batch as never).execute();
        batch = [];
      };
      for (let from = 0; ; from += 5000) {
        const rows = (await sql<{ idx: number; leaf_hash: string }>`select idx, leaf_hash from audit_events where idx >= ${from} and idx < ${from + 5000} order by idx`.execute(db)).rows;
        for (const row of rows) {
          if (Number(row.idx) !== range.size) throw internalError(`the audit log has no event ${range.size}`);
          range.append(Buffer.from(row.leaf_hash, 'base64'), (level, index, hash) => batch.push({ node: index * 64 + level, hash: Buffer.from(hash).toString('base64') }));
          if (batch.length >= 500) await flush();
        }
        if (rows.length < 5000) break;
      }
      await flush();
    },
  },
  // audit search in (time, idx) order (#10): a search's pages follow its filter's index, so no
  // page sorts the matches first. SQLite keeps the rowid `idx` as the last column of every index,
  // so (x, time) already orders by (x, time, idx) and only `outcome` lacks an index; PostgreSQL
  // orders an index by its columns only, so its (x, time) indexes become (x, time, idx)
  '0230-audit-search-order': {
    async up(db: Kysely<unknown>): Promise<void> {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      if (!postgres) {
        await db.schema.createIndex('audit_events_outcome_time').on('audit_events').columns(['outcome', 'time']).execute();
        return;
      }
      for (const field of ['principal', 'account', 'action', 'type', 'outcome']) {
        await db.schema.createIndex(`audit_events_${field}_time_idx`).on('audit_events').columns([field, 'time', 'idx']).execute();
        if (field !== 'outcome') await db.schema.dropIndex(`audit_events_${field}_time`).execute();
      }
      await db.schema.createIndex('audit_events_time_idx').on('audit_events').columns(['time', 'idx']).execute();
      await db.schema.dropIndex('audit_events_time').execute();
    },
  },
};

/** the names of every migration, in the order they run */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
