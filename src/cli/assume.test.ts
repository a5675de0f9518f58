/** `parapet assume` against a real listening server, in process */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SessionIssued } from '../contract/sessions.ts';
import { parseDuration } from './assume.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';

const fixture = await startSessionCliFixture();
after(() => fixture.close());

describe('parapet assume', () => {
  test('makes a session with the stored sign-in, stores it as the current session, and says what it is and how to use it', async () => {
    await fixture.signInAs('alice@acme.example');
    const { code, out, err } = await runCli('assume', 'payments-prod', 'developer');
    assert.equal(err, '');
    assert.equal(code, 0);
    assert.match(out, /^assumed `developer` in `payments-prod` \(400000000001\)\n/);
    assert.match(out, /principal {2}arn:aws:sts::400000000001:assumed-role\/developer\/alice@acme\.example\n/);
    assert.match(out, /expires {4}\S+ \(in 8h\)\n/);
    assert.match(out, /Authorization: Bearer/);
    const entry = fixture.credentials().servers[fixture.url];
    assert.equal(entry?.currentSession, 'payments-prod/developer');
    const stored = entry?.sessions['payments-prod/developer'];
    assert.equal(stored?.account, 'payments-prod');
    // the stored token is a live session on the server
    const me = await fixture.server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${stored?.token ?? ''}` } });
    assert.equal((me.json() as { credential: { use: string } }).credential.use, 'session');
  });

  test('--duration, --json (without the token) and --print-token (only the token)', async () => {
    await fixture.signInAs('alice@acme.example');
    const json = await runCli('assume', '500000000001', 'developer', '--duration', '30m', '--json', '--server', fixture.url);
    assert.equal(json.code, 0, json.err);
    const body = JSON.parse(json.out) as Record<string, unknown>;
    assert.equal(body['token'], undefined);
    const session = SessionIssued.omit({ token: true }).parse(body);
    assert.equal(session.account.name, 'payments-staging');
    assert.ok(Math.abs(Date.parse(session.expiresAt) - Date.now() - 1800_000) < 5000);
    const printed = await runCli('assume', 'payments-staging', 'admin', '--print-token');
    assert.equal(printed.code, 0, printed.err);
    assert.match(printed.out, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    assert.equal(fixture.credentials().servers[fixture.url]?.sessions['payments-staging/admin']?.token, printed.out.trim());
  });

  test('refusals exit 2 with the server\'s message: eligible only, unknown names, not signed in, a bad duration', async () => {
    await fixture.signInAs('alice@acme.example');
    const eligible = await runCli('assume', 'payments-prod', 'admin');
    assert.equal(eligible.code, 2);
    assert.match(eligible.err, /^parapet: `alice@acme\.example` is only eligible for `admin` in `payments-prod`: it needs just-in-time elevation/);
    const unknown = await runCli('assume', 'payments-prd', 'developer');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown account `payments-prd`: did you mean `payments-prod`/);
    const bad = await runCli('assume', 'payments-prod', 'developer', '--duration', '2 hours');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /`2 hours` is not a duration/);
    const other = await runCli('assume', 'payments-prod', 'developer', '--server', 'http://127.0.0.1:9');
    assert.equal(other.code, 2);
    assert.match(other.err, /not signed in to http:\/\/127\.0\.0\.1:9: run `parapet login --server http:\/\/127\.0\.0\.1:9`/);
  });

  test('durations: hours, minutes, seconds, from 1 minute to 12 hours', () => {
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('90s'), 90);
    assert.throws(() => parseDuration('30s'), /from 1 minute to 12 hours/);
    assert.throws(() => parseDuration('13h'), /from 1 minute to 12 hours/);
    assert.throws(() => parseDuration('h'), /not a duration/);
  });
});
