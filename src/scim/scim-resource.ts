/**
 * Reading a resource a client sent (POST, PUT, and the result of a PATCH) into its canonical
 * form: attribute names as the schema spells them (clients may use any case), extension
 * attributes under their schema's URN, read-only attributes (id, meta, groups) dropped as RFC 7643
 * §2.2 says, a password dropped (Parapet never keeps one), unknown attributes refused, and values
 * of the declared type. Vendor quirks are normalised here, before anything else sees a value:
 * Microsoft Entra ID sends booleans as the strings "True"/"False" and a manager as a bare id.
 */
import { isWellFormedText, scimError } from './scim-error.ts';
import { coreAttributes, findAttribute, findExtension, type AttributeDefinition, type ResourceTypeDefinition } from './scim-schemas.ts';

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value of one attribute in canonical form; undefined when it is unassigned (null, or an empty
 * list). `single`: normalise one element of a multi-valued attribute.
 */
export function normalizeValue(definition: AttributeDefinition, value: unknown, where: string, single = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (definition.multiValued && !single) {
    // a single value where a list belongs is taken as a list of one (clients differ here)
    const items = Array.isArray(value) ? value : [value];
    const normalized = items.map((item, index) => normalizeValue(definition, item, `${where}[${index}]`, true)).filter((item) => item !== undefined);
    return normalized.length === 0 ? undefined : normalized;
  }
  if (Array.isArray(value)) throw scimError('invalidValue', `${where}: \`${definition.name}\` takes one value, not a list`);
  switch (definition.type) {
    case 'complex': {
      const subAttributes = definition.subAttributes ?? [];
      // Entra quirk: a complex attribute with a `value` (the enterprise manager) sent as the bare value
      if (!isObject(value)) {
        if (typeof value === 'string' && findAttribute(subAttributes, 'value') !== undefined) return { value };
        throw scimError('invalidValue', `${where}: \`${definition.name}\` must be an object`);
      }
      const result: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        const sub = findAttribute(subAttributes, key);
        if (sub === undefined) throw scimError('invalidSyntax', `${where}: \`${key}\` is not an attribute of \`${definition.name}\``);
        const normalized = normalizeValue(sub, item, `${where}.${sub.name}`);
        if (normalized !== undefined) result[sub.name] = normalized;
      }
      return Object.keys(result).length === 0 ? undefined : result;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra quirk: "True" / "False" as strings; a plain truthiness test would read "False" as true
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      throw scimError('invalidValue', `${where}: \`${definition.name}\` must be true or false`);
    case 'integer':
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw scimError('invalidValue', `${where}: \`${definition.name}\` must be a number`);
    default:
      if (typeof value === 'string') {
        if (!isWellFormedText(value)) throw scimError('invalidValue', `${where}: \`${definition.name}\` contains a NUL character or an unpaired surrogate`);
        return value;
      }
      // an id or employee number sent as a JSON number is still that text
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw scimError('invalidValue', `${where}: \`${definition.name}\` must be a string`);
  }
}

export interface NormalizeOptions {
  /** POST and PUT bodies must list their schemas; a PATCH result is checked without */
  readonly requireSchemas: boolean;
}

/**
 * Entra quirk: its Create Group request lists this non-standard schema next to the core one (with
 * no attributes of it); it is accepted and not kept.
 */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

function tolerated(resource: ResourceTypeDefinition, schema: string): boolean {
  return resource.name === 'Group' && schema.toLowerCase() === ENTRA_GROUP_SCHEMA.toLowerCase();
}

/** the schema URNs of the `schemas` attribute, checked: the core schema, and only known extensions */
function checkSchemas(resource: ResourceTypeDefinition, schemas: unknown, required: boolean): void {
  if (schemas === undefined && !required) return;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) throw scimError('invalidSyntax', '`schemas` must be a list of schema URNs');
  const lower = schemas.map((s) => s.toLowerCase());
  if (!lower.includes(resource.schema.id.toLowerCase())) throw scimError('invalidSyntax', `\`schemas\` must include \`${resource.schema.id}\``);
  for (const schema of schemas) {
    if (schema.toLowerCase() !== resource.schema.id.toLowerCase() && findExtension(resource, schema) === undefined && !tolerated(resource, schema)) {
      throw scimError('invalidSyntax', `\`${schema}\` is not a schema of ${resource.name}`);
    }
  }
}

/**
 * The canonical resource: core attributes by their schema names, extension attributes under the
 * extension's URN, `schemas` listing the core schema and the extensions present. Read-only
 * attributes are dropped; a password too.
 */
export function normalizeResource(resource: ResourceTypeDefinition, input: unknown, options: NormalizeOptions): JsonObject {
  if (!isObject(input)) throw scimError('invalidSyntax', `the body must be a ${resource.name} object`);
  const result: JsonObject = {};
  let schemas: unknown;
  const core = coreAttributes(resource);
  for (const [key, value] of Object.entries(input)) {
    if (key.toLowerCase() === 'schemas') {
      schemas = value;
      continue;
    }
    if (resource.name === 'User' && key.toLowerCase() === 'password') continue;
    const extension = findExtension(resource, key);
    if (extension !== undefined) {
      if (value === null) continue;
      if (!isObject(value)) throw scimError('invalidValue', `\`${extension.id}\` must be an object`);
      const attributes: JsonObject = {};
      for (const [name, item] of Object.entries(value)) {
        const definition = findAttribute(extension.attributes, name);
        if (definition === undefined) throw scimError('invalidSyntax', `\`${name}\` is not an attribute of \`${extension.id}\``);
        if (definition.mutability === 'readOnly') continue;
        const normalized = normalizeValue(definition, item, `${extension.id}:${definition.name}`);
        if (normalized !== undefined) attributes[definition.name] = normalized;
      }
      if (Object.keys(attributes).length > 0) result[extension.id] = attributes;
      continue;
    }
    const definition = findAttribute(core, key);
    if (definition === undefined) throw scimError('invalidSyntax', `\`${key}\` is not an attribute of ${resource.name}`);
    if (definition.mutability === 'readOnly') continue;
    const normalized = normalizeValue(definition, value, definition.name);
    if (normalized !== undefined) result[definition.name] = normalized;
  }
  checkSchemas(resource, schemas, options.requireSchemas);
  for (const definition of resource.schema.attributes) {
    if (!definition.required) continue;
    const value = result[definition.name];
    if (typeof value !== 'string' || value.trim() === '') throw scimError('invalidValue', `\`${definition.name}\` is required`);
  }
  result['schemas'] = [resource.schema.id, ...resource.extensions.filter((e) => result[e.id] !== undefined).map((e) => e.id)];
  return result;
}
