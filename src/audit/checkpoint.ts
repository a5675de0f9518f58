/**
 * Checkpoints of the audit log in the C2SP formats, so that tools built for transparency logs
 * can read them: the body of https://c2sp.org/tlog-checkpoint (origin line, tree size in
 * decimal, base64 root hash, each ending in a newline) signed as a https://c2sp.org/signed-note
 * with Ed25519: after the body a blank line, then one line per signature
 * `— <key name> <base64(key id || signature)>` (U+2014 em dash, a space), the signature over the
 * body including its final newline, the key id the first 4 bytes of
 * SHA-256(key name || 0x0A || 0x01 || public key) (0x01 = the Ed25519 signature type). The
 * public key is shared as a verifier key `<name>+<hex key id>+<base64(0x01 || public key)>`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { sha256, type Hash } from './merkle.ts';
import { ParapetError, internalError } from '../policy/index.ts';

const ED25519_TYPE = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';

export interface Checkpoint {
  /** the log's name, by convention `host/path` of its public URL */
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

export interface AuditVerifierKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** the raw 32-byte Ed25519 public key */
  readonly publicKey: Uint8Array;
}

export interface AuditSigner extends AuditVerifierKey {
  readonly privateKey: KeyObject;
}

/** key names of signed-note: non-empty, no Unicode spaces, no `+` */
function validKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

export function keyIdOf(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(new TextEncoder().encode(`${name}\n`), Uint8Array.of(ED25519_TYPE), publicKey).slice(0, 4);
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw internalError('not an ed25519 key');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** a new Ed25519 checkpoint key named `name` */
export function generateAuditSigner(name: string): AuditSigner {
  if (!validKeyName(name)) throw new ParapetError('invalid-input', `bad key name \`${name}\``);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { name, privateKey, publicKey: raw, keyId: keyIdOf(name, raw) };
}

/** the PKCS#8 DER header of an Ed25519 private key (RFC 8410), before its 32-byte seed */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** a signer from the 32-byte Ed25519 seed (RFC 8032 private key), as stored */
export function auditSignerFromSeed(name: string, seed: Uint8Array): AuditSigner {
  if (!validKeyName(name)) throw new ParapetError('invalid-input', `bad key name \`${name}\``);
  if (seed.length !== 32) throw new ParapetError('invalid-input', 'an ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { name, privateKey, publicKey: raw, keyId: keyIdOf(name, raw) };
}

/** the 32-byte seed of a signer's private key, to store it */
export function seedOf(signer: AuditSigner): Uint8Array {
  const jwk = signer.privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw internalError('not an ed25519 private key');
  return new Uint8Array(Buffer.from(jwk.d, 'base64url'));
}

export function formatVerifierKey(key: AuditVerifierKey): string {
  const typed = Buffer.concat([Uint8Array.of(ED25519_TYPE), key.publicKey]);
  return `${key.name}+${Buffer.from(key.keyId).toString('hex')}+${typed.toString('base64')}`;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export function parseVerifierKey(text: string): Parsed<AuditVerifierKey> {
  // the base64 of the key may itself hold a `+`; a name never does
  const match = /^([^+]+)\+([0-9a-fA-F]{8})\+(.+)$/u.exec(text.trim());
  if (match === null) return { ok: false, message: 'a verifier key is `name+keyid+base64key`' };
  const [, name, hexId, encoded] = match as unknown as [string, string, string, string];
  if (!validKeyName(name)) return { ok: false, message: `bad key name \`${name}\`` };
  const typed = decodeBase64(encoded);
  if (typed === undefined || typed.length !== 33 || typed[0] !== ED25519_TYPE) {
    return { ok: false, message: 'the verifier key is not an ed25519 key' };
  }
  const publicKey = typed.slice(1);
  const keyId = keyIdOf(name, publicKey);
  if (Buffer.from(keyId).toString('hex') !== hexId.toLowerCase()) {
    return { ok: false, message: `the key id \`${hexId}\` does not match the key` };
  }
  return { ok: true, value: { name, keyId, publicKey } };
}

export function checkpointBody(checkpoint: Checkpoint): string {
  if (checkpoint.origin.length === 0 || /[\n\r]/u.test(checkpoint.origin)) throw new ParapetError('invalid-input', 'a checkpoint origin is one line');
  return `${checkpoint.origin}\n${checkpoint.size}\n${Buffer.from(checkpoint.root).toString('base64')}\n`;
}

/** the checkpoint as a signed note: body, blank line, one signature line */
export function signCheckpoint(checkpoint: Checkpoint, signer: AuditSigner): string {
  return signNote(checkpointBody(checkpoint), signer);
}

/** any text ending in a newline (and without a blank line) as a signed note */
export function signNote(body: string, signer: AuditSigner): string {
  if (!body.endsWith('\n') || body.includes('\n\n')) throw new ParapetError('invalid-input', 'a note text ends with a newline and has no blank line');
  const signature = sign(null, Buffer.from(body, 'utf8'), signer.privateKey);
  const blob = Buffer.concat([signer.keyId, signature]).toString('base64');
  return `${body}\n${SIGNATURE_PREFIX}${signer.name} ${blob}\n`;
}

export interface SignedCheckpoint extends SignedNote {
  readonly checkpoint: Checkpoint;
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(text) || text.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export interface SignedNote {
  /** the signed text, with its final newline */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

/** a signed note: the text up to the last blank line, then the signature lines; the signatures are parsed, not verified */
export function parseSignedNote(text: string): Parsed<SignedNote> {
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return { ok: false, message: 'no blank line between the text and its signatures' };
  const body = text.slice(0, split + 1);
  const signatureText = text.slice(split + 2);
  if (!signatureText.endsWith('\n')) return { ok: false, message: 'the note does not end with a newline' };
  const signatures: NoteSignature[] = [];
  for (const line of signatureText.slice(0, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return { ok: false, message: 'a signature line starts with `— `' };
    const fields = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const blob = fields.length === 2 ? decodeBase64(fields[1] as string) : undefined;
    if (blob === undefined || blob.length < 5 || !validKeyName(fields[0] as string)) {
      return { ok: false, message: 'a signature line is `— name base64(keyid || signature)`' };
    }
    signatures.push({ name: fields[0] as string, keyId: blob.slice(0, 4), signature: blob.slice(4) });
  }
  if (signatures.length === 0) return { ok: false, message: 'the note has no signature' };
  return { ok: true, value: { body, signatures } };
}

/** one signed note holding a checkpoint; the signatures are parsed, not verified */
export function parseCheckpointNote(text: string): Parsed<SignedCheckpoint> {
  const note = parseSignedNote(text);
  if (!note.ok) return note;
  const { body } = note.value;
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return { ok: false, message: 'a checkpoint has an origin, a tree size and a root hash' };
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) return { ok: false, message: 'the checkpoint has no origin' };
  if (!/^(0|[1-9][0-9]*)$/u.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    return { ok: false, message: `bad tree size \`${sizeText.slice(0, 40)}\`` };
  }
  const root = decodeBase64(rootText);
  if (root === undefined || root.length !== 32) return { ok: false, message: 'the root hash is not 32 bytes of base64' };
  return { ok: true, value: { checkpoint: { origin, size: Number(sizeText), root }, ...note.value } };
}

/**
 * Whether a note carries a valid signature of `key`. As signed-note asks, signatures of other keys
 * are ignored, and one of this key that does not verify rejects the note.
 */
export function verifyNoteSignature(note: SignedNote, key: AuditVerifierKey): boolean {
  const ours = note.signatures.filter(
    (signature) => signature.name === key.name && Buffer.from(signature.keyId).equals(Buffer.from(key.keyId)),
  );
  if (ours.length === 0) return false;
  const publicKey = publicKeyObject(key.publicKey);
  return ours.every(
    (signature) => signature.signature.length === 64 && verify(null, Buffer.from(note.body, 'utf8'), publicKey, signature.signature),
  );
}

/**
 * Splits a file of signed notes written one after another (an optional blank line between them)
 * into the notes, with the line each starts on. A note ends with its last signature line.
 */
export function splitNotes(text: string): { readonly text: string; readonly line: number }[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const notes: { text: string; line: number }[] = [];
  let current: string[] = [];
  let start = 1;
  let inSignatures = false;
  lines.forEach((line, i) => {
    const isSignature = line.startsWith(SIGNATURE_PREFIX);
    if (inSignatures && !isSignature) {
      notes.push({ text: `${current.join('\n')}\n`, line: start });
      current = [];
      inSignatures = false;
      if (line === '') return;
    }
    if (current.length === 0) {
      if (line === '') return;
      start = i + 1;
    }
    if (isSignature && current.length > 0 && current[current.length - 1] === '') inSignatures = true;
    current.push(line);
  });
  if (current.length > 0) notes.push({ text: `${current.join('\n')}\n`, line: start });
  return notes;
}
