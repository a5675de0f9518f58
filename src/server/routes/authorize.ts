/**
 * The decision API: `POST /v1/authorize` (one request) and `POST /v1/authorize/batch` (up to
 * 1000, answered in order, each its own decision or its own error). The subject is the caller's
 * own session credential, or, for an enforcement point authenticated as a service account, the
 * session credential it received (`subject.credential`, as Kubernetes' SubjectAccessReview),
 * verified exactly like a bearer: signature, issuer, audience, expiry, revocation.
 */
import { performance } from 'node:perf_hooks';
import { AuthorizeBatchBody, AuthorizeBatchResponse, AuthorizeBody, AuthorizeResponse, type AuthorizeRequest } from '../../contract/authorize.ts';
import type { AuditEvent } from '../../contract/audit.ts';
import { ErrorBody, type RequestIssue } from '../../contract/error-body.ts';
import { ParapetError, type Decision } from '../../policy/index.ts';
import { authenticate, callerOf, presentedToken } from '../authenticate.ts';
import { createAuthorizer, explainDecision, type AuthorizeSubject, type Authorizer } from '../authorize-request.ts';
import type { Caller } from '../caller.ts';
import { decisionAuditEvent } from '../decision-audit-event.ts';
import { decisionJsonText } from '../decision-json-text.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

/** a full batch of 1000 requests with context fits; the server's general limit stays for every other route */
export const BATCH_BODY_LIMIT = 2 * 1024 * 1024;

const ERRORS = { 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 422: ErrorBody, 503: ErrorBody };

/**
 * The answers are built here from typed values (the engine's Decision, which the contract's
 * schema matches both ways at compile time, see authorize.test.ts): re-validating 100 decisions
 * with zod on every batch was a tenth of the server's time (bench/RESULTS.md), so these routes
 * only write JSON, the decisions with decisionJsonText. The schemas still document the answers in
 * /openapi.json, and the tests parse every answer with them. Error bodies are stringified as they are.
 */
const serializeSingle = (data: AuthorizeResponse) =>
  `{"decision":${decisionJsonText(data.decision as Decision)}${data.explanation === undefined ? '' : `,"explanation":${JSON.stringify(data.explanation)}`},"configVersion":${data.configVersion}}`;
const serializeBatch = (data: AuthorizeBatchResponse) => {
  let items = '';
  for (const item of data.decisions) {
    const text = 'decision' in item ? `{"decision":${decisionJsonText(item.decision as Decision)}}` : JSON.stringify(item);
    items += items === '' ? text : `,${text}`;
  }
  return `{"configVersion":${data.configVersion},"decisions":[${items}]}`;
};
const serializerFor =
  <T>(ok: (data: T) => string) =>
  ({ httpStatus }: { httpStatus?: string }) =>
    httpStatus === '200' ? (data: unknown) => ok(data as T) : (data: unknown) => JSON.stringify(data);

export function authorizeRoutes(app: ZodApp, context: ServerContext): void {
  const authorizer = createAuthorizer(context.config);

  app.post(
    '/v1/authorize',
    {
      serializerCompiler: serializerFor(serializeSingle),
      schema: {
        tags: ['decisions'],
        summary: 'decide one request for a session: the engine\'s decision with its causes',
        body: AuthorizeBody,
        response: { 200: AuthorizeResponse, ...ERRORS },
      },
    },
    async (request): Promise<AuthorizeResponse> => {
      const started = performance.now();
      try {
        const active = authorizer.active();
        const caller = callerOf(request);
        const claims = await subjectClaims(context, caller, request.body.subject?.credential);
        const subject = authorizer.subjectOf(active, claims);
        const now = context.clock();
        const decided = authorizer.decide(subject, request.body.request, { now, path: 'body.request', causes: request.body.causes ?? 'sufficient' });
        // with `auditDecisions`, fail closed: a decision the audit log could not record is a Deny (the error says why)
        if (context.settings.auditDecisions) await recordOrDeny(context, [decisionAuditEvent({ request, caller, subject: claims, decision: decided.decision, configVersion: active.version, now })]);
        context.metrics.decisions.inc({ outcome: decided.decision.decision });
        return { decision: decided.decision, explanation: explainDecision(decided), configVersion: active.version };
      } catch (error) {
        context.metrics.decisions.inc({ outcome: 'error' });
        throw error;
      } finally {
        context.metrics.decisionSeconds.observe((performance.now() - started) / 1000);
      }
    },
  );

  app.post(
    '/v1/authorize/batch',
    {
      bodyLimit: Math.max(BATCH_BODY_LIMIT, context.settings.bodyLimit),
      serializerCompiler: serializerFor(serializeBatch),
      schema: {
        tags: ['decisions'],
        summary: 'decide up to 1000 requests for one session, in order; a request that cannot be decided has its own error',
        body: AuthorizeBatchBody,
        response: { 200: AuthorizeBatchResponse, ...ERRORS },
      },
    },
    async (request): Promise<AuthorizeBatchResponse> => {
      const started = performance.now();
      const active = authorizer.active();
      const caller = callerOf(request);
      const claims = await subjectClaims(context, caller, request.body.subject?.credential);
      // the subject is shared: a subject that cannot be decided for fails the whole batch
      const subject = authorizer.subjectOf(active, claims);
      const now = context.clock();
      const causes = request.body.causes ?? 'sufficient';
      const counts = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0, error: 0 };
      const decisions = request.body.requests.map((item, i) => decideItem(authorizer, subject, item, now, `body.requests[${i}]`, causes, counts));
      // with `auditDecisions`, every decision of the batch recorded (in one group commit) before any is given; fail closed as one
      if (context.settings.auditDecisions) {
        await recordOrDeny(
          context,
          decisions.flatMap((item) => ('decision' in item ? [decisionAuditEvent({ request, caller, subject: claims, decision: item.decision as Decision, configVersion: active.version, now })] : [])),
        );
      }
      for (const [outcome, count] of Object.entries(counts)) if (count > 0) context.metrics.decisions.inc({ outcome }, count);
      // one observation per HTTP request, a batch included: the histogram is the answer time an enforcement point waits
      context.metrics.decisionSeconds.observe((performance.now() - started) / 1000);
      return { configVersion: active.version, decisions };
    },
  );
}

/**
 * Records the decisions' events, durably, before any is given. When the audit log cannot be
 * written the answer is a Deny with that reason (issue #10: "the decision fails closed"): 503
 * `unavailable`, whose body says `"decision": "Deny"` and why, and carries no decision of the
 * engine's, so an enforcement point that reads only the status and one that reads the body both deny,
 * and one that retries on 503 gets its answer once the log is back.
 */
async function recordOrDeny(context: ServerContext, events: readonly AuditEvent[]): Promise<void> {
  try {
    await context.audit.recordAll(events);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ParapetError('unavailable', `denied: ${reason}: no decision is given that the audit log has not recorded`, {
      cause: error,
      details: { decision: 'Deny', reason: 'audit-log-unavailable' },
    });
  }
}

function decideItem(
  authorizer: Authorizer,
  subject: AuthorizeSubject,
  item: AuthorizeRequest,
  now: Date,
  path: string,
  causes: 'all' | 'sufficient',
  counts: Record<'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'error', number>,
): AuthorizeBatchResponse['decisions'][number] {
  try {
    const decided = authorizer.decide(subject, item, { now, path, causes });
    counts[decided.decision.decision] += 1;
    return { decision: decided.decision };
  } catch (error) {
    // only the request's own fault is an item error; anything else (a bug) fails the batch
    if (!(error instanceof ParapetError) || error.code !== 'invalid-input') throw error;
    counts.error += 1;
    const issues = error.details?.['issues'] as RequestIssue[] | undefined;
    return { error: { code: error.code, message: error.message, ...(issues === undefined ? {} : { issues }) } };
  }
}

/**
 * The claims of the session the decision is about. Without a subject: the caller's own credential,
 * which must be a session. With one: only a service account may ask, and the subject credential
 * goes through the same authenticators as a bearer (a forged, expired or revoked one is refused).
 */
async function subjectClaims(context: ServerContext, caller: Caller, credential: string | undefined) {
  if (credential === undefined) {
    switch (caller.kind) {
      case 'user':
        if (caller.claims.use !== 'session') {
          throw new ParapetError('forbidden', `a \`${caller.claims.use}\` credential has no policies to decide with: assume a permission set first (\`parapet assume ACCOUNT PERMISSION_SET\`)`);
        }
        return caller.claims;
      case 'service-account':
        throw new ParapetError('forbidden', 'a service account asks about a subject: give the session credential it received as `subject.credential`');
      case 'bootstrap':
        throw new ParapetError('forbidden', 'the bootstrap token may only apply the first configuration');
      case 'scim-client':
        throw new ParapetError('forbidden', 'a SCIM token authenticates only /scim/v2');
      default: {
        const never: never = caller;
        return never;
      }
    }
  }
  if (caller.kind !== 'service-account') {
    throw new ParapetError('forbidden', 'only a service account (an enforcement point) may ask about another subject: ask about your own session without `subject`');
  }
  let subject: Caller;
  try {
    // a credential is one token: anything with spaces would be read as another header shape
    if (/\s/.test(credential)) throw new ParapetError('unauthenticated', 'the credential is not valid: not a JWT');
    subject = await authenticate(context.authenticators, presentedToken(`Bearer ${credential}`));
  } catch (error) {
    if (error instanceof ParapetError && error.code === 'unauthenticated') {
      // the caller is authenticated; what is wrong is the credential it passed, so this is its input
      const reason = error.message.replace(/^the credential is not valid: /, '').replace(/^the bearer token is /, '');
      throw new ParapetError('invalid-input', `the subject credential is not valid: ${reason}`, {
        details: { issues: [{ path: 'body.subject.credential', message: `not valid: ${reason}` }] },
      });
    }
    throw error;
  }
  if (subject.kind !== 'user') throw new ParapetError('forbidden', `the subject credential is a ${subject.kind === 'service-account' ? 'service account' : subject.kind} credential: only a person's session has policies to decide with`);
  if (subject.claims.use !== 'session') {
    throw new ParapetError('forbidden', `the subject credential is a \`${subject.claims.use}\` credential: only a session credential has policies to decide with`);
  }
  return subject.claims;
}
