/**
 * The server's key ring: ES256 signing keys stored in the database, their private halves encrypted
 * under the key encryption key (key-encryption-key.ts), shared by every server process, rotated.
 *
 * - The key that signs is the newest one whose `signing_from` has come. A new key is published
 *   first and signs only KEY_ACTIVATION_DELAY_SECONDS later: by then every server process has read
 *   it (they poll every `pollMilliseconds`, at most 10 s) and every verifier that caches the JWKS
 *   as its `cache-control` allows has fetched it, so no one meets a credential signed by a key
 *   they do not know yet.
 * - When the newest key is older than `keyRotationSeconds`, the process that notices first adds
 *   the next one (one winner: store/signing-keys.ts). The keys it replaces stay published until
 *   every credential they could have signed has expired: the new key's `signing_from` plus the
 *   longest credential lifetime (MAX_CREDENTIAL_LIFETIME_SECONDS) and the clock tolerance.
 * - The ring keeps the decrypted keys in memory and reads the table again on `refresh` (at start
 *   and on the server's poll), so every process signs with and publishes the same keys.
 * - A stored key that does not decrypt means the key encryption key is not the one it was made
 *   with: a `usage` failure saying so, at start, rather than a server that cannot sign.
 */
import { randomUUID, type webcrypto } from 'node:crypto';
import { exportJWK, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { ParapetError } from '../policy/index.ts';
import { addSigningKey, listPublishedSigningKeys, type Store, type StoredSigningKey } from '../store/index.ts';
import { CLOCK_TOLERANCE_SECONDS, MAX_CREDENTIAL_LIFETIME_SECONDS } from './credential.ts';
import { open, seal } from './key-encryption-key.ts';
import { generateSigningKey, SIGNING_ALGORITHM, type KeyRing, type SigningKey } from './key-ring.ts';

/** how long verifiers may cache `/.well-known/jwks.json` (its `cache-control: max-age`) */
export const JWKS_MAX_AGE_SECONDS = 300;
/** the server processes' longest poll (server-settings.ts caps pollMilliseconds at 10 s), twice */
const PROCESS_PROPAGATION_SECONDS = 20;
export const KEY_ACTIVATION_DELAY_SECONDS = JWKS_MAX_AGE_SECONDS + PROCESS_PROPAGATION_SECONDS;

/** how many times a refresh reads again after losing a rotation race */
const ROTATION_ATTEMPTS = 5;

export interface StoredKeyRingOptions {
  readonly store: Store;
  /** 32 bytes */
  readonly keyEncryptionKey: Buffer;
  readonly clock: () => Date;
  readonly rotationSeconds: number;
  /**
   * the audit log's port: called before a new key is stored (a rotation it cannot record is not
   * made: its rejection stops the refresh), and again with `failure` when another process added
   * its key first or the store refused
   */
  readonly recordRotation?: ((rotation: KeyRotation, outcome: 'success' | 'failure') => Promise<void>) | undefined;
}

/** a new signing key, as the audit log records it (never its private half) */
export interface KeyRotation {
  readonly kid: string;
  readonly generation: number;
  /** the first key of an empty ring, not a rotation of an older one */
  readonly first: boolean;
  readonly signingFrom: string;
  /** when the keys it replaces stop being published */
  readonly retireOthersAt: string;
}

export interface StoredKeyRing extends KeyRing {
  /** reads the stored keys again, and adds the next one when the newest is due for rotation */
  refresh(): Promise<void>;
}

export async function createStoredKeyRing(options: StoredKeyRingOptions): Promise<StoredKeyRing> {
  const { store, keyEncryptionKey, clock, rotationSeconds } = options;
  // kid → the decrypted private key: each stored key is decrypted once per process
  const decrypted = new Map<string, SigningKey>();
  let signing: SigningKey | undefined;
  // the same object until the set of published keys changes: verifiers are cached per object
  let jwks: JSONWebKeySet = { keys: [] };
  let running: Promise<void> | undefined;

  async function decrypt(row: StoredSigningKey): Promise<SigningKey> {
    const known = decrypted.get(row.kid);
    if (known !== undefined) return known;
    const text = open(keyEncryptionKey, { ciphertext: row.privateJwkEncrypted, nonce: row.nonce }, row.kid);
    if (text === undefined) {
      throw new ParapetError(
        'usage',
        `cannot decrypt the signing key \`${row.kid}\` stored in the database: the key encryption key is not the one it was encrypted with (every server process needs the same PARAPET_KEY_ENCRYPTION_KEY)`,
      );
    }
    const privateKey = (await importJWK(JSON.parse(text) as JWK, SIGNING_ALGORITHM)) as webcrypto.CryptoKey;
    const key: SigningKey = { kid: row.kid, privateKey };
    decrypted.set(row.kid, key);
    return key;
  }

  async function addNextKey(newest: StoredSigningKey | undefined, now: Date): Promise<void> {
    const kid = randomUUID();
    const { key, publicJwk } = await generateSigningKey(kid);
    const sealed = seal(keyEncryptionKey, JSON.stringify(await exportJWK(key.privateKey)), kid);
    // the first key signs at once: no credential can exist yet that another key should verify
    const signingFrom = newest === undefined ? now : new Date(now.getTime() + KEY_ACTIVATION_DELAY_SECONDS * 1000);
    const retireOthersAt = new Date(signingFrom.getTime() + (MAX_CREDENTIAL_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) * 1000);
    const rotation: KeyRotation = { kid, generation: (newest?.generation ?? 0) + 1, first: newest === undefined, signingFrom: signingFrom.toISOString(), retireOthersAt: retireOthersAt.toISOString() };
    await options.recordRotation?.(rotation, 'success');
    let added: boolean;
    try {
      added = await addSigningKey(store, {
        kid,
        publicJwk: JSON.stringify(publicJwk),
        privateJwkEncrypted: sealed.ciphertext,
        nonce: sealed.nonce,
        createdAt: now,
        signingFrom,
        expectNewest: newest?.generation ?? 0,
        retireOthersAt,
      });
    } catch (error) {
      await options.recordRotation?.(rotation, 'failure').catch(() => undefined);
      throw error;
    }
    // another process rotated first: this key was never stored, and the log says so
    if (!added) await options.recordRotation?.(rotation, 'failure').catch(() => undefined);
  }

  async function load(): Promise<void> {
    const now = clock();
    let rows = await listPublishedSigningKeys(store, now);
    for (let attempt = 1; attempt <= ROTATION_ATTEMPTS; attempt += 1) {
      const newest = rows.at(-1);
      if (newest !== undefined && Date.parse(newest.createdAt) + rotationSeconds * 1000 > now.getTime()) break;
      // whoever wins (this process or another), the table now has a fresh newest key
      await addNextKey(newest, now);
      rows = await listPublishedSigningKeys(store, now);
    }
    const keys = await Promise.all(rows.map(decrypt));
    const newestSigning = [...rows].reverse().find((row) => Date.parse(row.signingFrom) <= now.getTime()) ?? rows.at(-1);
    if (newestSigning === undefined) throw new ParapetError('internal', 'the key ring has no signing key after adding one');
    signing = keys[rows.indexOf(newestSigning)];
    for (const kid of decrypted.keys()) if (!rows.some((row) => row.kid === kid)) decrypted.delete(kid);
    const kids = rows.map((row) => row.kid);
    if (kids.join(' ') !== jwks.keys.map((key) => key.kid).join(' ')) jwks = { keys: rows.map((row) => JSON.parse(row.publicJwk) as JWK) };
  }

  const ring: StoredKeyRing = {
    signingKey() {
      if (signing === undefined) return Promise.reject(new ParapetError('internal', 'the key ring is not loaded'));
      return Promise.resolve(signing);
    },
    publicKeys: () => Promise.resolve(jwks),
    refresh() {
      // one refresh at a time per process: the poll and an explicit refresh share it
      running ??= load().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
  await ring.refresh();
  return ring;
}
