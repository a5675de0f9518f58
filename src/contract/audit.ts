/**
 * The audit event (#10): one shape for everything the server does, recorded in the audit log and
 * exported as JSON Lines. An event's bytes in the Merkle tree are its RFC 8785 canonical JSON
 * (src/audit/audit-record.ts), so the schema is strict: a field it does not know would be hashed
 * but never shown.
 */
import { z } from 'zod';

const TEXT_MAX = 1024;

export const AUDIT_EVENT_TYPES = [
  'sign-in',
  'session-issued',
  'decision',
  'config-apply',
  'scim-change',
  'key-rotation',
  'token',
  'audit-read',
  'aws-call',
] as const;

export const AuditEventType = z.enum(AUDIT_EVENT_TYPES);
export type AuditEventType = z.infer<typeof AuditEventType>;

export const AuditActor = z
  .strictObject({
    /** who: a user's email, `service-account:NAME`, `bootstrap`, or `anonymous` for a refused caller */
    principal: z.string().min(1).max(TEXT_MAX),
    /** the credential (`jti`) the request came with, when there was one */
    session: z.string().max(TEXT_MAX).optional(),
    sourceIp: z.string().max(64).optional(),
    userAgent: z.string().max(TEXT_MAX).optional(),
  })
  .meta({ id: 'AuditActor' });

export type AuditActor = z.infer<typeof AuditActor>;

export const AuditEvent = z
  .strictObject({
    /** ISO 8601 UTC with milliseconds, from the server's clock */
    time: z.iso.datetime({ offset: false, precision: 3 }),
    actor: AuditActor,
    type: AuditEventType,
    /** what was done or asked: an AWS action (`s3:GetObject`) for a decision, `apply`, `assume`, … */
    action: z.string().min(1).max(TEXT_MAX),
    /** what it was done to: an ARN, a config version, a user */
    resource: z.string().max(4 * TEXT_MAX).optional(),
    /** the 12-digit AWS account it concerns */
    account: z.string().max(64).optional(),
    outcome: z.enum(['allow', 'deny', 'success', 'failure']),
    requestId: z.string().max(TEXT_MAX).optional(),
    /**
     * per type: the session name AWS will log (session-issued, so CloudTrail can be joined), the
     * determining statements (decision), the plan (config-apply), …
     */
    details: z.record(z.string(), z.json()).optional(),
  })
  .meta({ id: 'AuditEvent' });

export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * One line of an export's events.jsonl: the event at its position in the log. `leafHash` is what
 * the server stored; the verifier trusts it only once a signed checkpoint covers it (it then
 * pinpoints an altered event instead of a range).
 */
export const AuditRecordLine = z.strictObject({
  index: z.number().int().min(0),
  event: AuditEvent,
  leafHash: z.string().optional(),
});

export type AuditRecordLine = z.infer<typeof AuditRecordLine>;

/** `GET /v1/audit/checkpoint`: the latest signed checkpoint and the key that signs them */
export const AuditCheckpointResponse = z
  .object({
    origin: z.string(),
    size: z.number().int(),
    /** base64 RFC 9162 tree head */
    rootHash: z.string(),
    /** the C2SP checkpoint as a signed note, verbatim */
    checkpoint: z.string(),
    /** the C2SP verifier key `name+keyid+base64(0x01 || Ed25519 key)` */
    publicKey: z.string(),
  })
  .meta({ id: 'AuditCheckpoint' });

export type AuditCheckpointResponse = z.infer<typeof AuditCheckpointResponse>;

export const AuditProofParams = z.strictObject({ index: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

/** `GET /v1/audit/proof/{index}`: the RFC 9162 inclusion proof of one event in the latest checkpoint */
export const AuditInclusionProofResponse = z
  .object({
    index: z.number().int(),
    size: z.number().int(),
    /** base64 leaf hash: SHA-256(0x00 || RFC 8785 bytes of `{ index, event }`) */
    leafHash: z.string(),
    /** base64 hashes, leaf side first (RFC 9162 §2.1.3) */
    proof: z.array(z.string()),
    checkpoint: z.string(),
  })
  .meta({ id: 'AuditInclusionProof' });

export type AuditInclusionProofResponse = z.infer<typeof AuditInclusionProofResponse>;

export const AuditConsistencyQuery = z.strictObject({
  first: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  second: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** `GET /v1/audit/consistency?first=M&second=N`: the RFC 9162 consistency proof between two checkpointed sizes */
export const AuditConsistencyProofResponse = z
  .object({
    first: z.number().int(),
    second: z.number().int(),
    /** base64 hashes (RFC 9162 §2.1.4) */
    proof: z.array(z.string()),
  })
  .meta({ id: 'AuditConsistencyProof' });

export type AuditConsistencyProofResponse = z.infer<typeof AuditConsistencyProofResponse>;
