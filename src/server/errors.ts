/**
 * The only place where failures become HTTP answers (ADR 0003): the table from error code to
 * status, total over the code list so a new code cannot be forgotten, and the conversion of
 * whatever a request handler or Fastify itself threw into the one error body
 * (src/contract/error-body.ts). Nothing the caller sent is ever echoed back as anything but data,
 * and a failure that is not a `ParapetError` (a bug) is answered as `internal` without its message
 * or stack, which go to the log only.
 */
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody, RequestIssue } from '../contract/error-body.ts';
import { ParapetError, type ErrorCode } from '../policy/index.ts';

export const HTTP_STATUS: { readonly [code in ErrorCode]: number } = {
  usage: 400,
  'invalid-input': 422,
  'not-found': 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  'body-too-large': 413,
  'too-many-requests': 429,
  'is-a-folder': 400,
  'not-a-file': 400,
  'file-too-large': 413,
  'too-many-files': 413,
  'folder-too-deep': 413,
  // on the server these are its own files and tools: never the caller's fault
  'permission-denied': 500,
  'unreadable-file': 500,
  'unwritable-file': 500,
  'git-failed': 500,
  unavailable: 503,
  'catalog-data-missing': 500,
  'catalog-data-invalid': 500,
  internal: 500,
};

export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  /** a bug or a broken installation: log it with its stack */
  readonly serverFault: boolean;
}

/** what Fastify and its plugins throw before a handler runs, by their error codes */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'usage',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'usage',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid-input',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid-input',
  FST_ERR_CTP_INSTANCE_ALREADY_STARTED: 'internal',
  FST_ERR_BAD_URL: 'usage',
  FST_ERR_ASYNC_CONSTRAINT: 'usage',
};

function fastifyMessage(code: ErrorCode, error: FastifyError): string {
  switch (code) {
    case 'body-too-large':
      return 'the request body is larger than this endpoint accepts';
    case 'invalid-input':
      // the JSON parser's message names the position, never more than the offending token
      return error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the request body is empty, a JSON document was expected' : `the request body is not valid JSON: ${lowerFirst(error.message)}`;
    case 'usage':
      return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported content type: send `application/json`' : lowerFirst(error.message);
    default:
      return lowerFirst(error.message);
  }
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0]!.toLowerCase() + text.slice(1);
}

/** a zod issue path as one dotted/bracketed string under the part of the request it is in */
export function formatIssuePath(part: string, path: readonly PropertyKey[]): string {
  let out = part;
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  return out;
}

function validationIssues(error: FastifyError): RequestIssue[] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as { issue?: { path?: PropertyKey[] } } | undefined;
    const path = params?.issue?.path ?? String(issue.instancePath ?? '').split('/').filter((s) => s !== '');
    return { path: formatIssuePath(part, path), message: lowerFirst(issue.message ?? 'invalid') };
  });
}

export function errorReply(error: unknown, requestId: string): ErrorReply {
  if (error instanceof ParapetError) {
    const issues = error.details?.['issues'] as RequestIssue[] | undefined;
    const details = error.details === undefined ? undefined : Object.fromEntries(Object.entries(error.details).filter(([key]) => key !== 'issues'));
    const status = HTTP_STATUS[error.code];
    return {
      status,
      serverFault: status >= 500,
      body: {
        error: {
          code: error.code,
          message: status >= 500 && error.code === 'internal' ? 'internal error: the server log has the details' : error.message,
          requestId,
          ...(issues === undefined ? {} : { issues }),
          ...(details === undefined || Object.keys(details).length === 0 ? {} : { details }),
        },
      },
    };
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  if (fastifyError !== undefined && fastifyError !== null && typeof fastifyError === 'object') {
    if (hasZodFastifySchemaValidationErrors(error) || Array.isArray(fastifyError.validation)) {
      const issues = validationIssues(fastifyError as FastifyError);
      return {
        status: HTTP_STATUS['invalid-input'],
        serverFault: false,
        body: { error: { code: 'invalid-input', message: `the request is not valid: ${issues.length} issue${issues.length === 1 ? '' : 's'}`, requestId, issues } },
      };
    }
    const mapped = typeof fastifyError.code === 'string' ? FASTIFY_CODES[fastifyError.code] : undefined;
    if (mapped !== undefined) {
      return { status: HTTP_STATUS[mapped], serverFault: mapped === 'internal', body: { error: { code: mapped, message: fastifyMessage(mapped, fastifyError as FastifyError), requestId } } };
    }
    // a plugin's own 4xx (rate limit: 429) keeps its meaning
    if (fastifyError.statusCode === 429) {
      return { status: 429, serverFault: false, body: { error: { code: 'too-many-requests', message: 'too many requests: try again later', requestId } } };
    }
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return { status: 400, serverFault: false, body: { error: { code: 'usage', message: lowerFirst(fastifyError.message ?? 'bad request'), requestId } } };
    }
  }
  return { status: 500, serverFault: true, body: { error: { code: 'internal', message: 'internal error: the server log has the details', requestId } } };
}
