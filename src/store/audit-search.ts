/**
 * Reading the stored audit log (#10): a search by principal, account, action, event type, outcome
 * and time window, a page at a time in log order, and the events as an export writes them.
 *
 * Every filter is a column with an index together with the time (migration 0210: account, action
 * and outcome are computed from the stored event itself, so nothing that appends can make them
 * disagree with what the tree commits to). Pages continue after the last index of the previous
 * one: appends meanwhile only add at the end, so a walk through the pages sees every event that
 * matched when it started exactly once.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Store } from './store.ts';

/** the columns of migration 0210, computed by the database from `event` */
// a type alias, not an interface: Kysely's withTables wants a record type
type SearchColumns = {
  audit_events: { account: string | null; action: string | null; outcome: string | null };
};

export interface AuditEventFilter {
  readonly principal?: string | undefined;
  readonly account?: string | undefined;
  readonly action?: string | undefined;
  readonly type?: string | undefined;
  readonly outcome?: string | undefined;
  /** inclusive, ISO 8601 UTC with milliseconds (the stored form) */
  readonly since?: string | undefined;
  /** exclusive */
  readonly until?: string | undefined;
}

export interface StoredAuditEvent {
  readonly index: number;
  /** the stored canonical JSON, verbatim */
  readonly event: string;
  readonly leafHash: string;
}

function searchable(store: Store): Kysely<Database & SearchColumns> {
  return store.db.withTables<SearchColumns>();
}

/** up to `limit` events matching `filter` with an index above `after`, in log order */
export async function searchAuditEvents(store: Store, filter: AuditEventFilter, page: { readonly after: number; readonly limit: number }): Promise<StoredAuditEvent[]> {
  let query = searchable(store).selectFrom('audit_events').select(['idx', 'event', 'leaf_hash']).where('idx', '>', page.after);
  if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
  if (filter.account !== undefined) query = query.where('account', '=', filter.account);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.since !== undefined) query = query.where('time', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('time', '<', filter.until);
  const rows = await query.orderBy('idx').limit(page.limit).execute();
  return rows.map((row) => ({ index: Number(row.idx), event: row.event, leafHash: row.leaf_hash }));
}

/** how many events the log holds: the next index */
export async function auditLogSize(store: Store): Promise<number> {
  const row = await store.db.selectFrom('audit_events').select((eb) => eb.fn.max('idx').as('last')).executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** the signed checkpoints' notes, in size order */
export async function auditCheckpointNotes(store: Store): Promise<{ readonly size: number; readonly note: string }[]> {
  const rows = await store.db.selectFrom('audit_checkpoints').select(['size', 'note']).orderBy('size').execute();
  return rows.map((row) => ({ size: Number(row.size), note: row.note }));
}
