/** the CLI's HTTP client against a real listening server: answers, the error body, an unreachable server */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { z } from 'zod';
import { ParapetError } from '../policy/index.ts';
import { startTestServer } from '../server/test-server.test-support.ts';
import { chooseServer, credentialsPath, readCredentials, writeCredentials, CREDENTIALS_FORMAT } from './credentials-file.ts';
import { parseServerUrl, serverClient } from './server-client.ts';

const server = await startTestServer({ listen: true, settings: { host: '127.0.0.1' } });
after(() => server.close());

describe('serverClient', () => {
  test('reads an answer in its schema', async () => {
    const client = serverClient(server.url!);
    assert.deepEqual(await client.request({ method: 'GET', path: '/healthz', response: z.object({ status: z.literal('ok') }) }), { status: 'ok' });
  });

  test('turns the error body back into a ParapetError with the same code and the request id', async () => {
    const client = serverClient(server.url!);
    await assert.rejects(
      client.request({ method: 'GET', path: '/v1/whoami', response: z.unknown() }),
      (error: unknown) => error instanceof ParapetError && error.code === 'unauthenticated' && typeof error.details?.['requestId'] === 'string' && error.details['status'] === 401,
    );
  });

  test('an answer in another shape is refused, not trusted', async () => {
    const client = serverClient(server.url!);
    await assert.rejects(client.request({ method: 'GET', path: '/healthz', response: z.object({ status: z.literal('different') }) }), (error: unknown) => error instanceof ParapetError && error.code === 'unavailable');
  });

  test('an unreachable server is `unavailable`, naming the URL', async () => {
    const client = serverClient('http://127.0.0.1:1', { timeoutMs: 2000 });
    await assert.rejects(client.request({ method: 'GET', path: '/healthz', response: z.unknown() }), (error: unknown) => error instanceof ParapetError && error.code === 'unavailable' && /127\.0\.0\.1:1/.test(error.message));
  });

  test('server URLs: http(s) only, no user info, no trailing slash', () => {
    assert.equal(parseServerUrl('https://parapet.example.com/'), 'https://parapet.example.com');
    for (const bad of ['parapet.example.com', 'ftp://x', 'https://user:pw@x']) assert.throws(() => parseServerUrl(bad), (error: unknown) => error instanceof ParapetError && error.code === 'usage', bad);
  });
});

describe('the credentials file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-credentials-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('round-trips, readable by its owner only; a missing file is empty', () => {
    const path = join(dir, 'sub', 'credentials.json');
    assert.deepEqual(readCredentials(path), { format: CREDENTIALS_FORMAT, servers: {} });
    writeCredentials(path, { format: CREDENTIALS_FORMAT, defaultServer: 'http://x', servers: { 'http://x': { sessions: {}, signIn: { token: 't', expiresAt: '2026-12-06T12:00:00.000Z', user: 'alice@acme.example' } } } });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readCredentials(path).servers['http://x']?.signIn?.user, 'alice@acme.example');
  });

  test('a damaged file is a clear invalid-input error saying what to do', () => {
    const path = join(dir, 'damaged.json');
    writeFileSync(path, '{"format":"other"}');
    assert.throws(() => readCredentials(path), (error: unknown) => error instanceof ParapetError && error.code === 'invalid-input' && /parapet login/.test(error.message));
  });

  test('the path and the server follow flags, then the environment, then the file', () => {
    assert.equal(credentialsPath({ PARAPET_CREDENTIALS_FILE: '/tmp/c.json' }), '/tmp/c.json');
    assert.equal(credentialsPath({ XDG_CONFIG_HOME: '/cfg' }), '/cfg/parapet/credentials.json');
    const file = { format: CREDENTIALS_FORMAT, defaultServer: 'http://file', servers: {} } as const;
    assert.equal(chooseServer('http://flag', file, { PARAPET_SERVER: 'http://env' }), 'http://flag');
    assert.equal(chooseServer(undefined, file, { PARAPET_SERVER: 'http://env' }), 'http://env');
    assert.equal(chooseServer(undefined, file, {}), 'http://file');
    assert.throws(() => chooseServer(undefined, { format: CREDENTIALS_FORMAT, servers: {} }, {}), (error: unknown) => error instanceof ParapetError && error.code === 'usage');
  });
});
