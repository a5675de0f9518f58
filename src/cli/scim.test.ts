/** `parapet scim token create|list|revoke` on a server's SQLite database, and the token working on /scim/v2 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findScimToken, openStore } from '../store/index.ts';
import { scimTokenHash } from '../server/scim-token-authenticator.ts';
import { startTestServer } from '../server/test-server.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'parapet-scim-cli-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

test('create prints the token once and stores only its hash; list shows no secret; revoke refuses it from then on', async () => {
  const created = await runCli('scim', 'token', 'create', 'okta', '--state-dir', stateDir);
  assert.equal(created.code, 0, created.err);
  const secret = created.out.trim();
  assert.match(secret, /^pscim_[A-Za-z0-9_-]{43}$/);
  assert.match(created.err, /shown this once/);

  const listed = await runCli('scim', 'token', 'list', '--state-dir', stateDir, '--json');
  assert.equal(listed.code, 0, listed.err);
  const tokens = JSON.parse(listed.out) as { id: string; name: string; revoked: string | null }[];
  assert.deepEqual(tokens.map((t) => [t.name, t.revoked]), [['okta', null]]);
  assert.ok(!listed.out.includes(secret));

  const file = join(stateDir, 'parapet.db');
  const store = await openStore({ kind: 'sqlite', file });
  try {
    const rows = await store.db.selectFrom('scim_tokens').selectAll().execute();
    assert.equal(rows[0]?.token_hash, scimTokenHash(secret));
    assert.ok(!JSON.stringify(rows).includes(secret));
  } finally {
    await store.close();
  }

  const server = await startTestServer({ database: { kind: 'sqlite', file } });
  try {
    const call = () => server.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await call()).statusCode, 200);
    const revoked = await runCli('scim', 'token', 'revoke', tokens[0]!.id, '--state-dir', stateDir);
    assert.equal(revoked.code, 0, revoked.err);
    assert.equal((await call()).statusCode, 401);
    assert.equal(await findScimToken(server.context.store, scimTokenHash(secret)), undefined);
  } finally {
    await server.close();
  }
  const again = await runCli('scim', 'token', 'revoke', tokens[0]!.id, '--state-dir', stateDir);
  assert.notEqual(again.code, 0);
  assert.match(again.err, /no live SCIM token/);
  const badName = await runCli('scim', 'token', 'create', 'has space', '--state-dir', stateDir);
  assert.notEqual(badName.code, 0);
});
