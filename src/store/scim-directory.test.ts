/**
 * The SCIM directory's storage on SQLite and PostgreSQL: uniqueness (userName case-insensitively),
 * versions, memberships, and that a refused change leaves nothing behind, audit record included.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ParapetError } from '../policy/index.ts';
import { GROUP_RESOURCE, parseFilter, type Filter } from '../scim/index.ts';
import {
  createScimGroup,
  createScimUser,
  deleteScimGroup,
  deleteScimUser,
  findScimToken,
  getScimGroup,
  getScimUser,
  groupIdsOfScimUser,
  listScimChanges,
  listScimTokens,
  listScimUsers,
  openStore,
  queryScimGroups,
  revokeScimToken,
  storeScimToken,
  updateScimGroup,
  updateScimUser,
  type NewScimUser,
  type ScimActor,
  type Store,
} from './index.ts';
import { startTestDatabases } from './test-databases.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

/** the groups a filter matches, through the SCIM list API's query (one page holds them all here) */
async function groups(store: Store, filter: Filter | undefined) {
  const page = await queryScimGroups(store, { kind: 'resource', resource: GROUP_RESOURCE }, { filter, startIndex: 1, count: 100, baseUrl: 'https://parapet.test/scim/v2', withMembers: true });
  return page.resources;
}

let changes = 0;
function actor(seconds = 0): ScimActor {
  changes += 1;
  return { tokenId: 'token-1', at: new Date(Date.UTC(2026, 11, 6, 12, 0, seconds)), changeId: `change-${changes}` };
}

function user(id: string, userName: string, extra: Partial<NewScimUser> = {}): NewScimUser {
  return { id, externalId: undefined, userName, active: true, document: { emails: [{ value: userName, primary: true }] }, ...extra };
}

function scimTypeOf(error: unknown): unknown {
  return error instanceof ParapetError ? (error.details as { scimType?: unknown } | undefined)?.scimType : undefined;
}

for (const database of databases) {
  describe(`scim directory on ${database.name}`, () => {
    let store: Store;
    test('setup', async () => {
      store = await openStore(await database.fresh());
      await store.migrate();
    });
    after(async () => {
      await store.close();
    });

    test('a user is stored and read back; userName is unique case-insensitively and a refused create records nothing', async () => {
      const created = await createScimUser(store, user('u1', 'Alice@Example.com', { externalId: 'ext-1' }), actor(1));
      assert.equal(created.version, 1);
      assert.deepEqual(await getScimUser(store, 'u1'), created);
      const before = (await listScimChanges(store)).length;
      await assert.rejects(createScimUser(store, user('u2', 'alice@example.COM'), actor(2)), (error) => scimTypeOf(error) === 'uniqueness');
      assert.equal(await getScimUser(store, 'u2'), undefined);
      assert.equal((await listScimChanges(store)).length, before);
      assert.deepEqual((await listScimUsers(store, { userName: 'ALICE@example.com' })).map((u) => u.id), ['u1']);
      assert.deepEqual((await listScimUsers(store, { externalId: 'ext-1' })).map((u) => u.id), ['u1']);
      assert.deepEqual(await listScimUsers(store, { externalId: 'EXT-1' }), []);
    });

    test('an update increments the version; an update whose change throws writes nothing', async () => {
      const { before, after: updated } = await updateScimUser(store, 'u1', (current) => ({ ...current, active: false }), actor(3));
      assert.equal(before.active, true);
      assert.equal(updated.active, false);
      assert.equal(updated.version, 2);
      assert.equal((await getScimUser(store, 'u1'))?.version, 2);
      const count = (await listScimChanges(store)).length;
      await assert.rejects(
        updateScimUser(store, 'u1', () => {
          throw new ParapetError('invalid-input', 'refused');
        }, actor(4)),
        /refused/,
      );
      assert.equal((await getScimUser(store, 'u1'))?.version, 2);
      assert.equal((await listScimChanges(store)).length, count);
      await assert.rejects(updateScimUser(store, 'nobody', (c) => c, actor(5)), (error) => error instanceof ParapetError && error.code === 'not-found');
    });

    test('renaming a user onto another userName is a uniqueness conflict that changes neither', async () => {
      await createScimUser(store, user('u3', 'bob@example.com'), actor(6));
      await assert.rejects(updateScimUser(store, 'u3', (c) => ({ ...c, userName: 'ALICE@example.com' }), actor(7)), (error) => scimTypeOf(error) === 'uniqueness');
      assert.equal((await getScimUser(store, 'u3'))?.userName, 'bob@example.com');
      assert.equal((await getScimUser(store, 'u3'))?.version, 1);
    });

    test('a group with an unknown member is refused whole; memberships change as a diff; deleting a user leaves its groups', async () => {
      await assert.rejects(
        createScimGroup(store, { id: 'g0', externalId: undefined, displayName: 'Broken', document: {}, memberIds: ['u1', 'ghost'] }, actor(8)),
        (error) => scimTypeOf(error) === 'invalidValue' && /ghost/.test((error as Error).message),
      );
      assert.equal(await getScimGroup(store, 'g0'), undefined);
      const group = await createScimGroup(store, { id: 'g1', externalId: 'eg1', displayName: 'Developers', document: {}, memberIds: ['u3', 'u1', 'u1'] }, actor(9));
      assert.deepEqual(group.memberIds, ['u1', 'u3']);
      await assert.rejects(createScimGroup(store, { id: 'g2', externalId: undefined, displayName: 'developers', document: {}, memberIds: [] }, actor(10)), (error) => scimTypeOf(error) === 'uniqueness');
      const change = await updateScimGroup(store, 'g1', (current) => ({ ...current, memberIds: ['u3'] }), actor(11));
      assert.deepEqual(change.removed, ['u1']);
      assert.deepEqual(change.added, []);
      assert.deepEqual((await getScimGroup(store, 'g1'))?.memberIds, ['u3']);
      await assert.rejects(updateScimGroup(store, 'g1', (current) => ({ ...current, memberIds: ['u3', 'ghost'] }), actor(12)), (error) => scimTypeOf(error) === 'invalidValue');
      assert.deepEqual((await getScimGroup(store, 'g1'))?.memberIds, ['u3']);
      assert.deepEqual(await groupIdsOfScimUser(store, 'u3'), ['g1']);
      const deleted = await deleteScimUser(store, 'u3', actor(13));
      assert.deepEqual(deleted.groupIds, ['g1']);
      assert.deepEqual((await getScimGroup(store, 'g1'))?.memberIds, []);
      assert.deepEqual((await groups(store, parseFilter('displayName eq "DEVELOPERS"'))).map((g) => g.id), ['g1']);
      await deleteScimGroup(store, 'g1', actor(14));
      assert.deepEqual(await groups(store, undefined), []);
    });

    test('every change is recorded with its token', async () => {
      const records = await listScimChanges(store);
      assert.deepEqual(
        records.map((r) => `${r.resourceType}:${r.resourceId}:${r.operation}`),
        ['User:u1:create', 'User:u1:update', 'User:u3:create', 'Group:g1:create', 'Group:g1:update', 'User:u3:delete', 'Group:g1:delete'],
      );
      assert.ok(records.every((r) => r.tokenId === 'token-1'));
    });

    test('tokens: found by hash while live, never after revocation', async () => {
      await storeScimToken(store, { id: 't1', name: 'okta', tokenHash: 'sha256:aa', at: new Date(Date.UTC(2026, 11, 6)) });
      assert.equal((await findScimToken(store, 'sha256:aa'))?.name, 'okta');
      assert.equal(await findScimToken(store, 'sha256:bb'), undefined);
      assert.equal(await revokeScimToken(store, 't1', new Date(Date.UTC(2026, 11, 7))), true);
      assert.equal(await revokeScimToken(store, 't1', new Date(Date.UTC(2026, 11, 7))), false);
      assert.equal(await findScimToken(store, 'sha256:aa'), undefined);
      assert.equal((await listScimTokens(store))[0]?.revoked, '2026-12-07T00:00:00.000Z');
    });
  });
}
