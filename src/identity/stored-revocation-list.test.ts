/**
 * The stored revocation list on a real SQLite file and a real PostgreSQL: two lists on one
 * database stand for two server processes. A revocation through one is refused by the other after
 * its next poll; a revocation that cannot be stored fails and changes nothing; a process starting
 * later knows every revocation that still matters; concurrent revocations are all seen.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { findCredential, openStore, recordCredential, type Store } from '../store/index.ts';
import { startTestDatabases, withStores } from '../store/test-databases.test-support.ts';
import { MAX_CREDENTIAL_LIFETIME_SECONDS, type CredentialClaims } from './credential.ts';
import { createStoredRevocationList } from './stored-revocation-list.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const T0 = Date.parse('2026-12-06T12:00:00Z') / 1000;

function claims(jti: string, extra: Partial<CredentialClaims> = {}): CredentialClaims {
  return { jti, sub: 'alice@acme.example', use: 'session', iat: T0, exp: T0 + 3600, authTime: T0, account: '400000000001', permissionSet: 'developer', ...extra };
}

async function record(store: Store, c: CredentialClaims): Promise<void> {
  await recordCredential(store, {
    jti: c.jti,
    subject: c.sub,
    use: c.use,
    account: c.account,
    permissionSet: c.permissionSet,
    parent: c.parent,
    issuedAt: new Date(c.iat * 1000).toISOString(),
    expiresAt: new Date(c.exp * 1000).toISOString(),
  });
}

for (const database of databases) {
  describe(`stored revocation list on ${database.name}`, () => {
    test('a credential revoked through one process is refused by another after its poll, with its sessions, and recorded with who revoked', async () => {
      await withStores(await database.fresh(), 2, async ([first, second]) => {
        const clock = () => new Date((T0 + 60) * 1000);
        const a = await createStoredRevocationList({ store: first!, clock });
        const b = await createStoredRevocationList({ store: second!, clock });
        const signIn = claims('sign-in-1', { use: 'sign-in', account: undefined, permissionSet: undefined });
        const session = claims('session-1', { parent: 'sign-in-1' });
        const other = claims('session-2');
        for (const c of [signIn, session, other]) await record(first!, c);

        await a.revokeCredential('sign-in-1', 'alice@acme.example');
        assert.ok(a.isRevoked(signIn));
        assert.ok(a.isRevoked(session), 'a session of a revoked sign-in is revoked');
        assert.equal(b.isRevoked(signIn), false, 'not before the poll');
        assert.equal(await b.poll(), 1);
        assert.ok(b.isRevoked(signIn));
        assert.ok(b.isRevoked(session));
        assert.equal(b.isRevoked(other), false);
        assert.equal(await b.poll(), 0);

        const stored = await findCredential(first!, 'session-1');
        assert.equal(stored?.revokedBy, 'alice@acme.example');
        assert.equal(stored?.revokedAt, new Date((T0 + 60) * 1000).toISOString());
        assert.equal((await findCredential(first!, 'session-2'))?.revokedAt, undefined);
      });
    });

    test('revoking a subject revokes every credential issued at or before the time, not after, in every process', async () => {
      await withStores(await database.fresh(), 2, async ([first, second]) => {
        const clock = () => new Date((T0 + 60) * 1000);
        const a = await createStoredRevocationList({ store: first!, clock });
        const b = await createStoredRevocationList({ store: second!, clock });
        await b.revokeSubject('alice@acme.example', T0 + 10, 'service-account:offboarding');
        await a.poll();
        assert.ok(a.isRevoked(claims('x', { iat: T0 + 10 })));
        assert.ok(a.isRevoked(claims('y', { iat: T0 })));
        assert.equal(a.isRevoked(claims('z', { iat: T0 + 11 })), false);
        assert.equal(a.isRevoked(claims('w', { sub: 'bob@acme.example' })), false);
        const row = await first!.db.selectFrom('revocations').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.revoked_by, 'service-account:offboarding');
        assert.equal(row.kind, 'subject');
      });
    });

    test('a revocation that cannot be stored fails, and the process does not pretend it is revoked', async () => {
      const options = await database.fresh();
      const store = await openStore(options);
      await store.migrate();
      const list = await createStoredRevocationList({ store, clock: () => new Date(T0 * 1000) });
      await store.close();
      await assert.rejects(list.revokeCredential('session-1', 'alice@acme.example'));
      await assert.rejects(list.revokeSubject('alice@acme.example', T0, 'alice@acme.example'));
      assert.equal(list.isRevoked(claims('session-1')), false);
      assert.equal(list.isRevoked(claims('session-9')), false);
    });

    test('a process starting later loads the revocations that still matter, not those whose credentials have expired', async () => {
      await withStores(await database.fresh(), 1, async ([store]) => {
        const list = await createStoredRevocationList({ store: store!, clock: () => new Date(T0 * 1000) });
        await record(store!, claims('short', { exp: T0 + 60 }));
        await record(store!, claims('long', { exp: T0 + 7200 }));
        await list.revokeCredential('short', 'alice@acme.example');
        await list.revokeCredential('long', 'alice@acme.example');
        await list.revokeCredential('unrecorded', 'alice@acme.example');
        await list.revokeSubject('bob@acme.example', T0, 'alice@acme.example');

        const soon = await createStoredRevocationList({ store: store!, clock: () => new Date((T0 + 30) * 1000) });
        for (const jti of ['short', 'long', 'unrecorded']) assert.ok(soon.isRevoked(claims(jti)), jti);
        assert.ok(soon.isRevoked(claims('b', { sub: 'bob@acme.example' })));

        // an hour later: `short` has expired anyway and is not loaded; a poll still reads only new ids
        const later = await createStoredRevocationList({ store: store!, clock: () => new Date((T0 + 3600) * 1000) });
        assert.equal(later.isRevoked(claims('short')), false);
        assert.ok(later.isRevoked(claims('long')));
        assert.ok(later.isRevoked(claims('unrecorded')));
        assert.equal(await later.poll(), 0);
        // and once every credential of bob issued before T0 must have expired, his revocation is dropped too
        const muchLater = await createStoredRevocationList({ store: store!, clock: () => new Date((T0 + MAX_CREDENTIAL_LIFETIME_SECONDS + 3600) * 1000) });
        assert.equal(muchLater.isRevoked(claims('b', { sub: 'bob@acme.example' })), false);
      });
    });

    test('concurrent revocations through two processes are all seen by both: none is skipped by the id order', async () => {
      // PostgreSQL: two pools, as two processes. SQLite: one connection, as one SQLite file serves one
      // process (a second connection in the same process would block the event loop on the lock)
      await withStores(await database.fresh(), database.name === 'postgres' ? 2 : 1, async ([first, second = first]) => {
        const clock = () => new Date(T0 * 1000);
        const a = await createStoredRevocationList({ store: first!, clock });
        const b = await createStoredRevocationList({ store: second!, clock });
        const watcher = await createStoredRevocationList({ store: first!, clock });
        const jtis = Array.from({ length: 30 }, (_, i) => `c-${i}`);
        // a watcher polling while the revocations land must still end up with every one of them
        let done = false;
        const watching = (async () => {
          while (!done) await watcher.poll();
        })();
        await Promise.all(jtis.map((jti, i) => (i % 2 === 0 ? a : b).revokeCredential(jti, 'test')));
        done = true;
        await watching;
        await Promise.all([a.poll(), b.poll(), watcher.poll()]);
        for (const list of [a, b, watcher]) for (const jti of jtis) assert.ok(list.isRevoked(claims(jti)), jti);
        const ids = (await first!.db.selectFrom('revocations').select('id').orderBy('id').execute()).map((row) => Number(row.id));
        assert.equal(ids.length, jtis.length);
        assert.equal(new Set(ids).size, ids.length);
      });
    });
  });
}
