/**
 * SCIM failures as RFC 7644 §3.12 names them: a `scimType`, carried in a ParapetError's details
 * (the one error class, ADR 0003) with the code that fits it. The SCIM routes read the scimType and
 * answer with its status and the `…:api:messages:2.0:Error` body (src/server/scim-error-reply.ts).
 */
import { ParapetError, type ErrorCode } from '../policy/index.ts';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** the status RFC 7644 §3.12 gives each scimType */
export const SCIM_TYPE_STATUS: { readonly [type in ScimType]: number } = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 403,
};

const CODE: { readonly [type in ScimType]: ErrorCode } = {
  invalidFilter: 'invalid-input',
  tooMany: 'invalid-input',
  uniqueness: 'conflict',
  mutability: 'invalid-input',
  invalidSyntax: 'invalid-input',
  invalidPath: 'invalid-input',
  noTarget: 'invalid-input',
  invalidValue: 'invalid-input',
  invalidVers: 'invalid-input',
  sensitive: 'forbidden',
};

export function isScimType(value: unknown): value is ScimType {
  return typeof value === 'string' && Object.hasOwn(SCIM_TYPE_STATUS, value);
}

export function scimError(scimType: ScimType, message: string): ParapetError {
  return new ParapetError(CODE[scimType], message, { details: { scimType } });
}

/** the scimType a failure carries, if it is a SCIM failure */
export function scimTypeOf(error: unknown): ScimType | undefined {
  if (!(error instanceof ParapetError)) return undefined;
  const scimType = (error.details as { scimType?: unknown } | undefined)?.scimType;
  return isScimType(scimType) ? scimType : undefined;
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text a directory can hold: no NUL (PostgreSQL's text cannot store one, so it would fail there and
 * not on SQLite) and no unpaired surrogate (not Unicode: UTF-8 cannot carry it, so it would be
 * stored as U+FFFD, not as sent). Refused at the edge, the same on both databases.
 */
export function isWellFormedText(text: string): boolean {
  return !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);
}
