/**
 * SCIM 2.0 (RFC 7643, RFC 7644) without I/O: the resource schemas, filters and PATCH paths,
 * PATCH itself, resource normalisation (vendor quirks included) and attribute projection. The
 * routes (src/server/routes/scim.ts) and the store (src/store/scim-directory.ts) sit around it.
 */
export { scimError, scimTypeOf, isScimType, isWellFormedText, SCIM_ERROR_SCHEMA, SCIM_TYPE_STATUS, type ScimType } from './scim-error.ts';
export * from './scim-schemas.ts';
export {
  parseFilter,
  parsePatchPath,
  parseAttributePath,
  checkFilter,
  matchesFilter,
  resolvePath,
  MAX_FILTER_LENGTH,
  type Filter,
  type PatchPath,
  type AttributePath,
  type Scope,
  type ResolvedPath,
} from './scim-filter.ts';
export { normalizeResource, normalizeValue, type JsonObject } from './scim-resource.ts';
export { applyPatch, MAX_PATCH_OPERATIONS, type PatchContext } from './scim-patch.ts';
export { parseProjection, project, excludes, type Projection } from './scim-projection.ts';
