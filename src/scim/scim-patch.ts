/**
 * PATCH (RFC 7644 §3.5.2) on a canonical resource: add, replace and remove, with or without a
 * path, the path possibly filtered (`emails[type eq "work"].value`, `members[value eq "…"]`).
 * Computed whole before anything is stored: an operation that fails fails the request, and the
 * store never sees a partial result. Vendor quirks handled, each with a test naming it:
 * - Entra ID capitalises operation names (`Add`, `Replace`, `Remove`);
 * - Entra ID sends `"active": "False"` (normalised by normalizeValue);
 * - Entra ID and Okta put paths as keys of a path-less operation's value (`"name.givenName"`,
 *   `"urn:…:enterprise:2.0:User:department"`);
 * - Okta repeats the resource's `id` in a path-less replace's value, and sends password changes
 *   (dropped: Parapet keeps no password);
 * - Entra ID removes members with `path: "members"` and the members to remove as the value list;
 * - Entra ID replaces `emails[type eq "work"].value` on a user with no work e-mail yet, expecting
 *   it to be added: an add or replace whose filter matches nothing and is made of `eq`s creates
 *   the value the filter describes.
 */
import { scimError, scimTypeOf } from './scim-error.ts';
import { checkFilter, matchesFilter, parsePatchPath, resolvePath, type Filter, type ResolvedPath, type Scope } from './scim-filter.ts';
import { normalizeResource, normalizeValue, type JsonObject } from './scim-resource.ts';
import { findAttribute, findExtension, PATCH_OP_SCHEMA, type AttributeDefinition, type ResourceTypeDefinition } from './scim-schemas.ts';

export const MAX_PATCH_OPERATIONS = 1000;

type Op = 'add' | 'replace' | 'remove';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** a key of an object, case-insensitively */
function field(object: JsonObject, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** the identity of one value of a multi-valued attribute, for duplicates and removal by value */
function identity(item: unknown): string {
  if (isObject(item) && item['value'] !== undefined) return `value:${JSON.stringify(item['value'])}:${JSON.stringify(item['type'] ?? null)}`;
  return JSON.stringify(item);
}

function valueKey(item: unknown): string {
  return isObject(item) && item['value'] !== undefined ? `value:${JSON.stringify(item['value'])}` : JSON.stringify(item);
}

/** the attribute values `eq` conditions joined by `and` describe, or undefined when the filter is anything else */
function describedBy(filter: Filter, parent: AttributeDefinition): JsonObject | undefined {
  if (filter.kind === 'and') {
    const left = describedBy(filter.left, parent);
    const right = describedBy(filter.right, parent);
    return left === undefined || right === undefined ? undefined : { ...left, ...right };
  }
  if (filter.kind === 'compare' && filter.operator === 'eq' && filter.value !== null) {
    const sub = findAttribute(parent.subAttributes ?? [], filter.path.attribute);
    return sub === undefined ? undefined : { [sub.name]: filter.value };
  }
  return undefined;
}

export interface PatchContext {
  readonly resource: ResourceTypeDefinition;
  /** the stored resource's id: Okta repeats it in a replace's value */
  readonly id: string;
}

/**
 * The resource after the PATCH request `body`, canonical (normalizeResource) and validated; throws
 * a SCIM failure (scimError), located, for the first operation that cannot be applied.
 */
export function applyPatch(context: PatchContext, current: JsonObject, body: unknown): JsonObject {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the body must be a PatchOp message');
  const schemas = field(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw scimError('invalidSyntax', `\`schemas\` must be [\`${PATCH_OP_SCHEMA}\`]`);
  }
  const operations = field(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw scimError('invalidSyntax', '`Operations` must be a non-empty list');
  if (operations.length > MAX_PATCH_OPERATIONS) throw scimError('tooMany', `more than ${MAX_PATCH_OPERATIONS} operations in one request`);
  const document = structuredClone(current);
  operations.forEach((operation: unknown, index) => {
    const where = `Operations[${index}]`;
    if (!isObject(operation)) throw scimError('invalidSyntax', `${where}: an operation must be an object`);
    const opText = field(operation, 'op');
    // Entra quirk: `Add`, `Replace`, `Remove`
    const op = typeof opText === 'string' ? opText.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw scimError('invalidSyntax', `${where}: \`op\` must be add, replace or remove`);
    const path = field(operation, 'path');
    if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) throw scimError('invalidPath', `${where}: \`path\` must be a non-empty string`);
    const value = field(operation, 'value');
    try {
      if (path === undefined) applyWithoutPath(context, document, op, value);
      else applyAtPath(context, document, op, path.trim(), value);
    } catch (error) {
      // located: which operation failed
      const scimType = scimTypeOf(error);
      if (scimType !== undefined) throw scimError(scimType, `${where}: ${(error as Error).message}`);
      throw error;
    }
  });
  return normalizeResource(context.resource, document, { requireSchemas: false });
}

function applyWithoutPath(context: PatchContext, document: JsonObject, op: Op, value: unknown): void {
  if (op === 'remove') throw scimError('noTarget', 'a remove needs a `path`');
  if (!isObject(value)) throw scimError('invalidValue', `an ${op} without a path needs an object of attributes as its value`);
  for (const [key, item] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    // Okta quirk: the resource's own id repeated in the value
    if (key.toLowerCase() === 'id') {
      if (item === context.id) continue;
      throw scimError('mutability', '`id` cannot be changed');
    }
    const extension = findExtension(context.resource, key);
    if (extension !== undefined && isObject(item)) {
      for (const [name, sub] of Object.entries(item)) applyAtPath(context, document, op, `${extension.id}:${name}`, sub);
      continue;
    }
    // dotted keys (`name.givenName`) and URN-qualified keys are paths
    applyAtPath(context, document, op, key, item);
  }
}

function holderOf(document: JsonObject, resolved: ResolvedPath, create: boolean): JsonObject | undefined {
  if (resolved.schema === undefined) return document;
  const existing = document[resolved.schema];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: JsonObject = {};
  document[resolved.schema] = made;
  return made;
}

function applyAtPath(context: PatchContext, document: JsonObject, op: Op, pathText: string, value: unknown): void {
  // Okta sends password changes as PATCH: Parapet keeps no password, so there is nothing to change
  if (context.resource.name === 'User' && pathText.toLowerCase() === 'password') return;
  const parsed = parsePatchPath(pathText);
  const scope: Scope = { kind: 'resource', resource: context.resource };
  const resolved = resolvePath(scope, parsed.path, 'invalidPath');
  const attribute = resolved.attribute;
  const target = parsed.subAttribute === undefined ? resolved.subAttribute : findAttribute(attribute.subAttributes ?? [], parsed.subAttribute);
  if (parsed.subAttribute !== undefined && target === undefined) throw scimError('invalidPath', `\`${parsed.subAttribute}\` is not a sub-attribute of \`${attribute.name}\``);
  if (attribute.mutability === 'readOnly' || target?.mutability === 'readOnly') throw scimError('mutability', `\`${pathText}\` is read-only`);
  // RFC 7643 §2.2: an immutable value is set when its value is added (a member's `value`, `type`, `$ref`), never changed;
  // RFC 7644 §3.12 names the refusal `mutability`
  if (attribute.mutability === 'immutable' || target?.mutability === 'immutable') {
    throw scimError('mutability', `\`${pathText}\` is immutable: add or remove the whole value instead`);
  }
  if (op === 'remove' && attribute.required && target === undefined && parsed.filter === undefined) throw scimError('mutability', `\`${attribute.name}\` is required: it cannot be removed`);
  if (op !== 'remove' && value === undefined) throw scimError('invalidValue', `an ${op} needs a value`);

  if (parsed.filter !== undefined) {
    if (!attribute.multiValued || attribute.type !== 'complex') throw scimError('invalidPath', `\`${attribute.name}\` is not a multi-valued complex attribute: it takes no value filter`);
    checkFilter({ kind: 'sub', parent: attribute }, parsed.filter, 'invalidPath');
    applyFiltered(document, resolved, op, parsed.filter, target, value, pathText);
    return;
  }
  const holder = holderOf(document, resolved, op !== 'remove');
  if (holder === undefined) return;
  const name = attribute.name;

  if (target !== undefined) {
    // a sub-attribute: of the one complex value, or of every value of a multi-valued one
    const sub = op === 'remove' ? undefined : normalizeValue(target, value, pathText);
    if (attribute.multiValued) {
      const items = Array.isArray(holder[name]) ? (holder[name] as JsonObject[]) : [];
      if (op !== 'remove' && items.length === 0) holder[name] = [{ [target.name]: sub }];
      for (const item of items) {
        if (op === 'remove') delete item[target.name];
        else item[target.name] = sub;
      }
      return;
    }
    const complex = isObject(holder[name]) ? (holder[name] as JsonObject) : {};
    if (op === 'remove') delete complex[target.name];
    else complex[target.name] = sub;
    if (Object.keys(complex).length === 0) delete holder[name];
    else holder[name] = complex;
    return;
  }

  if (op === 'remove') {
    // Entra quirk: `{"op":"Remove","path":"members","value":[{"value":"…"}]}` removes those members only
    if (attribute.multiValued && value !== undefined && value !== null) {
      const gone = new Set((Array.isArray(value) ? value : [value]).map((item) => valueKey(normalizeValue(attribute, item, pathText, true))));
      const items = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
      const kept = items.filter((item) => !gone.has(valueKey(item)));
      if (kept.length === 0) delete holder[name];
      else holder[name] = kept;
      return;
    }
    delete holder[name];
    return;
  }
  const normalized = normalizeValue(attribute, value, pathText);
  if (attribute.multiValued) {
    const incoming = (normalized ?? []) as unknown[];
    if (op === 'replace') {
      if (incoming.length === 0) delete holder[name];
      else holder[name] = incoming;
      return;
    }
    const items = Array.isArray(holder[name]) ? [...(holder[name] as unknown[])] : [];
    const seen = new Set(items.map(identity));
    for (const item of incoming) {
      if (!seen.has(identity(item))) {
        items.push(item);
        seen.add(identity(item));
      }
    }
    if (items.length > 0) holder[name] = items;
    return;
  }
  if (attribute.type === 'complex' && isObject(normalized) && isObject(holder[name])) {
    // add and replace on a complex attribute set the sub-attributes given and keep the others (§3.5.2.1, §3.5.2.3)
    holder[name] = { ...(holder[name] as JsonObject), ...normalized };
    return;
  }
  if (normalized === undefined) delete holder[name];
  else holder[name] = normalized;
}

function applyFiltered(document: JsonObject, resolved: ResolvedPath, op: Op, filter: Filter, target: AttributeDefinition | undefined, value: unknown, pathText: string): void {
  const attribute = resolved.attribute;
  const holder = holderOf(document, resolved, op !== 'remove');
  if (holder === undefined) return;
  const items = Array.isArray(holder[attribute.name]) ? (holder[attribute.name] as JsonObject[]) : [];
  const scope: Scope = { kind: 'sub', parent: attribute };
  const matching = items.filter((item) => matchesFilter(scope, item, filter));
  if (op === 'remove') {
    // removing what is not there is done already: Okta and Entra retry removals
    if (target === undefined) {
      const kept = items.filter((item) => !matching.includes(item));
      if (kept.length === 0) delete holder[attribute.name];
      else holder[attribute.name] = kept;
    } else {
      for (const item of matching) delete item[target.name];
    }
    return;
  }
  const normalized = target === undefined ? normalizeValue(attribute, value, pathText, true) : normalizeValue(target, value, pathText);
  if (target === undefined && !isObject(normalized)) throw scimError('invalidValue', `\`${pathText}\` needs an object value`);
  if (matching.length === 0) {
    // Entra quirk: the value the filter describes is created
    const described = describedBy(filter, attribute);
    if (described === undefined) throw scimError('noTarget', `no value of \`${attribute.name}\` matches \`${pathText}\``);
    const created = target === undefined ? { ...described, ...(normalized as JsonObject) } : { ...described, [target.name]: normalized };
    holder[attribute.name] = [...items, created];
    return;
  }
  for (const item of matching) {
    if (target === undefined) Object.assign(item, normalized as JsonObject);
    else item[target.name] = normalized;
  }
}
