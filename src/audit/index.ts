/**
 * The audit core (#10), pure apart from hashing and signing: RFC 9162 Merkle hashing and proofs,
 * C2SP checkpoints as signed notes, the canonical bytes of an event, and offline verification of
 * an export. The store keeps the log (src/store/audit-log.ts); the CLI verifies exports.
 */
export * from './merkle.ts';
export * from './checkpoint.ts';
export * from './audit-record.ts';
export * from './verify-export.ts';
export * from './record-lines.ts';
export * from './ocsf-event.ts';
