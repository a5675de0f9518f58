/**
 * The storage suite: every behaviour below runs on a real SQLite file and on a real PostgreSQL
 * server (test-databases.test-support.ts), so the two adapters cannot drift apart. No mocks.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ParapetError } from '../policy/index.ts';
import {
  activeConfigVersion,
  appendConfigVersion,
  approveDeviceLogin,
  createDeviceLogin,
  deleteExpiredDeviceLogins,
  isDeviceLoginPending,
  pollDeviceLogin,
  getConfigVersion,
  isBootstrapTokenUsable,
  listConfigVersions,
  MIGRATION_NAMES,
  storeBootstrapToken,
  openStore,
  type AppendConfigVersion,
  type ConfigVersionSummary,
  type Store,
} from './index.ts';
import { startTestDatabases, withStore } from './test-databases.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

function version(n: number, extra: Partial<AppendConfigVersion> = {}): AppendConfigVersion {
  return {
    hash: `sha256:${n.toString(16).padStart(64, '0')}`,
    author: `author-${n}`,
    appliedAt: new Date(Date.UTC(2026, 11, 6, 12, 0, n)),
    snapshot: JSON.stringify({ files: { 'parapet.yaml': `version: ${n}\n` } }),
    planReport: JSON.stringify({ format: 'parapet-plan/1', n }),
    ...extra,
  };
}

function isConflict(error: unknown): boolean {
  return error instanceof ParapetError && error.code === 'conflict';
}

async function allVersions(store: Store): Promise<number[]> {
  return (await listConfigVersions(store, { limit: 1000 })).map((v) => v.version).reverse();
}

for (const database of databases) {
  describe(`store on ${database.name}`, () => {
    test('migrations apply once: a second run, by the same or another store, applies nothing and keeps the data', async () => {
      const options = await database.fresh();
      const first = await openStore(options);
      try {
        assert.deepEqual(await first.migrate(), MIGRATION_NAMES);
        assert.equal(await appendConfigVersion(first, version(1)), 1);
        assert.deepEqual(await first.migrate(), []);
      } finally {
        await first.close();
      }
      const second = await openStore(options);
      try {
        assert.deepEqual(await second.migrate(), []);
        assert.deepEqual(await allVersions(second), [1]);
      } finally {
        await second.close();
      }
    });

    test('an empty store has no active version and no history', async () => {
      await withStore(await database.fresh(), async (store) => {
        assert.equal(await activeConfigVersion(store), undefined);
        assert.deepEqual(await listConfigVersions(store, { limit: 10 }), []);
        assert.equal(await getConfigVersion(store, 1), undefined);
      });
    });

    test('appends number the versions 1, 2, 3 and read back exactly what was stored; the newest is active', async () => {
      await withStore(await database.fresh(), async (store) => {
        const unicode = version(2, { author: 'zoë@example.com', snapshot: '{"note":"ünïcødé ✓ \\u0000"}' });
        assert.equal(await appendConfigVersion(store, version(1)), 1);
        assert.equal(await appendConfigVersion(store, unicode), 2);
        assert.equal(await appendConfigVersion(store, version(3)), 3);
        assert.deepEqual(await getConfigVersion(store, 2), {
          version: 2,
          hash: unicode.hash,
          author: 'zoë@example.com',
          appliedAt: '2026-12-06T12:00:02.000Z',
          snapshot: unicode.snapshot,
          planReport: unicode.planReport,
        });
        assert.equal((await activeConfigVersion(store))?.version, 3);
        assert.equal((await activeConfigVersion(store))?.author, 'author-3');
        assert.equal(await getConfigVersion(store, 4), undefined);
      });
    });

    test('the history lists newest first and pages through every version exactly once', async () => {
      await withStore(await database.fresh(), async (store) => {
        for (let n = 1; n <= 7; n += 1) await appendConfigVersion(store, version(n));
        const pages: ConfigVersionSummary[][] = [];
        let before: number | undefined;
        for (;;) {
          const page = await listConfigVersions(store, { limit: 3, before });
          if (page.length === 0) break;
          pages.push([...page]);
          before = page.at(-1)?.version;
        }
        assert.deepEqual(
          pages.map((page) => page.map((v) => v.version)),
          [[7, 6, 5], [4, 3, 2], [1]],
        );
        assert.deepEqual(pages[0]?.[0], { version: 7, hash: version(7).hash, author: 'author-7', appliedAt: '2026-12-06T12:00:07.000Z' });
      });
    });

    test('a message is kept with its version and listed with it; no message reads back as none', async () => {
      await withStore(await database.fresh(), async (store) => {
        await appendConfigVersion(store, version(1, { message: 'first: ünïcødé' }));
        await appendConfigVersion(store, version(2));
        assert.equal((await getConfigVersion(store, 1))?.message, 'first: ünïcødé');
        assert.equal('message' in ((await getConfigVersion(store, 2)) ?? {}), false);
        assert.deepEqual((await listConfigVersions(store, { limit: 10 })).map((v) => v.message), [undefined, 'first: ünïcødé']);
      });
    });

    test('a bootstrap token is consumed with the append it makes; an append with a used or unknown one stores nothing', async () => {
      await withStore(await database.fresh(), async (store) => {
        const at = new Date(Date.UTC(2026, 11, 6));
        await storeBootstrapToken(store, 'sha256:token-a', at);
        assert.equal(await isBootstrapTokenUsable(store, 'sha256:token-a'), true);
        assert.equal(await isBootstrapTokenUsable(store, 'sha256:unknown'), false);
        assert.equal(await appendConfigVersion(store, version(1, { bootstrapTokenHash: 'sha256:token-a', expectVersion: 0 })), 1);
        assert.equal(await isBootstrapTokenUsable(store, 'sha256:token-a'), false);
        const refused = (error: unknown) => error instanceof ParapetError && error.code === 'unauthenticated';
        await assert.rejects(appendConfigVersion(store, version(2, { bootstrapTokenHash: 'sha256:token-a' })), refused);
        await assert.rejects(appendConfigVersion(store, version(2, { bootstrapTokenHash: 'sha256:unknown' })), refused);
        // the failed appends rolled back whole: no version, and the token row as the first apply left it
        assert.deepEqual(await allVersions(store), [1]);
        const rows = await store.db.selectFrom('bootstrap_tokens').selectAll().execute();
        assert.deepEqual(rows, [{ token_hash: 'sha256:token-a', created_at: at.toISOString(), consumed_at: version(1).appliedAt.toISOString() }]);
      });
    });

    test('an append expecting another active version fails with `conflict` and changes nothing', async () => {
      await withStore(await database.fresh(), async (store) => {
        assert.equal(await appendConfigVersion(store, version(1, { expectVersion: 0 })), 1);
        await assert.rejects(appendConfigVersion(store, version(2, { expectVersion: 0 })), (error: unknown) => {
          assert.ok(isConflict(error));
          assert.match((error as ParapetError).message, /active configuration version is 1, not the expected 0/);
          return true;
        });
        await assert.rejects(appendConfigVersion(store, version(2, { expectVersion: 2 })), isConflict);
        assert.deepEqual(await allVersions(store), [1]);
        assert.equal(await appendConfigVersion(store, version(2, { expectVersion: 1 })), 2);
      });
    });

    test('concurrent appends expecting the same version: exactly one wins each round, with no gap and no duplicate', async () => {
      const options = await database.fresh();
      // PostgreSQL: two stores, two pools, like two server processes on one database. SQLite: one
      // store, as one SQLite file serves one process (its driver is synchronous: a second connection
      // in the same process would block the event loop while waiting for the lock)
      const stores = database.name === 'postgres' ? [await openStore(options), await openStore(options)] : [await openStore(options)];
      try {
        await Promise.all(stores.map((store) => store.migrate()));
        const rounds = 5;
        const racers = 8;
        for (let round = 0; round < rounds; round += 1) {
          const outcomes = await Promise.allSettled(
            Array.from({ length: racers }, (_, i) =>
              appendConfigVersion(stores[i % stores.length] as Store, version(round * racers + i, { author: `racer-${i}`, expectVersion: round })),
            ),
          );
          const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
          const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
          assert.deepEqual(won, [round + 1], `round ${round}`);
          assert.equal(lost.length, racers - 1);
          for (const reason of lost) assert.ok(isConflict(reason), `not a conflict: ${String(reason)}`);
        }
        assert.deepEqual(await allVersions(stores[0] as Store), [1, 2, 3, 4, 5]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    test('concurrent appends without an expected version all land, numbered without gap or duplicate', async () => {
      const options = await database.fresh();
      const stores = database.name === 'postgres' ? [await openStore(options), await openStore(options)] : [await openStore(options)];
      try {
        await Promise.all(stores.map((store) => store.migrate()));
        const racers = 10;
        const numbers = await Promise.all(
          Array.from({ length: racers }, (_, i) => appendConfigVersion(stores[i % stores.length] as Store, version(i, { author: `racer-${i}` }))),
        );
        assert.deepEqual([...numbers].sort((a, b) => a - b), Array.from({ length: racers }, (_, i) => i + 1));
        assert.deepEqual(await allVersions(stores[0] as Store), Array.from({ length: racers }, (_, i) => i + 1));
        // each number went to the append that got it
        for (const [i, n] of numbers.entries()) assert.equal((await getConfigVersion(stores[0] as Store, n))?.author, `racer-${i}`);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    test('the data survives closing and opening the store again', async () => {
      const options = await database.fresh();
      await withStore(options, async (store) => {
        await appendConfigVersion(store, version(1));
        await appendConfigVersion(store, version(2));
      });
      await withStore(options, async (store) => {
        assert.deepEqual(await allVersions(store), [1, 2]);
        assert.equal((await getConfigVersion(store, 2))?.snapshot, version(2).snapshot);
        assert.equal(await appendConfigVersion(store, version(3, { expectVersion: 2 })), 3);
      });
    });

    test('the schema itself refuses a duplicate or a non-positive version number', async () => {
      await withStore(await database.fresh(), async (store) => {
        await appendConfigVersion(store, version(1));
        const row = { hash: 'h', author: 'a', applied_at: '2026-12-06T00:00:00.000Z', snapshot: '{}', plan_report: '{}' };
        await assert.rejects(store.db.insertInto('config_versions').values({ ...row, version: 1 }).execute());
        await assert.rejects(store.db.insertInto('config_versions').values({ ...row, version: 0 }).execute());
        assert.deepEqual(await allVersions(store), [1]);
      });
    });

    test('arguments out of range are refused with `invalid-input` before touching the database', async () => {
      await withStore(await database.fresh(), async (store) => {
        const invalid = (error: unknown): boolean => error instanceof ParapetError && error.code === 'invalid-input';
        await assert.rejects(appendConfigVersion(store, version(1, { expectVersion: -1 })), invalid);
        await assert.rejects(appendConfigVersion(store, version(1, { expectVersion: 1.5 })), invalid);
        await assert.rejects(listConfigVersions(store, { limit: 0 }), invalid);
        await assert.rejects(listConfigVersions(store, { limit: 1001 }), invalid);
        await assert.rejects(listConfigVersions(store, { limit: 10, before: 0 }), invalid);
        await assert.rejects(getConfigVersion(store, Number.NaN), invalid);
        assert.deepEqual(await allVersions(store), []);
      });
    });
  });
}

describe('store on sqlite: the embedded file', () => {
  const sqlite = databases.find((database) => database.name === 'sqlite');

  test('is opened in WAL mode, with foreign keys on and a busy timeout', async () => {
    assert.ok(sqlite);
    await withStore(await sqlite.fresh(), async (store) => {
      const pragma = async (name: string): Promise<unknown> => {
        const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
        return Object.values(rows[0] ?? {})[0];
      };
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('foreign_keys'), 1);
      assert.equal(await pragma('busy_timeout'), 5000);
    });
  });

  test('a file that cannot be created fails with `unwritable-file` and its path', async () => {
    assert.ok(sqlite);
    const options = await sqlite.fresh();
    assert.equal(options.kind, 'sqlite');
    if (options.kind !== 'sqlite') return;
    await withStore(options, () => Promise.resolve());
    // the database file is a file, so nothing can be created beneath it
    const file = `${options.file}/nested/parapet.db`;
    await assert.rejects(openStore({ kind: 'sqlite', file }), (error: unknown) => {
      assert.ok(error instanceof ParapetError);
      assert.equal(error.code, 'unwritable-file');
      assert.equal(error.path, file);
      return true;
    });
  });
});

for (const database of databases) {
  describe(`device logins on ${database.name}`, () => {
    const start = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    const login = (userCode: string) => ({ userCode, deviceCodeHash: `hash-${userCode}`, createdAt: start, expiresAt: at(600) });
    const alice = { userName: 'alice@acme.example', authTime: 1_800_000_000, mfaTime: 1_800_000_000 };

    test('pending until approved, then handed out to exactly one poll, then consumed', async () => {
      await withStore(await database.fresh(), async (store) => {
        assert.equal(await createDeviceLogin(store, login('ABCDEFGH')), true);
        assert.equal(await createDeviceLogin(store, login('ABCDEFGH')), false, 'a user code is never given twice');
        assert.equal(await isDeviceLoginPending(store, 'ABCDEFGH', at(1)), true);
        assert.deepEqual(await pollDeviceLogin(store, 'hash-ABCDEFGH', at(1)), { status: 'pending' });
        assert.equal(await approveDeviceLogin(store, 'ABCDEFGH', alice, at(2)), true);
        assert.equal(await approveDeviceLogin(store, 'ABCDEFGH', { ...alice, userName: 'mallory@acme.example' }, at(2)), false, 'approved once');
        assert.equal(await isDeviceLoginPending(store, 'ABCDEFGH', at(2)), false);
        const polls = await Promise.all([1, 2, 3, 4].map(() => pollDeviceLogin(store, 'hash-ABCDEFGH', at(3))));
        assert.deepEqual(polls.filter((poll) => poll.status === 'approved'), [{ status: 'approved', approval: alice }]);
        assert.equal(polls.filter((poll) => poll.status === 'consumed').length, 3);
        assert.deepEqual(await pollDeviceLogin(store, 'hash-ABCDEFGH', at(4)), { status: 'consumed' });
        assert.deepEqual(await pollDeviceLogin(store, 'hash-unknown', at(4)), { status: 'unknown' });
      });
    });

    test('an expired device login can be neither approved nor taken, and is deleted', async () => {
      await withStore(await database.fresh(), async (store) => {
        await createDeviceLogin(store, login('EXPIRED1'));
        await createDeviceLogin(store, login('APPROVED'));
        assert.equal(await approveDeviceLogin(store, 'APPROVED', alice, at(599)), true);
        assert.equal(await isDeviceLoginPending(store, 'EXPIRED1', at(600)), false);
        assert.equal(await approveDeviceLogin(store, 'EXPIRED1', alice, at(600)), false);
        assert.deepEqual(await pollDeviceLogin(store, 'hash-EXPIRED1', at(600)), { status: 'expired' });
        assert.deepEqual(await pollDeviceLogin(store, 'hash-APPROVED', at(600)), { status: 'expired' }, 'an approval not taken in time expires too');
        assert.equal(await deleteExpiredDeviceLogins(store, at(600)), 2);
        assert.deepEqual(await pollDeviceLogin(store, 'hash-EXPIRED1', at(601)), { status: 'unknown' });
      });
    });
  });
}

describe('store on postgres: the server', () => {
  test('an unreachable server fails at open with `unavailable`, and the message hides the password', async () => {
    await assert.rejects(openStore({ kind: 'postgres', url: 'postgres://parapet:s3cret-pw@127.0.0.1:1/parapet' }), (error: unknown) => {
      assert.ok(error instanceof ParapetError);
      assert.equal(error.code, 'unavailable');
      assert.match(error.message, /^cannot reach the database at `postgres:\/\/parapet:\*\*\*@127\.0\.0\.1:1\/parapet`/);
      assert.doesNotMatch(error.message, /s3cret-pw/);
      return true;
    });
  });

  test('a URL of another kind is a usage error', async () => {
    await assert.rejects(openStore({ kind: 'postgres', url: 'mysql://u:p@localhost/db' }), (error: unknown) => {
      assert.ok(error instanceof ParapetError);
      assert.equal(error.code, 'usage');
      assert.doesNotMatch(error.message, /:p@/);
      return true;
    });
  });
});
