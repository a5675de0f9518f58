/** `parapet whoami` against a real listening server, in process */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { WhoAmI } from '../contract/whoami.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';
import { writeCredentials, CREDENTIALS_FORMAT } from './credentials-file.ts';

const fixture = await startSessionCliFixture();
after(() => fixture.close());

describe('parapet whoami', () => {
  test('with only a sign-in: the sign-in credential', async () => {
    const { id } = await fixture.signInAs('bob@acme.example');
    const { code, out } = await runCli('whoami');
    assert.equal(code, 0);
    assert.match(out, new RegExp(`^bob@acme\\.example\\n  sign-in credential\\n  credential ${id}, issued \\S+, expires \\S+\\n  MFA no\\n$`));
  });

  test('after assume: the current session, as JSON too', async () => {
    await fixture.signInAs('bob@acme.example');
    assert.equal((await runCli('assume', 'payments-staging', 'developer')).code, 0);
    const text = await runCli('whoami');
    assert.match(text.out, /session: `developer` in account 500000000001/);
    const json = WhoAmI.parse(JSON.parse((await runCli('whoami', '--json')).out));
    assert.equal(json.kind === 'user' ? json.credential.permissionSet : undefined, 'developer');
  });

  test('a revoked credential is refused: exit 2 with the reason', async () => {
    const { id } = await fixture.signInAs('bob@acme.example');
    await fixture.server.context.revocations.revokeCredential(id, 'test');
    const { code, err } = await runCli('whoami');
    assert.equal(code, 2);
    assert.match(err, /^parapet: the credential is not valid: revoked by test\n$/);
  });

  test('not signed in: exit 2, saying how to sign in', async () => {
    writeCredentials(fixture.credentialsFile, { format: CREDENTIALS_FORMAT, servers: {} });
    const { code, err } = await runCli('whoami', '--server', fixture.url);
    assert.equal(code, 2);
    assert.match(err, /not signed in to http:\/\/127\.0\.0\.1:\d+: run `parapet login --server/);
  });
});
