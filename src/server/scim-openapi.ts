/**
 * /scim/v2 in /openapi.json. The SCIM routes read their bodies with the SCIM core, not zod (names
 * are case-insensitive, errors carry a scimType), so Fastify's generator has nothing to describe
 * them from; this module writes their paths and components from the same schema definitions the
 * SCIM core uses (src/scim/scim-schemas.ts): every attribute with its type, multiplicity and
 * mutability (readOnly), the enterprise extension under its URN, the ListResponse, PatchOp and
 * Error messages of RFC 7644. A test validates real answers of the server against it.
 */
import {
  coreAttributes,
  GROUP_RESOURCE,
  LIST_RESPONSE_SCHEMA,
  MAX_FILTER_LENGTH,
  MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  SCIM_ERROR_SCHEMA,
  USER_RESOURCE,
  type AttributeDefinition,
  type ResourceTypeDefinition,
} from '../scim/index.ts';
import { SCIM_BASE } from './scim-error-reply.ts';

type JsonSchema = Record<string, unknown>;

/** the OpenAPI document as @fastify/swagger makes it, the parts this module adds to */
export interface OpenApiDocument {
  readonly paths?: Record<string, unknown>;
  readonly components?: { readonly schemas?: Record<string, unknown>; readonly securitySchemes?: Record<string, unknown> } & Record<string, unknown>;
  readonly tags?: readonly unknown[];
  readonly [key: string]: unknown;
}

export interface SchemaOptions {
  /** no attribute beyond the schema's (true: what the server answers; false: what it accepts, which also takes `password` and vendor schemas) */
  readonly strict: boolean;
}

function attributeSchema(attribute: AttributeDefinition, options: SchemaOptions): JsonSchema {
  let single: JsonSchema;
  switch (attribute.type) {
    case 'boolean':
      single = { type: 'boolean' };
      break;
    case 'integer':
      single = { type: 'integer' };
      break;
    case 'decimal':
      single = { type: 'number' };
      break;
    case 'dateTime':
      single = { type: 'string', format: 'date-time' };
      break;
    case 'complex':
      single = {
        type: 'object',
        properties: Object.fromEntries((attribute.subAttributes ?? []).map((sub) => [sub.name, attributeSchema(sub, options)])),
        ...(options.strict ? { additionalProperties: false } : {}),
      };
      break;
    default:
      single = { type: 'string' };
  }
  const described = { ...single, description: attribute.description, ...(attribute.mutability === 'readOnly' ? { readOnly: true } : {}) };
  return attribute.multiValued ? { type: 'array', items: single, description: attribute.description, ...(attribute.mutability === 'readOnly' ? { readOnly: true } : {}) } : described;
}

/** a User or Group resource as JSON Schema (2020-12, as OpenAPI 3.1 uses it) */
export function resourceJsonSchema(resource: ResourceTypeDefinition, options: SchemaOptions): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    schemas: { type: 'array', items: { type: 'string' }, minItems: 1, description: `the schema URNs: \`${resource.schema.id}\` and the extensions present` },
  };
  for (const attribute of coreAttributes(resource)) properties[attribute.name] = attributeSchema(attribute, options);
  for (const extension of resource.extensions) {
    properties[extension.id] = {
      type: 'object',
      description: extension.description,
      properties: Object.fromEntries(extension.attributes.map((a) => [a.name, attributeSchema(a, options)])),
      ...(options.strict ? { additionalProperties: false } : {}),
    };
  }
  const required = resource.schema.attributes.filter((a) => a.required).map((a) => a.name);
  return {
    type: 'object',
    description: `${resource.schema.description} (${resource.schema.id}); attribute names are case-insensitive in requests`,
    properties,
    required: options.strict ? ['schemas', 'id', ...required, 'meta'] : ['schemas', ...required],
    ...(options.strict ? { additionalProperties: false } : {}),
  };
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 7644 §3.12: every failure on /scim/v2 answers with this body',
  properties: {
    schemas: { type: 'array', items: { const: SCIM_ERROR_SCHEMA }, minItems: 1, maxItems: 1 },
    status: { type: 'string', pattern: '^[1-5][0-9][0-9]$', description: 'the HTTP status, as a string' },
    scimType: { enum: ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'] },
    detail: { type: 'string' },
  },
  required: ['schemas', 'status', 'detail'],
  additionalProperties: false,
};

const LIST_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 7644 §3.4.2: a page of resources and the number of all that match',
  properties: {
    schemas: { type: 'array', items: { const: LIST_RESPONSE_SCHEMA }, minItems: 1, maxItems: 1 },
    totalResults: { type: 'integer', minimum: 0 },
    startIndex: { type: 'integer', minimum: 1 },
    itemsPerPage: { type: 'integer', minimum: 0 },
    Resources: { type: 'array', items: { type: 'object' } },
  },
  required: ['schemas', 'totalResults', 'startIndex', 'itemsPerPage', 'Resources'],
  additionalProperties: false,
};

const PATCH_SCHEMA: JsonSchema = {
  type: 'object',
  description: `RFC 7644 §3.5.2: operations applied in order, all or none; at most ${MAX_PATCH_OPERATIONS}. \`op\` is case-insensitive (Entra ID sends \`Add\`, \`Replace\`, \`Remove\`)`,
  properties: {
    schemas: { type: 'array', items: { type: 'string' }, contains: { const: PATCH_OP_SCHEMA } },
    Operations: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_PATCH_OPERATIONS,
      items: {
        type: 'object',
        properties: {
          op: { type: 'string', description: 'add, replace or remove, in any case' },
          path: { type: 'string', description: 'an attribute path, possibly filtered: `emails[type eq "work"].value`, `members[value eq "…"]`' },
          value: { description: 'the value; without `path`, an object of attributes (keys may be paths)' },
        },
        required: ['op'],
      },
    },
  },
  required: ['schemas', 'Operations'],
};

const LOOSE_OBJECT: JsonSchema = { type: 'object', additionalProperties: true };

const SCIM_CONTENT = (schema: string) => ({ 'application/scim+json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const REQUEST_CONTENT = (schema: string) => ({
  required: true,
  content: { 'application/scim+json': { schema: { $ref: `#/components/schemas/${schema}` } }, 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});

function errors(...statuses: number[]): Record<string, unknown> {
  const text: Record<number, string> = {
    400: 'invalid request: invalidFilter, invalidPath, invalidValue, invalidSyntax, noTarget, mutability or tooMany',
    401: 'no token, or not a live SCIM token',
    403: 'a credential that is not a SCIM token',
    404: 'no such resource',
    409: 'uniqueness (userName, or a group displayName, case-insensitively), or a concurrent change',
    412: 'If-Match names a version that is no longer current',
    413: 'the body is larger than the server accepts',
    415: 'the body is not application/scim+json or application/json',
  };
  return Object.fromEntries([401, 403, ...statuses].sort().map((status) => [String(status), { description: text[status] ?? 'failure', content: SCIM_CONTENT('ScimError') }]));
}

const LIST_PARAMETERS = [
  { name: 'filter', in: 'query', schema: { type: 'string', maxLength: MAX_FILTER_LENGTH }, description: 'RFC 7644 §3.4.2.2: eq ne co sw ew gt ge lt le pr, and or not, ( ), value filters `emails[type eq "work"]`' },
  { name: 'startIndex', in: 'query', schema: { type: 'integer' }, description: '1-based; below 1 is 1' },
  { name: 'count', in: 'query', schema: { type: 'integer' }, description: 'page size, default 100, at most 1000' },
  { name: 'attributes', in: 'query', schema: { type: 'string' }, description: 'comma-separated attributes to return (id and schemas always are)' },
  { name: 'excludedAttributes', in: 'query', schema: { type: 'string' }, description: 'comma-separated attributes to leave out (Entra ID: `members`)' },
];
const ID_PARAMETER = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const IF_MATCH = { name: 'If-Match', in: 'header', schema: { type: 'string' }, description: 'RFC 7644 §3.14: `W/"n"` of meta.version; a stale one is 412' };

function resourcePaths(resource: ResourceTypeDefinition): Record<string, unknown> {
  const name = resource.name;
  const schema = `Scim${name}`;
  const tags = ['scim'];
  const security = [{ scimToken: [] }];
  const one = { 200: { description: `the ${name}`, content: SCIM_CONTENT(schema) } };
  return {
    [`${SCIM_BASE}${resource.endpoint}`]: {
      get: { tags, security, summary: `list ${name}s: filtered, paged, counted`, parameters: LIST_PARAMETERS, responses: { 200: { description: `a page of ${name}s (${schema})`, content: SCIM_CONTENT('ScimListResponse') }, ...errors(400) } },
      post: { tags, security, summary: `create a ${name}`, requestBody: REQUEST_CONTENT(`${schema}Request`), responses: { 201: { description: `the ${name} created`, content: SCIM_CONTENT(schema) }, ...errors(400, 409, 413, 415) } },
    },
    [`${SCIM_BASE}${resource.endpoint}/{id}`]: {
      get: { tags, security, summary: `a ${name}`, parameters: [ID_PARAMETER, ...LIST_PARAMETERS.slice(3)], responses: { ...one, 304: { description: 'If-None-Match names the current version' }, ...errors(400, 404) } },
      put: { tags, security, summary: `replace a ${name}`, parameters: [ID_PARAMETER, IF_MATCH], requestBody: REQUEST_CONTENT(`${schema}Request`), responses: { ...one, ...errors(400, 404, 409, 412, 413, 415) } },
      patch: { tags, security, summary: `change a ${name} (RFC 7644 §3.5.2)`, parameters: [ID_PARAMETER, IF_MATCH], requestBody: REQUEST_CONTENT('ScimPatchOp'), responses: { ...one, ...errors(400, 404, 409, 412, 413, 415) } },
      delete: { tags, security, summary: `delete a ${name}`, parameters: [ID_PARAMETER, IF_MATCH], responses: { 204: { description: 'deleted' }, ...errors(404, 412) } },
    },
  };
}

function discoveryPaths(): Record<string, unknown> {
  const tags = ['scim'];
  const security = [{ scimToken: [] }];
  const loose = (description: string) => ({ 200: { description, content: { 'application/scim+json': { schema: LOOSE_OBJECT } } }, ...errors() });
  return {
    [`${SCIM_BASE}/ServiceProviderConfig`]: { get: { tags, security, summary: 'what this service provider supports (RFC 7643 §5)', responses: loose('the ServiceProviderConfig') } },
    [`${SCIM_BASE}/ResourceTypes`]: { get: { tags, security, summary: 'User and Group (RFC 7643 §6)', responses: { 200: { description: 'a ListResponse', content: SCIM_CONTENT('ScimListResponse') }, ...errors() } } },
    [`${SCIM_BASE}/ResourceTypes/{id}`]: { get: { tags, security, parameters: [ID_PARAMETER], summary: 'one resource type', responses: { ...loose('the ResourceType'), ...errors(404) } } },
    [`${SCIM_BASE}/Schemas`]: { get: { tags, security, summary: 'the schemas and their attributes (RFC 7643 §7)', responses: { 200: { description: 'a ListResponse', content: SCIM_CONTENT('ScimListResponse') }, ...errors() } } },
    [`${SCIM_BASE}/Schemas/{id}`]: { get: { tags, security, parameters: [ID_PARAMETER], summary: 'one schema, by URN', responses: { ...loose('the Schema'), ...errors(404) } } },
  };
}

/** the components SCIM adds: each resource as answered (strict) and as accepted, and the RFC 7644 messages */
export function scimComponents(): Record<string, JsonSchema> {
  return {
    ScimUser: resourceJsonSchema(USER_RESOURCE, { strict: true }),
    ScimUserRequest: resourceJsonSchema(USER_RESOURCE, { strict: false }),
    ScimGroup: resourceJsonSchema(GROUP_RESOURCE, { strict: true }),
    ScimGroupRequest: resourceJsonSchema(GROUP_RESOURCE, { strict: false }),
    ScimListResponse: LIST_SCHEMA,
    ScimPatchOp: PATCH_SCHEMA,
    ScimError: ERROR_SCHEMA,
  };
}

/** the document with /scim/v2 added: its paths, components and the SCIM token's security scheme */
export function withScim(document: OpenApiDocument): OpenApiDocument {
  return {
    ...document,
    paths: { ...document.paths, ...resourcePaths(USER_RESOURCE), ...resourcePaths(GROUP_RESOURCE), ...discoveryPaths() },
    components: {
      ...document.components,
      schemas: { ...document.components?.schemas, ...scimComponents() },
      securitySchemes: { ...document.components?.securitySchemes, scimToken: { type: 'http', scheme: 'bearer', description: 'a SCIM token (`parapet scim token create`): it reaches /scim/v2 and nothing else' } },
    },
  };
}
