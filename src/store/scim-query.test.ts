/**
 * Migration 0120-scim-list-queries on a database that ran the later 0200 first (names are given in
 * ranges and merged in any order): it runs, and fills scim_user_values for the users already there,
 * so their filters answer as a new user's do. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createScimUser, openStore, scimValueRows, type Store } from './index.ts';
import { startTestDatabases } from './test-databases.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

for (const database of databases) {
  describe(`scim list queries migration on ${database.name}`, () => {
    let store: Store;
    after(async () => {
      await store?.close();
    });

    test('0120 runs after 0200 and fills the values of the users already stored', async () => {
      store = await openStore(await database.fresh());
      const first = await store.migrate();
      assert.ok(first.indexOf('0120-scim-list-queries') < first.indexOf('0200-audit-log'));
      const document = { name: { givenName: 'Ada' }, emails: [{ value: 'Ada@Example.com', type: 'work', primary: true }], [ENTERPRISE]: { department: 'R&D' } };
      await createScimUser(store, { id: 'u1', externalId: undefined, userName: 'ada@example.com', active: true, document }, { tokenId: 't', at: new Date(), changeId: 'c1' });
      // as a database from before 0120: its table gone, its name not recorded, 0200 applied
      await store.db.schema.dropTable('scim_user_values').execute();
      await store.db.schema.dropIndex('scim_users_created').execute();
      await store.db.schema.dropIndex('scim_groups_created').execute();
      if (store.kind === 'postgres') {
        await sql`drop index scim_users_user_name_key_c`.execute(store.db);
        await sql`drop index scim_groups_display_name_key_c`.execute(store.db);
      }
      await sql`delete from parapet_migrations where name = ${'0120-scim-list-queries'}`.execute(store.db);
      assert.deepEqual(await store.migrate(), ['0120-scim-list-queries']);
      const rows = await store.db.selectFrom('scim_user_values').selectAll().where('user_id', '=', 'u1').execute();
      const key = (r: { attribute: string; item: number; sub: string; kind: string; value: string; value_key: string }) => `${r.attribute}/${r.item}/${r.sub}/${r.kind}/${r.value}/${r.value_key}`;
      assert.deepEqual(rows.map((r) => key({ ...r, item: Number(r.item) })).sort(), scimValueRows('u1', document).map(key).sort());
      assert.ok(rows.some((r) => r.attribute === 'emails' && r.sub === 'value' && r.value_key === 'ada@example.com'));
      assert.ok(rows.some((r) => r.attribute === `${ENTERPRISE.toLowerCase()}:department` && r.value === 'R&D'));
    });
  });
}
