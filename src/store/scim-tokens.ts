/**
 * The bearer tokens of SCIM clients: created by an administrator (`parapet scim token create`),
 * shown once, kept only as their SHA-256, revoked by id. A token authenticates only /scim/v2.
 */
import type { Store } from './store.ts';

export interface ScimToken {
  readonly id: string;
  readonly name: string;
  readonly created: string;
  readonly revoked: string | undefined;
}

export async function storeScimToken(store: Store, token: { readonly id: string; readonly name: string; readonly tokenHash: string; readonly at: Date }): Promise<void> {
  await store.db.insertInto('scim_tokens').values({ id: token.id, name: token.name, token_hash: token.tokenHash, created_at: token.at.toISOString(), revoked_at: null }).execute();
}

/** the live (not revoked) token with this hash */
export async function findScimToken(store: Store, tokenHash: string): Promise<ScimToken | undefined> {
  const row = await store.db.selectFrom('scim_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, name: row.name, created: row.created_at, revoked: undefined };
}

export async function listScimTokens(store: Store): Promise<ScimToken[]> {
  const rows = await store.db.selectFrom('scim_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, created: r.created_at, revoked: r.revoked_at ?? undefined }));
}

/** whether a live token with this id was revoked now */
export async function revokeScimToken(store: Store, id: string, at: Date): Promise<boolean> {
  const result = await store.db.updateTable('scim_tokens').set({ revoked_at: at.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
