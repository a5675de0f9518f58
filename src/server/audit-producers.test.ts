/**
 * Every producer of the audit log on the production wiring (sign-in has its own in
 * routes/login.test.ts, decisions in routes/audit.test.ts): the event each action records, field
 * by field, and that an action the log cannot record does not take effect.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ApplyResponse } from '../contract/config.ts';
import { ErrorBody } from '../contract/error-body.ts';
import { SessionIssued } from '../contract/sessions.ts';
import { issueCredential } from '../identity/credential.ts';
import { readConfigDir } from '../org/index.ts';
import { findCredential, listConfigVersions, listScimTokens } from '../store/index.ts';
import { bootstrapTokenHash } from './apply-config.ts';
import { EXAMPLE_CONFIG_DIR } from './apply-test-config.test-support.ts';
import { eventsDuring, recordedEvents, theEvent } from './audit-events.test-support.ts';
import { configSnapshot } from './config-snapshot.ts';
import { issueSignIn } from './issue-sign-in.ts';
import { scimClient, scimToken } from './scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';
import { runCli } from '../cli/run-cli.test-support.ts';

const now = new Date('2026-12-06T12:00:00Z');
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const acmeFiles = readConfigDir(EXAMPLE_CONFIG_DIR);

const server = await startTestServer({ clock: () => now });
after(() => server.close());

async function serviceToken(target: TestServer, name: string): Promise<string> {
  const { token } = await issueCredential(target.context.keys, { jti: target.context.newId(), sub: `service-account:${name}`, use: 'service', authTime: seconds(now) }, { issuer: 'http://parapet.test', now, lifetimeSeconds: 600 });
  return token;
}

/** the audit table out of reach for the duration of `body`: every append fails */
async function withoutAuditLog<T>(target: TestServer, body: () => Promise<T>): Promise<T> {
  await sql`alter table audit_events rename to audit_events_gone`.execute(target.context.store.db);
  try {
    return await body();
  } finally {
    await sql`alter table audit_events_gone rename to audit_events`.execute(target.context.store.db);
  }
}

function assertUnavailable(response: { statusCode: number; json(): unknown }): void {
  assert.equal(response.statusCode, 503, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, 'unavailable');
  assert.match(body.error.message, /^the audit log cannot be written: /u);
}

describe('what a server records of its own accord', { concurrency: false }, () => {
  test('its first signing key and the bootstrap token it prints, as the server', async () => {
    const events = await recordedEvents(server);
    const key = theEvent(events, 'key-rotation', 'create-signing-key', 'success');
    assert.equal(key.actor.principal, 'server');
    assert.equal(key.details?.['first'], true);
    assert.equal(key.details?.['generation'], 1);
    assert.equal(key.resource, `signing-key:${String(key.details?.['kid'])}`);
    const token = theEvent(events, 'token', 'create-bootstrap-token', 'success');
    assert.equal(token.resource, `bootstrap-token:${bootstrapTokenHash(server.prepared.bootstrapToken ?? '')}`);
    assert.ok(!JSON.stringify(events).includes(server.prepared.bootstrapToken ?? '-'), 'the token itself is never recorded');
  });

  test('a key rotation is recorded before the key is stored; one the log refuses is not made', async () => {
    let at = now;
    at = new Date(now.getTime() + 3600_000);
    const fresh = await startTestServer({ clock: () => at, settings: { keyRotationSeconds: 3600 } });
    try {
      const before = await recordedEvents(fresh);
      assert.equal(before.filter((event) => event.type === 'key-rotation').length, 1);
      at = new Date(at.getTime() + 3601_000);
      await fresh.context.keys.refresh();
      const rotated = theEvent((await recordedEvents(fresh)).slice(before.length), 'key-rotation', 'rotate-signing-key', 'success');
      assert.equal(rotated.details?.['generation'], 2);
      assert.equal(rotated.details?.['first'], false);
      const published = (await fresh.context.keys.publicKeys()).keys.map((key) => key.kid);
      assert.ok(published.includes(String(rotated.details?.['kid'])), 'the recorded key is the one published');
      // the log refuses: no third key
      at = new Date(at.getTime() + 3601_000);
      await withoutAuditLog(fresh, async () => {
        await assert.rejects(fresh.context.keys.refresh(), /the audit log cannot be written/);
      });
      assert.equal((await fresh.context.keys.publicKeys()).keys.length, 2);
    } finally {
      await fresh.close();
    }
  });
});

describe('configuration apply, bootstrap token use', { concurrency: false }, () => {
  test('the bootstrap token\'s use and the apply: version, hash, plan summary, author, before the version is stored', async () => {
    const token = server.prepared.bootstrapToken;
    assert.ok(token !== undefined);
    let answer: ApplyResponse | undefined;
    const events = await eventsDuring(server, async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/config/versions',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'apply-1', 'user-agent': 'parapet/1' },
        payload: { files: Object.fromEntries(acmeFiles), message: 'first' },
      });
      assert.equal(response.statusCode, 201, response.body);
      answer = ApplyResponse.parse(response.json());
    });
    const use = theEvent(events, 'token', 'use-bootstrap-token', 'success');
    assert.deepEqual(use.actor, { principal: 'bootstrap', session: bootstrapTokenHash(token), sourceIp: '127.0.0.1', userAgent: 'parapet/1' });
    assert.equal(use.resource, `bootstrap-token:${bootstrapTokenHash(token)}`);
    const apply = theEvent(events, 'config-apply', 'apply', 'success');
    assert.equal(apply.requestId, 'apply-1');
    assert.equal(apply.resource, 'config-version:1');
    assert.equal(apply.details?.['version'], 1);
    assert.equal(apply.details?.['hash'], configSnapshot(acmeFiles).hash);
    assert.equal(apply.details?.['author'], 'bootstrap');
    assert.equal(apply.details?.['message'], 'first');
    assert.deepEqual(apply.details?.['plan'], JSON.parse(JSON.stringify(answer?.plan)));
    assert.ok(events.indexOf(use) < events.indexOf(apply));
  });

  test('an apply the log cannot record is not made; a failed apply is on record with its reason', async () => {
    const deployer = await serviceToken(server, 'deployer');
    const files = new Map(acmeFiles);
    files.set('parapet.yaml', (files.get('parapet.yaml') ?? '').replace('payments-devs: { members: [', 'payments-devs: { members: [new.dev@acme.example, '));
    const apply = (expectVersion: number) =>
      server.app.inject({ method: 'POST', url: '/v1/config/versions', headers: { authorization: `Bearer ${deployer}` }, payload: { files: Object.fromEntries(files), expectVersion } });
    await withoutAuditLog(server, async () => assertUnavailable(await apply(1)));
    assert.deepEqual((await listConfigVersions(server.context.store, { limit: 10 })).map((version) => version.version), [1]);
    const events = await eventsDuring(server, async () => assert.equal((await apply(1)).statusCode, 201));
    const applied = theEvent(events, 'config-apply', 'apply', 'success');
    assert.equal(applied.actor.principal, 'service-account:deployer');
    assert.equal(applied.details?.['version'], 2);
    assert.equal(applied.details?.['previousVersion'], 1);
    assert.equal((applied.details?.['plan'] as { principals: { users: number } }).principals.users > 0, true);
  });
});

describe('sessions and revocations', { concurrency: false }, () => {
  test('a session issued: the person, their sign-in, the account, and the role session name AWS will log', async () => {
    const signIn = await issueSignIn(server.context, { user: 'alice@acme.example', authTime: seconds(now) - 30, mfaTime: seconds(now) - 20 });
    let issued: SessionIssued | undefined;
    const events = await eventsDuring(server, async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: { authorization: `Bearer ${signIn.token}`, 'user-agent': 'parapet-cli/1', 'x-request-id': 'assume-1' },
        payload: { account: 'payments-prod', permissionSet: 'developer' },
        remoteAddress: '192.0.2.10',
      });
      assert.equal(response.statusCode, 201, response.body);
      issued = SessionIssued.parse(response.json());
    });
    const event = theEvent(events, 'session-issued', 'assume', 'success');
    assert.deepEqual(event, {
      time: now.toISOString(),
      actor: { principal: 'alice@acme.example', session: signIn.claims.jti, sourceIp: '192.0.2.10', userAgent: 'parapet-cli/1' },
      type: 'session-issued',
      action: 'assume',
      resource: 'arn:aws:sts::400000000001:assumed-role/developer/alice@acme.example',
      account: '400000000001',
      outcome: 'success',
      requestId: 'assume-1',
      details: {
        sessionId: issued?.id,
        permissionSet: 'developer',
        accountName: 'payments-prod',
        roleArn: 'arn:aws:iam::400000000001:role/parapet/developer',
        roleSessionName: 'alice@acme.example',
        expiresAt: issued?.expiresAt,
        configVersion: 2,
        mfa: true,
      },
    });
  });

  test('fail closed: no session is issued when its event cannot be recorded, and the error says why', async () => {
    const signIn = await issueSignIn(server.context, { user: 'alice@acme.example', authTime: seconds(now) - 30 });
    const response = await withoutAuditLog(server, () =>
      server.app.inject({ method: 'POST', url: '/v1/sessions', headers: { authorization: `Bearer ${signIn.token}` }, payload: { account: 'payments-prod', permissionSet: 'developer' } }),
    );
    assertUnavailable(response);
    assert.ok(!response.body.includes('"token"'));
  });

  test('revoking a credential, all of one\'s own, and a user\'s by a service account', async () => {
    const signIn = await issueSignIn(server.context, { user: 'alice@acme.example', authTime: seconds(now) - 30 });
    const headers = { authorization: `Bearer ${signIn.token}` };
    const session = SessionIssued.parse(
      (await server.app.inject({ method: 'POST', url: '/v1/sessions', headers, payload: { account: 'payments-prod', permissionSet: 'developer' } })).json(),
    );
    const one = await eventsDuring(server, async () => assert.equal((await server.app.inject({ method: 'DELETE', url: `/v1/sessions/${session.id}`, headers })).statusCode, 200));
    const revokedOne = theEvent(one, 'revocation', 'revoke-credential', 'success');
    assert.deepEqual([revokedOne.actor.principal, revokedOne.actor.session, revokedOne.resource, revokedOne.account], ['alice@acme.example', signIn.claims.jti, `credential:${session.id}`, '400000000001']);
    assert.deepEqual(revokedOne.details, { credential: session.id, use: 'session', subject: 'alice@acme.example' });

    const all = await eventsDuring(server, async () => assert.equal((await server.app.inject({ method: 'POST', url: '/v1/sessions/revoke-all', headers })).statusCode, 200));
    const revokedAll = theEvent(all, 'revocation', 'revoke-subject', 'success');
    assert.equal(revokedAll.resource, 'subject:alice@acme.example');
    assert.equal(revokedAll.details?.['issuedBefore'], now.toISOString());

    const offboarder = await serviceToken(server, 'offboarding');
    const user = await eventsDuring(server, async () =>
      assert.equal((await server.app.inject({ method: 'POST', url: '/v1/users/bob@acme.example/revoke-sessions', headers: { authorization: `Bearer ${offboarder}` } })).statusCode, 200),
    );
    const revokedUser = theEvent(user, 'revocation', 'revoke-subject', 'success');
    assert.equal(revokedUser.actor.principal, 'service-account:offboarding');
    assert.equal(revokedUser.resource, 'subject:bob@acme.example');
  });

  test('a revocation the log cannot record is not made', async () => {
    const signIn = await issueSignIn(server.context, { user: 'dave@acme.example', authTime: seconds(now) - 30 });
    const response = await withoutAuditLog(server, () => server.app.inject({ method: 'DELETE', url: `/v1/sessions/${signIn.claims.jti}`, headers: { authorization: `Bearer ${signIn.token}` } }));
    assertUnavailable(response);
    assert.equal((await findCredential(server.context.store, signIn.claims.jti))?.revokedAt, undefined);
    assert.equal((await server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${signIn.token}` } })).statusCode, 200);
  });
});

describe('SCIM changes and SCIM tokens', { concurrency: false }, () => {
  test('each change names the SCIM token that made it; a deactivation\'s revocation is on record too', async () => {
    const { token, id: tokenId } = await scimToken(server, 'okta');
    const scim = scimClient(server, token);
    let userId = '';
    const created = await eventsDuring(server, async () => {
      const response = await scim('POST', 'Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'erin@acme.example', active: true });
      assert.equal(response.statusCode, 201, response.body);
      userId = (response.json() as { id: string }).id;
    });
    const create = theEvent(created, 'scim-change', 'create-user', 'success');
    assert.deepEqual(create.actor, { principal: 'scim-token:okta', session: tokenId, sourceIp: '127.0.0.1', userAgent: 'lightMyRequest' });
    assert.equal(create.resource, `scim:User/${userId}`);
    assert.equal(create.details?.['scimTokenId'], tokenId);
    assert.equal(create.details?.['userName'], 'erin@acme.example');

    const patched = await eventsDuring(server, async () => {
      const response = await scim('PATCH', `Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] });
      assert.equal(response.statusCode, 200, response.body);
    });
    const patch = theEvent(patched, 'scim-change', 'patch-user', 'success');
    assert.deepEqual(patch.details?.['operations'], [{ op: 'replace', path: 'active' }]);
    const deprovision = theEvent(patched, 'revocation', 'deprovision', 'success');
    assert.equal(deprovision.details?.['scimTokenId'], tokenId);
    assert.ok((deprovision.details?.['subjects'] as string[]).includes('erin@acme.example'));

    const failed = await eventsDuring(server, async () => assert.equal((await scim('DELETE', 'Groups/no-such-group')).statusCode, 404));
    assert.deepEqual(failed, [], 'a change refused before it starts (an unknown group) is not an event');

    const deleted = await eventsDuring(server, async () => assert.equal((await scim('DELETE', `Users/${userId}`)).statusCode, 204));
    assert.equal(theEvent(deleted, 'scim-change', 'delete-user', 'success').details?.['userName'], 'erin@acme.example');

    // the log down: the group is not created
    const response = await withoutAuditLog(server, () => scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'never' }));
    assert.equal(response.statusCode, 503, response.body);
    assert.equal(((await scim('GET', 'Groups?filter=displayName%20eq%20%22never%22')).json() as { totalResults: number }).totalResults, 0);
  });

  test('`parapet scim token create|revoke` record the change, by the operating-system user, before making it', async () => {
    const dir = server.context.settings.stateDir;
    const events = await eventsDuring(server, async () => {
      const created = await runCli('scim', 'token', 'create', 'entra', '--state-dir', dir);
      assert.equal(created.code, 0, created.err);
    });
    const created = theEvent(events, 'token', 'create-scim-token', 'success');
    const id = String(created.details?.['scimTokenId']);
    assert.equal(created.details?.['name'], 'entra');
    assert.match(created.actor.principal, /^local-user:.+@.+/);
    assert.ok((await listScimTokens(server.context.store)).some((token) => token.id === id));
    const revoked = await eventsDuring(server, async () => assert.equal((await runCli('scim', 'token', 'revoke', id, '--state-dir', dir)).code, 0));
    assert.equal(theEvent(revoked, 'token', 'revoke-scim-token', 'success').resource, `scim-token:${id}`);
  });
});
