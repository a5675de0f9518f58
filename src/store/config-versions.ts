/**
 * The configuration versions: every applied configuration with its hash, author, the snapshot of
 * its files and the plan report against the version before it. Versions are numbered 1, 2, 3, …
 * with no gaps, and the newest is the active one (going back is applying an old snapshot again, a
 * new version: the history is never rewritten).
 *
 * An append is one transaction: read the newest version, compare it with the version the caller
 * planned against (`expectVersion`), insert the next number. The version number is the primary
 * key, so of two appends that read the same newest version (two requests, or two server processes
 * on one PostgreSQL) exactly one inserts; the other hits the key and gets `conflict`, as if it had
 * read the winner's version in the first place.
 */
import { ParapetError } from '../policy/index.ts';
import { consumeBootstrapToken } from './bootstrap-tokens.ts';
import type { ConfigVersionsTable } from './database.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import type { Store } from './store.ts';

export interface ConfigVersion {
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  /** ISO 8601, UTC */
  readonly appliedAt: string;
  /** the configuration's files, as JSON text */
  readonly snapshot: string;
  /** the plan report against the previous version, as JSON text */
  readonly planReport: string;
  /** what the applier said about the change, if anything */
  readonly message?: string | undefined;
}

/** a version without its documents: what a history listing shows */
export type ConfigVersionSummary = Pick<ConfigVersion, 'version' | 'hash' | 'author' | 'appliedAt' | 'message'>;

export interface AppendConfigVersion {
  readonly hash: string;
  readonly author: string;
  readonly appliedAt: Date;
  readonly snapshot: string;
  readonly planReport: string;
  readonly message?: string | undefined;
  /** the active version the caller planned against (0: none yet); any other fails with `conflict` */
  readonly expectVersion?: number | undefined;
  /**
   * the hash of the bootstrap token this apply was made with: it is consumed in the same
   * transaction as the append, so a token makes one version at most, even with racing applies
   */
  readonly bootstrapTokenHash?: string | undefined;
}

/** without `expectVersion` an append that loses a race tries again on top of the winner, this often */
const APPEND_ATTEMPTS = 20;

export async function appendConfigVersion(store: Store, input: AppendConfigVersion): Promise<number> {
  if (input.expectVersion !== undefined) checkVersionNumber(input.expectVersion, 'expected version', 0);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await insertNext(store, input);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.expectVersion !== undefined || attempt >= APPEND_ATTEMPTS) {
        throw new ParapetError('conflict', 'the configuration changed meanwhile: another version was applied at the same time', {
          details: { expectVersion: input.expectVersion },
          cause: error,
        });
      }
    }
  }
}

async function insertNext(store: Store, input: AppendConfigVersion): Promise<number> {
  return store.db.transaction().execute(async (tx) => {
    const { newest } = await tx
      .selectFrom('config_versions')
      .select((eb) => eb.fn.max('version').as('newest'))
      .executeTakeFirstOrThrow();
    const current = newest ?? 0;
    if (input.expectVersion !== undefined && input.expectVersion !== current) {
      throw new ParapetError('conflict', `the active configuration version is ${current}, not the expected ${input.expectVersion}`, {
        details: { expectVersion: input.expectVersion, activeVersion: current },
      });
    }
    if (input.bootstrapTokenHash !== undefined) await consumeBootstrapToken(tx, input.bootstrapTokenHash, input.appliedAt);
    const row: ConfigVersionsTable = {
      version: current + 1,
      hash: input.hash,
      author: input.author,
      applied_at: input.appliedAt.toISOString(),
      snapshot: input.snapshot,
      plan_report: input.planReport,
      message: input.message ?? null,
    };
    const inserted = await tx.insertInto('config_versions').values(row).returning('version').executeTakeFirstOrThrow();
    return inserted.version;
  });
}

/** the newest version, the one in force; undefined before the first apply */
export async function activeConfigVersion(store: Store): Promise<ConfigVersion | undefined> {
  const row = await store.db.selectFrom('config_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : toConfigVersion(row);
}

export async function getConfigVersion(store: Store, version: number): Promise<ConfigVersion | undefined> {
  checkVersionNumber(version, 'version', 1);
  const row = await store.db.selectFrom('config_versions').selectAll().where('version', '=', version).executeTakeFirst();
  return row === undefined ? undefined : toConfigVersion(row);
}

export interface ListConfigVersions {
  /** at most this many, 1 to MAX_LIST_LIMIT */
  readonly limit: number;
  /** only versions older than this one: the `version` of the last item of the previous page */
  readonly before?: number | undefined;
}

export const MAX_LIST_LIMIT = 1000;

/** newest first; page on by passing the last version seen as `before` */
export async function listConfigVersions(store: Store, options: ListConfigVersions): Promise<readonly ConfigVersionSummary[]> {
  if (!Number.isSafeInteger(options.limit) || options.limit < 1 || options.limit > MAX_LIST_LIMIT) {
    throw new ParapetError('invalid-input', `the limit must be a whole number from 1 to ${MAX_LIST_LIMIT}: \`${options.limit}\``);
  }
  if (options.before !== undefined) checkVersionNumber(options.before, 'before', 1);
  let query = store.db.selectFrom('config_versions').select(['version', 'hash', 'author', 'applied_at', 'message']);
  if (options.before !== undefined) query = query.where('version', '<', options.before);
  const rows = await query.orderBy('version', 'desc').limit(options.limit).execute();
  return rows.map((row) => ({ version: row.version, hash: row.hash, author: row.author, appliedAt: row.applied_at, ...(row.message === null ? {} : { message: row.message }) }));
}

function checkVersionNumber(value: number, what: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ParapetError('invalid-input', `the ${what} must be a whole number from ${min}: \`${value}\``);
  }
}

function toConfigVersion(row: ConfigVersionsTable): ConfigVersion {
  return {
    version: row.version,
    hash: row.hash,
    author: row.author,
    appliedAt: row.applied_at,
    snapshot: row.snapshot,
    planReport: row.plan_report,
    ...(row.message === null ? {} : { message: row.message }),
  };
}
