/**
 * Revocations, append-only: one credential (and so the sessions made from it), or every credential
 * of a subject issued at or before a time. Each row has an increasing id, and every server process
 * reads the rows after the last id it has seen (src/identity/stored-revocation-list.ts): that is
 * how a revocation made through one process reaches all of them.
 *
 * Reading "after the last id" is only sound if ids become visible in order. On PostgreSQL a
 * sequence hands out ids at insert, not at commit, so two concurrent inserts could commit 5 before
 * 4, and a reader that saw 5 would skip 4 forever. Inserts therefore take a table lock that
 * conflicts with itself (readers are not blocked): one revocation commits at a time, in id order.
 * SQLite has one writer at a time anyway.
 *
 * The revocation also marks the credentials it covers in `credentials` (revoked_at, revoked_by) in
 * the same transaction, so listings agree with the revocation list.
 */
import { PostgresAdapter, sql, type Selectable } from 'kysely';
import { ParapetError } from '../policy/index.ts';
import type { RevocationsTable } from './database.ts';
import type { Store } from './store.ts';

export type Revocation =
  | {
      readonly id: number;
      readonly kind: 'credential';
      readonly credentialId: string;
      /** when the credential expires anyway (undefined: not a credential this server recorded) */
      readonly expiresAt: string | undefined;
      readonly revokedBy: string;
      readonly revokedAt: string;
    }
  | {
      readonly id: number;
      readonly kind: 'subject';
      readonly subject: string;
      /** ISO 8601: every credential of the subject issued at or before this instant */
      readonly issuedBefore: string;
      /** when every credential it covers has expired anyway */
      readonly expiresAt: string | undefined;
      readonly revokedBy: string;
      readonly revokedAt: string;
    };

export type NewRevocation =
  | { readonly kind: 'credential'; readonly credentialId: string; readonly revokedBy: string; readonly revokedAt: Date }
  | { readonly kind: 'subject'; readonly subject: string; readonly issuedBefore: Date; readonly expiresAt: Date; readonly revokedBy: string; readonly revokedAt: Date };

export async function appendRevocation(store: Store, input: NewRevocation): Promise<Revocation> {
  return store.db.transaction().execute(async (tx) => {
    if (tx.getExecutor().adapter instanceof PostgresAdapter) await sql`lock table revocations in share row exclusive mode`.execute(tx);
    const revokedAt = input.revokedAt.toISOString();
    let row: Omit<RevocationsTable, 'id'>;
    if (input.kind === 'credential') {
      const credential = await tx.selectFrom('credentials').select('expires_at').where('jti', '=', input.credentialId).executeTakeFirst();
      row = { kind: 'credential', credential_id: input.credentialId, subject: null, issued_before: null, expires_at: credential?.expires_at ?? null, revoked_by: input.revokedBy, revoked_at: revokedAt };
      await tx
        .updateTable('credentials')
        .set({ revoked_at: revokedAt, revoked_by: input.revokedBy })
        .where((eb) => eb.or([eb('jti', '=', input.credentialId), eb('parent', '=', input.credentialId)]))
        .where('revoked_at', 'is', null)
        .execute();
    } else {
      const issuedBefore = input.issuedBefore.toISOString();
      row = { kind: 'subject', credential_id: null, subject: input.subject, issued_before: issuedBefore, expires_at: input.expiresAt.toISOString(), revoked_by: input.revokedBy, revoked_at: revokedAt };
      await tx
        .updateTable('credentials')
        .set({ revoked_at: revokedAt, revoked_by: input.revokedBy })
        .where('subject', '=', input.subject)
        .where('issued_at', '<=', issuedBefore)
        .where('revoked_at', 'is', null)
        .execute();
    }
    const inserted = await tx.insertInto('revocations').values(row).returningAll().executeTakeFirstOrThrow();
    return toRevocation(inserted);
  });
}

/** at most this many revocations are read at once */
export const REVOCATION_PAGE = 1000;

/** the revocations with an id greater than `afterId`, in id order, at most REVOCATION_PAGE */
export async function revocationsAfter(store: Store, afterId: number): Promise<Revocation[]> {
  const rows = await store.db.selectFrom('revocations').selectAll().where('id', '>', afterId).orderBy('id', 'asc').limit(REVOCATION_PAGE).execute();
  return rows.map(toRevocation);
}

/**
 * What a process starting now needs: the greatest id so far, and every revocation up to it whose
 * credentials may not have expired yet at `now` (expired credentials are refused anyway).
 */
export async function liveRevocations(store: Store, now: Date): Promise<{ lastId: number; revocations: Revocation[] }> {
  const { last } = await store.db.selectFrom('revocations').select((eb) => eb.fn.max('id').as('last')).executeTakeFirstOrThrow();
  const lastId = last ?? 0;
  const rows = await store.db
    .selectFrom('revocations')
    .selectAll()
    .where('id', '<=', lastId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
    .orderBy('id', 'asc')
    .execute();
  return { lastId, revocations: rows.map(toRevocation) };
}

export async function findRevocation(store: Store, id: number): Promise<Revocation | undefined> {
  const row = await store.db.selectFrom('revocations').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRevocation(row);
}

/** every revocation of one of these subjects, or of one of these credentials, oldest first */
export async function revocationsOf(store: Store, of: { readonly subjects: readonly string[]; readonly credentialIds: readonly string[] }): Promise<Revocation[]> {
  if (of.subjects.length === 0 && of.credentialIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('revocations')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(of.subjects.length === 0 ? [] : [eb.and([eb('kind', '=', 'subject'), eb('subject', 'in', [...of.subjects])])]),
        ...(of.credentialIds.length === 0 ? [] : [eb.and([eb('kind', '=', 'credential'), eb('credential_id', 'in', [...of.credentialIds])])]),
      ]),
    )
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toRevocation);
}

function toRevocation(row: Selectable<RevocationsTable>): Revocation {
  const id = Number(row.id);
  if (row.kind === 'credential' && row.credential_id !== null) {
    return { id, kind: 'credential', credentialId: row.credential_id, expiresAt: row.expires_at ?? undefined, revokedBy: row.revoked_by, revokedAt: row.revoked_at };
  }
  if (row.kind === 'subject' && row.subject !== null && row.issued_before !== null) {
    return { id, kind: 'subject', subject: row.subject, issuedBefore: row.issued_before, expiresAt: row.expires_at ?? undefined, revokedBy: row.revoked_by, revokedAt: row.revoked_at };
  }
  throw new ParapetError('internal', `stored revocation ${id} is neither of a credential nor of a subject`);
}
