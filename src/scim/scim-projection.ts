/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a response
 * carries. `id` and `schemas` are always returned; Entra ID lists groups with
 * `excludedAttributes=members`.
 */
import { scimError } from './scim-error.ts';
import { parseAttributePath, resolvePath, type ResolvedPath } from './scim-filter.ts';
import type { JsonObject } from './scim-resource.ts';
import type { ResourceTypeDefinition } from './scim-schemas.ts';

export interface Projection {
  readonly attributes: readonly ResolvedPath[] | undefined;
  readonly excluded: readonly ResolvedPath[];
}

const MAX_LIST = 100;

function parseList(resource: ResourceTypeDefinition, text: string | undefined, parameter: string): ResolvedPath[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length > MAX_LIST) throw scimError('invalidValue', `\`${parameter}\` names more than ${MAX_LIST} attributes`);
  return items.map((item) => {
    try {
      return resolvePath({ kind: 'resource', resource }, parseAttributePath(item, 'invalidValue'), 'invalidValue');
    } catch (error) {
      throw scimError('invalidValue', `\`${parameter}\`: ${(error as Error).message}`);
    }
  });
}

export function parseProjection(resource: ResourceTypeDefinition, attributes: string | undefined, excludedAttributes: string | undefined): Projection {
  return { attributes: parseList(resource, attributes, 'attributes'), excluded: parseList(resource, excludedAttributes, 'excludedAttributes') ?? [] };
}

/** whether the projection leaves out an attribute, e.g. `members` (so it need not be read at all) */
export function excludes(projection: Projection, attributeName: string): boolean {
  const lower = attributeName.toLowerCase();
  if (projection.attributes !== undefined) return !projection.attributes.some((p) => p.schema === undefined && p.attribute.name.toLowerCase() === lower);
  return projection.excluded.some((p) => p.schema === undefined && p.subAttribute === undefined && p.attribute.name.toLowerCase() === lower);
}

const ALWAYS = new Set(['schemas', 'id']);

function holder(resource: JsonObject, path: ResolvedPath): JsonObject | undefined {
  const value = path.schema === undefined ? resource : resource[path.schema];
  return typeof value === 'object' && value !== null ? (value as JsonObject) : undefined;
}

function pick(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) return value.map((item) => ({ [sub]: (item as JsonObject)[sub] })).filter((item) => item[sub] !== undefined);
  if (typeof value === 'object' && value !== null) return (value as JsonObject)[sub] === undefined ? undefined : { [sub]: (value as JsonObject)[sub] };
  return undefined;
}

export function project(resource: JsonObject, projection: Projection): JsonObject {
  if (projection.attributes !== undefined) {
    const result: JsonObject = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) result[key] = resource[key];
    for (const path of projection.attributes) {
      const from = holder(resource, path);
      const value = from?.[path.attribute.name];
      if (value === undefined) continue;
      const into = path.schema === undefined ? result : ((result[path.schema] ??= {}) as JsonObject);
      if (path.subAttribute === undefined) into[path.attribute.name] = value;
      else {
        const picked = pick(value, path.subAttribute.name);
        if (picked === undefined) continue;
        const existing = into[path.attribute.name];
        into[path.attribute.name] = Array.isArray(picked)
          ? picked.map((item, index) => ({ ...((Array.isArray(existing) ? existing[index] : undefined) as JsonObject | undefined), ...item }))
          : { ...(existing as JsonObject | undefined), ...(picked as JsonObject) };
      }
    }
    return result;
  }
  const result = structuredClone(resource);
  for (const path of projection.excluded) {
    if (path.schema === undefined && ALWAYS.has(path.attribute.name)) continue;
    const from = holder(result, path);
    if (from === undefined) continue;
    if (path.subAttribute === undefined) delete from[path.attribute.name];
    else {
      const value = from[path.attribute.name];
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'object' && item !== null) delete (item as JsonObject)[path.subAttribute.name];
    }
  }
  return result;
}
