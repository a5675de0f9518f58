/**
 * The storage port every server use case receives: one Kysely instance over the dialect chosen at
 * start, the migrations, and a way to let go of the database. The same repositories
 * (config-versions.ts, …) run on both dialects; only the adapters under ./adapters/ know which one
 * is underneath.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** where the state lives: an embedded SQLite file (one process), or a PostgreSQL server (several) */
export type StoreOptions =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** runs the migrations not yet applied, in order; returns their names (none when up to date) */
  migrate(): Promise<readonly string[]>;
  /** closes the connections; the store cannot be used afterwards */
  close(): Promise<void>;
}
