/** `parapet sessions` against a real listening server, in process */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SessionList } from '../contract/sessions.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';

const fixture = await startSessionCliFixture();
after(() => fixture.close());

describe('parapet sessions', () => {
  test('lists the sign-in and its sessions, marks the one used, never prints a token', async () => {
    const { id } = await fixture.signInAs('carol@acme.example');
    assert.equal((await runCli('assume', 'checkout-prod', 'developer')).code, 0);
    const { code, out } = await runCli('sessions');
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ {2}ID +USE +ACCOUNT +PERMISSION SET +EXPIRES$/);
    assert.equal(lines.length, 4);
    assert.ok(lines.some((line) => line.startsWith(`* ${id}`) && /sign-in +- +-/.test(line)));
    assert.ok(lines.some((line) => line.startsWith('  ') && /session +400000000002 +developer/.test(line)));
    assert.doesNotMatch(out, /eyJ/);
    const json = SessionList.parse(JSON.parse((await runCli('sessions', '--json')).out));
    assert.deepEqual(json.credentials.map((c) => c.use).sort(), ['session', 'sign-in']);
  });

  test('another user\'s credentials are not listed', async () => {
    await fixture.signInAs('carol@acme.example');
    await runCli('assume', 'checkout-prod', 'developer');
    await fixture.signInAs('dan@acme.example');
    const json = SessionList.parse(JSON.parse((await runCli('sessions', '--json')).out));
    assert.deepEqual(json.credentials.map((c) => c.use), ['sign-in']);
  });
});
