/**
 * Recording what the server does in the audit log (#10), one way for every producer: the event is
 * built from who acted (the caller, or a named system actor), the request it came with (source
 * address, user agent, request id) and the fields of the action, and `record` resolves only once
 * it is durable.
 *
 * Fail closed, in two shapes:
 * - an action whose effect is handing something out (a credential) records its event after
 *   preparing it and before handing it out: when the log cannot be written, nothing is handed out
 *   and the caller gets `unavailable` with the reason;
 * - a change to stored state (`auditedChange`) records its event first, then makes the change: a
 *   change that cannot be recorded is never made. Should the change itself then fail (a conflict
 *   found in its transaction, the database gone), a second event with the same request id and
 *   outcome `failure` follows, so the first one reads as the attempt it was.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditEvent, AuditEventType } from '../contract/audit.ts';
import { ParapetError } from '../policy/index.ts';
import type { AuditRecorder } from './audit-recorder.ts';
import type { Caller } from './caller.ts';

const TEXT_MAX = 1024;
const IP_MAX = 64;

/** who acted: a principal, and the credential they acted with */
export interface AuditPrincipal {
  readonly principal: string;
  readonly session?: string | undefined;
}

/** the system actors, for what the server does of its own accord */
export const SERVER_PRINCIPAL = 'server';
/** a request without a credential (a sign-in that failed before anyone was known) */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

export interface AuditFields {
  readonly type: AuditEventType;
  readonly action: string;
  readonly outcome: AuditEvent['outcome'];
  readonly resource?: string | undefined;
  readonly account?: string | undefined;
  /** JSON; `undefined` values are dropped */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface AuditRecording {
  readonly audit: Pick<AuditRecorder, 'record'>;
  readonly clock: () => Date;
}

/** the principal of a caller as the audit log names it */
export function auditPrincipalOf(caller: Caller): AuditPrincipal {
  switch (caller.kind) {
    case 'user':
      return { principal: caller.user, session: caller.claims.jti };
    case 'service-account':
      return { principal: `service-account:${caller.name}`, ...(caller.workflowRun?.runId === undefined ? {} : { session: `github-actions-run:${caller.workflowRun.runId}` }) };
    case 'bootstrap':
      return { principal: 'bootstrap', session: caller.tokenHash };
    case 'scim-client':
      return { principal: `scim-token:${caller.name}`, session: caller.tokenId };
    default: {
      const never: never = caller;
      return never;
    }
  }
}

export function auditActorOf(who: AuditPrincipal, request: FastifyRequest | undefined): AuditActor {
  const userAgent = request?.headers['user-agent'];
  return {
    principal: clip(who.principal === '' ? ANONYMOUS_PRINCIPAL : who.principal, TEXT_MAX),
    ...(who.session === undefined ? {} : { session: clip(who.session, TEXT_MAX) }),
    ...(request === undefined ? {} : { sourceIp: clip(request.ip, IP_MAX) }),
    ...(typeof userAgent === 'string' ? { userAgent: clip(userAgent, TEXT_MAX) } : {}),
  };
}

export function auditEventOf(who: AuditPrincipal, request: FastifyRequest | undefined, fields: AuditFields, now: Date): AuditEvent {
  const details = fields.details === undefined ? undefined : (JSON.parse(JSON.stringify(fields.details)) as Record<string, never>);
  return {
    time: now.toISOString(),
    actor: auditActorOf(who, request),
    type: fields.type,
    action: clip(fields.action, TEXT_MAX),
    ...(fields.resource === undefined ? {} : { resource: clip(fields.resource, 4 * TEXT_MAX) }),
    ...(fields.account === undefined ? {} : { account: clip(fields.account, 64) }),
    outcome: fields.outcome,
    ...(request === undefined ? {} : { requestId: clip(request.id, TEXT_MAX) }),
    ...(details === undefined ? {} : { details }),
  };
}

/** records the event; resolves once it is durable, rejects with `unavailable` (and why) when it cannot be written */
export async function recordAuditEvent(context: AuditRecording, who: AuditPrincipal, request: FastifyRequest | undefined, fields: AuditFields): Promise<void> {
  await context.audit.record(auditEventOf(who, request, fields, context.clock()));
}

/**
 * A change recorded before it is made: the event first (a change that cannot be recorded is not
 * made), then the change; if the change fails, a `failure` event with its reason follows and the
 * change's error is what the caller gets.
 */
export async function auditedChange<T>(context: AuditRecording, who: AuditPrincipal, request: FastifyRequest | undefined, fields: AuditFields, change: () => Promise<T>): Promise<T> {
  await recordAuditEvent(context, who, request, fields);
  try {
    return await change();
  } catch (error) {
    await recordAuditEvent(context, who, request, { ...fields, outcome: 'failure', details: { ...fields.details, reason: reasonOf(error) } }).catch(() => undefined);
    throw error;
  }
}

/** what an event says of a failure: the stable code and the message */
export function reasonOf(error: unknown): { code: string; message: string } {
  if (error instanceof ParapetError) return { code: error.code, message: clip(error.message, TEXT_MAX) };
  return { code: 'internal', message: clip(error instanceof Error ? error.message : String(error), TEXT_MAX) };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
