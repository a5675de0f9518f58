/**
 * Reading the audit log (#10): `GET /v1/audit/events` searches it (filters, time window, cursor
 * pages in time order, ties in log order), `GET /v1/audit/checkpoints` gives every signed checkpoint and the public
 * key, `GET /v1/audit/export` streams every event as an export's events.jsonl holds it (the stored
 * canonical text verbatim, so what the verifier checks is what the database holds). Who may call
 * them, and the record of each read, is audit-read-access.ts.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { AUDIT_EXPORT_SIZE_HEADER, AuditCheckpointList, AuditSearchQuery, AuditSearchResponse, type AuditEvent } from '../../contract/audit.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { ParapetError } from '../../policy/index.ts';
import { auditCheckpointNotes, auditLogSize, readAuditEvents, searchAuditEvents, type AuditEventFilter, type AuditSearchPosition } from '../../store/index.ts';
import { storableText } from '../audit-recorder.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

const EXPORT_PAGE = 2_000;

const errors = { 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 503: ErrorBody };

export function auditEventsRoutes(app: ZodApp, context: ServerContext): void {
  app.get(
    '/v1/audit/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'search the audit log: by principal, account, action, event type, outcome and time window, in time order (log order within a millisecond), a page at a time',
        querystring: AuditSearchQuery,
        response: { 200: AuditSearchResponse, ...errors },
      },
    },
    async (request): Promise<AuditSearchResponse> => {
      const filter = filterOf(request.query);
      const digest = filterDigest(filter);
      const after = request.query.cursor === undefined ? undefined : openCursor(request.query.cursor, digest);
      // one more than asked: whether another page follows, without counting
      const rows = await searchAuditEvents(context.store, filter, { after, limit: request.query.limit + 1 });
      const page = rows.slice(0, request.query.limit);
      const last = page.at(-1);
      return {
        events: page.map((row) => ({ index: row.index, event: JSON.parse(row.event) as AuditEvent })),
        ...(rows.length > page.length && last !== undefined ? { nextCursor: sealCursor({ time: last.time, index: last.index }, digest) } : {}),
      };
    },
  );

  app.get(
    '/v1/audit/checkpoints',
    { schema: { tags: ['audit'], summary: 'every signed checkpoint of the audit log (C2SP signed notes, in size order) and the key that signs them', response: { 200: AuditCheckpointList, ...errors } } },
    async (): Promise<AuditCheckpointList> => {
      const notes = await auditCheckpointNotes(context.store);
      return { publicKey: context.audit.verifierKey, checkpoints: notes.map((note) => ({ size: note.size, checkpoint: note.note })) };
    },
  );

  app.get(
    '/v1/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'every event of the audit log as JSON Lines (an export\'s events.jsonl: `{"event":…,"index":N,"leafHash":"…"}`), in log order',
        querystring: z.strictObject({}),
        response: { 200: z.string().describe('JSON Lines, one event a line'), ...errors },
      },
    },
    async (_request, reply) => {
      // the size first: every checkpoint read before this request is covered by what follows
      const size = await auditLogSize(context.store);
      const store = context.store;
      async function* lines(): AsyncGenerator<string> {
        let after = -1;
        while (after + 1 < size) {
          const rows = await readAuditEvents(store, { after, limit: Math.min(EXPORT_PAGE, size - after - 1) });
          if (rows.length === 0) return;
          let chunk = '';
          for (const row of rows) chunk += `{"event":${row.event},"index":${row.index},"leafHash":"${row.leafHash}"}\n`;
          yield chunk;
          after = rows[rows.length - 1]?.index ?? size;
        }
      }
      // a stream is sent as it is (Fastify serializes no stream): the schema's string is the documentation of its text
      const stream = Readable.from(lines()) as unknown as string;
      return reply.header(AUDIT_EXPORT_SIZE_HEADER, String(size)).type('application/x-ndjson; charset=utf-8').send(stream);
    },
  );
}

/** the filters in the stored form: instants as ISO 8601 UTC with milliseconds */
function filterOf(query: AuditSearchQuery): AuditEventFilter {
  const since = query.since === undefined ? undefined : utc(query.since);
  const until = query.until === undefined ? undefined : utc(query.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new ParapetError('invalid-input', `the time window is empty: \`since\` ${query.since} is not before \`until\` ${query.until}`, {
      details: { issues: [{ path: 'querystring.since', message: 'not before until' }] },
    });
  }
  // text is searched as the log records it: a NUL or a lone surrogate a caller once sent was recorded
  // as U+FFFD (storableText), so searching for the same text finds it, on either database (PostgreSQL
  // refuses a NUL in any text parameter: sent as it is, the search failed with 500)
  return { principal: storableText(query.principal), account: storableText(query.account), action: storableText(query.action), type: query.type, outcome: query.outcome, since, until };
}

function utc(instant: string): string {
  return new Date(instant).toISOString();
}

/** a cursor belongs to one search: the same filters, or it is refused */
function filterDigest(filter: AuditEventFilter): string {
  return createHash('sha256').update(canonicalize(filter) ?? '').digest('base64url').slice(0, 16);
}

/** where the page ended (the search's order is (time, index)), and which search it was */
function sealCursor(after: AuditSearchPosition, digest: string): string {
  return Buffer.from(JSON.stringify({ after: after.index, time: after.time, search: digest }), 'utf8').toString('base64url');
}

// the time as the store keeps it (ISO 8601 UTC with milliseconds): a cursor is bound into that order
const CursorShape = z.strictObject({ after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), time: z.iso.datetime({ offset: false, precision: 3 }), search: z.string() });

function openCursor(cursor: string, digest: string): AuditSearchPosition {
  const invalid = (why: string) => new ParapetError('invalid-input', `the cursor is not valid: ${why}`, { details: { issues: [{ path: 'querystring.cursor', message: why }] } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor this server gave');
  }
  const shape = CursorShape.safeParse(parsed);
  if (!shape.success) throw invalid('not a cursor this server gave');
  if (shape.data.search !== digest) throw invalid('it belongs to a search with other filters');
  return { time: shape.data.time, index: shape.data.after };
}
