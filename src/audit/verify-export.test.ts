/**
 * Offline verification of generated exports, then of tampered copies: each kind of tampering is
 * detected and the first bad event named by line and index.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateExport, sampleEvent } from './audit-export.test-support.ts';
import { auditLeafHash, exportLine } from './audit-record.ts';
import { signCheckpoint, generateAuditSigner } from './checkpoint.ts';
import { CompactRange, sha256 } from './merkle.ts';
import { verifyAuditExport, type AuditVerification } from './verify-export.ts';

const SIZE = 100;
const EVERY = 10;

function verify(lines: readonly string[], notes: readonly string[], publicKey: string): Promise<AuditVerification> {
  return verifyAuditExport({ events: lines, checkpoints: notes.join(''), publicKey });
}

describe('audit export verification', () => {
  const generated = generateExport(SIZE, EVERY);
  const { lines, notes, publicKey } = generated;

  it('accepts an untouched export, reporting every event verified and progress', async () => {
    const seen: number[] = [];
    const result = await verifyAuditExport({ events: lines, checkpoints: notes.join('\n'), publicKey }, { onProgress: (n) => seen.push(n), progressEvery: 25 });
    assert.deepEqual(result, { ok: true, events: SIZE, checkpoints: SIZE / EVERY, verifiedSize: SIZE, unverifiedTail: 0 });
    assert.deepEqual(seen, [25, 50, 75, 100, 100]);
  });

  it('accepts events after the last checkpoint, counting them as not yet covered', async () => {
    const result = await verify(lines, notes.slice(0, 5), publicKey);
    assert.equal(result.ok, true);
    assert.equal(result.verifiedSize, 50);
    assert.equal(result.unverifiedTail, 50);
  });

  it('names an altered event', async () => {
    const tampered = [...lines];
    tampered[37] = (tampered[37] as string).replace('req-37', 'req-x');
    const result = await verify(tampered, notes, publicKey);
    assert.equal(result.ok, false);
    assert.deepEqual([result.problem?.kind, result.problem?.line, result.problem?.index, result.problem?.checkpoint], ['altered', 38, 37, 4]);
  });

  it('names the range of an altered event whose stored hash was rewritten too', async () => {
    const tampered = [...lines];
    const event = { ...sampleEvent(37), outcome: 'deny' as const };
    tampered[37] = exportLine(37, event, auditLeafHash(37, event));
    const result = await verify(tampered, notes, publicKey);
    assert.equal(result.problem?.kind, 'altered');
    assert.equal(result.problem?.index, 30);
    assert.match(result.problem?.message ?? '', /events 30\.\.39/u);
  });

  it('does not trust the stored hashes: a wrong one on an authentic event changes nothing', async () => {
    const tampered = [...lines];
    tampered[37] = exportLine(37, sampleEvent(37), sha256());
    const result = await verify(tampered, notes, publicKey);
    assert.equal(result.ok, true);
  });

  it('names a deleted event as missing', async () => {
    const tampered = lines.filter((_, i) => i !== 42);
    const result = await verify(tampered, notes, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.line, result.problem?.index], ['missing', 43, 42]);
  });

  it('names reordered events', async () => {
    const tampered = [...lines];
    [tampered[55], tampered[56]] = [tampered[56] as string, tampered[55] as string];
    const result = await verify(tampered, notes, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.line, result.problem?.index], ['reordered', 56, 55]);
    assert.match(result.problem?.message ?? '', /event 55 is on line 57/u);
  });

  it('names an inserted event', async () => {
    const forged = { ...sampleEvent(61), actor: { principal: 'mallory@example.com' } };
    const tampered = [...lines];
    // slipped in after event 61 with its index, with or without a matching stored hash
    tampered.splice(62, 0, exportLine(61, forged, auditLeafHash(61, forged)));
    const result = await verify(tampered, notes, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.line, result.problem?.index], ['inserted', 63, 62]);
    // slipped in before event 61, stored hash not matching
    const before = [...lines];
    before.splice(61, 0, exportLine(61, forged, sha256()));
    const second = await verify(before, notes, publicKey);
    assert.deepEqual([second.problem?.kind, second.problem?.line, second.problem?.index], ['inserted', 62, 61]);
  });

  it('names a truncated log', async () => {
    const result = await verify(lines.slice(0, 73), notes, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.line, result.problem?.index, result.problem?.checkpoint], ['truncated', 74, 73, 8]);
  });

  it('names a fork: two signed checkpoints of one size with different roots', async () => {
    const forkedRange = new CompactRange();
    for (let i = 0; i < 20; i += 1) {
      const event = i === 15 ? { ...sampleEvent(i), outcome: 'allow' as const } : sampleEvent(i);
      forkedRange.append(auditLeafHash(i, event));
    }
    const forkedNote = signCheckpoint({ origin: 'parapet.test/audit', size: 20, root: forkedRange.root() }, generated.signer);
    const twins = [...notes.slice(0, 2), forkedNote, ...notes.slice(2)];
    const result = await verify(lines, twins, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.checkpoint, result.problem?.index], ['forked', 3, 19]);
    // the forked head alone, replacing the real one: later checkpoints the events reproduce expose it
    const replaced = notes.map((note, i) => (i === 1 ? forkedNote : note));
    const alone = await verify(lines, replaced, publicKey);
    assert.deepEqual([alone.problem?.kind, alone.problem?.checkpoint, alone.problem?.index], ['forked', 2, 19]);
  });

  /** the log as its operator rewrote it: event 42 changed, every checkpoint signed again with the log's own key */
  function rewritten(): { lines: string[]; notes: string[] } {
    const range = new CompactRange();
    const out = { lines: [] as string[], notes: [] as string[] };
    for (let i = 0; i < SIZE; i += 1) {
      const event = i === 42 ? { ...sampleEvent(i), outcome: 'allow' as const, actor: { principal: 'mallory@example.com' } } : sampleEvent(i);
      const leaf = auditLeafHash(i, event);
      range.append(leaf);
      out.lines.push(exportLine(i, event, leaf));
      if ((i + 1) % EVERY === 0) out.notes.push(signCheckpoint({ origin: 'parapet.test/audit', size: i + 1, root: range.root() }, generated.signer));
    }
    return out;
  }

  it('checks checkpoints held from before: a rewritten past and a rollback are named though the export agrees with itself', async () => {
    const held = [{ name: 'held-30.txt', note: notes[2] as string }, { name: 'held-60.txt', note: notes[5] as string }];
    // the log as it was: both held checkpoints reproduced
    const untouched = await verifyAuditExport({ events: lines, checkpoints: notes.join(''), publicKey, held });
    assert.deepEqual(untouched, { ok: true, events: SIZE, checkpoints: SIZE / EVERY, verifiedSize: SIZE, unverifiedTail: 0, heldCheckpoints: 2 });
    // the operator's rewrite verifies on its own
    const fork = rewritten();
    assert.equal((await verify(fork.lines, fork.notes, publicKey)).ok, true);
    // the checkpoint of 30 events held from before still agrees (event 42 is after it); the one of 60 does not
    const forked = await verifyAuditExport({ events: fork.lines, checkpoints: fork.notes.join(''), publicKey, held });
    assert.equal(forked.ok, false);
    assert.equal(forked.problem?.kind, 'forked');
    assert.match(forked.problem?.message ?? '', /^the export's first 60 events do not reproduce the checkpoint held in `held-60\.txt`: the log's past was rewritten/u);
    // rolled back to 50 events, its checkpoints with it
    const rolledBack = await verifyAuditExport({ events: lines.slice(0, 50), checkpoints: notes.slice(0, 5).join(''), publicKey, held });
    assert.deepEqual([rolledBack.ok, rolledBack.problem?.kind, rolledBack.problem?.index], [false, 'truncated', 50]);
    assert.match(rolledBack.problem?.message ?? '', /^the export ends after 50 events but the checkpoint held in `held-60\.txt` signs 60: the log was truncated or rolled back/u);
    // a held checkpoint must be the log's: signed by its key
    const other = generateAuditSigner('parapet.test/audit');
    const foreign = await verifyAuditExport({ events: lines, checkpoints: notes.join(''), publicKey, held: [{ name: 'other.txt', note: signCheckpoint({ origin: 'parapet.test/audit', size: 10, root: sha256() }, other) }] });
    assert.deepEqual([foreign.ok, foreign.problem?.kind], [false, 'bad-signature']);
    assert.match(foreign.problem?.message ?? '', /^the checkpoint held in `other\.txt`: no valid signature of `parapet\.test\/audit`/u);
  });

  it('names an event a signed root shows altered before a later line that is not a record', async () => {
    const tampered = [...lines];
    tampered[15] = (tampered[15] as string).replace('req-15', 'req-x');
    tampered[80] = 'not json';
    const result = await verify(tampered, notes, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.index, result.problem?.checkpoint], ['altered', 15, 2]);
    // with nothing wrong before it, the line that is not a record is the first bad one
    const alone = [...lines];
    alone[80] = 'not json';
    const second = await verify(alone, notes, publicKey);
    assert.deepEqual([second.problem?.kind, second.problem?.line], ['malformed', 81]);
  });

  it('rejects a forged signature and a checkpoint of another key', async () => {
    const forged = [...notes];
    const note = forged[3] as string;
    const signatureStart = note.lastIndexOf(' ') + 1;
    const blob = Buffer.from(note.slice(signatureStart).trim(), 'base64');
    blob[10] = (blob[10] as number) ^ 1;
    forged[3] = `${note.slice(0, signatureStart)}${blob.toString('base64')}\n`;
    const result = await verify(lines, forged, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.checkpoint], ['bad-signature', 4]);
    const stranger = generateAuditSigner('parapet.test/audit');
    const range = new CompactRange();
    for (let i = 0; i < 40; i += 1) range.append(auditLeafHash(i, sampleEvent(i)));
    const foreign = notes.map((n, i) => (i === 3 ? signCheckpoint({ origin: 'parapet.test/audit', size: 40, root: range.root() }, stranger) : n));
    const other = await verify(lines, foreign, publicKey);
    assert.deepEqual([other.problem?.kind, other.problem?.checkpoint], ['bad-signature', 4]);
  });

  it('names a line that is the same record written in another form: the leaf is the canonical text', async () => {
    const rewritings: [string, (line: string) => string, RegExp][] = [
      ['keys reordered', (line) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line) as object).reverse())), /a line starts with/u],
      ['spaces', (line) => JSON.stringify(JSON.parse(line), null, 1).replaceAll('\n', ''), /a line starts with/u],
      ['an event member moved', (line) => line.replace(/"account":"111122223333",/u, '').replace('"type":"decision"}', '"type":"decision","account":"111122223333"}'), /member `account` after `type`/u],
      ['an escape', (line) => line.replace('req-', 'req\\u002d'), /escape `\\u002d` is not canonical/u],
      ['a fraction', (line) => line.replace('"index":44', '"index":44.0'), /`\}` or `"leafHash"/u],
    ];
    for (const [name, rewrite, message] of rewritings) {
      const tampered = [...lines];
      tampered[44] = rewrite(lines[44] as string);
      assert.notEqual(tampered[44], lines[44], name);
      const result = await verify(tampered, notes, publicKey);
      assert.deepEqual([result.ok, result.problem?.kind, result.problem?.line, result.problem?.index], [false, 'malformed', 45, 44], name);
      assert.match(result.problem?.message ?? '', /not in the exported canonical form \(RFC 8785\)/u, name);
      assert.match(result.problem?.message ?? '', message, name);
    }
  });

  it('takes lines in arrays and with carriage returns as they come from a file', async () => {
    const chunks = [lines.slice(0, 33).map((line) => `${line}\r`), lines.slice(33)];
    const result = await verifyAuditExport({ events: chunks, checkpoints: notes.join(''), publicKey });
    assert.deepEqual(result, { ok: true, events: SIZE, checkpoints: SIZE / EVERY, verifiedSize: SIZE, unverifiedTail: 0 });
  });

  it('names a malformed line and refuses a bad public key', async () => {
    const tampered = [...lines];
    tampered[12] = '{"index":12';
    const result = await verify(tampered, notes, publicKey);
    assert.deepEqual([result.problem?.kind, result.problem?.line], ['malformed', 13]);
    const key = await verify(lines, notes, 'not a key');
    assert.equal(key.problem?.kind, 'bad-key');
  });
});
