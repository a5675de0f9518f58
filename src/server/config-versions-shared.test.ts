/**
 * Several server processes on one database (two server contexts here, each with its own store,
 * key ring and polling holder, as two processes would have): an apply through one is served by
 * the other within 1 s; of two concurrent applies expecting the same version exactly one wins and
 * the other gets 409 `conflict`; one bootstrap token makes one version even when used twice at
 * once. On PostgreSQL and on SQLite (one file; the races there go through one process, as an
 * embedded SQLite serves one process).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { ApplyResponse, ConfigVersionSummary } from '../contract/config.ts';
import { ErrorBody } from '../contract/error-body.ts';
import { issueCredential } from '../identity/credential.ts';
import { readConfigDir } from '../org/index.ts';
import { listConfigVersions } from '../store/index.ts';
import { startTestDatabases } from '../store/test-databases.test-support.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const acme = Object.fromEntries(readConfigDir(resolve(import.meta.dirname, '../../examples/acme')));

/** acme with `extra` more members in the auditors group: a different configuration each time */
function variant(member: string): Record<string, string> {
  const yaml = acme['parapet.yaml']!;
  const changed = yaml.replace('auditors: { members: [', `auditors: { members: [${member}@acme.example, `);
  assert.notEqual(changed, yaml);
  return { ...acme, 'parapet.yaml': changed };
}

async function serviceToken(server: TestServer): Promise<string> {
  const now = server.context.clock();
  const { token } = await issueCredential(
    server.context.keys,
    { jti: server.context.newId(), sub: 'service-account:deployer', use: 'service', authTime: Math.floor(now.getTime() / 1000) },
    { issuer: 'http://parapet.test', now, lifetimeSeconds: 3600 },
  );
  return token;
}

function apply(server: TestServer, token: string, body: Record<string, unknown>) {
  return server.app.inject({ method: 'POST', url: '/v1/config/versions', headers: { authorization: `Bearer ${token}` }, payload: body });
}

/** polls the other process's /v1/config/active until it serves `version`; the time it took, or fails after `limitMs` */
async function servedWithin(server: TestServer, token: string, version: number, limitMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const response = await server.app.inject({ method: 'GET', url: '/v1/config/active', headers: { authorization: `Bearer ${token}` } });
    if (response.statusCode === 200 && ConfigVersionSummary.parse(response.json()).version === version) return Date.now() - start;
    if (Date.now() - start > limitMs) assert.fail(`version ${version} not served within ${limitMs} ms: ${response.body}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

for (const database of databases) {
  describe(`two server processes on one ${database.name} database`, () => {
    test('an apply through one is served by the other within 1 s, and the history is the same from both', async () => {
      const options = await database.fresh();
      const a = await startTestServer({ database: options });
      const b = await startTestServer({ database: options });
      try {
        const [tokenA, tokenB] = [await serviceToken(a), await serviceToken(b)];
        assert.ok(a.prepared.bootstrapToken !== undefined);
        const first = await apply(a, a.prepared.bootstrapToken, { files: acme });
        assert.equal(first.statusCode, 201, first.body);
        assert.ok((await servedWithin(b, tokenB, 1, 1000)) <= 1000);

        const second = await apply(b, tokenB, { files: variant('second'), expectVersion: 1 });
        assert.equal(second.statusCode, 201, second.body);
        assert.ok((await servedWithin(a, tokenA, 2, 1000)) <= 1000);
        assert.equal(a.context.config.current()?.hash, ApplyResponse.parse(second.json()).hash);

        const fromA = (await listConfigVersions(a.context.store, { limit: 10 })).map((v) => [v.version, v.author]);
        const fromB = (await listConfigVersions(b.context.store, { limit: 10 })).map((v) => [v.version, v.author]);
        assert.deepEqual(fromA, [[2, 'service-account:deployer'], [1, 'bootstrap']]);
        assert.deepEqual(fromB, fromA);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('two concurrent applies expecting the same version: exactly one wins, the other is 409 conflict', async () => {
      const options = await database.fresh();
      const a = await startTestServer({ database: options });
      // PostgreSQL: a second process; SQLite: the same one (its synchronous driver would block this
      // test's only event loop while a second connection waits for the write lock)
      const b = database.name === 'postgres' ? await startTestServer({ database: options }) : a;
      try {
        const [tokenA, tokenB] = [await serviceToken(a), await serviceToken(b)];
        assert.ok(a.prepared.bootstrapToken !== undefined);
        assert.equal((await apply(a, a.prepared.bootstrapToken, { files: acme })).statusCode, 201);
        for (let round = 1; round <= 3; round += 1) {
          const answers = await Promise.all([apply(a, tokenA, { files: variant(`a${round}`), expectVersion: round }), apply(b, tokenB, { files: variant(`b${round}`), expectVersion: round })]);
          const statuses = answers.map((answer) => answer.statusCode).sort();
          assert.deepEqual(statuses, [201, 409], `round ${round}: ${answers.map((answer) => answer.body).join(' / ')}`);
          const loser = answers.find((answer) => answer.statusCode === 409)!;
          assert.equal(ErrorBody.parse(loser.json()).error.code, 'conflict');
          const winner = ApplyResponse.parse(answers.find((answer) => answer.statusCode === 201)!.json());
          assert.equal(winner.version, round + 1);
        }
        assert.deepEqual((await listConfigVersions(a.context.store, { limit: 10 })).map((v) => v.version), [4, 3, 2, 1]);
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });

    test('one bootstrap token used twice at once makes one version', async () => {
      const options = await database.fresh();
      const a = await startTestServer({ database: options });
      const b = database.name === 'postgres' ? await startTestServer({ database: options }) : a;
      try {
        const token = a.prepared.bootstrapToken;
        assert.ok(token !== undefined);
        const answers = await Promise.all([apply(a, token, { files: variant('one') }), apply(b, token, { files: variant('two') })]);
        const statuses = answers.map((answer) => answer.statusCode);
        assert.equal(statuses.filter((status) => status === 201).length, 1, answers.map((answer) => answer.body).join(' / '));
        const loser = answers.find((answer) => answer.statusCode !== 201)!;
        // refused whichever way it lost: the token was used (401), a version exists (403), or the append collided (409)
        assert.ok([401, 403, 409].includes(loser.statusCode), loser.body);
        assert.deepEqual((await listConfigVersions(a.context.store, { limit: 10 })).map((v) => v.version), [1]);
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });
  });
}
