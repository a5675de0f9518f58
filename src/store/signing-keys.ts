/**
 * The signing keys of Parapet's credentials, as stored: the public JWK in clear, the private JWK
 * encrypted (the store never sees it in clear: src/identity/stored-key-ring.ts encrypts before it
 * writes), numbered by generation. The newest generation is the key in use; older ones stay until
 * `published_until`, then are deleted, private half and all.
 *
 * Adding a key is one transaction that checks the newest generation is still the one the caller
 * saw: of two processes rotating at once (or starting on an empty table at once), exactly one
 * inserts, because `generation` is unique; the other learns it lost and reads the winner's key.
 */
import type { SigningKeysTable } from './database.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import type { Store } from './store.ts';

export interface StoredSigningKey {
  readonly kid: string;
  readonly generation: number;
  /** JSON text */
  readonly publicJwk: string;
  /** base64 of the AES-256-GCM ciphertext and tag */
  readonly privateJwkEncrypted: string;
  /** base64 */
  readonly nonce: string;
  /** ISO 8601, UTC */
  readonly createdAt: string;
  readonly signingFrom: string;
  /** undefined while it is the newest key */
  readonly publishedUntil: string | undefined;
}

/** every key still published at `now`, oldest generation first */
export async function listPublishedSigningKeys(store: Store, now: Date): Promise<StoredSigningKey[]> {
  const rows = await store.db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('published_until', 'is', null), eb('published_until', '>', now.toISOString())]))
    .orderBy('generation', 'asc')
    .execute();
  return rows.map(toStoredSigningKey);
}

export interface AddSigningKey {
  readonly kid: string;
  readonly publicJwk: string;
  readonly privateJwkEncrypted: string;
  readonly nonce: string;
  readonly createdAt: Date;
  readonly signingFrom: Date;
  /** the newest generation the caller saw (0: none); another newest means someone else rotated */
  readonly expectNewest: number;
  /** until when the keys it replaces stay published */
  readonly retireOthersAt: Date;
}

/**
 * Inserts the next generation, sets the keys it replaces to retire at `retireOthersAt` and deletes
 * keys already past their publication. False when another process added a key first: the caller
 * reads the table again.
 */
export async function addSigningKey(store: Store, input: AddSigningKey): Promise<boolean> {
  try {
    return await store.db.transaction().execute(async (tx) => {
      const { newest } = await tx
        .selectFrom('signing_keys')
        .select((eb) => eb.fn.max('generation').as('newest'))
        .executeTakeFirstOrThrow();
      if ((newest ?? 0) !== input.expectNewest) return false;
      const row: SigningKeysTable = {
        kid: input.kid,
        generation: input.expectNewest + 1,
        public_jwk: input.publicJwk,
        private_jwk_encrypted: input.privateJwkEncrypted,
        nonce: input.nonce,
        created_at: input.createdAt.toISOString(),
        signing_from: input.signingFrom.toISOString(),
        published_until: null,
      };
      await tx.insertInto('signing_keys').values(row).execute();
      await tx
        .updateTable('signing_keys')
        .set({ published_until: input.retireOthersAt.toISOString() })
        .where('published_until', 'is', null)
        .where('generation', '<', row.generation)
        .execute();
      await tx.deleteFrom('signing_keys').where('published_until', '<=', input.createdAt.toISOString()).execute();
      return true;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

function toStoredSigningKey(row: SigningKeysTable): StoredSigningKey {
  return {
    kid: row.kid,
    generation: row.generation,
    publicJwk: row.public_jwk,
    privateJwkEncrypted: row.private_jwk_encrypted,
    nonce: row.nonce,
    createdAt: row.created_at,
    signingFrom: row.signing_from,
    publishedUntil: row.published_until ?? undefined,
  };
}
