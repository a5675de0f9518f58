/**
 * Reading the audit log over HTTP on the production wiring with the example organization (whose
 * `audit.readers` are the groups `auditors` and `security-team`): search with filters and cursor
 * pages, its validation, the export stream that verifies offline with the checkpoints, and who may
 * read: a reader's read is recorded as allowed before it is answered, anyone else gets 403 and a
 * denied read on record, and a read the log cannot record is not answered.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { verifyAuditExport } from '../../audit/index.ts';
import { AUDIT_EXPORT_SIZE_HEADER, AuditCheckpointList, AuditSearchResponse, type AuditEvent } from '../../contract/audit.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { startAcmeServer, testCredential, type TestCredential } from '../acme-server.test-support.ts';
import { auditReaderDecision } from '../audit-read-access.ts';
import { eventsDuring, recordedEvents, theEvent } from '../audit-events.test-support.ts';

const now = new Date('2026-12-06T12:00:00Z');
const server = await startAcmeServer({ clock: () => now });
after(() => server.close());

const READER: TestCredential = { user: 'heidi@acme.example' };
async function get(url: string, who: TestCredential = READER, headers: Record<string, string> = {}) {
  const { token } = await testCredential(server, who);
  return server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
}

function assertError(response: { statusCode: number; json(): unknown }, code: string, status: number, message?: RegExp): void {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  if (message !== undefined) assert.match(body.error.message, message);
}

/** events with known fields, one a minute from 13:00 */
const T1 = Date.parse('2026-12-06T13:00:00Z');
const seeded: AuditEvent[] = Array.from({ length: 30 }, (_, i) => ({
  time: new Date(T1 + i * 60_000).toISOString(),
  actor: { principal: i % 2 === 0 ? 'ivan@acme.example' : 'judy@acme.example' },
  type: i % 3 === 0 ? 'session-issued' : 'decision',
  action: i % 3 === 0 ? 'assume' : 's3:GetObject',
  account: i % 5 === 0 ? '400000000002' : '400000000001',
  outcome: i % 3 === 0 ? 'success' : i % 4 === 0 ? 'deny' : 'allow',
}));
await Promise.all(seeded.map((event) => server.context.audit.record(event)));

async function search(query: string): Promise<AuditSearchResponse> {
  const response = await get(`/v1/audit/events?${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return AuditSearchResponse.parse(response.json());
}

describe('GET /v1/audit/events', () => {
  test('filters by principal, account, action, type, outcome and time window, in log order', async () => {
    // an offset is an instant like any other: 14:05+01:00 is 13:05Z
    const offset = await search('principal=ivan@acme.example&since=2026-12-06T13:00:00Z&until=2026-12-06T14:05:00%2B01:00&limit=1000');
    assert.deepEqual(
      offset.events.map((e) => e.event.time),
      ['2026-12-06T13:00:00.000Z', '2026-12-06T13:02:00.000Z', '2026-12-06T13:04:00.000Z'],
    );
    const inWindow = await search('principal=ivan@acme.example&since=2026-12-06T13:05:00Z&until=2026-12-06T13:15:00Z&limit=1000');
    assert.deepEqual(
      inWindow.events.map((e) => e.event),
      seeded.filter((e) => e.actor.principal === 'ivan@acme.example' && e.time >= '2026-12-06T13:05:00.000Z' && e.time < '2026-12-06T13:15:00.000Z'),
    );
    const indexes = inWindow.events.map((e) => e.index);
    assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b));
    const all = await search('account=400000000002&type=session-issued&action=assume&outcome=success&limit=1000');
    assert.deepEqual(
      all.events.map((e) => e.event),
      seeded.filter((e) => e.account === '400000000002' && e.type === 'session-issued'),
    );
    assert.equal(all.nextCursor, undefined);
    assert.deepEqual((await search('outcome=deny&limit=1000')).events.map((e) => e.event), seeded.filter((e) => e.outcome === 'deny'));
  });

  test('cursor pages: each event once, in order; a cursor is bound to its filters and opaque', async () => {
    const pages: number[][] = [];
    let cursor: string | undefined;
    do {
      const page = await search(`type=decision&limit=7${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      pages.push(page.events.map((e) => e.index));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    const walked = pages.flat();
    const everything = (await search('type=decision&limit=1000')).events.map((e) => e.index);
    assert.deepEqual(walked, everything);
    assert.equal(new Set(walked).size, walked.length);
    assert.ok(pages.length > 1 && pages.every((page) => page.length <= 7));

    const first = await search('type=decision&limit=2');
    assert.ok(first.nextCursor !== undefined);
    assertError(await get(`/v1/audit/events?type=session-issued&limit=2&cursor=${first.nextCursor}`), 'invalid-input', 422, /belongs to a search with other filters/);
    assertError(await get('/v1/audit/events?cursor=not-a-cursor'), 'invalid-input', 422, /^the cursor is not valid/);
    assertError(await get(`/v1/audit/events?cursor=${Buffer.from('{"after":-5,"search":"x"}').toString('base64url')}`), 'invalid-input', 422);
    // a cursor holds where the page ended in the search's (time, index) order: without the time, or with another form of it, it is refused
    const sealed = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8')) as { after: number; time: string; search: string };
    assert.match(sealed.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/u);
    const reseal = (cursor: object) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
    assertError(await get(`/v1/audit/events?type=decision&limit=2&cursor=${reseal({ after: sealed.after, search: sealed.search })}`), 'invalid-input', 422, /not a cursor this server gave/);
    assertError(await get(`/v1/audit/events?type=decision&limit=2&cursor=${reseal({ ...sealed, time: '2026-12-06T12:00:00+01:00' })}`), 'invalid-input', 422, /not a cursor this server gave/);
    const resumed = await search(`type=decision&limit=2&cursor=${reseal(sealed)}`);
    assert.deepEqual(resumed.events.map((e) => e.index), everything.slice(2, 4));
  });

  test('limits and filters are validated: 422 with where', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'limit=1.5', 'type=login', 'outcome=maybe', 'since=yesterday', 'until=2026-13-01T00:00:00Z', 'colour=red', `principal=${'x'.repeat(1025)}`]) {
      assertError(await get(`/v1/audit/events?${query}`), 'invalid-input', 422);
    }
    assertError(await get('/v1/audit/events?since=2026-12-06T13:00:00Z&until=2026-12-06T13:00:00Z'), 'invalid-input', 422, /the time window is empty/);
    assert.equal((await search('limit=1000')).events.length <= 1000, true);
  });
});

describe('who may read the audit log', () => {
  test('a reader\'s search is recorded (allow) before it is answered, with the filters', async () => {
    const events = await eventsDuring(server, async () => assert.equal((await get('/v1/audit/events?principal=ivan@acme.example&limit=3', READER, { 'x-request-id': 'read-1' })).statusCode, 200));
    const read = theEvent(events, 'audit-read', 'search', 'allow');
    assert.equal(read.actor.principal, 'heidi@acme.example');
    assert.equal(read.requestId, 'read-1');
    assert.equal(read.resource, '/v1/audit/events');
    assert.deepEqual(read.details?.['query'], { principal: 'ivan@acme.example', limit: 3 });
  });

  test('anyone else gets 403 on search, export, checkpoints and proofs, and the refusal is on record', async () => {
    const alice: TestCredential = { user: 'alice@acme.example' };
    for (const url of ['/v1/audit/events', '/v1/audit/export', '/v1/audit/checkpoints', '/v1/audit/proof/0', '/v1/audit/consistency?first=0&second=1']) {
      const events = await eventsDuring(server, async () => assertError(await get(url, alice), 'forbidden', 403, /^not an audit log reader: `alice@acme.example` is in none of the audit log's reader groups/));
      const denied = events.find((event) => event.type === 'audit-read');
      assert.equal(denied?.outcome, 'deny', url);
      assert.equal(denied?.actor.principal, 'alice@acme.example');
    }
    assertError(await get('/v1/audit/events', { use: 'service' }), 'forbidden', 403, /service account `deployer` is not an audit log reader/);
    // the latest tree head and the key stay open to every authenticated caller: they show no event
    assert.notEqual((await get('/v1/audit/checkpoint', alice)).statusCode, 403);
  });

  test('readers are configuration: groups through the directory, service accounts by name; none configured, none at all', () => {
    const active = server.context.config.current();
    assert.ok(active !== undefined);
    const user = (name: string) => ({ kind: 'user' as const, user: name, claims: { jti: 'j', sub: name, use: 'session' as const, iat: 0, exp: 1, authTime: 0 } });
    assert.equal(auditReaderDecision(active, user('grace@acme.example')).allowed, true, 'security-team');
    assert.equal(auditReaderDecision(active, user('alice@acme.example')).allowed, false);
    const withService = { ...active, config: { ...active.config, audit: { readers: { groups: [], serviceAccounts: ['deployer'] } } } };
    assert.equal(auditReaderDecision(withService, { kind: 'service-account', name: 'deployer', via: 'parapet-credential' }).allowed, true);
    assert.equal(auditReaderDecision(withService, user('heidi@acme.example')).allowed, false);
    const none = { ...active, config: { ...active.config, audit: undefined } };
    assert.deepEqual(auditReaderDecision(none, user('heidi@acme.example')), { allowed: false, reason: 'the configuration names no audit log readers (`audit.readers` in parapet.yaml)' });
    assert.equal(auditReaderDecision(undefined, user('heidi@acme.example')).allowed, false);
    assert.equal(auditReaderDecision(active, { kind: 'bootstrap', tokenHash: 'sha256:x' }).allowed, false);
  });

  test('a read the log cannot record is not answered: 503 with the reason', async () => {
    const { token } = await testCredential(server, READER);
    await sql`alter table audit_events rename to audit_events_gone`.execute(server.context.store.db);
    let response;
    try {
      response = await server.app.inject({ method: 'GET', url: '/v1/audit/checkpoints', headers: { authorization: `Bearer ${token}` } });
    } finally {
      await sql`alter table audit_events_gone rename to audit_events`.execute(server.context.store.db);
    }
    assertError(response, 'unavailable', 503, /^the audit log cannot be written: /);
  });
});

describe('GET /v1/audit/export and /v1/audit/checkpoints', () => {
  test('the export and the checkpoints verify offline; the stream holds the stored text verbatim', async () => {
    await server.context.audit.checkpoint();
    const listed = AuditCheckpointList.parse((await get('/v1/audit/checkpoints')).json());
    assert.ok(listed.checkpoints.length >= 1);
    assert.equal(listed.publicKey, server.context.audit.verifierKey);
    const response = await get('/v1/audit/export');
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/x-ndjson/);
    const lines = response.body.split('\n').filter((line) => line !== '');
    assert.equal(Number(response.headers[AUDIT_EXPORT_SIZE_HEADER]), lines.length);
    const stored = await recordedEvents(server);
    assert.ok(lines.length <= stored.length);
    const verified = await verifyAuditExport({ events: lines, checkpoints: listed.checkpoints.map((c) => c.checkpoint).join(''), publicKey: listed.publicKey });
    assert.equal(verified.ok, true, JSON.stringify(verified.problem));
    assert.equal(verified.verifiedSize, listed.checkpoints.at(-1)?.size);
    assertError(await get('/v1/audit/export?format=csv'), 'invalid-input', 422);
  });
});
