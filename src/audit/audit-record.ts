/**
 * The bytes of the audit log's leaves: the RFC 8785 (JSON Canonicalization Scheme) form of
 * `{ index, event }`, through the `canonicalize` library. The leaf commits to its own position,
 * so a reordered or renumbered event changes the tree, and the verifier can say which event moved.
 */
import { hash as oneShotHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditEvent } from '../contract/audit.ts';
import { type Hash } from './merkle.ts';
import { internalError } from '../policy/index.ts';

/** the RFC 8785 form of the event alone: what the store keeps */
export function canonicalEvent(event: AuditEvent): string {
  const text = canonicalize(event);
  // canonicalize returns undefined only for undefined input; an event always serializes
  if (text === undefined) throw internalError('the event does not serialize');
  return text;
}

/**
 * `{ index, event }` in RFC 8785 form, from the event's canonical text: the scheme sorts the keys
 * (`event` before `index`) and writes an integer in plain decimal, so this is exactly what
 * canonicalizing the record would give, without canonicalizing the event a second time
 */
export function recordOfCanonicalEvent(index: number, eventText: string): string {
  if (!Number.isSafeInteger(index) || index < 0) throw internalError(`an audit index must be a whole number from 0: ${index}`);
  return `{"event":${eventText},"index":${index}}`;
}

export function canonicalRecord(index: number, event: AuditEvent): string {
  return recordOfCanonicalEvent(index, canonicalEvent(event));
}

/**
 * The leaf hash of the record whose canonical text this is: SHA-256(0x00 || UTF-8 bytes), in one
 * call of the one-shot hash on the string (U+0000 is the single byte 0x00 in UTF-8), without
 * encoding the text into a buffer of its own first
 */
export function leafHashOfRecord(record: string): Hash {
  const digest = oneShotHash('sha256', `\u0000${record}`, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

/** the leaf hash of the event at `index` */
export function auditLeafHash(index: number, event: AuditEvent): Hash {
  return leafHashOfRecord(canonicalRecord(index, event));
}

/** one line of events.jsonl: the canonical record with the stored leaf hash after it */
export function exportLine(index: number, event: AuditEvent, leafHash: Hash): string {
  const text = canonicalRecord(index, event);
  return `${text.slice(0, -1)},"leafHash":"${Buffer.from(leafHash).toString('base64')}"}`;
}
