/**
 * OCSF export: every event type maps to its class (sign-ins to Authentication 3002, the rest to
 * API Activity 6003), and every attribute each class requires (OCSF 1.3.0, schema.ocsf.io) is
 * present and of its type, checked attribute by attribute for a sample of every type and outcome.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditEvent } from '../contract/audit.ts';
import { OCSF_REQUIRED, OCSF_REQUIRED_NESTED, ocsfEventOf } from './ocsf-event.ts';

const samples: AuditEvent[] = AUDIT_EVENT_TYPES.flatMap((type, i) =>
  AUDIT_OUTCOMES.map((outcome, j) => ({
    time: new Date(Date.UTC(2026, 11, 6, 12, i, j)).toISOString(),
    actor: j % 2 === 0 ? { principal: 'alice@acme.example', session: 's-1', sourceIp: '192.0.2.1', userAgent: 'parapet/1' } : { principal: 'server' },
    type,
    action: ['create-user', 'revoke-scim-token', 'apply', 's3:GetObject'][j] ?? 'x',
    ...(j === 0 ? { account: '400000000001', resource: 'arn:aws:s3:::bucket/key' } : {}),
    outcome,
    ...(j < 2 ? { requestId: `r-${i}-${j}` } : {}),
    ...(j === 2 ? { details: { reason: { code: 'forbidden', message: 'no' }, mfa: true, method: 'device' } } : {}),
  })),
);

describe('OCSF events', () => {
  test('sign-ins are Authentication (3002), everything else API Activity (6003), with consistent ids', () => {
    for (const [index, event] of samples.entries()) {
      const ocsf = ocsfEventOf(event, index);
      const authentication = event.type === 'sign-in';
      assert.equal(ocsf['class_uid'], authentication ? 3002 : 6003);
      assert.equal(ocsf['category_uid'], authentication ? 3 : 6);
      assert.equal(ocsf['type_uid'], (ocsf['class_uid'] as number) * 100 + (ocsf['activity_id'] as number));
      const allowedActivities = authentication ? [1] : [1, 2, 3, 4, 99];
      assert.ok(allowedActivities.includes(ocsf['activity_id'] as number), `${event.type} ${event.action}: activity ${String(ocsf['activity_id'])}`);
      assert.equal(ocsf['time'], Date.parse(event.time));
      assert.equal(ocsf['status_id'], event.outcome === 'allow' || event.outcome === 'success' ? 1 : 2);
      assert.equal((ocsf['metadata'] as { uid: string }).uid, String(index));
      assert.deepEqual((ocsf['unmapped'] as { parapet: unknown }).parapet, { type: event.type, action: event.action, outcome: event.outcome, ...(event.details === undefined ? {} : { details: event.details }) });
    }
  });

  test('every attribute each class requires is present, non-empty and of its type', () => {
    const types: Record<string, 'number' | 'object' | 'string'> = {
      activity_id: 'number',
      category_uid: 'number',
      class_uid: 'number',
      severity_id: 'number',
      time: 'number',
      type_uid: 'number',
      metadata: 'object',
      actor: 'object',
      api: 'object',
      src_endpoint: 'object',
      cloud: 'object',
      user: 'object',
    };
    for (const [index, event] of samples.entries()) {
      const ocsf = ocsfEventOf(event, index);
      const required = event.type === 'sign-in' ? OCSF_REQUIRED.authentication : OCSF_REQUIRED.api_activity;
      for (const attribute of required) {
        const value = ocsf[attribute];
        assert.ok(value !== undefined && value !== null, `${event.type}: required \`${attribute}\` missing`);
        assert.equal(typeof value, types[attribute], `${event.type}: \`${attribute}\``);
        if (typeof value === 'object') assert.ok(Object.keys(value as object).length > 0, `${event.type}: \`${attribute}\` is empty`);
      }
      for (const [object, attributes] of Object.entries(OCSF_REQUIRED_NESTED)) {
        const value = ocsf[object] as Record<string, unknown> | undefined;
        if (value === undefined) continue;
        for (const attribute of attributes) assert.ok(value[attribute] !== undefined, `${event.type}: \`${object}.${attribute}\` missing`);
      }
      // an endpoint and an actor say something: an address or a name; a user or a session
      const endpoint = ocsf['src_endpoint'] as { ip?: string; name?: string };
      assert.ok(endpoint.ip !== undefined || endpoint.name !== undefined);
      assert.equal((ocsf['metadata'] as { version: string }).version, '1.3.0');
    }
  });

  test('a sign-in: the user, MFA, the protocol (OpenID for SSO, OAuth 2.0 for the device flow), the failure\'s reason', () => {
    const failed = ocsfEventOf({ time: '2026-12-06T12:00:00.000Z', actor: { principal: 'mallory@acme.example', sourceIp: '198.51.100.7' }, type: 'sign-in', action: 'device-sign-in', outcome: 'failure', details: { method: 'device', reason: { code: 'unauthenticated', message: 'the device code expired' } } }, 7);
    assert.deepEqual((failed['user'] as { email_addr: string }).email_addr, 'mallory@acme.example');
    assert.equal(failed['auth_protocol_id'], 6);
    assert.equal(failed['status_detail'], 'the device code expired');
    assert.deepEqual(failed['src_endpoint'], { ip: '198.51.100.7' });
    const sso = ocsfEventOf({ time: '2026-12-06T12:00:00.000Z', actor: { principal: 'alice@acme.example', session: 'j1' }, type: 'sign-in', action: 'sso-sign-in', outcome: 'success', details: { method: 'sso', mfa: true } }, 8);
    assert.equal(sso['auth_protocol_id'], 4);
    assert.equal(sso['is_mfa'], true);
    assert.deepEqual(sso['session'], { uid: 'j1' });
  });

  test('an API activity: create, read, update, delete as the action says; the account and the resource', () => {
    const base = { time: '2026-12-06T12:00:00.000Z', actor: { principal: 'scim-token:okta', session: 't1' }, outcome: 'success' } as const;
    const activity = (type: AuditEvent['type'], action: string) => ocsfEventOf({ ...base, type, action }, 1)['activity_id'];
    assert.equal(activity('scim-change', 'create-user'), 1);
    assert.equal(activity('audit-read', 'search'), 2);
    assert.equal(activity('scim-change', 'patch-group'), 3);
    assert.equal(activity('config-apply', 'apply'), 3);
    assert.equal(activity('scim-change', 'delete-user'), 4);
    assert.equal(activity('revocation', 'revoke-subject'), 4);
    assert.equal(activity('token', 'use-bootstrap-token'), 99);
    const session = ocsfEventOf({ ...base, type: 'session-issued', action: 'assume', account: '400000000001', resource: 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example' }, 2);
    assert.deepEqual(session['cloud'], { provider: 'AWS', account: { uid: '400000000001' } });
    assert.deepEqual(session['resources'], [{ uid: 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example', type: 'AWS ARN' }]);
    assert.equal((session['api'] as { operation: string }).operation, 'assume');
  });
});
