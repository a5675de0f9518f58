/**
 * The one-time bootstrap tokens: how the very first configuration reaches a server that has none
 * (no service account exists before a configuration names one). Only the token's SHA-256 is kept,
 * so a copy of the database does not hold a usable token. A token is consumed by the apply that
 * uses it, in that apply's own transaction (config-versions.ts), and the apply route lets a
 * bootstrap caller apply only while no version exists: once a configuration is in force, every
 * bootstrap token is dead.
 */
import type { Kysely } from 'kysely';
import { ParapetError } from '../policy/index.ts';
import type { Database } from './database.ts';
import type { Store } from './store.ts';

export async function storeBootstrapToken(store: Store, tokenHash: string, createdAt: Date): Promise<void> {
  await store.db.insertInto('bootstrap_tokens').values({ token_hash: tokenHash, created_at: createdAt.toISOString(), consumed_at: null }).execute();
}

/** whether a token with this hash was issued and not yet used */
export async function isBootstrapTokenUsable(store: Store, tokenHash: string): Promise<boolean> {
  const row = await store.db.selectFrom('bootstrap_tokens').select('token_hash').where('token_hash', '=', tokenHash).where('consumed_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks the token used, inside the caller's transaction. The update's condition (`consumed_at is
 * null`) is what two racing applies with one token collide on: PostgreSQL makes the second wait for
 * the first's row lock and then finds nothing to update.
 */
export async function consumeBootstrapToken(tx: Kysely<Database>, tokenHash: string, at: Date): Promise<void> {
  const result = await tx
    .updateTable('bootstrap_tokens')
    .set({ consumed_at: at.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new ParapetError('unauthenticated', 'the bootstrap token is not valid: it was already used');
}
