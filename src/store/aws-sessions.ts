/**
 * AWS sessions as the server knows them: every web identity token it issued for AWS (never the
 * token), so a revocation knows which roles the user may hold AWS sessions of and until when; and
 * how far each revocation has reached AWS (`aws_revocation_deliveries`: pending and retried,
 * done, or nothing to do), so none is dropped, by a restart or by AWS failing.
 */
import type { Selectable } from 'kysely';
import type { AwsRevocationDeliveriesTable, AwsWebIdentityTokensTable } from './database.ts';
import type { Store } from './store.ts';

export interface AwsWebIdentityTokenRecord {
  readonly jti: string;
  readonly subject: string;
  readonly parent?: string | undefined;
  readonly accountId: string;
  readonly permissionSet: string;
  readonly roleSessionName: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly sessionsEndAt: string;
}

export async function recordAwsWebIdentityToken(store: Store, token: AwsWebIdentityTokenRecord): Promise<void> {
  await store.db
    .insertInto('aws_web_identity_tokens')
    .values({
      jti: token.jti,
      subject: token.subject,
      parent: token.parent ?? null,
      account_id: token.accountId,
      permission_set: token.permissionSet,
      role_session_name: token.roleSessionName,
      issued_at: token.issuedAt,
      expires_at: token.expiresAt,
      sessions_end_at: token.sessionsEndAt,
    })
    .execute();
}

function toToken(row: Selectable<AwsWebIdentityTokensTable>): AwsWebIdentityTokenRecord {
  return {
    jti: row.jti,
    subject: row.subject,
    parent: row.parent ?? undefined,
    accountId: row.account_id,
    permissionSet: row.permission_set,
    roleSessionName: row.role_session_name,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    sessionsEndAt: row.sessions_end_at,
  };
}

/** the tokens whose AWS sessions may still be live at `now`, of one subject or of one role */
export async function liveAwsTokens(store: Store, now: Date, of: { readonly subject: string } | { readonly accountId: string; readonly permissionSet: string } | { readonly parent: string }): Promise<AwsWebIdentityTokenRecord[]> {
  let query = store.db.selectFrom('aws_web_identity_tokens').selectAll().where('sessions_end_at', '>', now.toISOString());
  if ('subject' in of) query = query.where('subject', '=', of.subject);
  else if ('parent' in of) query = query.where('parent', '=', of.parent);
  else query = query.where('account_id', '=', of.accountId).where('permission_set', '=', of.permissionSet);
  const rows = await query.orderBy('issued_at', 'asc').orderBy('jti', 'asc').execute();
  return rows.map(toToken);
}

export interface AwsRevocationDelivery {
  readonly revocationId: number;
  readonly state: 'pending' | 'done' | 'nothing';
  readonly attempts: number;
  readonly lastError?: string | undefined;
  readonly nextAttemptAt: string;
  readonly updatedAt: string;
}

function toDelivery(row: Selectable<AwsRevocationDeliveriesTable>): AwsRevocationDelivery {
  const state = row.state === 'done' || row.state === 'nothing' ? row.state : 'pending';
  return { revocationId: Number(row.revocation_id), state, attempts: Number(row.attempts), lastError: row.last_error ?? undefined, nextAttemptAt: row.next_attempt_at, updatedAt: row.updated_at };
}

export async function saveAwsRevocationDelivery(store: Store, delivery: AwsRevocationDelivery): Promise<void> {
  const values = {
    state: delivery.state,
    attempts: delivery.attempts,
    last_error: delivery.lastError ?? null,
    next_attempt_at: delivery.nextAttemptAt,
    updated_at: delivery.updatedAt,
  };
  await store.db
    .insertInto('aws_revocation_deliveries')
    .values({ revocation_id: delivery.revocationId, ...values })
    .onConflict((conflict) => conflict.column('revocation_id').doUpdateSet(values))
    .execute();
}

export async function findAwsRevocationDelivery(store: Store, revocationId: number): Promise<AwsRevocationDelivery | undefined> {
  const row = await store.db.selectFrom('aws_revocation_deliveries').selectAll().where('revocation_id', '=', revocationId).executeTakeFirst();
  return row === undefined ? undefined : toDelivery(row);
}

/** deliveries not done yet (pending), oldest first */
export async function pendingAwsRevocationDeliveries(store: Store, limit = 100): Promise<AwsRevocationDelivery[]> {
  const rows = await store.db.selectFrom('aws_revocation_deliveries').selectAll().where('state', '=', 'pending').orderBy('revocation_id', 'asc').limit(limit).execute();
  return rows.map(toDelivery);
}

/**
 * Revocations made at or after `since` that have no delivery yet or whose pending delivery is due
 * at `now`: what the AWS revoker works on next, oldest first.
 */
export async function dueAwsRevocationIds(store: Store, since: Date, now: Date, limit = 50): Promise<number[]> {
  const rows = await store.db
    .selectFrom('revocations')
    .leftJoin('aws_revocation_deliveries', 'aws_revocation_deliveries.revocation_id', 'revocations.id')
    .select('revocations.id as id')
    .where('revocations.revoked_at', '>=', since.toISOString())
    .where((eb) =>
      eb.or([
        eb('aws_revocation_deliveries.revocation_id', 'is', null),
        eb.and([eb('aws_revocation_deliveries.state', '=', 'pending'), eb('aws_revocation_deliveries.next_attempt_at', '<=', now.toISOString())]),
      ]),
    )
    .orderBy('revocations.id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => Number(row.id));
}
