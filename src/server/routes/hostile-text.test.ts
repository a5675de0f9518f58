/**
 * Text no store can hold or no name contains, in every id, name and message a request carries
 * outside SCIM (which has its own test, scim-bad-input.test.ts), on SQLite and on PostgreSQL: a
 * NUL, an unpaired surrogate, and in names another control character. Each is refused at the edge,
 * 422 `invalid-input` with the issue located, never a 5xx, and nothing is stored. Before, PostgreSQL
 * answered 500 to a NUL in a credential id (`DELETE /v1/sessions/{id}`) and in a user name
 * (`POST /v1/users/{user}/revoke-sessions`), which reached its text parameters as they were.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ErrorBody } from '../../contract/error-body.ts';
import { readConfigDir } from '../../org/index.ts';
import { startTestDatabases } from '../../store/test-databases.test-support.ts';
import { startAcmeServer, testCredential, ACME_DIR } from '../acme-server.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

/** encodeURIComponent, with an unpaired surrogate sent as the three bytes of its (invalid) UTF-8 form, as a hostile client would */
const encodeLoose = (text: string): string =>
  [...text].map((c) => (/[\ud800-\udfff]/u.test(c) ? [0xe0 | (c.charCodeAt(0) >> 12), 0x80 | ((c.charCodeAt(0) >> 6) & 0x3f), 0x80 | (c.charCodeAt(0) & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('') : encodeURIComponent(c))).join('');

const HOSTILE_NAMES = { nul: 'a\u0000b', lone: 'a\ud800b', bell: 'a\u0007b' } as const;
const HOSTILE_TEXT = { nul: 'a\u0000b', lone: 'a\udc00b' } as const;

for (const database of databases) {
  describe(`hostile text on ${database.name}`, () => {
    test('ids, names and messages with a NUL, an unpaired surrogate or a control character: 422 located, nothing stored', async () => {
      const server = await startAcmeServer({ database: await database.fresh() });
      try {
        const signIn = (await testCredential(server, { user: 'alice@acme.example', use: 'sign-in' })).token;
        const session = (await testCredential(server)).token;
        const service = (await testCredential(server, { use: 'service' })).token;
        const rowsBefore = await counts();
        const send = async (method: 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
          server.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
        const refused = (response: Awaited<ReturnType<typeof send>>, path: string, what: string): void => {
          assert.equal(response.statusCode, 422, `${what}: ${response.body}`);
          const body = ErrorBody.parse(response.json());
          assert.equal(body.error.code, 'invalid-input', what);
          assert.ok(body.error.issues?.some((issue) => issue.path === path), `${what}: ${JSON.stringify(body.error.issues)}`);
        };
        const badUrl = (response: Awaited<ReturnType<typeof send>>, _path: string, what: string): void => {
          assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
          const body = ErrorBody.parse(response.json());
          assert.equal(body.error.code, 'usage', what);
          assert.match(body.error.message, /is not a valid url component$/u, what);
        };
        const acme = Object.fromEntries(readConfigDir(ACME_DIR));
        for (const [kind, name] of Object.entries(HOSTILE_NAMES)) {
          // in a path, an unpaired surrogate can only come as bytes that are not UTF-8: the URL itself is refused
          const inPath = kind === 'lone' ? badUrl : refused;
          inPath(await send('DELETE', `/v1/sessions/${encodeLoose(name)}`, signIn), 'params.id', `credential id with ${kind}`);
          inPath(await send('POST', `/v1/users/${encodeLoose(name)}/revoke-sessions`, service, {}), 'params.user', `user with ${kind}`);
          refused(await send('POST', '/v1/sessions', signIn, { account: name, permissionSet: 'developer' }), 'body.account', `account with ${kind}`);
          refused(await send('POST', '/v1/sessions', signIn, { account: '400000000001', permissionSet: name }), 'body.permissionSet', `permission set with ${kind}`);
          refused(await send('POST', '/v1/aws/web-identity-token', session, { account: name, permissionSet: 'developer' }), 'body.account', `aws account with ${kind}`);
          refused(await send('POST', '/v1/login/device/token', '', { deviceCode: name }), 'body.deviceCode', `device code with ${kind}`);
        }
        for (const [kind, text] of Object.entries(HOSTILE_TEXT)) {
          refused(await send('POST', '/v1/config/versions', service, { files: acme, message: `apply ${text}` }), 'body.message', `apply message with ${kind}`);
        }
        // a line break is text, in a message
        const applied = await send('POST', '/v1/config/versions', service, { files: acme, message: 'first line\nsecond line' });
        assert.ok(applied.statusCode < 500, applied.body);
        assert.deepEqual((await counts()).slice(0, 2), rowsBefore.slice(0, 2), 'no revocation and no credential stored by a refused request');
      } finally {
        await server.close();
      }

      async function counts(): Promise<number[]> {
        const db = server.context.store.db;
        const count = async (table: 'revocations' | 'credentials' | 'config_versions'): Promise<number> => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        return [await count('revocations'), await count('credentials'), await count('config_versions')];
      }
    });
  });
}
