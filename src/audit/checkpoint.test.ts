/**
 * Checkpoints as C2SP signed notes. Formats: https://c2sp.org/tlog-checkpoint (body: origin, tree
 * size, base64 root hash) and https://c2sp.org/signed-note (signature lines
 * `— name base64(keyid || signature)`, key id = SHA-256(name || 0x0A || 0x01 || key)[:4]). The
 * interoperability check is the published example of golang.org/x/mod/sumdb/note (the
 * PeterNeumann key and note): Ed25519 is deterministic (RFC 8032), so signing the same text with
 * the same seed must give the published note byte for byte.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditSignerFromSeed,
  checkpointBody,
  formatVerifierKey,
  generateAuditSigner,
  parseCheckpointNote,
  parseSignedNote,
  parseVerifierKey,
  seedOf,
  signCheckpoint,
  signNote,
  splitNotes,
  verifyNoteSignature,
} from './checkpoint.ts';
import { sha256 } from './merkle.ts';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
// the signer key of the same example: base64(0x01 || Ed25519 seed)
const PETER_SKEY_BLOB = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed-note checkpoints', () => {
  it('reproduces the published sumdb/note example: verifier key, key id, signature', () => {
    const seed = new Uint8Array(Buffer.from(PETER_SKEY_BLOB, 'base64')).slice(1);
    const signer = auditSignerFromSeed('PeterNeumann', seed);
    assert.equal(formatVerifierKey(signer), PETER_VKEY);
    assert.equal(signNote(PETER_TEXT, signer), PETER_NOTE);
    const key = parseVerifierKey(PETER_VKEY);
    assert.ok(key.ok);
    const note = parseSignedNote(PETER_NOTE);
    assert.ok(note.ok);
    assert.equal(verifyNoteSignature(note.value, key.value), true);
    const altered = parseSignedNote(PETER_NOTE.replace('cryptography', 'cryptographY'));
    assert.ok(altered.ok);
    assert.equal(verifyNoteSignature(altered.value, key.value), false);
  });

  it('writes the checkpoint body and signs it; the note parses back and verifies only with its key', () => {
    const signer = generateAuditSigner('parapet.example/audit');
    assert.deepEqual(auditSignerFromSeed(signer.name, seedOf(signer)).publicKey, signer.publicKey);
    const root = sha256(new TextEncoder().encode('x'));
    const checkpoint = { origin: 'parapet.example/audit', size: 42, root };
    const note = signCheckpoint(checkpoint, signer);
    assert.equal(checkpointBody(checkpoint), `parapet.example/audit\n42\n${Buffer.from(root).toString('base64')}\n`);
    assert.ok(note.startsWith(`${checkpointBody(checkpoint)}\n\u2014 parapet.example/audit `));
    const parsed = parseCheckpointNote(note);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.checkpoint, checkpoint);
    const key = parseVerifierKey(formatVerifierKey(signer));
    assert.ok(key.ok);
    assert.equal(verifyNoteSignature(parsed.value, key.value), true);
    const stranger = parseVerifierKey(formatVerifierKey(generateAuditSigner('parapet.example/audit')));
    assert.ok(stranger.ok);
    assert.equal(verifyNoteSignature(parsed.value, stranger.value), false);
    // the size changed after signing
    const forged = parseCheckpointNote(note.replace('\n42\n', '\n43\n'));
    assert.ok(forged.ok);
    assert.equal(verifyNoteSignature(forged.value, key.value), false);
  });

  it('refuses malformed notes and keys with a reason', () => {
    const signer = generateAuditSigner('log');
    const note = signCheckpoint({ origin: 'log', size: 1, root: sha256() }, signer);
    for (const [text, reason] of [
      [note.replace('\n\n', '\n'), /blank line/u],
      [note.replace('\n1\n', '\n01\n'), /tree size/u],
      [note.replace('\u2014 ', '-- '), /signature line/u],
      [`log\n1\nAAAA\n\n${note.split('\n\n')[1] ?? ''}`, /32 bytes/u],
    ] as const) {
      const parsed = parseCheckpointNote(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.match(parsed.message, reason);
    }
    const vkey = formatVerifierKey(signer);
    assert.equal(parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/u, '+00000000+')).ok, false);
    assert.equal(parseVerifierKey('log+1234').ok, false);
    // a key whose base64 holds a `+` (transparency-dev/formats note tests' TEST key)
    assert.equal(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').ok, true);
  });

  it('splits a file of notes written one after another', () => {
    const signer = generateAuditSigner('log');
    const notes = [1, 2, 3].map((size) => signCheckpoint({ origin: 'log', size, root: sha256() }, signer));
    for (const text of [notes.join(''), notes.join('\n')]) {
      const split = splitNotes(text);
      assert.deepEqual(split.map((n) => n.text), notes);
      assert.equal(split[1]?.line, text === notes.join('') ? 6 : 7);
    }
  });
});
