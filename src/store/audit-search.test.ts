/**
 * The audit search on SQLite and PostgreSQL: every filter alone and together, the time window's
 * bounds (since inclusive, until exclusive), pages in log order after an index, the columns of
 * migration 0210 computed from the stored event, and the indexes the filters need.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { AuditEvent } from '../contract/audit.ts';
import { appendAuditEvents, auditLogSize, searchAuditEvents, type AuditEventFilter } from './index.ts';
import { startTestDatabases, withStore } from './test-databases.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const PRINCIPALS = ['alice@acme.example', 'bob@acme.example', 'service-account:deployer'];
const ACCOUNTS = ['400000000001', '400000000002', undefined];
const ACTIONS = ['s3:GetObject', 'assume', 'apply', 'iam:CreateUser'];
const TYPES = ['decision', 'session-issued', 'config-apply', 'decision'] as const;
const OUTCOMES = ['allow', 'success', 'failure', 'deny'] as const;
const T0 = Date.UTC(2026, 11, 6, 12);

function event(i: number): AuditEvent {
  const account = ACCOUNTS[i % 3];
  return {
    time: new Date(T0 + i * 60_000).toISOString(),
    actor: { principal: PRINCIPALS[i % 3] ?? '', sourceIp: '10.0.0.1' },
    type: TYPES[i % 4] ?? 'decision',
    action: ACTIONS[i % 4] ?? '',
    ...(account === undefined ? {} : { account }),
    outcome: OUTCOMES[i % 4] ?? 'allow',
    requestId: `r-${i}`,
  };
}

const EVENTS = Array.from({ length: 60 }, (_, i) => event(i));

/** what the search must answer: the brute-force filter over the events */
function expected(filter: AuditEventFilter): number[] {
  return EVENTS.flatMap((e, i) =>
    (filter.principal === undefined || e.actor.principal === filter.principal) &&
    (filter.account === undefined || e.account === filter.account) &&
    (filter.action === undefined || e.action === filter.action) &&
    (filter.type === undefined || e.type === filter.type) &&
    (filter.outcome === undefined || e.outcome === filter.outcome) &&
    (filter.since === undefined || e.time >= filter.since) &&
    (filter.until === undefined || e.time < filter.until)
      ? [i]
      : [],
  );
}

const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const FILTERS: AuditEventFilter[] = [
  {},
  { principal: 'alice@acme.example' },
  { account: '400000000002' },
  { action: 'assume' },
  { type: 'decision' },
  { outcome: 'deny' },
  { since: at(10), until: at(20) },
  { principal: 'bob@acme.example', since: at(7), until: at(40) },
  { principal: 'alice@acme.example', type: 'decision', outcome: 'allow' },
  { account: '400000000001', action: 's3:GetObject', since: at(0) },
  { principal: 'nobody' },
];

for (const database of databases) {
  describe(`audit search on ${database.name}`, () => {
    test('each filter and their combinations answer what a brute-force filter does, in log order, page by page', async () => {
      await withStore(await database.fresh(), async (store) => {
        await appendAuditEvents(store, EVENTS);
        assert.equal(await auditLogSize(store), EVENTS.length);
        for (const filter of FILTERS) {
          const all = (await searchAuditEvents(store, filter, { after: -1, limit: 1000 })).map((row) => row.index);
          assert.deepEqual(all, expected(filter), JSON.stringify(filter));
          // pages of 4, each after the last index of the one before, add up to the same
          const paged: number[] = [];
          for (let after = -1; ; ) {
            const page = await searchAuditEvents(store, filter, { after, limit: 4 });
            paged.push(...page.map((row) => row.index));
            if (page.length < 4) break;
            after = page[3]?.index ?? after;
          }
          assert.deepEqual(paged, all, JSON.stringify(filter));
        }
        const [first] = await searchAuditEvents(store, { action: 'assume' }, { after: -1, limit: 1 });
        assert.deepEqual(JSON.parse(first?.event ?? '{}'), EVENTS[1]);
        assert.match(first?.leafHash ?? '', /^[A-Za-z0-9+/]{43}=$/);
      });
    });

    test('a search by principal and time window uses an index', async () => {
      await withStore(await database.fresh(), async (store) => {
        await appendAuditEvents(store, EVENTS);
        const plan =
          store.kind === 'sqlite'
            ? (await sql<{ detail: string }>`explain query plan select idx from audit_events where principal = 'alice@acme.example' and time >= ${at(1)} and time < ${at(30)} and idx > -1 order by idx limit 100`.execute(store.db)).rows.map((row) => row.detail).join('\n')
            : (await sql<{ 'QUERY PLAN': string }>`explain select idx from audit_events where principal = 'alice@acme.example' and time >= ${at(1)} and time < ${at(30)} and idx > -1 order by idx limit 100`.execute(store.db)).rows.map((row) => row['QUERY PLAN']).join('\n');
        if (store.kind === 'sqlite') assert.match(plan, /USING (COVERING )?INDEX audit_events_principal_time/, plan);
        else {
          // a table this small is read sequentially by PostgreSQL's planner; the index must exist for a large one
          const indexes = await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'audit_events' and schemaname = current_schema()`.execute(store.db);
          assert.deepEqual(indexes.rows.map((row) => row.indexname).sort(), ['audit_events_account_time', 'audit_events_action_time', 'audit_events_pkey', 'audit_events_principal_time', 'audit_events_time', 'audit_events_type_time']);
        }
      });
    });
  });
}
