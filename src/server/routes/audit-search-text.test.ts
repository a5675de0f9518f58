/**
 * Audit search with text the log cannot hold as it is, on SQLite and on PostgreSQL: a NUL or a lone
 * surrogate a caller sent was recorded as U+FFFD (storableText), and a search for the same text
 * finds that event. Before, PostgreSQL refused the NUL in the query's parameter and the search
 * answered 500. No filter text ever makes the search fail: fuzzed with fast-check.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { sampleEvent } from '../../audit/audit-export.test-support.ts';
import { AuditSearchResponse } from '../../contract/audit.ts';
import { startTestDatabases } from '../../store/test-databases.test-support.ts';
import { startAcmeServer, testCredential } from '../acme-server.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

for (const database of databases) {
  describe(`audit search with hostile text on ${database.name}`, () => {
    test('a NUL or a lone surrogate in a filter finds the event recorded from it; no text fails the search', async () => {
      const server = await startAcmeServer({ database: await database.fresh() });
      try {
        await server.context.audit.record({ ...sampleEvent(0), actor: { principal: 'eve\u0000@example.com' }, account: '\ud800', action: 'x\udc00y' });
        await server.context.audit.record({ ...sampleEvent(1), actor: { principal: 'eve\ufffd@example.com' } });
        // heidi reads the log (the example's `auditors`)
        const { token } = await testCredential(server, { user: 'heidi@acme.example', use: 'sign-in' });
        const search = async (query: Record<string, string>) => {
          const response = await server.app.inject({ method: 'GET', url: '/v1/audit/events', query, headers: { authorization: `Bearer ${token}` } });
          assert.ok(response.statusCode < 500, `${JSON.stringify(query)}: ${response.statusCode} ${response.body}`);
          return response;
        };
        const found = async (query: Record<string, string>): Promise<string[]> => {
          const response = await search(query);
          assert.equal(response.statusCode, 200, response.body);
          return AuditSearchResponse.parse(response.json()).events.map((item) => item.event.requestId ?? '');
        };
        // recorded as U+FFFD: the same text (with the NUL, or with U+FFFD) finds both events so recorded
        assert.deepEqual(await found({ principal: 'eve\u0000@example.com' }), ['req-0', 'req-1']);
        assert.deepEqual(await found({ principal: 'eve\ufffd@example.com' }), ['req-0', 'req-1']);
        assert.deepEqual(await found({ account: '\ud800' }), ['req-0']);
        assert.deepEqual(await found({ action: 'x\udc00y' }), ['req-0']);
        assert.deepEqual(await found({ action: 'x\ufffdy' }), ['req-0']);
        // any text at all: never a 5xx
        await fc.assert(
          fc.asyncProperty(fc.constantFrom('principal', 'account', 'action', 'type', 'outcome', 'since', 'until', 'cursor', 'limit'), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), async (name, value) => {
            await search({ [name]: value });
          }),
          { numRuns: 150 },
        );
      } finally {
        await server.close();
      }
    });
  });
}
