/**
 * A SCIM failure as RFC 7644 §3.12 answers it: an HTTP status, a `scimType` where the RFC names
 * one, and a detail in the project's message style. Thrown by the SCIM core (filters, paths,
 * PATCH, resource validation); the SCIM routes turn it into the `…:api:messages:2.0:Error` body.
 */
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

export class ScimError extends Error {
  override readonly name = 'ScimError';
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    message: string,
  ) {
    super(message);
  }
}

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

export function scimError(scimType: ScimType, message: string): ScimError {
  return new ScimError(SCIM_TYPE_STATUS[scimType], scimType, message);
}

export function isScimType(value: unknown): value is ScimType {
  return typeof value === 'string' && Object.hasOwn(SCIM_TYPE_STATUS, value);
}
