/** `parapet revoke` against a real listening server, in process */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';

const fixture = await startSessionCliFixture();
after(() => fixture.close());

async function status(token: string): Promise<number> {
  return (await fixture.server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } })).statusCode;
}

describe('parapet revoke', () => {
  test('one session by id: refused by the server, dropped from the credentials file, the rest kept', async () => {
    await fixture.signInAs('erin@acme.example');
    await runCli('assume', 'network', 'admin');
    await runCli('assume', 'shared-services', 'admin');
    const stored = fixture.credentials().servers[fixture.url]!;
    const network = stored.sessions['network/admin']!.token;
    const shared = stored.sessions['shared-services/admin']!.token;
    const id = (JSON.parse(Buffer.from(network.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string }).jti;
    const { code, out } = await runCli('revoke', id);
    assert.equal(code, 0);
    assert.equal(out, `revoked ${id}: refused everywhere from now on\n`);
    assert.equal(await status(network), 401);
    assert.equal(await status(shared), 200);
    const after_ = fixture.credentials().servers[fixture.url]!;
    assert.deepEqual(Object.keys(after_.sessions), ['shared-services/admin']);
    assert.equal(after_.currentSession, 'shared-services/admin');
    assert.ok(after_.signIn !== undefined);
  });

  test('the sign-in credential by id takes its sessions with it', async () => {
    const { id, token } = await fixture.signInAs('erin@acme.example');
    await runCli('assume', 'network', 'admin');
    const session = fixture.credentials().servers[fixture.url]!.sessions['network/admin']!.token;
    assert.equal((await runCli('revoke', id)).code, 0);
    assert.equal(await status(token), 401);
    assert.equal(await status(session), 401);
    const entry = fixture.credentials().servers[fixture.url]!;
    assert.equal(entry.signIn, undefined);
    assert.deepEqual(entry.sessions, {});
  });

  test('--all: every credential of the caller, and the file keeps none', async () => {
    const { token } = await fixture.signInAs('frank@acme.example');
    await runCli('assume', 'network', 'admin');
    const session = fixture.credentials().servers[fixture.url]!.sessions['network/admin']!.token;
    const { code, out } = await runCli('revoke', '--all', '--json');
    assert.equal(code, 0);
    assert.equal((JSON.parse(out) as { kind: string; subject: string }).subject, 'frank@acme.example');
    assert.equal(await status(token), 401);
    assert.equal(await status(session), 401);
    assert.deepEqual(fixture.credentials().servers[fixture.url], { sessions: {} });
  });

  test('an id that is not yours is not found; an id and --all together, or neither, is a usage error', async () => {
    await fixture.signInAs('grace@acme.example');
    await runCli('assume', 'audit', 'admin');
    const graceSession = fixture.credentials().servers[fixture.url]!.sessions['audit/admin']!.token;
    const graceId = (JSON.parse(Buffer.from(graceSession.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string }).jti;
    await fixture.signInAs('heidi@acme.example');
    const foreign = await runCli('revoke', graceId);
    assert.equal(foreign.code, 2);
    assert.match(foreign.err, /you have no credential/);
    assert.equal(await status(graceSession), 200);
    assert.equal((await runCli('revoke')).code, 2);
    assert.equal((await runCli('revoke', graceId, '--all')).code, 2);
  });
});
