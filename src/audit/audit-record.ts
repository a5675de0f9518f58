/**
 * The bytes of the audit log's leaves: the RFC 8785 (JSON Canonicalization Scheme) form of
 * `{ index, event }`, through the `canonicalize` library. The leaf commits to its own position,
 * so a reordered or renumbered event changes the tree, and the verifier can say which event moved.
 */
import canonicalize from 'canonicalize';
import type { AuditEvent } from '../contract/audit.ts';
import { hashLeaf, type Hash } from './merkle.ts';
import { internalError } from '../policy/index.ts';

const encoder = new TextEncoder();

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

/** the leaf hash of the record whose canonical text this is */
export function leafHashOfRecord(record: string): Hash {
  return hashLeaf(encoder.encode(record));
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
