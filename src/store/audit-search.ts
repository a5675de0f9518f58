/**
 * Reading the stored audit log (#10): a search by principal, account, action, event type, outcome
 * and time window, a page at a time in log order, and the events as an export writes them.
 *
 * Every filter is a column with an index together with the time and the index (migrations 0210
 * and 0230: account, action and outcome are computed from the stored event itself, so nothing that
 * appends can make them disagree with what the tree commits to). A search's pages are in (time,
 * index) order, the order of those indexes; an export's are in log order.
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
  /** the event's time as stored: with the index, where a page of a search ends */
  readonly time: string;
}

/** where a search's page ended: the last event's time and index (the order's key) */
export interface AuditSearchPosition {
  readonly time: string;
  readonly index: number;
}

function searchable(store: Store): Kysely<Database & SearchColumns> {
  return store.db.withTables<SearchColumns>();
}

/**
 * up to `limit` events matching `filter` after `after`, in time order (events of the same
 * millisecond in log order). Time order, not index order: every filter's index is (filter,
 * time, idx) (SQLite keeps the rowid `idx` as every index's last column; PostgreSQL has it
 * explicitly, migration 0230), so the index gives the rows in this order and a page reads the
 * rows it returns (and those the other filters skip) without sorting the matches first. The
 * order differs from the log's only where clocks of several processes disagree; a walk through
 * the pages still sees every event that matched when it started exactly once, as (time, idx) is
 * a total order and an append adds to it without moving what is there.
 */
export async function searchAuditEvents(store: Store, filter: AuditEventFilter, page: AuditSearchPage): Promise<StoredAuditEvent[]> {
  const rows = await auditSearchQuery(store, filter, page).execute();
  return rows.map((row) => ({ index: Number(row.idx), event: row.event, leafHash: row.leaf_hash, time: row.time }));
}

export interface AuditSearchPage {
  /** where the previous page ended; none for the first page */
  readonly after?: AuditSearchPosition | undefined;
  readonly limit: number;
}

/** the query `searchAuditEvents` runs (its plan is tested: every filter combination reads an index in order) */
export function auditSearchQuery(store: Store, filter: AuditEventFilter, page: AuditSearchPage) {
  let query = searchable(store).selectFrom('audit_events').select(['idx', 'event', 'leaf_hash', 'time']);
  if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
  if (filter.account !== undefined) query = query.where('account', '=', filter.account);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.since !== undefined) query = query.where('time', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('time', '<', filter.until);
  const after = page.after;
  // (time, idx) > (after.time, after.index), written so that `time >= …` bounds the index range on both databases
  if (after !== undefined) query = query.where('time', '>=', after.time).where((eb) => eb.or([eb('time', '>', after.time), eb('idx', '>', after.index)]));
  return query.orderBy('time').orderBy('idx').limit(page.limit);
}

/** up to `limit` events with an index above `after`, in log order (the primary key's): what an export writes */
export async function readAuditEvents(store: Store, page: { readonly after: number; readonly limit: number }): Promise<StoredAuditEvent[]> {
  const rows = await store.db.selectFrom('audit_events').select(['idx', 'event', 'leaf_hash', 'time']).where('idx', '>', page.after).orderBy('idx').limit(page.limit).execute();
  return rows.map((row) => ({ index: Number(row.idx), event: row.event, leafHash: row.leaf_hash, time: row.time }));
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
