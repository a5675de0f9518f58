/**
 * Failures on /scim/v2 answered as RFC 7644 §3.12 says, not with Parapet's error body: SCIM
 * clients (Okta, Entra ID) read `status`, `scimType` and `detail`. The status comes from the
 * failure's `scimType` (src/scim/scim-error.ts; the store attaches `uniqueness`), or from the one code→status table
 * (errors.ts), where a request the caller must fix is 400 as SCIM expects rather than 422.
 */
import { SCIM_ERROR_SCHEMA, SCIM_TYPE_STATUS, scimTypeOf, type ScimType } from '../scim/index.ts';
import { ParapetError } from '../policy/index.ts';
import { errorReply } from './errors.ts';

export const SCIM_BASE = '/scim/v2';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export interface ScimErrorBody {
  readonly schemas: readonly [typeof SCIM_ERROR_SCHEMA];
  /** the HTTP status, as a string (RFC 7644 §3.12) */
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

export const UNSUPPORTED_MEDIA_TYPE = 'send the body as `application/scim+json` or `application/json`';

/** a SCIM body is JSON (RFC 7644 §3.1: application/scim+json; clients send application/json too) */
export function isScimMediaType(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return media === 'application/scim+json' || media === 'application/json';
}

export function isScimUrl(url: string): boolean {
  return url === SCIM_BASE || url.startsWith(`${SCIM_BASE}/`) || url.startsWith(`${SCIM_BASE}?`);
}

export function scimErrorReply(error: unknown, requestId: string): { readonly status: number; readonly body: ScimErrorBody; readonly serverFault: boolean } {
  const scimType = scimTypeOf(error);
  if (scimType !== undefined) return { status: SCIM_TYPE_STATUS[scimType], body: body(SCIM_TYPE_STATUS[scimType], scimType, (error as Error).message), serverFault: false };
  // a status SCIM has and Parapet's codes do not: 412 for a stale If-Match, 415 for a body that is not JSON
  const scimStatus = error instanceof ParapetError ? (error.details as { scimStatus?: unknown } | undefined)?.scimStatus : undefined;
  if (scimStatus === 412 || scimStatus === 415) return { status: scimStatus, body: body(scimStatus, undefined, (error as Error).message), serverFault: false };
  if ((error as { code?: unknown } | undefined)?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: body(415, undefined, UNSUPPORTED_MEDIA_TYPE), serverFault: false };
  }
  const reply = errorReply(error, requestId);
  const invalid = reply.status === 422;
  const status = invalid ? 400 : reply.status;
  const detail = reply.serverFault ? `internal error (request \`${requestId}\`)` : reply.body.error.message;
  return { status, body: body(status, invalid ? 'invalidSyntax' : undefined, detail), serverFault: reply.serverFault };
}

function body(status: number, scimType: ScimType | undefined, detail: string): ScimErrorBody {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType === undefined ? {} : { scimType }), detail };
}
