/**
 * Every credential the server issued (sign-in, session, service), by its `jti`: what `GET
 * /v1/sessions` lists and what a user may revoke. The token itself is never stored: a leaked
 * table gives no one a credential. `revoked_at`/`revoked_by` are filled by the revocation
 * (revocations.ts), in the same transaction as the revocation's own row.
 */
import { ParapetError } from '../policy/index.ts';
import type { CredentialsTable } from './database.ts';
import type { Store } from './store.ts';

export interface IssuedCredential {
  readonly jti: string;
  readonly subject: string;
  readonly use: 'sign-in' | 'session' | 'service';
  readonly account?: string | undefined;
  readonly permissionSet?: string | undefined;
  readonly parent?: string | undefined;
  /** ISO 8601, UTC */
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string | undefined;
  readonly revokedBy?: string | undefined;
}

export async function recordCredential(store: Store, credential: Omit<IssuedCredential, 'revokedAt' | 'revokedBy'>): Promise<void> {
  const row: CredentialsTable = {
    jti: credential.jti,
    subject: credential.subject,
    use: credential.use,
    account: credential.account ?? null,
    permission_set: credential.permissionSet ?? null,
    parent: credential.parent ?? null,
    issued_at: credential.issuedAt,
    expires_at: credential.expiresAt,
    revoked_at: null,
    revoked_by: null,
  };
  await store.db.insertInto('credentials').values(row).execute();
}

export async function findCredential(store: Store, jti: string): Promise<IssuedCredential | undefined> {
  const row = await store.db.selectFrom('credentials').selectAll().where('jti', '=', jti).executeTakeFirst();
  return row === undefined ? undefined : toIssuedCredential(row);
}

/** at most this many credentials are listed for one subject */
export const MAX_LIVE_CREDENTIALS = 1000;

/** the subject's credentials neither expired at `now` nor revoked, newest first */
export async function listLiveCredentials(store: Store, subject: string, now: Date): Promise<IssuedCredential[]> {
  const rows = await store.db
    .selectFrom('credentials')
    .selectAll()
    .where('subject', '=', subject)
    .where('expires_at', '>', now.toISOString())
    .where('revoked_at', 'is', null)
    .orderBy('issued_at', 'desc')
    .orderBy('jti', 'asc')
    .limit(MAX_LIVE_CREDENTIALS)
    .execute();
  return rows.map(toIssuedCredential);
}

function toIssuedCredential(row: CredentialsTable): IssuedCredential {
  if (row.use !== 'sign-in' && row.use !== 'session' && row.use !== 'service') throw new ParapetError('internal', `stored credential \`${row.jti}\` has an unknown use \`${row.use}\``);
  return {
    jti: row.jti,
    subject: row.subject,
    use: row.use,
    account: row.account ?? undefined,
    permissionSet: row.permission_set ?? undefined,
    parent: row.parent ?? undefined,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at ?? undefined,
    revokedBy: row.revoked_by ?? undefined,
  };
}
