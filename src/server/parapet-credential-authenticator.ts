/**
 * Authenticates Parapet's own credentials (src/identity/credential.ts): tokens our issuer signed.
 * A verified token is remembered until it expires, so the decision API does not verify the same
 * ES256 signature thousands of times a second; revocation is checked on every request, cached or
 * not, so a revoked credential stops at once.
 */
import { verifyCredential, type CredentialClaims } from '../identity/credential.ts';
import type { KeyRing } from '../identity/key-ring.ts';
import type { RevocationCheck } from '../identity/revocation-list.ts';
import { ParapetError } from '../policy/index.ts';
import type { Authenticator, Caller } from './caller.ts';

/** how many verified credentials are remembered; the oldest are forgotten first */
const VERIFIED_CACHE_SIZE = 10_000;

export const SERVICE_SUBJECT_PREFIX = 'service-account:';

export interface ParapetCredentialAuthenticatorOptions {
  readonly issuer: string;
  readonly keys: KeyRing;
  readonly revocations: RevocationCheck;
  readonly clock: () => Date;
}

export function parapetCredentialAuthenticator(options: ParapetCredentialAuthenticatorOptions): Authenticator {
  const verified = new Map<string, CredentialClaims>();
  async function claimsOf(token: string): Promise<CredentialClaims> {
    const now = options.clock();
    const cached = verified.get(token);
    if (cached !== undefined && cached.exp * 1000 > now.getTime()) return cached;
    verified.delete(token);
    const claims = await verifyCredential(options.keys, token, { issuer: options.issuer, now });
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  }
  return {
    name: 'parapet-credential',
    accepts: (presented) => presented.unverifiedIssuer === options.issuer,
    async authenticate(presented): Promise<Caller> {
      const claims = await claimsOf(presented.token);
      const revokedBy = options.revocations.revokedBy(claims);
      if (revokedBy !== undefined) throw new ParapetError('unauthenticated', `the credential is not valid: revoked${revokedBy === '' ? '' : ` by ${revokedBy}`}`);
      if (claims.use === 'service') {
        if (!claims.sub.startsWith(SERVICE_SUBJECT_PREFIX)) throw new ParapetError('unauthenticated', 'the credential is not valid: a service credential for a person');
        return { kind: 'service-account', name: claims.sub.slice(SERVICE_SUBJECT_PREFIX.length), via: 'parapet-credential' };
      }
      return { kind: 'user', user: claims.sub, claims };
    },
  };
}
