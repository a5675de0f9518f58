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

export function isScimUrl(url: string): boolean {
  return url === SCIM_BASE || url.startsWith(`${SCIM_BASE}/`) || url.startsWith(`${SCIM_BASE}?`);
}

export function scimErrorReply(error: unknown, requestId: string): { readonly status: number; readonly body: ScimErrorBody; readonly serverFault: boolean } {
  const scimType = scimTypeOf(error);
  if (scimType !== undefined) return { status: SCIM_TYPE_STATUS[scimType], body: body(SCIM_TYPE_STATUS[scimType], scimType, (error as Error).message), serverFault: false };
  // a status SCIM has and Parapet's codes do not: 412 for a stale If-Match
  if (error instanceof ParapetError && (error.details as { scimStatus?: unknown } | undefined)?.scimStatus === 412) {
    return { status: 412, body: body(412, undefined, error.message), serverFault: false };
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
