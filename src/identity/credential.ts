/**
 * Parapet's credentials: JWTs signed with the key ring's ES256 key, issued by the server's public
 * URL for the audience `parapet` and verified only against the ring's published keys.
 *
 * - a `sign-in` credential says who a person is (after SSO): it may ask for sessions, and for
 *   nothing else;
 * - a `session` credential is one (account, permission set) for that person, capped by the
 *   permission set's `sessionDuration`: the subject of the decision API;
 * - a `service` credential is a service account's, exchanged for a workload identity token.
 *
 * Verification fails closed with a precise reason: only ES256 (never `none`, never an HMAC keyed
 * with a public key), a known `kid`, our issuer and audience, not expired, not before its time.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { MAX_SESSION_SECONDS } from '../org/parse-session-duration.ts';
import { ParapetError } from '../policy/index.ts';
import { SIGNING_ALGORITHM, type KeyRing } from './key-ring.ts';

export const CREDENTIAL_AUDIENCE = 'parapet';
export const CREDENTIAL_USES = ['sign-in', 'session', 'service'] as const;
export type CredentialUse = (typeof CREDENTIAL_USES)[number];

/**
 * The longest any credential lives: AWS's maximum session duration (12 hours), which also caps a
 * permission set's `sessionDuration`. A signing key stays published this long after it stops
 * signing, so every credential it signed verifies until it expires.
 */
export const MAX_CREDENTIAL_LIFETIME_SECONDS = MAX_SESSION_SECONDS;

/** allowed difference between the clocks of the issuing and the verifying process */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface CredentialClaims {
  /** the credential's id: what revocation names */
  readonly jti: string;
  /** the user's name in the directory (an email), or `service-account:<name>` */
  readonly sub: string;
  readonly use: CredentialUse;
  /** seconds since the epoch */
  readonly iat: number;
  readonly exp: number;
  /** when the person signed in at the identity provider (seconds): sessions inherit it */
  readonly authTime: number;
  /** when the person last proved a second factor (seconds); absent: no MFA in this sign-in */
  readonly mfaTime?: number | undefined;
  /** the sign-in credential a session was made from: revoking the sign-in revokes its sessions */
  readonly parent?: string | undefined;
  /** session credentials: the account id and permission set */
  readonly account?: string | undefined;
  readonly permissionSet?: string | undefined;
}

export interface IssueCredential {
  readonly issuer: string;
  readonly now: Date;
  readonly lifetimeSeconds: number;
}

export async function issueCredential(ring: KeyRing, claims: Omit<CredentialClaims, 'iat' | 'exp'>, options: IssueCredential): Promise<{ token: string; claims: CredentialClaims }> {
  if (!Number.isSafeInteger(options.lifetimeSeconds) || options.lifetimeSeconds <= 0 || options.lifetimeSeconds > MAX_CREDENTIAL_LIFETIME_SECONDS) {
    throw new ParapetError('internal', `issueCredential: lifetime must be a whole number of seconds from 1 to ${MAX_CREDENTIAL_LIFETIME_SECONDS}: ${options.lifetimeSeconds}`);
  }
  const key = await ring.signingKey();
  const iat = Math.floor(options.now.getTime() / 1000);
  const full: CredentialClaims = { ...claims, iat, exp: iat + options.lifetimeSeconds };
  const payload: Record<string, unknown> = {
    use: full.use,
    auth_time: full.authTime,
    ...(full.mfaTime === undefined ? {} : { mfa_time: full.mfaTime }),
    ...(full.parent === undefined ? {} : { parent: full.parent }),
    ...(full.account === undefined ? {} : { account: full.account }),
    ...(full.permissionSet === undefined ? {} : { permission_set: full.permissionSet }),
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(CREDENTIAL_AUDIENCE)
    .setSubject(full.sub)
    .setJti(full.jti)
    .setIssuedAt(iat)
    .setExpirationTime(full.exp)
    .sign(key.privateKey);
  return { token, claims: full };
}

export interface VerifyCredential {
  readonly issuer: string;
  readonly now: Date;
}

// one verifier per published key set: rebuilt only when the ring publishes a new set
const verifiers = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

function unauthenticated(reason: string): ParapetError {
  return new ParapetError('unauthenticated', `the credential is not valid: ${reason}`);
}

/** the claims of a valid credential, or an `unauthenticated` ParapetError saying why not */
export async function verifyCredential(ring: KeyRing, token: string, options: VerifyCredential): Promise<CredentialClaims> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw unauthenticated('not a JWT');
  }
  if (header.alg !== SIGNING_ALGORITHM) throw unauthenticated(`signed with \`${String(header.alg)}\`, only ${SIGNING_ALGORITHM} is accepted`);
  const jwks = await ring.publicKeys();
  let verifier = verifiers.get(jwks);
  if (verifier === undefined) {
    verifier = createLocalJWKSet(jwks);
    verifiers.set(jwks, verifier);
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(token, verifier, {
      algorithms: [SIGNING_ALGORITHM],
      issuer: options.issuer,
      audience: CREDENTIAL_AUDIENCE,
      currentDate: options.now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['jti', 'sub', 'iat', 'exp'],
    }));
  } catch (error) {
    throw unauthenticated(describeJoseError(error));
  }
  const use = payload['use'];
  if (typeof use !== 'string' || !(CREDENTIAL_USES as readonly string[]).includes(use)) throw unauthenticated('unknown credential use');
  const authTime = payload['auth_time'];
  if (typeof authTime !== 'number') throw unauthenticated('no `auth_time` claim');
  const optionalNumber = (name: string): number | undefined => {
    const value = payload[name];
    if (value !== undefined && typeof value !== 'number') throw unauthenticated(`claim \`${name}\` is not a number`);
    return value;
  };
  const optionalString = (name: string): string | undefined => {
    const value = payload[name];
    if (value !== undefined && typeof value !== 'string') throw unauthenticated(`claim \`${name}\` is not a string`);
    return value;
  };
  const claims: CredentialClaims = {
    jti: payload.jti!,
    sub: payload.sub!,
    use: use as CredentialUse,
    iat: payload.iat!,
    exp: payload.exp!,
    authTime,
    mfaTime: optionalNumber('mfa_time'),
    parent: optionalString('parent'),
    account: optionalString('account'),
    permissionSet: optionalString('permission_set'),
  };
  if (claims.use === 'session' && (claims.account === undefined || claims.permissionSet === undefined)) throw unauthenticated('a session credential without its account and permission set');
  return claims;
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'issued by another issuer';
      case 'aud':
        return 'meant for another audience';
      case 'nbf':
        return 'not valid yet';
      case 'iat':
        return 'issued in the future';
      default:
        return `claim \`${error.claim}\` ${error.reason === 'missing' ? 'is missing' : 'is not valid'}`;
    }
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'signed with a key this server does not know';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not match';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid) return 'malformed';
  return 'cannot be verified';
}
