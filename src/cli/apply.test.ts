/**
 * `parapet apply` against a real listening server (SQLite), and `parapet serve`'s start-up text:
 * an invalid folder is reported as `parapet validate` reports it and never sent; the bootstrap
 * token printed by the start applies the first version; a service account applies the next; a
 * stale --expect-version exits as the `conflict` code says; a person's credential is refused.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { ApplyResponse } from '../contract/config.ts';
import { issueCredential } from '../identity/credential.ts';
import type { RunningServer } from '../server/main.ts';
import { resolveServerSettings } from '../server/server-settings.ts';
import { startTestServer } from '../server/test-server.test-support.ts';
import { exitStatus, FAILURE_STATUS } from './exit-status.ts';
import { runCli } from './run-cli.test-support.ts';
import { serveCommand, startupText } from './serve.ts';

const ACME = resolve(import.meta.dirname, '../../examples/acme');
const work = mkdtempSync(join(tmpdir(), 'parapet-apply-'));
const server = await startTestServer({ listen: true, settings: { host: '127.0.0.1' } });
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});
const url = server.url!;

function tokenFile(name: string, token: string): string {
  const file = join(work, name);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}

async function credential(sub: string, use: 'service' | 'sign-in'): Promise<string> {
  const now = new Date();
  const { token } = await issueCredential(server.context.keys, { jti: server.context.newId(), sub, use, authTime: Math.floor(now.getTime() / 1000) }, { issuer: 'http://parapet.test', now, lifetimeSeconds: 600 });
  return token;
}

/** a copy of acme with one more auditor */
function changedCopy(name: string): string {
  const dir = join(work, name);
  cpSync(ACME, dir, { recursive: true });
  const yaml = readFileSync(join(dir, 'parapet.yaml'), 'utf8');
  writeFileSync(join(dir, 'parapet.yaml'), yaml.replace('auditors: { members: [', 'auditors: { members: [ivan@acme.example, '));
  return dir;
}

describe('parapet apply', { concurrency: false }, () => {
  test('an invalid folder: exit 1 with `parapet validate`\'s report, and the server is never asked', async () => {
    const dir = join(work, 'invalid');
    cpSync(ACME, dir, { recursive: true });
    writeFileSync(join(dir, 'parapet.yaml'), `${readFileSync(join(dir, 'parapet.yaml'), 'utf8')}\nassignments: []\nassignments: []\n`);
    const validate = await runCli('validate', dir);
    assert.equal(validate.code, 1);
    // an unreachable server: reaching it would exit 3 (`unavailable`), not 1
    const applied = await runCli('apply', dir, '--server', 'http://127.0.0.1:1', '--token-file', tokenFile('unused', 'pbt_unused'));
    assert.equal(applied.code, 1);
    assert.equal(applied.out, validate.out);
    const json = await runCli('apply', dir, '--server', 'http://127.0.0.1:1', '--json', '--token-file', tokenFile('unused', 'pbt_unused'));
    assert.equal(json.out, (await runCli('validate', dir, '--json')).out);
  });

  test('a person\'s credential is refused: forbidden, exit 2, and nothing applied', async () => {
    const result = await runCli('apply', ACME, '--server', url, '--token-file', tokenFile('alice', await credential('alice@acme.example', 'sign-in')));
    assert.equal(result.code, FAILURE_STATUS.forbidden.exit);
    assert.match(result.err, /may not apply: configuration versions are applied by a service account/);
    assert.equal(server.context.config.current(), undefined);
  });

  test('the bootstrap token the start printed applies the first version, once', async () => {
    const token = server.prepared.bootstrapToken!;
    const result = await runCli('apply', ACME, '--server', url, '--token-file', tokenFile('bootstrap', token), '--message', 'first');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /^applied configuration version 1 \(sha256:[0-9a-f]{64}\) as bootstrap\n/);
    assert.match(result.out, /plan against the version before: \d+ structural changes; \d+ access changes .*actions gained, 0 lost/);
    assert.equal(server.context.config.current()?.version, 1);
    const again = await runCli('apply', changedCopy('after-bootstrap'), '--server', url, '--token-file', tokenFile('bootstrap', token));
    assert.equal(again.code, FAILURE_STATUS.unauthenticated.exit);
    assert.match(again.err, /already used/);
  });

  test('a service account applies with --expect-version and --json; the same folder again is unchanged', async () => {
    const file = tokenFile('deployer', await credential('service-account:deployer', 'service'));
    const dir = changedCopy('second');
    const result = await runCli('apply', dir, '--server', url, '--token-file', file, '--expect-version', '1', '--json');
    assert.equal(result.code, 0, result.err);
    const answer = ApplyResponse.parse(JSON.parse(result.out));
    assert.deepEqual([answer.version, answer.unchanged, answer.author], [2, false, 'service-account:deployer']);
    assert.equal(answer.plan?.principals.users, 1);
    const unchanged = await runCli('apply', dir, '--server', url, '--token-file', file);
    assert.equal(unchanged.code, 0);
    assert.equal(unchanged.out, `unchanged: configuration version 2 (${answer.hash}) already holds these files; nothing applied\n`);
  });

  test('a stale --expect-version exits with the `conflict` status and names the active version', async () => {
    const file = tokenFile('deployer', await credential('service-account:deployer', 'service'));
    const result = await runCli('apply', ACME, '--server', url, '--token-file', file, '--expect-version', '1');
    assert.equal(result.code, exitStatus('conflict'));
    assert.match(result.err, /the active configuration version is 2, not the expected 1/);
    assert.equal(server.context.config.current()?.version, 2);
  });

  test('usage: a bad --expect-version, no credential at all', async () => {
    assert.equal((await runCli('apply', ACME, '--server', url, '--expect-version', 'two')).code, 2);
    const saved = process.env['PARAPET_TOKEN'];
    delete process.env['PARAPET_TOKEN'];
    try {
      const none = await runCli('apply', ACME, '--server', url);
      assert.equal(none.code, FAILURE_STATUS.usage.exit);
      assert.match(none.err, /no credential for the server: give `--token-file FILE`, set `PARAPET_TOKEN`/);
    } finally {
      if (saved !== undefined) process.env['PARAPET_TOKEN'] = saved;
    }
  });
});

describe('parapet serve: what the start prints', () => {
  async function serve(...args: string[]): Promise<{ err: string; server: RunningServer | undefined }> {
    let err = '';
    let running: RunningServer | undefined;
    const command = serveCommand({ out: () => undefined, err: (s) => void (err += s) }, () => undefined, {
      env: {},
      untilStopped: async (s) => {
        running = s;
        await s.stop();
      },
    });
    await command.parseAsync(['--port', '0', '--log-level', 'silent', ...args], { from: 'user' });
    return { err, server: running };
  }

  test('an empty database without --config: the bootstrap token once, with the exact command to apply', async () => {
    const state = mkdtempSync(join(work, 'state-'));
    const { err, server: started } = await serve('--state-dir', state);
    const token = started?.prepared.bootstrapToken;
    assert.ok(token !== undefined);
    assert.equal(err.split(token).length - 1, 2, 'the token is printed in the token line and in the command');
    assert.match(err, new RegExp(`\\n  PARAPET_TOKEN=${token} parapet apply DIR --server ${started!.url!.replace(/[.]/g, '\\.')}\\n`));
    assert.doesNotMatch(err, /next:/);
  });

  test('--config on an empty database: applied as version 1, no token, the next steps; --demo accepted', async () => {
    const state = mkdtempSync(join(work, 'state-'));
    const { err, server: started } = await serve('--state-dir', state, '--config', ACME, '--demo');
    assert.equal(started?.prepared.bootstrapToken, undefined);
    assert.doesNotMatch(err, /pbt_/);
    assert.match(err, new RegExp(`applied \`${ACME}\` as configuration version 1 \\(sha256:`));
    assert.match(err, /next:\n {2}curl http:\/\/127\.0\.0\.1:\d+\/readyz/);
    assert.match(err, /--demo/);
  });

  test('the start-up text of a server with versions names the version and its author', () => {
    const settings = resolveServerSettings({ flags: { port: 8080 }, env: {} });
    const text = startupText(
      {
        url: 'http://127.0.0.1:8080',
        prepared: { warnings: ['w1'] },
        context: { config: { current: () => ({ version: 3, hash: 'sha256:abc', author: 'service-account:deployer', appliedAt: '2026-12-06T00:00:00.000Z' }), loadError: undefined } },
      } as unknown as RunningServer,
      settings,
    );
    assert.match(text, /^parapet: configuration version 3 \(sha256:abc\), applied 2026-12-06T00:00:00\.000Z by service-account:deployer\nparapet: warning: w1\nnext:/);
  });
});
