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

export function canonicalRecord(index: number, event: AuditEvent): string {
  const text = canonicalize({ index, event });
  // canonicalize returns undefined only for undefined input; an event always serializes
  if (text === undefined) throw internalError('the event does not serialize');
  return text;
}

/** the leaf hash of the event at `index` */
export function auditLeafHash(index: number, event: AuditEvent): Hash {
  return hashLeaf(encoder.encode(canonicalRecord(index, event)));
}

/** one line of events.jsonl: the canonical record with the stored leaf hash after it */
export function exportLine(index: number, event: AuditEvent, leafHash: Hash): string {
  const text = canonicalRecord(index, event);
  return `${text.slice(0, -1)},"leafHash":"${Buffer.from(leafHash).toString('base64')}"}`;
}
