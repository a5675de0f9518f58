/**
 * The audit search on SQLite and PostgreSQL: every filter alone and together, the time window's
 * bounds (since inclusive, until exclusive), pages in (time, index) order through the position
 * the previous page ended at, the columns of migration 0210 computed from the stored event, and
 * the plans: every combination of filters, first page and later pages, reads an index in the
 * search's order (no sort of the matches before the first row comes back).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CompiledQuery, type Kysely } from 'kysely';
import type { AuditEvent } from '../contract/audit.ts';
import { appendAuditEvents, auditLogSize, auditSearchQuery, readAuditEvents, searchAuditEvents, type AuditEventFilter, type AuditSearchPosition, type Store } from './index.ts';
import type { Database } from './database.ts';
import { startTestDatabases, withStore } from './test-databases.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const PRINCIPALS = ['alice@acme.example', 'bob@acme.example', 'service-account:deployer', 'carol@acme.example', 'dave@acme.example'];
const ACCOUNTS = ['400000000001', '400000000002', '400000000003', undefined];
const ACTIONS = ['s3:GetObject', 'assume', 'apply', 'iam:CreateUser', 'search'];
const TYPES = ['decision', 'session-issued', 'config-apply', 'audit-read', 'sign-in'] as const;
const OUTCOMES = ['allow', 'success', 'failure', 'deny'] as const;
const T0 = Date.UTC(2026, 11, 6, 12);
const MINUTES = 600;

/** a small deterministic generator: the same events and filters every run, different ones per seed */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)] as T;
}

const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

/**
 * Events whose times are not in log order (as several processes with their own clocks append)
 * and share minutes (ties the index must order): the order is (time, index), not the log's.
 */
function events(count: number, seed: number): AuditEvent[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const account = pick(next, ACCOUNTS);
    return {
      time: at(Math.floor(next() * MINUTES)),
      actor: { principal: pick(next, PRINCIPALS), sourceIp: '10.0.0.1' },
      type: pick(next, TYPES),
      action: pick(next, ACTIONS),
      ...(account === undefined ? {} : { account }),
      outcome: pick(next, OUTCOMES),
      requestId: `r-${i}`,
    };
  });
}

/** what the search must answer: the filter computed here, in (time, index) order */
function expected(all: readonly AuditEvent[], filter: AuditEventFilter): number[] {
  return all
    .flatMap((e, i) =>
      (filter.principal === undefined || e.actor.principal === filter.principal) &&
      (filter.account === undefined || e.account === filter.account) &&
      (filter.action === undefined || e.action === filter.action) &&
      (filter.type === undefined || e.type === filter.type) &&
      (filter.outcome === undefined || e.outcome === filter.outcome) &&
      (filter.since === undefined || e.time >= filter.since) &&
      (filter.until === undefined || e.time < filter.until)
        ? [i]
        : [],
    )
    .sort((a, b) => {
      const ta = all[a]?.time ?? '';
      const tb = all[b]?.time ?? '';
      return ta < tb ? -1 : ta > tb ? 1 : a - b;
    });
}

/** every page of `limit`, each after the position the one before ended at */
async function walk(store: Store, filter: AuditEventFilter, limit: number): Promise<number[]> {
  const seen: number[] = [];
  let position: AuditSearchPosition | undefined;
  for (;;) {
    const page = await searchAuditEvents(store, filter, { after: position, limit });
    seen.push(...page.map((row) => row.index));
    const last = page.at(-1);
    if (page.length < limit || last === undefined) return seen;
    position = { time: last.time, index: last.index };
  }
}

const EQUALITY_FILTERS = ['principal', 'account', 'action', 'type', 'outcome'] as const;
const VALUE_OF = { principal: PRINCIPALS[0], account: ACCOUNTS[1], action: ACTIONS[1], type: TYPES[0], outcome: 'deny' } as const;
const WINDOWS = [{}, { since: at(100) }, { until: at(400) }, { since: at(100), until: at(400) }];

/** every combination of the equality filters (2^5), each with no window, a start, an end, and both */
function everyCombination(): AuditEventFilter[] {
  const filters: AuditEventFilter[] = [];
  for (let mask = 0; mask < 1 << EQUALITY_FILTERS.length; mask += 1) {
    const equalities = Object.fromEntries(EQUALITY_FILTERS.filter((_, bit) => (mask & (1 << bit)) !== 0).map((name) => [name, VALUE_OF[name]]));
    for (const window of WINDOWS) filters.push({ ...equalities, ...window });
  }
  return filters;
}

interface PostgresPlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PostgresPlanNode[];
}

function nodesOf(node: PostgresPlanNode): PostgresPlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/**
 * The plan of the search's own query (compiled by Kysely, so what runs is what is explained).
 * `ordered`: an index read in the search's order gives the rows (no sort, no full scan).
 * PostgreSQL's planner chooses by estimated cost: given several equality filters it may fetch
 * the few rows it estimates they match through one filter's index (a bitmap) and sort those,
 * which is a sort of that filter's matches, never of the table. So on PostgreSQL `ordered` asks
 * that the planner's plan be an ordered index scan or such a sort, and that with sorting
 * disabled an ordered index scan exists for the query: the index can give the order.
 * `scanOrdered`: the plan chosen is an ordered index scan (asked of every search with at most
 * one equality filter, the window alone included: there no estimate makes a sort cheaper).
 */
async function planOf(store: Store, filter: AuditEventFilter, after: AuditSearchPosition | undefined): Promise<{ text: string; ordered: boolean; scanOrdered: boolean }> {
  const compiled = auditSearchQuery(store, filter, { after, limit: 101 }).compile();
  if (store.kind === 'sqlite') {
    const rows = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    const text = rows.rows.map((row) => row.detail).join('\n');
    // an index read in order: no temporary B-tree sorts the rows, and no full scan of the table
    const ordered = !/USE TEMP B-TREE/u.test(text) && /USING (COVERING )?INDEX audit_events_/u.test(text) && !/^SCAN audit_events\b(?! USING)/mu.test(text);
    return { text, ordered, scanOrdered: ordered };
  }
  const explain = async (db: Kysely<Database>): Promise<PostgresPlanNode[]> => {
    const rows = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: PostgresPlanNode }] }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
    const root = rows.rows[0]?.['QUERY PLAN'][0].Plan;
    assert.ok(root !== undefined, 'postgresql gave no plan');
    return nodesOf(root);
  };
  const describe = (nodes: readonly PostgresPlanNode[]) => JSON.stringify(nodes.map((node) => `${node['Node Type']}${node['Index Name'] === undefined ? '' : ` ${node['Index Name']}`}`));
  const ourIndex = (node: PostgresPlanNode) => (node['Index Name'] ?? '').startsWith('audit_events_') && node['Index Name'] !== 'audit_events_pkey';
  const orderedScan = (nodes: readonly PostgresPlanNode[]) => nodes.every((node) => !/Sort|Seq Scan|Bitmap/u.test(node['Node Type'])) && nodes.some((node) => /^Index (Only )?Scan$/u.test(node['Node Type']) && ourIndex(node));
  const chosen = await explain(store.db);
  const sortOfIndexedMatches = chosen.every((node) => node['Node Type'] !== 'Seq Scan' && node['Node Type'] !== 'Incremental Sort') && chosen.some((node) => node['Node Type'] === 'Bitmap Index Scan' && ourIndex(node));
  const withoutSort = await store.db.transaction().execute(async (tx) => {
    await tx.executeQuery(CompiledQuery.raw('set local enable_sort = off'));
    await tx.executeQuery(CompiledQuery.raw('set local enable_incremental_sort = off'));
    return explain(tx);
  });
  return { text: `chosen ${describe(chosen)}, without sorting ${describe(withoutSort)}`, ordered: (orderedScan(chosen) || sortOfIndexedMatches) && orderedScan(withoutSort), scanOrdered: orderedScan(chosen) };
}

const LOG = events(3000, 42);

for (const database of databases) {
  describe(`audit search on ${database.name}`, () => {
    test('random filters over 3,000 events: the pages add up to the filter computed here, in (time, index) order', async () => {
      await withStore(await database.fresh(), async (store) => {
        await appendAuditEvents(store, LOG);
        assert.equal(await auditLogSize(store), LOG.length);
        const next = random(7);
        for (let round = 0; round < 60; round += 1) {
          const filter: AuditEventFilter = {};
          const chosen: Record<string, string | undefined> = {};
          if (next() < 0.4) chosen['principal'] = next() < 0.05 ? 'nobody@acme.example' : pick(next, PRINCIPALS);
          if (next() < 0.3) chosen['account'] = pick(next, ACCOUNTS.filter((a) => a !== undefined));
          if (next() < 0.3) chosen['action'] = pick(next, ACTIONS);
          if (next() < 0.3) chosen['type'] = pick(next, TYPES);
          if (next() < 0.3) chosen['outcome'] = pick(next, OUTCOMES);
          // window bounds on the minutes events have (ties at both edges) and between them
          if (next() < 0.5) chosen['since'] = at(Math.floor(next() * MINUTES));
          if (next() < 0.5) chosen['until'] = at(Math.floor(next() * MINUTES) + 1);
          Object.assign(filter, chosen);
          const want = expected(LOG, filter);
          const limit = 1 + Math.floor(next() * 40);
          assert.deepEqual(await walk(store, filter, limit), want, `${JSON.stringify(filter)} pages of ${limit}`);
        }
        // a page of everything, and the other extreme: a page of one through the ties of one minute
        assert.deepEqual(await walk(store, {}, 1000), expected(LOG, {}));
        const minute = { since: at(300), until: at(301) };
        assert.ok(expected(LOG, minute).length > 2, 'the minute has ties');
        assert.deepEqual(await walk(store, minute, 1), expected(LOG, minute));
        // the stored event comes back verbatim, with its leaf hash and time
        const [first] = await searchAuditEvents(store, { action: 'assume' }, { limit: 1 });
        const firstIndex = expected(LOG, { action: 'assume' })[0] ?? -1;
        assert.equal(first?.index, firstIndex);
        assert.deepEqual(JSON.parse(first?.event ?? '{}'), LOG[firstIndex]);
        assert.equal(first?.time, LOG[firstIndex]?.time);
        assert.match(first?.leafHash ?? '', /^[A-Za-z0-9+/]{43}=$/u);
      });
    });

    test('an export reads the log in index order, page after page', async () => {
      await withStore(await database.fresh(), async (store) => {
        const log = LOG.slice(0, 300);
        await appendAuditEvents(store, log);
        const read: number[] = [];
        for (let position = -1; ; ) {
          const page = await readAuditEvents(store, { after: position, limit: 70 });
          read.push(...page.map((row) => row.index));
          if (page.length < 70) break;
          position = page.at(-1)?.index ?? position;
        }
        assert.deepEqual(read, log.map((_, i) => i));
      });
    });

    test('every combination of filters, first page and later pages, reads an index in the search order', async () => {
      await withStore(await database.fresh(), async (store) => {
        // a log large enough that PostgreSQL's planner prefers an index to reading the table
        for (let batch = 0; batch < 10; batch += 1) await appendAuditEvents(store, events(2000, 100 + batch));
        const unordered: string[] = [];
        // SQLite as the server leaves it (nothing runs ANALYZE: the planner's own guesses) and with
        // statistics; PostgreSQL with statistics (autovacuum analyzes a table that grows)
        for (const analyzed of store.kind === 'sqlite' ? [false, true] : [true]) {
          if (analyzed) await store.db.executeQuery(CompiledQuery.raw('analyze'));
          for (const filter of everyCombination()) {
            for (const position of [undefined, { time: at(250), index: 5000 }]) {
              const plan = await planOf(store, filter, position);
              const equalities = EQUALITY_FILTERS.filter((name) => filter[name] !== undefined).length;
              if (!plan.ordered || (equalities <= 1 && !plan.scanOrdered)) unordered.push(`${analyzed ? 'analyzed' : 'not analyzed'}: ${JSON.stringify(filter)}${position === undefined ? '' : ' after a cursor'}: ${plan.text}`);
            }
          }
        }
        assert.deepEqual(unordered, [], unordered.join('\n'));
      });
    });
  });
}
