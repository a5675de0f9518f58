/**
 * The audit event (#10): one shape for everything the server does, recorded in the audit log and
 * exported as JSON Lines. An event's bytes in the Merkle tree are its RFC 8785 canonical JSON
 * (src/audit/audit-record.ts), so the schema is strict: a field it does not know would be hashed
 * but never shown.
 */
import { z } from 'zod';

const TEXT_MAX = 1024;

export const AUDIT_EVENT_TYPES = [
  /** SSO sign-in (browser, CLI, device approval) and device-flow sign-in, success and failure */
  'sign-in',
  /** a session credential for a permission set in an account; `details.roleSessionName` is what AWS logs */
  'session-issued',
  'decision',
  /** a configuration version applied: version, hash, plan summary */
  'config-apply',
  /** a SCIM create, replace, patch or delete; `details.scimTokenId` is the token that made it */
  'scim-change',
  /** a new signing key for credentials */
  'key-rotation',
  /** SCIM token create/revoke, bootstrap token use */
  'token',
  /** a credential revoked, or every credential of a subject */
  'revocation',
  /** a read of the audit log itself: search, export, proofs */
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

export const AUDIT_OUTCOMES = ['allow', 'deny', 'success', 'failure'] as const;

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

/** how many events a page of `GET /v1/audit/events` holds at most, and by default */
export const AUDIT_SEARCH_MAX_LIMIT = 1000;
export const AUDIT_SEARCH_DEFAULT_LIMIT = 100;

/** an instant of a time window: ISO 8601 with an offset (`Z` or `+02:00`), to the millisecond at most */
const Instant = z.iso.datetime({ offset: true }).max(64);

/**
 * `GET /v1/audit/events`: the filters (all optional, all must hold), the time window (`since`
 * inclusive, `until` exclusive), and the page: `limit` events after the `cursor` a previous page
 * gave, in time order (log order within a millisecond).
 */
export const AuditSearchQuery = z
  .strictObject({
    principal: z.string().min(1).max(1024).optional(),
    account: z.string().min(1).max(64).optional(),
    action: z.string().min(1).max(1024).optional(),
    type: AuditEventType.optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    since: Instant.optional(),
    until: Instant.optional(),
    cursor: z.string().min(1).max(256).optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_SEARCH_MAX_LIMIT).default(AUDIT_SEARCH_DEFAULT_LIMIT),
  });
// no `.meta({ id })`: @fastify/swagger cannot resolve a named component as query parameters

export type AuditSearchQuery = z.infer<typeof AuditSearchQuery>;

export const AuditSearchResponse = z
  .object({
    events: z.array(z.object({ index: z.number().int(), event: AuditEvent })),
    /** opaque: pass it as `cursor` for the next page; absent on the last page */
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'AuditSearchResponse' });

export type AuditSearchResponse = z.infer<typeof AuditSearchResponse>;

/** `GET /v1/audit/checkpoints`: every signed checkpoint, in size order, and the verifier key */
export const AuditCheckpointList = z
  .object({
    publicKey: z.string(),
    checkpoints: z.array(z.object({ size: z.number().int(), checkpoint: z.string() })),
  })
  .meta({ id: 'AuditCheckpointList' });

export type AuditCheckpointList = z.infer<typeof AuditCheckpointList>;

/** the header of `GET /v1/audit/export`: how many events the stream will hold (a progress bar's total) */
export const AUDIT_EXPORT_SIZE_HEADER = 'x-audit-log-size';
