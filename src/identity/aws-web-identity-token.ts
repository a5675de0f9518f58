/**
 * A web identity token for `sts:AssumeRoleWithWebIdentity`: signed with the key ring's ES256 key
 * (AWS accepts ES256: API_AssumeRoleWithWebIdentity), issued by the server's public URL for the
 * configured audience (default `sts.amazonaws.com`), its `sub` naming the account, the permission
 * set and the user (src/aws/web-identity.ts), the user's principal tags in AWS's tags claim.
 *
 * Its audience is never `parapet`, so verifyCredential refuses it: a token meant for AWS is no
 * Parapet credential.
 */
import { SignJWT } from 'jose';
import { AWS_TAGS_CLAIM, awsTagsClaim } from '../aws/web-identity.ts';
import { ParapetError } from '../policy/index.ts';
import { SIGNING_ALGORITHM, type KeyRing } from './key-ring.ts';
import { CREDENTIAL_AUDIENCE } from './credential.ts';

export interface AwsWebIdentityClaims {
  readonly jti: string;
  readonly sub: string;
  readonly audience: string;
  readonly authTime: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface IssuedAwsWebIdentityToken {
  readonly token: string;
  readonly iat: number;
  readonly exp: number;
}

export async function issueAwsWebIdentityToken(
  ring: KeyRing,
  claims: AwsWebIdentityClaims,
  options: { readonly issuer: string; readonly now: Date; readonly lifetimeSeconds: number },
): Promise<IssuedAwsWebIdentityToken> {
  if (claims.audience === CREDENTIAL_AUDIENCE) throw new ParapetError('internal', `a token for AWS never has Parapet's own audience \`${CREDENTIAL_AUDIENCE}\``);
  if (!Number.isSafeInteger(options.lifetimeSeconds) || options.lifetimeSeconds <= 0) throw new ParapetError('internal', `issueAwsWebIdentityToken: lifetime ${options.lifetimeSeconds}`);
  const key = await ring.signingKey();
  // AWS: "Timestamps in the token must be formatted as either an integer or a long integer"
  const iat = Math.floor(options.now.getTime() / 1000);
  const exp = iat + options.lifetimeSeconds;
  const payload: Record<string, unknown> = { auth_time: claims.authTime };
  if (Object.keys(claims.tags).length > 0) payload[AWS_TAGS_CLAIM] = awsTagsClaim(claims.tags);
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(claims.audience)
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { token, iat, exp };
}
