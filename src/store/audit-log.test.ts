/**
 * The stored audit log on real SQLite and PostgreSQL: consecutive indexes under concurrent
 * appenders (two stores on one PostgreSQL), checkpoints that continue from the last one,
 * exports that `verifyAuditExport` accepts, proofs that the RFC 9162 verifiers accept, and rows
 * altered or deleted directly in the database named by the verifier. Proofs read from the stored
 * subtree hashes are compared with proofs computed from the exported leaves (the pure generator)
 * and with a root rebuilt here by the RFC's recursive definition.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  canonicalEvent,
  formatVerifierKey,
  generateAuditSigner,
  hashChildren,
  inclusionProof,
  consistencyProof,
  leafHashOfRecord,
  parseCheckpointNote,
  verifyAuditExport,
  verifyConsistency,
  verifyInclusion,
  type AuditVerification,
} from '../audit/index.ts';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import {
  appendAuditEvents,
  auditConsistencyProof,
  auditInclusionProof,
  createAuditCheckpoint,
  exportAuditLog,
  latestAuditCheckpoint,
} from './audit-log.ts';
import { openSqliteAuditAppender, type Store } from './index.ts';
import { startTestDatabases, withStore } from './test-databases.test-support.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const ORIGIN = 'parapet.test/audit';
const NOW = new Date(Date.UTC(2026, 11, 6, 12));

async function exportAndVerify(store: Store, publicKey: string): Promise<AuditVerification> {
  const lines: string[] = [];
  const { checkpoints } = await exportAuditLog(store, { event: (line) => void lines.push(line) });
  return verifyAuditExport({ events: lines, checkpoints, publicKey });
}

const b = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** the leaf hashes recomputed from an export's lines: what the proofs must agree with */
async function exportedLeaves(store: Store): Promise<Uint8Array[]> {
  const leaves: Uint8Array[] = [];
  await exportAuditLog(store, {
    event: (line) => {
      const record = line.replace(/,"leafHash":"[^"]*"\}$/u, '}');
      leaves.push(leafHashOfRecord(record));
    },
  });
  return leaves;
}

/** MTH by RFC 9162's recursive definition, written out here */
function recursiveTreeHead(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(recursiveTreeHead(leaves.slice(0, k)), recursiveTreeHead(leaves.slice(k)));
}

/** checks every inclusion proof and a spread of consistency proofs the store gives against the leaves */
async function assertProofsAgree(store: Store, signer: ReturnType<typeof generateAuditSigner>): Promise<void> {
  const checkpoint = await createAuditCheckpoint(store, signer, ORIGIN, NOW);
  const leaves = await exportedLeaves(store);
  assert.equal(leaves.length, checkpoint.size);
  assert.equal(b64(recursiveTreeHead(leaves)), b64(checkpoint.root));
  for (let index = 0; index < checkpoint.size; index += 1) {
    const proof = await auditInclusionProof(store, index);
    assert.deepEqual(proof.proof, inclusionProof(leaves, index, checkpoint.size).map(b64), `event ${index}`);
    assert.equal(proof.leafHash, b64(leaves[index] as Uint8Array));
    assert.equal(verifyInclusion(index, checkpoint.size, leaves[index] as Uint8Array, proof.proof.map(b), checkpoint.root), true);
  }
  for (let first = 1; first < checkpoint.size; first += 7) {
    const proof = await auditConsistencyProof(store, first, checkpoint.size);
    assert.deepEqual(proof, consistencyProof(leaves, first, checkpoint.size).map(b64), `${first}..${checkpoint.size}`);
    assert.equal(verifyConsistency(first, checkpoint.size, recursiveTreeHead(leaves.slice(0, first)), checkpoint.root, proof.map(b)), true);
  }
}

for (const database of databases) {
  describe(`audit log on ${database.name}`, () => {
    test('appends with consecutive indexes, checkpoints incrementally, and exports a log that verifies', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        assert.equal(await latestAuditCheckpoint(store), undefined);
        assert.deepEqual(await appendAuditEvents(store, [0, 1, 2].map(sampleEvent)), { first: 0, count: 3 });
        const first = await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        assert.equal(first.size, 3);
        assert.deepEqual(await appendAuditEvents(store, [3, 4, 5, 6, 7, 8, 9].map(sampleEvent)), { first: 3, count: 7 });
        const second = await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        assert.equal(second.size, 10);
        // nothing new: the same checkpoint
        assert.equal((await createAuditCheckpoint(store, signer, ORIGIN, NOW)).note, second.note);
        await appendAuditEvents(store, [sampleEvent(10)]);
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual(result, { ok: true, events: 11, checkpoints: 2, verifiedSize: 10, unverifiedTail: 1 });
        // the checkpoint continued from the frontier has the root of the whole tree
        const parsed = parseCheckpointNote(second.note);
        assert.ok(parsed.ok);
        assert.deepEqual(parsed.value.checkpoint.root, second.root);
      });
    });

    test('proves inclusion of every event and consistency between checkpoints', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 6 }, (_, i) => sampleEvent(i)));
        const small = await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await appendAuditEvents(store, Array.from({ length: 7 }, (_, i) => sampleEvent(6 + i)));
        const large = await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        for (let index = 0; index < 13; index += 1) {
          const proof = await auditInclusionProof(store, index);
          assert.equal(proof.size, 13);
          assert.equal(verifyInclusion(index, 13, b(proof.leafHash), proof.proof.map(b), large.root), true, `event ${index}`);
          assert.equal(verifyInclusion(index, 13, b(proof.leafHash), proof.proof.map(b), small.root), false);
        }
        const consistency = await auditConsistencyProof(store, 6, 13);
        assert.equal(verifyConsistency(6, 13, small.root, large.root, consistency.map(b)), true);
        await assert.rejects(auditInclusionProof(store, 13), /no checkpoint covers audit event 13/u);
      });
    });

    test('keeps the hash of every perfect subtree: proofs and checkpoints from O(log n) rows agree with the leaves', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        let next = 0;
        // batches of uneven sizes: the frontier carried from one append to the next, across checkpoints
        for (const count of [1, 1, 5, 64, 3, 100, 17, 2]) {
          await appendAuditEvents(store, Array.from({ length: count }, () => sampleEvent(next++)));
          if (count === 3) await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        }
        // one node per perfect subtree of two leaves or more: n - popcount(n) of them
        const nodes = await store.db.selectFrom('audit_nodes').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
        assert.equal(Number(nodes.count), next - next.toString(2).replaceAll('0', '').length);
        await assertProofsAgree(store, signer);
        await assert.rejects(auditConsistencyProof(store, 1, next + 1), /the log has 193/u);
      });
    });

    test('the nodes of events appended before migration 0220 are built by it', async () => {
      const options = await database.fresh();
      await withStore(options, async (store) => {
        await appendAuditEvents(store, Array.from({ length: 45 }, (_, i) => sampleEvent(i)));
        // as a database migrated up to 0200 only would be: no node table, 0220 not run
        await sql`drop table audit_nodes`.execute(store.db);
        await sql`delete from parapet_migrations where name = '0220-audit-nodes'`.execute(store.db);
      });
      await withStore(options, async (store) => {
        await store.migrate();
        await assertProofsAgree(store, generateAuditSigner(ORIGIN));
        // and appends continue from the rebuilt nodes
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(45 + i)));
        await assertProofsAgree(store, generateAuditSigner(ORIGIN));
      });
    });

    test('a row altered directly in the database is named by the verifier', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        // event 9 was a deny (9 % 3 === 0)
        await sql`update audit_events set event = replace(event, '"outcome":"deny"', '"outcome":"allow"') where idx = 9`.execute(store.db);
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'altered', 10, 9]);
      });
    });

    test('a row deleted directly in the database is named by the verifier', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await sql`delete from audit_events where idx = 4`.execute(store.db);
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'missing', 5, 4]);
      });
    });

    test('two rows swapped directly in the database are named by the verifier', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        // rows 11 and 12 trade places, leaf hashes and all
        await sql`update audit_events set idx = 100 where idx = 11`.execute(store.db);
        await sql`update audit_events set idx = 11 where idx = 12`.execute(store.db);
        await sql`update audit_events set idx = 12 where idx = 100`.execute(store.db);
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'reordered', 12, 11]);
        assert.match(result.problem?.message ?? '', /^line 12: events 11 and 12 traded places, renumbered/u);
      });
    });

    test('rows inserted or deleted directly in the database, the later ones renumbered, are named by the verifier', async () => {
      const leaf = (index: number, eventText: string): string => b64(leafHashOfRecord(`{"event":${eventText},"index":${index}}`));
      // two forged events slipped in at 7, the later rows moved two places on (through a free range: the index is the primary key)
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await sql`update audit_events set idx = idx + 1000 where idx >= 7`.execute(store.db);
        await sql`update audit_events set idx = idx - 998 where idx >= 1000`.execute(store.db);
        for (const at of [7, 8]) {
          const forged = { ...sampleEvent(at), actor: { principal: 'mallory@example.com' }, outcome: 'allow' as const };
          const text = canonicalEvent(forged);
          // with its true leaf hash at its new place: the forger knows RFC 9162
          await store.db.insertInto('audit_events').values({ idx: at, event: text, leaf_hash: leaf(at, text), time: forged.time, principal: forged.actor.principal, type: forged.type }).execute();
        }
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'inserted', 8, 7], JSON.stringify(result.problem));
        assert.match(result.problem?.message ?? '', /^line 8: 2 events not in the log were inserted at position 7, and the events after renumbered \(the event on line 10 is logged at position 7\)$/u);
      });
      // event 4 deleted and the later rows moved one place back
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await sql`delete from audit_events where idx = 4`.execute(store.db);
        await sql`update audit_events set idx = idx + 1000 where idx > 4`.execute(store.db);
        await sql`update audit_events set idx = idx - 1001 where idx >= 1000`.execute(store.db);
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'missing', 5, 4], JSON.stringify(result.problem));
        assert.match(result.problem?.message ?? '', /^line 5: event 4 is missing, and the events after renumbered/u);
      });
      // the careful forger rewrites every stored hash too: nothing points any more, and the verifier names the range the signed root covers
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 10 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await appendAuditEvents(store, Array.from({ length: 10 }, (_, i) => sampleEvent(10 + i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await sql`update audit_events set idx = idx + 1000 where idx >= 13`.execute(store.db);
        await sql`update audit_events set idx = idx - 999 where idx >= 1000`.execute(store.db);
        const forged = { ...sampleEvent(13), actor: { principal: 'mallory@example.com' } };
        const text = canonicalEvent(forged);
        await store.db.insertInto('audit_events').values({ idx: 13, event: text, leaf_hash: leaf(13, text), time: forged.time, principal: forged.actor.principal, type: forged.type }).execute();
        for (const row of await store.db.selectFrom('audit_events').select(['idx', 'event']).where('idx', '>', 13).execute()) {
          await store.db.updateTable('audit_events').set({ leaf_hash: leaf(Number(row.idx), row.event) }).where('idx', '=', row.idx).execute();
        }
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.index, result.problem?.checkpoint], [false, 'altered', 10, 2], JSON.stringify(result.problem));
        assert.match(result.problem?.message ?? '', /^events 10\.\.19 \(lines 11\.\.20\) do not reproduce the root of checkpoint 2/u);
      });
    });

    test('the log truncated directly in the database is named by the verifier', async () => {
      await withStore(await database.fresh(), async (store) => {
        const signer = generateAuditSigner(ORIGIN);
        await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => sampleEvent(i)));
        await createAuditCheckpoint(store, signer, ORIGIN, NOW);
        await sql`delete from audit_events where idx >= 15`.execute(store.db);
        const result = await exportAndVerify(store, formatVerifierKey(signer));
        assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'truncated', 16, 15]);
      });
    });
  });
}

describe('audit log on postgres: several processes', () => {
  const postgres = databases.find((database) => database.name === 'postgres');
  test('two stores appending at once to one database never fork the tree', async () => {
    assert.ok(postgres);
    const options = await postgres.fresh();
    const signer = generateAuditSigner(ORIGIN);
    await withStore(options, async (a) => {
      await withStore(options, async (b2) => {
        const appends: Promise<unknown>[] = [];
        for (let i = 0; i < 20; i += 1) {
          appends.push(appendAuditEvents(a, [sampleEvent(i * 2), sampleEvent(i * 2 + 100)]));
          appends.push(appendAuditEvents(b2, [sampleEvent(i * 2 + 1)]));
          if (i % 5 === 4) appends.push(createAuditCheckpoint(i % 2 === 0 ? a : b2, signer, ORIGIN, NOW));
        }
        await Promise.all(appends);
        await createAuditCheckpoint(a, signer, ORIGIN, NOW);
        const indexes = await a.db.selectFrom('audit_events').select('idx').orderBy('idx').execute();
        assert.deepEqual(indexes.map((row) => row.idx), Array.from({ length: 60 }, (_, i) => i));
        const result = await exportAndVerify(b2, formatVerifierKey(signer));
        assert.equal(result.ok, true, JSON.stringify(result.problem));
        assert.equal(result.verifiedSize, 60);
        // each store continued its own cached frontier only when the other had not appended since:
        // the subtree hashes both wrote make one tree
        await assertProofsAgree(b2, signer);
      });
    });
  });
});

describe('audit log on postgres: two processes', () => {
  const postgres = databases.find((database) => database.name === 'postgres');
  test('two server processes appending at once, with this one checkpointing, make one tree that verifies', async () => {
    assert.ok(postgres);
    const options = await postgres.fresh();
    assert.equal(options.kind, 'postgres');
    if (options.kind !== 'postgres') return;
    const signer = generateAuditSigner(ORIGIN);
    await withStore(options, async (store) => {
      const script = new URL('./audit-appender-process.test-support.ts', import.meta.url).pathname;
      const run = (name: string): Promise<string> =>
        new Promise((resolve, reject) => {
          execFile(process.execPath, ['--import', 'tsx', script, options.url, name, '60'], (error, stdout, stderr) => (error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve(stdout)));
        });
      const children = Promise.all([run('a'), run('b')]);
      // this process appends and signs checkpoints meanwhile
      let mine = 0;
      let done = false;
      void children.finally(() => (done = true));
      while (!done || mine < 20) {
        await appendAuditEvents(store, [{ ...sampleEvent(mine), requestId: `main-${mine}` }]);
        mine += 1;
        if (mine % 5 === 0) await createAuditCheckpoint(store, signer, ORIGIN, NOW);
      }
      assert.deepEqual(await children, ['done\n', 'done\n']);
      // 60 batches of 1..5 events from each child (3 on average), and this process's own
      const total = 2 * 60 * 3 + mine;
      const rows = await store.db.selectFrom('audit_events').select(['idx', 'event']).orderBy('idx').execute();
      assert.deepEqual(rows.map((row) => row.idx), Array.from({ length: total }, (_, i) => i));
      // each child's events in its own order, batches whole and contiguous
      for (const name of ['a', 'b']) {
        const ids = rows.map((row) => (JSON.parse(row.event) as { requestId: string }).requestId).filter((id) => id.startsWith(`${name}-`));
        assert.deepEqual(ids, Array.from({ length: 60 }, (_, b) => Array.from({ length: 1 + (b % 5) }, (_, i) => `${name}-${b}-${i}`)).flat());
      }
      const position = new Map(rows.map((row) => [(JSON.parse(row.event) as { requestId: string }).requestId, row.idx]));
      for (const name of ['a', 'b']) {
        for (let b = 0; b < 60; b += 1) {
          const first = position.get(`${name}-${b}-0`) as number;
          for (let i = 1; i < 1 + (b % 5); i += 1) assert.equal(position.get(`${name}-${b}-${i}`), first + i, `${name}-${b}-${i}`);
        }
      }
      const result = await exportAndVerify(store, formatVerifierKey(signer));
      assert.equal(result.ok, true, JSON.stringify(result.problem));
      await assertProofsAgree(store, signer);
    });
  });
});

describe('audit log on sqlite: the worker\'s appender', () => {
  const sqlite = databases.find((database) => database.name === 'sqlite');
  test('appends with prepared statements on a connection that syncs at commit, in turn with the store\'s appends, into one tree', async () => {
    assert.ok(sqlite);
    const options = await sqlite.fresh();
    assert.equal(options.kind, 'sqlite');
    if (options.kind !== 'sqlite') return;
    await withStore(options, async (store) => {
      const appender = openSqliteAuditAppender(options.file);
      try {
        let next = 0;
        for (const count of [3, 1, 30, 2, 64]) {
          // the worker's connection and the store's take turns: each continues from what the other wrote
          assert.deepEqual(appender.append(Array.from({ length: count }, () => canonicalEvent(sampleEvent(next++)))), { first: next - count, count });
          await appendAuditEvents(store, [sampleEvent(next++)]);
        }
        await assertProofsAgree(store, generateAuditSigner(ORIGIN));
        assert.deepEqual(appender.append([]), { first: -1, count: 0 });
      } finally {
        appender.close();
      }
    });
  });

  test('refuses a file that is not there rather than creating an empty log', () => {
    assert.throws(() => openSqliteAuditAppender('/nonexistent/parapet.db'), /cannot open the database file for the audit log/u);
  });
});
