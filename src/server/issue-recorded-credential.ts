/**
 * Issues a Parapet credential and records it in the credentials table before anyone gets the
 * token: a credential the server cannot list or revoke by id is never handed out. Counted in
 * `parapet_credentials_issued_total` by use.
 */
import { issueCredential, type CredentialClaims } from '../identity/credential.ts';
import { recordCredential } from '../store/index.ts';
import type { ServerContext } from './server-context.ts';

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export async function issueRecordedCredential(
  context: ServerContext,
  claims: Omit<CredentialClaims, 'iat' | 'exp'>,
  lifetimeSeconds: number,
): Promise<{ token: string; claims: CredentialClaims }> {
  const issued = await issueCredential(context.keys, claims, { issuer: context.settings.publicUrl, now: context.clock(), lifetimeSeconds });
  const { claims: full } = issued;
  await recordCredential(context.store, {
    jti: full.jti,
    subject: full.sub,
    use: full.use,
    account: full.account,
    permissionSet: full.permissionSet,
    parent: full.parent,
    issuedAt: iso(full.iat),
    expiresAt: iso(full.exp),
  });
  context.metrics.sessionsIssued.inc({ use: full.use });
  return issued;
}
