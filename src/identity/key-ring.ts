/**
 * The keys Parapet signs its credentials with (ES256, each with a `kid`). A key ring hands out the
 * key to sign with now and publishes the public half of every key whose tokens may still be valid
 * (`/.well-known/jwks.json`), so a rotated key keeps verifying its tokens until they expire.
 *
 * The server's ring is stored, encrypted at rest and rotated (stored-key-ring.ts).
 */
import { randomUUID, type webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: webcrypto.CryptoKey;
}

export interface KeyRing {
  /** the key new credentials are signed with */
  signingKey(): Promise<SigningKey>;
  /** the public keys of every key whose credentials may still be valid */
  publicKeys(): Promise<JSONWebKeySet>;
}

/** a fresh ES256 key pair and its public JWK (`kid`, `alg`, `use: sig`) */
export async function generateSigningKey(kid: string = randomUUID()): Promise<{ key: SigningKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  return { key: { kid, privateKey }, publicJwk };
}
