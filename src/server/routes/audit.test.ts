/**
 * The server's audit log on the production wiring: every decision of the decision API is recorded
 * before it is answered, with the session's person, credential and the determining statements;
 * the checkpoint and proof endpoints give what an auditor verifies offline (the inclusion proof
 * checked here with the RFC 9162 verifier, the checkpoint's signature with the C2SP verifier key);
 * the export of the stored log verifies; and when the log cannot be written the decision is not
 * given (fail closed).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { parseCheckpointNote, parseVerifierKey, verifyAuditExport, verifyConsistency, verifyInclusion, verifyNoteSignature } from '../../audit/index.ts';
import { AuditCheckpointResponse, AuditConsistencyProofResponse, AuditEvent, AuditInclusionProofResponse } from '../../contract/audit.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { exportAuditLog } from '../../store/index.ts';
import { startAcmeServer, testCredential, type TestCredential } from '../acme-server.test-support.ts';

const now = new Date('2026-12-06T12:00:00Z');
const PROD_LOGS = 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1';
const IN_REGION = { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' };

describe('the audit log of the decision API', async () => {
  const server = await startAcmeServer({ clock: () => now, settings: { auditDecisions: true } });
  after(() => server.close());
  const token = async (options: TestCredential = {}) => (await testCredential(server, options)).token;
  // heidi is in `auditors`, a reader group of the example's `audit.readers`
  const get = async (url: string) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await token({ user: 'heidi@acme.example' })}` } });

  test('records each decision before answering it, and proves it against a signed checkpoint', async () => {
    const session = await token();
    // what the server recorded before (its first signing key, the configuration applied at start, the sign-in)
    const base = (await exportAuditLog(server.context.store, { event: () => undefined })).events;
    const allow = await server.app.inject({
      method: 'POST',
      url: '/v1/authorize',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json', 'user-agent': 'enforcer/1.0', 'x-request-id': 'req-audit-1' },
      payload: { request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION } },
    });
    assert.equal(allow.statusCode, 200, allow.body);
    const batch = await server.app.inject({
      method: 'POST',
      url: '/v1/authorize/batch',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      payload: { requests: [{ action: 'iam:CreateUser', resource: 'arn:aws:iam::400000000001:user/x' }, { action: 'nope', resource: '*' }] },
    });
    assert.equal(batch.statusCode, 200, batch.body);

    const lines: string[] = [];
    await exportAuditLog(server.context.store, { event: (line) => void lines.push(line) });
    // the allow, and the one decided item of the batch (the invalid item has no decision to record)
    assert.equal(lines.length, base + 2);
    const [first, second] = lines.slice(base).map((line) => AuditEvent.parse((JSON.parse(line) as { event: unknown }).event));
    assert.equal(first?.type, 'decision');
    assert.equal(first?.outcome, 'allow');
    assert.equal(first?.action, 'logs:GetLogEvents');
    assert.equal(first?.actor.principal, 'alice@acme.example');
    assert.equal(first?.actor.userAgent, 'enforcer/1.0');
    assert.equal(first?.requestId, 'req-audit-1');
    assert.equal(first?.account, '400000000001');
    assert.equal(first?.time, now.toISOString());
    assert.ok(Array.isArray(first?.details?.['determining']));
    assert.equal(second?.outcome, 'deny');
    assert.equal(second?.action, 'iam:CreateUser');

    const noCheckpoint = await get('/v1/audit/checkpoint');
    assert.equal(ErrorBody.parse(noCheckpoint.json()).error.code, 'not-found');
    await server.context.audit.checkpoint();
    const checkpointResponse = await get('/v1/audit/checkpoint');
    assert.equal(checkpointResponse.statusCode, 200, checkpointResponse.body);
    const checkpoint = AuditCheckpointResponse.parse(checkpointResponse.json());
    assert.equal(checkpoint.size, base + 2);
    assert.equal(checkpoint.origin, 'parapet.test/audit');
    const key = parseVerifierKey(checkpoint.publicKey);
    const note = parseCheckpointNote(checkpoint.checkpoint);
    assert.ok(key.ok && note.ok);
    assert.equal(verifyNoteSignature(note.value, key.value), true);

    const proofResponse = await get(`/v1/audit/proof/${base + 1}`);
    assert.equal(proofResponse.statusCode, 200, proofResponse.body);
    const proof = AuditInclusionProofResponse.parse(proofResponse.json());
    const b = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
    assert.equal(verifyInclusion(base + 1, base + 2, b(proof.leafHash), proof.proof.map(b), note.value.checkpoint.root), true);
    assert.equal(ErrorBody.parse((await get(`/v1/audit/proof/${base + 2}`)).json()).error.code, 'not-found');

    const verified = await verifyAuditExport({ events: lines, checkpoints: checkpoint.checkpoint, publicKey: checkpoint.publicKey });
    assert.equal(verified.ok, true, JSON.stringify(verified.problem));
    assert.equal(verified.verifiedSize, base + 2);
  });

  test('proves that a later checkpoint extends an earlier one', async () => {
    const session = await token();
    const before = AuditCheckpointResponse.parse((await get('/v1/audit/checkpoint')).json());
    const decide = await server.app.inject({
      method: 'POST',
      url: '/v1/authorize',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      payload: { request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION } },
    });
    assert.equal(decide.statusCode, 200, decide.body);
    await server.context.audit.checkpoint();
    const later = AuditCheckpointResponse.parse((await get('/v1/audit/checkpoint')).json());
    // the decision, and the reads of the log since the earlier checkpoint (each read is an event)
    assert.ok(later.size > before.size);
    const response = await get(`/v1/audit/consistency?first=${before.size}&second=${later.size}`);
    assert.equal(response.statusCode, 200, response.body);
    const { proof } = AuditConsistencyProofResponse.parse(response.json());
    const b = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
    assert.equal(verifyConsistency(before.size, later.size, b(before.rootHash), b(later.rootHash), proof.map(b)), true);
    assert.equal(ErrorBody.parse((await get(`/v1/audit/consistency?first=1&second=${later.size}`)).json()).error.code, 'not-found');
    assert.equal(ErrorBody.parse((await get(`/v1/audit/consistency?first=${later.size}&second=${before.size}`)).json()).error.code, 'invalid-input');
  });

  test('a decision the audit log cannot record is a Deny with that reason: 503 unavailable, no engine decision', async () => {
    const session = await token();
    await sql`alter table audit_events rename to audit_events_gone`.execute(server.context.store.db);
    try {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/authorize',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        payload: { request: { action: 'logs:GetLogEvents', resource: PROD_LOGS, context: IN_REGION } },
      });
      assert.equal(response.statusCode, 503, response.body);
      assert.ok(!response.body.includes('Allow') && !response.body.includes('"causes"'), response.body);
      const body = ErrorBody.parse(response.json());
      assert.equal(body.error.code, 'unavailable');
      assert.match(body.error.message, /^denied: the audit log cannot be written: /u);
      assert.deepEqual(body.error.details, { decision: 'Deny', reason: 'audit-log-unavailable' });
    } finally {
      await sql`alter table audit_events_gone rename to audit_events`.execute(server.context.store.db);
    }
  });
});
