/**
 * Issues a Parapet credential, records it in the credentials table and its event in the audit log
 * before anyone gets the token: a credential the server cannot list or revoke by id, or whose
 * issuing is not on record, is never handed out (the audit log's failure is `unavailable`, with
 * the reason). Counted in `parapet_credentials_issued_total` by use.
 */
import type { FastifyRequest } from 'fastify';
import { issueCredential, type CredentialClaims } from '../identity/credential.ts';
import { recordCredential } from '../store/index.ts';
import { recordAuditEvent, type AuditFields, type AuditPrincipal } from './record-audit-event.ts';
import type { ServerContext } from './server-context.ts';

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

/** the audit event of an issued credential: who asked (default: the credential's subject, with the new credential), over which request */
export interface CredentialAudit {
  readonly request: FastifyRequest | undefined;
  readonly who?: AuditPrincipal | undefined;
  readonly fields: (claims: CredentialClaims) => AuditFields;
}

export async function issueRecordedCredential(
  context: ServerContext,
  claims: Omit<CredentialClaims, 'iat' | 'exp'>,
  lifetimeSeconds: number,
  audit: CredentialAudit,
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
  // the token exists only in this function until the event is durable: if it cannot be, it never leaves
  await recordAuditEvent(context, audit.who ?? { principal: full.sub, session: full.jti }, audit.request, audit.fields(full));
  context.metrics.sessionsIssued.inc({ use: full.use });
  return issued;
}
