/**
 * `/scim/v2`: the SCIM 2.0 service provider (RFC 7643, RFC 7644) that Okta and Microsoft Entra
 * ID provision users and groups into. Only a SCIM token reaches these routes (app.ts); failures
 * answer with the SCIM error body (scim-error-reply.ts). Bodies are read by the SCIM core
 * (src/scim), not by zod: SCIM's attribute names are case-insensitive and its errors carry a
 * `scimType`. Every change is one transaction with its audit record (src/store/scim-directory.ts);
 * a change that takes access from a user revokes the user's credentials (scim-deprovision.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ParapetError } from '../../policy/index.ts';
import {
  applyPatch,
  checkFilter,
  excludes,
  isWellFormedText,
  GROUP_RESOURCE,
  LIST_RESPONSE_SCHEMA,
  normalizeResource,
  parseFilter,
  parseProjection,
  project,
  scimError,
  USER_RESOURCE,
  type Filter,
  type Scope,
  type JsonObject,
  type ResourceTypeDefinition,
  type SchemaDefinition,
  type AttributeDefinition,
} from '../../scim/index.ts';
import {
  createScimGroup,
  createScimUser,
  deleteScimGroup,
  deleteScimUser,
  getScimGroup,
  getScimUser,
  queryScimGroups,
  queryScimUsers,
  scimGroupsOfUsers,
  scimUserNames,
  updateScimGroup,
  updateScimUser,
  type NewScimGroup,
  type NewScimUser,
  type ScimActor,
  type ScimUserGroup,
  type StoredScimGroup,
  type StoredScimUser,
} from '../../store/index.ts';
import { callerOf } from '../authenticate.ts';
import { auditedChange } from '../record-audit-event.ts';
import { revokeUserAccess, subjectsOf } from '../scim-deprovision.ts';
import { revokeLostSessions } from '../scim-membership-revocation.ts';
import { SCIM_BASE, SCIM_CONTENT_TYPE } from '../scim-error-reply.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

/** a page never holds more than this, whatever `count` asks (RFC 7644 §3.4.2.4 lets the server cap it) */
export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

const SCIM_SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

type Params = { readonly id: string };
type ListQuery = Readonly<Record<string, string | undefined>>;

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
}

function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** If-Match (RFC 7644 §3.14): a stale version is refused with 412, nothing changed */
function checkIfMatch(request: FastifyRequest, version: number): void {
  const header = request.headers['if-match'];
  if (header === undefined) return;
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(etagOf(version)) || tags.includes(`"${version}"`)) return;
  throw new ParapetError('conflict', `the resource is at version ${etagOf(version)}, not ${header}: read it again`, { details: { scimStatus: 412 } });
}

/** an id from the URL: one no resource can have (a NUL, an unpaired surrogate) is not found, and never reaches the database */
function resourceId(id: string, kind: 'user' | 'group'): string {
  if (!isWellFormedText(id)) throw new ParapetError('not-found', `no ${kind} with that id`);
  return id;
}

function actorOf(context: ServerContext, request: FastifyRequest): ScimActor & { readonly by: string } {
  const caller = callerOf(request);
  if (caller.kind !== 'scim-client') throw new ParapetError('forbidden', 'only a SCIM token may use /scim/v2');
  return { tokenId: caller.tokenId, at: context.clock(), changeId: context.newId(), by: `scim-token:${caller.name}` };
}

/**
 * What a SCIM change's event says of the request: the names it sets and, for a PATCH, each
 * operation's `op` and `path` (not its values: an attribute's value can be large, and the stored
 * resource keeps it). SCIM attribute names are case-insensitive (RFC 7643 §2.1).
 */
function scimSummary(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const field = (object: object, name: string): unknown => Object.entries(object).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value.slice(0, 256) : undefined);
  const operations = field(body, 'Operations');
  return {
    userName: text(field(body, 'userName')),
    displayName: text(field(body, 'displayName')),
    externalId: text(field(body, 'externalId')),
    active: typeof field(body, 'active') === 'boolean' ? field(body, 'active') : undefined,
    operations: Array.isArray(operations)
      ? operations.slice(0, 100).map((operation: unknown) =>
          operation !== null && typeof operation === 'object' ? { op: text(field(operation, 'op')), path: text(field(operation, 'path')) } : {},
        )
      : undefined,
  };
}

function baseUrl(context: ServerContext): string {
  return `${context.settings.publicUrl.replace(/\/+$/, '')}${SCIM_BASE}`;
}

// ------------------------------------------------------------------ users

/** the canonical resource of a stored user, as the SCIM core reads and patches it */
function canonicalUser(user: StoredScimUser): JsonObject {
  const { schemas: _schemas, ...document } = user.document;
  return { id: user.id, ...(user.externalId === undefined ? {} : { externalId: user.externalId }), userName: user.userName, active: user.active, ...document };
}

/**
 * The User resource; `groups` (RFC 7643 §4.1.2: read-only, the groups the user is a direct member
 * of, with `value`, `$ref`, `display`, `type`) is read from the memberships when the response
 * carries it, so it always says what membership is now.
 */
function userResource(context: ServerContext, user: StoredScimUser, groups?: readonly ScimUserGroup[]): JsonObject {
  const canonical = canonicalUser(user);
  const extensions = USER_RESOURCE.extensions.filter((e) => canonical[e.id] !== undefined).map((e) => e.id);
  return {
    schemas: [USER_RESOURCE.schema.id, ...extensions],
    ...canonical,
    ...userGroupsAttribute(context, groups),
    meta: { resourceType: 'User', created: user.created, lastModified: user.modified, location: `${baseUrl(context)}/Users/${user.id}`, version: etagOf(user.version) },
  };
}

/** the stored columns and document of a canonical user; `active` absent keeps `activeIfAbsent` */
function userGroupsAttribute(context: ServerContext, groups: readonly ScimUserGroup[] | undefined): JsonObject {
  if (groups === undefined || groups.length === 0) return {};
  return { groups: groups.map((g) => ({ value: g.id, $ref: `${baseUrl(context)}/Groups/${g.id}`, display: g.displayName, type: 'direct' })) };
}

function storedUser(id: string, canonical: JsonObject, activeIfAbsent: boolean): NewScimUser {
  const { schemas: _s, id: _id, meta: _m, userName, externalId, active, ...document } = canonical;
  return {
    id,
    externalId: typeof externalId === 'string' ? externalId : undefined,
    userName: userName as string,
    active: typeof active === 'boolean' ? active : activeIfAbsent,
    document,
  };
}

// ------------------------------------------------------------------ groups

function canonicalGroup(group: StoredScimGroup, names: ReadonlyMap<string, string> | undefined, context: ServerContext): JsonObject {
  const { schemas: _schemas, ...document } = group.document;
  return {
    id: group.id,
    ...(group.externalId === undefined ? {} : { externalId: group.externalId }),
    displayName: group.displayName,
    ...document,
    ...(names === undefined || group.memberIds.length === 0
      ? {}
      : {
          members: group.memberIds.map((id) => ({
            value: id,
            $ref: `${baseUrl(context)}/Users/${id}`,
            type: 'User',
            ...(names.get(id) === undefined ? {} : { display: names.get(id) }),
          })),
        }),
  };
}

function groupResource(context: ServerContext, group: StoredScimGroup, names: ReadonlyMap<string, string> | undefined): JsonObject {
  return {
    schemas: [GROUP_RESOURCE.schema.id],
    ...canonicalGroup(group, names, context),
    meta: { resourceType: 'Group', created: group.created, lastModified: group.modified, location: `${baseUrl(context)}/Groups/${group.id}`, version: etagOf(group.version) },
  };
}

function storedGroup(id: string, canonical: JsonObject): NewScimGroup {
  const { schemas: _s, id: _id, meta: _m, displayName, externalId, members, ...document } = canonical;
  const memberIds: string[] = [];
  for (const member of Array.isArray(members) ? (members as JsonObject[]) : []) {
    if (typeof member['value'] !== 'string') throw scimError('invalidValue', 'every member needs a `value`: the id of a user');
    if (typeof member['type'] === 'string' && member['type'].toLowerCase() !== 'user') throw scimError('invalidValue', `member \`${member['value']}\`: only users can be members (nested groups are not supported)`);
    memberIds.push(member['value']);
  }
  return { id, externalId: typeof externalId === 'string' ? externalId : undefined, displayName: displayName as string, document, memberIds };
}

// ------------------------------------------------------------------ lists

interface Page {
  readonly startIndex: number;
  readonly count: number;
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d{1,9}$/.test(text.trim())) throw scimError('invalidValue', `\`${name}\` must be an integer`);
  return Number(text.trim());
}

/** startIndex below 1 is 1, count below 0 is 0 (RFC 7644 §3.4.2.4) */
function pageOf(query: ListQuery): Page {
  const startIndex = Math.max(1, integer(query['startIndex'], 'startIndex') ?? 1);
  const count = Math.min(MAX_PAGE, Math.max(0, integer(query['count'], 'count') ?? DEFAULT_PAGE));
  return { startIndex, count };
}

/** query parameter names case-insensitively, as SCIM's are */
function queryOf(request: FastifyRequest): ListQuery {
  const result: Record<string, string | undefined> = {};
  const names: Record<string, string> = { filter: 'filter', startindex: 'startIndex', count: 'count', attributes: 'attributes', excludedattributes: 'excludedAttributes' };
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    const name = names[key.toLowerCase()];
    if (name === undefined) continue;
    if (typeof value !== 'string') throw scimError('invalidValue', `\`${name}\` is given more than once`);
    result[name] = value;
  }
  return result;
}

function listResponse(resources: readonly JsonObject[], total: number, page: Page): JsonObject {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: total, startIndex: page.startIndex, itemsPerPage: resources.length, Resources: resources };
}

const USER_SCOPE: Scope = { kind: 'resource', resource: USER_RESOURCE };
const GROUP_SCOPE: Scope = { kind: 'resource', resource: GROUP_RESOURCE };

function parsedFilter(resource: ResourceTypeDefinition, text: string | undefined): Filter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const filter = parseFilter(text);
  checkFilter({ kind: 'resource', resource }, filter);
  return filter;
}

// ------------------------------------------------------------------ discovery

function schemaResource(context: ServerContext, schema: SchemaDefinition): JsonObject {
  const attribute = (a: AttributeDefinition): JsonObject => ({
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.subAttributes === undefined ? {} : { subAttributes: a.subAttributes.map(attribute) }),
  });
  return {
    schemas: [SCIM_SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attribute),
    meta: { resourceType: 'Schema', location: `${baseUrl(context)}/Schemas/${schema.id}` },
  };
}

function resourceTypeResource(context: ServerContext, type: ResourceTypeDefinition): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.schema.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl(context)}/ResourceTypes/${type.name}` },
  };
}

const RESOURCE_TYPES = [USER_RESOURCE, GROUP_RESOURCE];
const SCHEMAS = [USER_RESOURCE.schema, ...USER_RESOURCE.extensions, GROUP_RESOURCE.schema];

const ROUTE = { schema: { tags: ['scim'], hide: true } } as const;

export function scimRoutes(app: ZodApp, context: ServerContext): void {
  const base = SCIM_BASE;

  app.get(`${base}/ServiceProviderConfig`, ROUTE, (_request, reply) =>
    send(reply, 200, {
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      documentationUri: 'https://github.com/parapet/parapet/blob/main/docs/scim.md',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: MAX_PAGE },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'a token from `parapet scim token create`', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl(context)}/ServiceProviderConfig` },
    }),
  );
  app.get(`${base}/ResourceTypes`, ROUTE, (_request, reply) => {
    const all = RESOURCE_TYPES.map((t) => resourceTypeResource(context, t));
    return send(reply, 200, listResponse(all, all.length, { startIndex: 1, count: all.length }));
  });
  app.get<{ Params: Params }>(`${base}/ResourceTypes/:id`, ROUTE, (request, reply) => {
    const type = RESOURCE_TYPES.find((t) => t.name.toLowerCase() === request.params.id.toLowerCase());
    if (type === undefined) throw new ParapetError('not-found', `no resource type \`${request.params.id}\``);
    return send(reply, 200, resourceTypeResource(context, type));
  });
  app.get(`${base}/Schemas`, ROUTE, (_request, reply) => {
    const all = SCHEMAS.map((s) => schemaResource(context, s));
    return send(reply, 200, listResponse(all, all.length, { startIndex: 1, count: all.length }));
  });
  app.get<{ Params: Params }>(`${base}/Schemas/:id`, ROUTE, (request, reply) => {
    const schema = SCHEMAS.find((s) => s.id.toLowerCase() === request.params.id.toLowerCase());
    if (schema === undefined) throw new ParapetError('not-found', `no schema \`${request.params.id}\``);
    return send(reply, 200, schemaResource(context, schema));
  });

  // ---------------------------------------------------------------- Users

  async function existingUser(id: string): Promise<StoredScimUser> {
    const user = await getScimUser(context.store, id);
    if (user === undefined) throw new ParapetError('not-found', `no user \`${id}\``);
    return user;
  }

  /** a SCIM change, on record (with the token that makes it) before it is made (record-audit-event.ts) */
  function scimChange<T>(request: FastifyRequest, actor: ScimActor & { readonly by: string }, action: string, resource: string, details: Record<string, unknown>, change: () => Promise<T>): Promise<T> {
    return auditedChange(context, { principal: actor.by, session: actor.tokenId }, request, { type: 'scim-change', action, outcome: 'success', resource, details: { scimTokenId: actor.tokenId, changeId: actor.changeId, ...details } }, change);
  }

  /** the credentials of users the directory took access from, revoked on record */
  async function deprovision(request: FastifyRequest, actor: ScimActor & { readonly by: string }, users: readonly StoredScimUser[]): Promise<void> {
    if (users.length === 0) return;
    const subjects = [...new Set(users.flatMap((user) => subjectsOf(user)))];
    await auditedChange(
      context,
      { principal: actor.by, session: actor.tokenId },
      request,
      { type: 'revocation', action: 'deprovision', outcome: 'success', resource: `scim:User/${users[0]?.id ?? ''}`, details: { scimTokenId: actor.tokenId, subjects, issuedBefore: actor.at.toISOString() } },
      () => revokeUserAccess(context.revocations, users, actor.at, actor.by),
    );
  }

  async function sendUser(request: FastifyRequest, reply: FastifyReply, status: number, user: StoredScimUser): Promise<FastifyReply> {
    const query = queryOf(request);
    const projection = parseProjection(USER_RESOURCE, query['attributes'], query['excludedAttributes']);
    const groups = excludes(projection, 'groups') ? undefined : ((await scimGroupsOfUsers(context.store, [user.id])).get(user.id) ?? []);
    void reply.header('etag', etagOf(user.version));
    if (status === 201) void reply.header('location', `${baseUrl(context)}/Users/${user.id}`);
    return send(reply, status, project(userResource(context, user, groups), projection));
  }

  app.post(`${base}/Users`, ROUTE, async (request, reply) => {
    const actor = actorOf(context, request);
    const canonical = normalizeResource(USER_RESOURCE, request.body, { requireSchemas: true });
    const id = context.newId();
    const user = await scimChange(request, actor, 'create-user', `scim:User/${id}`, scimSummary(request.body), () => createScimUser(context.store, storedUser(id, canonical, true), actor));
    return sendUser(request, reply, 201, user);
  });

  app.get(`${base}/Users`, ROUTE, async (request, reply) => {
    const query = queryOf(request);
    const filter = parsedFilter(USER_RESOURCE, query['filter']);
    const projection = parseProjection(USER_RESOURCE, query['attributes'], query['excludedAttributes']);
    const page = pageOf(query);
    // filtered, ordered, paged and counted in SQL (src/store/scim-query.ts): a page reads a page, not the directory
    const { total, resources: users } = await queryScimUsers(context.store, USER_SCOPE, { filter, startIndex: page.startIndex, count: page.count, baseUrl: baseUrl(context) });
    // `groups` for the page only (read-only, from the memberships)
    const groupsOf = excludes(projection, 'groups') ? undefined : await scimGroupsOfUsers(context.store, users.map((u) => u.id));
    const resources = users.map((u) => project(userResource(context, u, groupsOf?.get(u.id)), projection));
    return send(reply, 200, listResponse(resources, total, page));
  });

  app.get<{ Params: Params }>(`${base}/Users/:id`, ROUTE, async (request, reply) => {
    const user = await existingUser(resourceId(request.params.id, 'user'));
    if (request.headers['if-none-match'] === etagOf(user.version)) return reply.code(304).send();
    return sendUser(request, reply, 200, user);
  });

  /** PUT and PATCH: the new user computed from the stored one inside the transaction; deactivation revokes */
  async function changeUser(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, compute: (current: StoredScimUser) => JsonObject): Promise<FastifyReply> {
    const actor = actorOf(context, request);
    const action = request.method === 'PATCH' ? 'patch-user' : 'replace-user';
    // checked before it is recorded: an id that cannot be one is 404, not an event
    const id = resourceId(request.params.id, 'user');
    const { before, after } = await scimChange(request, actor, action, `scim:User/${id}`, scimSummary(request.body), () =>
      updateScimUser(
        context.store,
        id,
        (current) => {
          checkIfMatch(request, current.version);
          return storedUser(current.id, compute(current), current.active);
        },
        actor,
      ),
    );
    // an inactive user has no access: every PUT or PATCH that leaves it inactive revokes (a retry after a failed revocation too)
    if (!after.active) await deprovision(request, actor, [before, after]);
    // a renamed user is another user to the directory: what was issued to the old name is revoked
    else if (before.userName.toLowerCase() !== after.userName.toLowerCase()) await revokeUserAccess(context.revocations, [{ userName: before.userName, document: {} }], actor.at, `${actor.by}: userName changed`);
    return sendUser(request, reply, 200, after);
  }

  app.put<{ Params: Params }>(`${base}/Users/:id`, ROUTE, (request, reply) =>
    changeUser(request, reply, () => {
      const canonical = normalizeResource(USER_RESOURCE, request.body, { requireSchemas: true });
      return canonical;
    }),
  );

  app.patch<{ Params: Params }>(`${base}/Users/:id`, ROUTE, (request, reply) =>
    changeUser(request, reply, (current) => applyPatch({ resource: USER_RESOURCE, id: current.id }, canonicalUser(current), request.body)),
  );

  app.delete<{ Params: Params }>(`${base}/Users/:id`, ROUTE, async (request, reply) => {
    const actor = actorOf(context, request);
    const existing = await existingUser(resourceId(request.params.id, 'user'));
    const { user } = await scimChange(request, actor, 'delete-user', `scim:User/${request.params.id}`, { userName: existing.userName }, () =>
      deleteScimUser(context.store, resourceId(request.params.id, 'user'), actor, (current) => checkIfMatch(request, current.version)),
    );
    await deprovision(request, actor, [user]);
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- Groups

  async function existingGroup(id: string): Promise<StoredScimGroup> {
    const group = await getScimGroup(context.store, id);
    if (group === undefined) throw new ParapetError('not-found', `no group \`${id}\``);
    return group;
  }

  async function sendGroup(request: FastifyRequest, reply: FastifyReply, status: number, group: StoredScimGroup): Promise<FastifyReply> {
    const query = queryOf(request);
    const projection = parseProjection(GROUP_RESOURCE, query['attributes'], query['excludedAttributes']);
    const names = excludes(projection, 'members') ? undefined : await scimUserNames(context.store, group.memberIds);
    void reply.header('etag', etagOf(group.version));
    if (status === 201) void reply.header('location', `${baseUrl(context)}/Groups/${group.id}`);
    return send(reply, status, project(groupResource(context, group, names), projection));
  }

  /** members removed from a group lose the sessions no other group covers (scim-membership-revocation.ts), on record */
  async function revokeMembers(request: FastifyRequest, userIds: readonly string[], why: string, actor: ScimActor & { readonly by: string }): Promise<void> {
    if (userIds.length === 0) return;
    const users: StoredScimUser[] = [];
    for (const id of userIds) {
      const user = await getScimUser(context.store, id);
      if (user !== undefined) users.push(user);
    }
    await auditedChange(
      context,
      { principal: actor.by, session: actor.tokenId },
      request,
      { type: 'revocation', action: 'membership-change', outcome: 'success', resource: `scim:Users`, details: { scimTokenId: actor.tokenId, users: users.map((user) => user.userName), why } },
      () => revokeLostSessions(context, users, why, actor.at, actor.by),
    );
  }

  app.post(`${base}/Groups`, ROUTE, async (request, reply) => {
    const actor = actorOf(context, request);
    const canonical = normalizeResource(GROUP_RESOURCE, request.body, { requireSchemas: true });
    const id = context.newId();
    const group = await scimChange(request, actor, 'create-group', `scim:Group/${id}`, scimSummary(request.body), () => createScimGroup(context.store, storedGroup(id, canonical), actor));
    return sendGroup(request, reply, 201, group);
  });

  app.get(`${base}/Groups`, ROUTE, async (request, reply) => {
    const query = queryOf(request);
    const filter = parsedFilter(GROUP_RESOURCE, query['filter']);
    const projection = parseProjection(GROUP_RESOURCE, query['attributes'], query['excludedAttributes']);
    const page = pageOf(query);
    // members are read only when returned (Entra lists groups with excludedAttributes=members); a filter on them is SQL
    const withMembers = !excludes(projection, 'members');
    const { total, resources: groups } = await queryScimGroups(context.store, GROUP_SCOPE, { filter, startIndex: page.startIndex, count: page.count, baseUrl: baseUrl(context), withMembers });
    const names = withMembers ? await scimUserNames(context.store, groups.flatMap((g) => g.memberIds)) : undefined;
    const resources = groups.map((g) => project(groupResource(context, g, names), projection));
    return send(reply, 200, listResponse(resources, total, page));
  });

  app.get<{ Params: Params }>(`${base}/Groups/:id`, ROUTE, async (request, reply) => {
    const group = await existingGroup(resourceId(request.params.id, 'group'));
    if (request.headers['if-none-match'] === etagOf(group.version)) return reply.code(304).send();
    return sendGroup(request, reply, 200, group);
  });

  async function changeGroup(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, compute: (current: StoredScimGroup) => JsonObject): Promise<FastifyReply> {
    const actor = actorOf(context, request);
    const action = request.method === 'PATCH' ? 'patch-group' : 'replace-group';
    const id = resourceId(request.params.id, 'group');
    const change = await scimChange(request, actor, action, `scim:Group/${id}`, scimSummary(request.body), () =>
      updateScimGroup(
        context.store,
        id,
        (current) => {
          checkIfMatch(request, current.version);
          return storedGroup(current.id, compute(current));
        },
        actor,
      ),
    );
    // a group renamed (or its externalId changed) may no longer be the one a synced group names: every member may lose access
    const renamed = change.before.displayName.toLowerCase() !== change.after.displayName.toLowerCase() || change.before.externalId !== change.after.externalId;
    if (renamed) await revokeMembers(request, [...new Set([...change.before.memberIds, ...change.after.memberIds])], `directory group \`${change.before.displayName}\` renamed or re-identified`, actor);
    else await revokeMembers(request, change.removed, `removed from directory group \`${change.after.displayName}\``, actor);
    return sendGroup(request, reply, 200, change.after);
  }

  app.put<{ Params: Params }>(`${base}/Groups/:id`, ROUTE, (request, reply) =>
    changeGroup(request, reply, () => normalizeResource(GROUP_RESOURCE, request.body, { requireSchemas: true })),
  );

  app.patch<{ Params: Params }>(`${base}/Groups/:id`, ROUTE, (request, reply) =>
    changeGroup(request, reply, (current) => applyPatch({ resource: GROUP_RESOURCE, id: current.id }, canonicalGroup(current, new Map(), context), request.body)),
  );

  app.delete<{ Params: Params }>(`${base}/Groups/:id`, ROUTE, async (request, reply) => {
    const actor = actorOf(context, request);
    const existing = await existingGroup(resourceId(request.params.id, 'group'));
    const group = await scimChange(request, actor, 'delete-group', `scim:Group/${request.params.id}`, { displayName: existing.displayName }, () =>
      deleteScimGroup(context.store, resourceId(request.params.id, 'group'), actor, (current) => checkIfMatch(request, current.version)),
    );
    await revokeMembers(request, group.memberIds, `directory group \`${group.displayName}\` deleted`, actor);
    return reply.code(204).send();
  });
}
