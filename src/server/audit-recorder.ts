/**
 * The server's port to the audit log (#10): `record(event)` resolves once the event is durable in
 * the store and rejects when it could not be written, so a caller acts only on what is recorded
 * (the decision API fails closed). Events arriving while an append is in flight wait for the next
 * one and go in together (group commit): one durable commit per batch, not per event. Where the
 * appender commits in the order sent (the SQLite worker thread), the next batch is sent while one
 * commits (`depth`); batches are resolved, or rejected, each on its own.
 *
 * Checkpoints are signed every `checkpointMilliseconds` when something was appended, and at
 * stop. The checkpoint key is derived from the key encryption key (HKDF), so every process
 * sharing one database signs with the same key without storing it.
 */
import { hkdfSync } from 'node:crypto';
import { auditSignerFromSeed, canonicalEvent, formatVerifierKey, type AuditSigner } from '../audit/index.ts';
import { AuditEvent } from '../contract/audit.ts';
import { LONE_SURROGATE } from '../contract/request-text.ts';
import { ParapetError } from '../policy/index.ts';
import { createAuditCheckpoint, type StoredCheckpoint, type Store } from '../store/index.ts';
import { storeAuditAppender, type AuditAppender } from './audit-appender.ts';

export interface AuditRecorder {
  /** the log's name in its checkpoints: `host/path` of the public URL, then `/audit` */
  readonly origin: string;
  /** the C2SP verifier key of the checkpoints: `name+keyid+base64key` */
  readonly verifierKey: string;
  record(event: AuditEvent): Promise<void>;
  /**
   * records the events together: one append (one transaction) unless they are more than a batch
   * holds, resolved once all are durable, rejected as one when they are not
   */
  recordAll(events: readonly AuditEvent[]): Promise<void>;
  /** signs a checkpoint over everything appended so far */
  checkpoint(): Promise<StoredCheckpoint>;
  /** writes what is pending, signs a last checkpoint, stops the timer */
  stop(): Promise<void>;
}

export interface AuditRecorderOptions {
  readonly store: Store;
  /** where batches are made durable; default: the store's own connection (audit-appender.ts) */
  readonly appender?: AuditAppender | undefined;
  readonly publicUrl: string;
  readonly keyEncryptionKey: Buffer;
  readonly clock: () => Date;
  readonly checkpointMilliseconds?: number;
  /** events per append at most (default: what the appender says, else 1000) */
  readonly maxBatch?: number;
  readonly onError?: (error: unknown) => void;
}

export function auditOrigin(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/audit`;
}

export function auditSigner(keyEncryptionKey: Buffer, origin: string): AuditSigner {
  const seed = new Uint8Array(hkdfSync('sha256', keyEncryptionKey, new Uint8Array(), 'parapet audit checkpoint key v1', 32));
  return auditSignerFromSeed(origin, seed);
}

interface Pending {
  /** the events of one `recordAll`, in RFC 8785 form */
  readonly texts: readonly string[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function createAuditRecorder(options: AuditRecorderOptions): AuditRecorder {
  const origin = auditOrigin(options.publicUrl);
  const signer = auditSigner(options.keyEncryptionKey, origin);
  const appender = options.appender ?? storeAuditAppender(options.store);
  const maxBatch = options.maxBatch ?? appender.batch ?? 1000;
  let pending: Pending[] = [];
  // appends sent and not yet answered: the appender says how many may be (the worker thread's queue
  // keeps them in order, so the next batch is on its way while one commits)
  let inFlight = 0;
  const depth = Math.max(1, appender.depth ?? 1);
  let idle: { promise: Promise<void>; resolve: () => void } | undefined;
  let appendedSinceCheckpoint = false;
  let stopped = false;

  /** the next batch: whole groups, as many as a batch holds (a larger group alone) */
  const takeBatch = (): Pending[] => {
    let take = 1;
    let count = (pending[0] as Pending).texts.length;
    while (take < pending.length && count + (pending[take] as Pending).texts.length <= maxBatch) count += (pending[take++] as Pending).texts.length;
    const batch = pending.slice(0, take);
    pending = pending.slice(take);
    return batch;
  };
  const pump = (): void => {
    while (inFlight < depth && pending.length > 0) {
      const batch = takeBatch();
      inFlight += 1;
      appender
        .append(batch.flatMap((item) => item.texts))
        .then(
          () => {
            appendedSinceCheckpoint = true;
            for (const item of batch) item.resolve();
          },
          (error: unknown) => {
            const reason = error instanceof Error ? error.message : String(error);
            const failure = new ParapetError('unavailable', `the audit log cannot be written: ${reason}`, { cause: error });
            for (const item of batch) item.reject(failure);
          },
        )
        .finally(() => {
          inFlight -= 1;
          pump();
          if (inFlight === 0 && pending.length === 0) idle?.resolve();
        });
    }
  };
  /** resolves once nothing is pending or in flight */
  const drained = (): Promise<void> => {
    if (inFlight === 0 && pending.length === 0) return Promise.resolve();
    if (idle === undefined) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r)).finally(() => (idle = undefined));
      idle = { promise, resolve };
    }
    return idle.promise;
  };
  const checkpoint = (): Promise<StoredCheckpoint> => {
    appendedSinceCheckpoint = false;
    return createAuditCheckpoint(options.store, signer, origin, options.clock());
  };
  const timer = setInterval(() => {
    if (!appendedSinceCheckpoint) return;
    checkpoint().catch((error: unknown) => options.onError?.(error));
  }, options.checkpointMilliseconds ?? 5000);
  timer.unref();

  const recordAll = (events: readonly AuditEvent[]): Promise<void> => {
    if (stopped) return Promise.reject(new ParapetError('unavailable', 'the audit log is closed: the server is stopping'));
    if (events.length === 0) return Promise.resolve();
    const texts: string[] = [];
    for (const event of events) {
      const text = storableCanonicalEvent(event);
      if (typeof text !== 'string') return Promise.reject(text);
      texts.push(text);
    }
    return new Promise<void>((resolve, reject) => {
      pending.push({ texts, resolve, reject });
      pump();
    });
  };

  return {
    origin,
    verifierKey: formatVerifierKey(signer),
    record(event) {
      return recordAll([event]);
    },
    recordAll,
    checkpoint,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await drained();
      if (appendedSinceCheckpoint) await checkpoint();
      await appender.close();
    },
  };
}

/**
 * The event in its RFC 8785 form, as the log can hold it (`storableText`), or the error that
 * refuses it. The event is parsed here, not trusted from the caller's type: an event the schema
 * refuses would never verify. It is canonicalized here, so an event with no canonical form fails
 * its own record instead of the batch it would have joined. Most events hold nothing to replace:
 * they are parsed and canonicalized once, and only an event whose canonical text cannot be made
 * (a lone surrogate, which the library refuses) or holds an escaped NUL goes through
 * `storableText` first (as does, harmlessly, a text holding the six characters backslash, u, 0, 0, 0, 0).
 */
export function storableCanonicalEvent(event: AuditEvent): string | ParapetError {
  const parsed = AuditEvent.safeParse(event);
  if (parsed.success) {
    try {
      const text = canonicalEvent(parsed.data);
      if (!text.includes('\\u0000')) return text;
    } catch {
      // a lone surrogate: replaced below
    }
  }
  const storable = AuditEvent.safeParse(storableText(event));
  if (!storable.success) return new ParapetError('internal', `an audit event does not match its schema: ${storable.error.message}`);
  try {
    return canonicalEvent(storable.data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new ParapetError('invalid-input', `the audit event cannot be written in canonical form (RFC 8785): ${reason}`);
  }
}

const NOT_STORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'gu');

/**
 * What a caller sent is recorded, whatever it is: a NUL (which PostgreSQL's jsonb, and so the
 * search columns, cannot hold) and a lone surrogate (which has no RFC 8785 form) are recorded as
 * U+FFFD, in values and keys alike, so a hostile id or name cannot make the audit log refuse the
 * event and the action fail for its sake (docs/audit.md).
 */
export function storableText<T>(value: T): T {
  if (typeof value === 'string') return value.replace(NOT_STORABLE, '\ufffd') as T;
  if (Array.isArray(value)) return value.map((item: unknown) => storableText(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [storableText(key), storableText(item)])) as T;
  }
  return value;
}
