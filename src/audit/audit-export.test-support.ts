/**
 * A generated audit export for tests: `count` events, a checkpoint every `every` events (and one
 * at the end), signed by a fresh key. Lines and notes are arrays, so a test can tamper with them.
 */
import type { AuditEvent } from '../contract/audit.ts';
import { auditLeafHash, exportLine } from './audit-record.ts';
import { formatVerifierKey, generateAuditSigner, signCheckpoint, type AuditSigner } from './checkpoint.ts';
import { CompactRange } from './merkle.ts';

export function sampleEvent(i: number): AuditEvent {
  return {
    time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    actor: { principal: `user${i % 7}@example.com`, session: `jti-${i}`, sourceIp: '192.0.2.1' },
    type: 'decision',
    action: i % 2 === 0 ? 's3:GetObject' : 'ec2:RunInstances',
    resource: `arn:aws:s3:::bucket-${i}/key`,
    account: '111122223333',
    outcome: i % 3 === 0 ? 'deny' : 'allow',
    requestId: `req-${i}`,
    details: { statements: [`Sid${i}`], n: i },
  };
}

export interface GeneratedExport {
  readonly signer: AuditSigner;
  readonly publicKey: string;
  readonly events: AuditEvent[];
  readonly lines: string[];
  readonly notes: string[];
}

/** `eventOf` makes the event at each index (by default `sampleEvent`) */
export function generateExport(count: number, every: number, origin = 'parapet.test/audit', eventOf: (i: number) => AuditEvent = sampleEvent): GeneratedExport {
  const signer = generateAuditSigner(origin);
  const range = new CompactRange();
  const events: AuditEvent[] = [];
  const lines: string[] = [];
  const notes: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = eventOf(i);
    const leaf = auditLeafHash(i, event);
    range.append(leaf);
    events.push(event);
    lines.push(exportLine(i, event, leaf));
    if ((i + 1) % every === 0 || i === count - 1) notes.push(signCheckpoint({ origin, size: i + 1, root: range.root() }, signer));
  }
  return { signer, publicKey: `${formatVerifierKey(signer)}\n`, events, lines, notes };
}
