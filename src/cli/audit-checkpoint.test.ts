/**
 * `parapet audit checkpoint` against a real listening server on a real SQLite file: a checkpoint
 * kept and then extended verifies; the log's past rewritten directly in the database by its
 * operator (who has the database, and a server that signs whatever is in it) is named a fork,
 * whether the server still has the held size's checkpoint or not; a log rolled back below a held
 * checkpoint is named; a checkpoint of another key is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import { formatVerifierKey, generateAuditSigner, parseCheckpointNote } from '../audit/index.ts';
import { appendAuditEvents, type Store } from '../store/index.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';

const fixture = await startSessionCliFixture();
const folder = mkdtempSync(join(tmpdir(), 'parapet-audit-checkpoint-'));
after(async () => {
  await fixture.close();
  rmSync(folder, { recursive: true, force: true });
});

const sizeOf = (file: string): number => {
  const note = parseCheckpointNote(readFileSync(file, 'utf8'));
  assert.ok(note.ok);
  return note.value.checkpoint.size;
};

/** what an operator with the database can do: drop every event from `from` on, with the subtree hashes over them */
async function dropFrom(store: Store, from: number, checkpointsToo: boolean): Promise<void> {
  await sql`delete from audit_events where idx >= ${from}`.execute(store.db);
  // node = index * 64 + level covers leaves [index * 2^level, (index + 1) * 2^level)
  await sql`delete from audit_nodes where ((node / 64) + 1) * (1 << (node % 64)) > ${from}`.execute(store.db);
  if (checkpointsToo) await sql`delete from audit_checkpoints where size > ${from}`.execute(store.db);
}

describe('parapet audit checkpoint', () => {
  test('keeps a checkpoint, proves the next one extends it, and names a rewritten past, a rollback and another key', async () => {
    // heidi is in `auditors`, a reader group of the example: consistency proofs are reads of the log
    await fixture.signInAs('heidi@acme.example');
    const store = fixture.server.context.store;
    await appendAuditEvents(store, [0, 1, 2, 3, 4].map(sampleEvent));
    const first = await fixture.server.context.audit.checkpoint();
    const held = join(folder, 'held.txt');
    const run = await runCli('audit', 'checkpoint', '--out', held);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, new RegExp(`^checkpoint of ${first.size} events signed by \`parapet\\.test\\/audit\`, key as the server states it .*; written to`, 'u'));
    assert.equal(readFileSync(held, 'utf8'), first.note);

    // the log grows: the new checkpoint extends the held one
    await appendAuditEvents(store, [5, 6, 7].map(sampleEvent));
    const second = await fixture.server.context.audit.checkpoint();
    const key = join(folder, 'key.txt');
    writeFileSync(key, `${fixture.server.context.audit.verifierKey}\n`);
    const held2 = join(folder, 'held2.txt');
    const grown = await runCli('audit', 'checkpoint', '--since', held, '--out', held2, '--public-key', key, '--json');
    assert.equal(grown.code, 0, grown.out + grown.err);
    const verdict = JSON.parse(grown.out) as { ok: boolean; size: number; message: string };
    assert.equal(verdict.ok, true);
    assert.ok(verdict.size >= second.size);
    assert.match(verdict.message, new RegExp(`extending the checkpoint of ${first.size} events held \\(consistency proof verified\\)`, 'u'));

    // the operator rewrites the last two events of the held tree and appends others; the server signs the result
    const heldSize = sizeOf(held2);
    await dropFrom(store, heldSize - 2, false);
    await appendAuditEvents(store, Array.from({ length: 20 }, (_, i) => ({ ...sampleEvent(100 + i), actor: { principal: 'mallory@example.com' } })));
    await fixture.server.context.audit.checkpoint();
    const forked = await runCli('audit', 'checkpoint', '--since', held2, '--public-key', key);
    assert.equal(forked.code, 1, forked.out + forked.err);
    assert.match(forked.out, new RegExp(`^not verified: the log of \\d+ events does not extend the checkpoint of ${heldSize} held \\(the consistency proof fails\\): the log was forked`, 'u'));
    // offline: the export still holds the server's checkpoint of the held size, which the rewritten events contradict
    const exported = join(folder, 'export');
    assert.equal((await runCli('audit', 'export', '--format', 'jsonl', '--out', exported, '--no-progress')).code, 0);
    const itself = await runCli('audit', 'verify', exported, '--public-key', key);
    assert.equal(itself.code, 1, itself.out);
    assert.match(itself.out, /: forked: checkpoint \d+ \(size \d+\) is not consistent with checkpoint \d+/u);
    // and with the held size's checkpoint deleted as well, the server cannot prove anything
    await sql`delete from audit_checkpoints where size = ${heldSize}`.execute(store.db);
    const unproven = await runCli('audit', 'checkpoint', '--since', held2, '--public-key', key);
    assert.equal(unproven.code, 1, unproven.out + unproven.err);
    assert.match(unproven.out, new RegExp(`^not verified: the server cannot prove that the log of \\d+ events extends the checkpoint of ${heldSize} held: no checkpoint of ${heldSize} audit events`, 'u'));
    // offline: with that checkpoint gone the export agrees with itself; the checkpoint held exposes it
    const exported2 = join(folder, 'export2');
    assert.equal((await runCli('audit', 'export', '--format', 'jsonl', '--out', exported2, '--no-progress')).code, 0);
    const alone = await runCli('audit', 'verify', exported2, '--public-key', key);
    assert.equal(alone.code, 0, alone.out);
    const against = await runCli('audit', 'verify', exported2, '--public-key', key, '--checkpoint', held, '--checkpoint', held2);
    assert.equal(against.code, 1, against.out);
    assert.equal(against.out, `first bad event: forked: the export's first ${heldSize} events do not reproduce the checkpoint held in \`${held2}\`: the log's past was rewritten (a fork) since that checkpoint was made, though the export's own checkpoints agree with it\n`);

    // rolled back below what was held: every event and checkpoint from 3 on removed, the log re-signed at 3
    const latest = join(folder, 'latest.txt');
    assert.equal((await runCli('audit', 'checkpoint', '--out', latest)).code, 0);
    await dropFrom(store, 3, true);
    await sql`delete from audit_checkpoints`.execute(store.db);
    await appendAuditEvents(store, [sampleEvent(200)]);
    const rolledBack = await fixture.server.context.audit.checkpoint();
    assert.ok(rolledBack.size < sizeOf(latest));
    const shorter = await runCli('audit', 'checkpoint', '--since', latest);
    assert.equal(shorter.code, 1, shorter.out + shorter.err);
    assert.match(shorter.out, new RegExp(`^not verified: the log has \\d+ events, fewer than the ${sizeOf(latest)} of the checkpoint held: it was truncated or rolled back`, 'u'));

    // a key that is not the log's
    const other = join(folder, 'other.txt');
    writeFileSync(other, formatVerifierKey(generateAuditSigner('parapet.test/audit')));
    const refused = await runCli('audit', 'checkpoint', '--public-key', other);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /^not verified: the server's checkpoint is not signed by the key `parapet\.test\/audit`/u);
  });

  test('a held checkpoint that is not one: exit 2 with the reason', async () => {
    await fixture.signInAs('heidi@acme.example');
    await fixture.server.context.audit.checkpoint();
    const junk = join(folder, 'junk.txt');
    writeFileSync(junk, 'not a note\n');
    const run = await runCli('audit', 'checkpoint', '--since', junk);
    assert.equal(run.code, 2, run.out + run.err);
    assert.match(run.err, /the held checkpoint `.*junk\.txt` is not a checkpoint: /u);
    const missing = await runCli('audit', 'checkpoint', '--since', join(folder, 'nope.txt'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read the held checkpoint `.*nope\.txt`: ENOENT/u);
  });
});
