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
  GROUP_RESOURCE,
  LIST_RESPONSE_SCHEMA,
  matchesFilter,
  normalizeResource,
  parseFilter,
  parseProjection,
  project,
  scimError,
  USER_RESOURCE,
  type Filter,
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
  listScimGroups,
  listScimUsers,
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
import { revokeUserAccess } from '../scim-deprovision.ts';
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

function actorOf(context: ServerContext, request: FastifyRequest): ScimActor & { readonly by: string } {
  const caller = callerOf(request);
  if (caller.kind !== 'scim-client') throw new ParapetError('forbidden', 'only a SCIM token may use /scim/v2');
  return { tokenId: caller.tokenId, at: context.clock(), changeId: context.newId(), by: `scim-token:${caller.name}` };
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

/** `attr eq "value"` at the top: what the store can look up directly */
function topEquality(filter: Filter | undefined, attribute: string): string | undefined {
  if (filter?.kind !== 'compare' || filter.operator !== 'eq' || typeof filter.value !== 'string') return undefined;
  if (filter.path.schema !== undefined || filter.path.subAttribute !== undefined || filter.path.attribute.toLowerCase() !== attribute.toLowerCase()) return undefined;
  return filter.value;
}

function listResponse(resources: readonly JsonObject[], total: number, page: Page): JsonObject {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: total, startIndex: page.startIndex, itemsPerPage: resources.length, Resources: resources };
}

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
    const user = await createScimUser(context.store, storedUser(context.newId(), canonical, true), actor);
    return sendUser(request, reply, 201, user);
  });

  app.get(`${base}/Users`, ROUTE, async (request, reply) => {
    const query = queryOf(request);
    const filter = parsedFilter(USER_RESOURCE, query['filter']);
    const projection = parseProjection(USER_RESOURCE, query['attributes'], query['excludedAttributes']);
    const page = pageOf(query);
    const stored = await listScimUsers(context.store, { userName: topEquality(filter, 'userName'), externalId: topEquality(filter, 'externalId') });
    const scope = { kind: 'resource', resource: USER_RESOURCE } as const;
    const matching = stored.map((u) => userResource(context, u)).filter((u) => filter === undefined || matchesFilter(scope, u, filter));
    const pageUsers = matching.slice(page.startIndex - 1, page.startIndex - 1 + page.count);
    // `groups` for the page only (read-only, from the memberships; a filter on it is not supported)
    const groupsOf = excludes(projection, 'groups') ? undefined : await scimGroupsOfUsers(context.store, pageUsers.map((u) => u['id'] as string));
    const resources = pageUsers.map((u) => project(groupsOf === undefined ? u : { ...u, ...userGroupsAttribute(context, groupsOf.get(u['id'] as string)) }, projection));
    return send(reply, 200, listResponse(resources, matching.length, page));
  });

  app.get<{ Params: Params }>(`${base}/Users/:id`, ROUTE, async (request, reply) => {
    const user = await existingUser(request.params.id);
    if (request.headers['if-none-match'] === etagOf(user.version)) return reply.code(304).send();
    return sendUser(request, reply, 200, user);
  });

  /** PUT and PATCH: the new user computed from the stored one inside the transaction; deactivation revokes */
  async function changeUser(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, compute: (current: StoredScimUser) => JsonObject): Promise<FastifyReply> {
    const actor = actorOf(context, request);
    const { before, after } = await updateScimUser(
      context.store,
      request.params.id,
      (current) => {
        checkIfMatch(request, current.version);
        return storedUser(current.id, compute(current), current.active);
      },
      actor,
    );
    // an inactive user has no access: every PUT or PATCH that leaves it inactive revokes (a retry after a failed revocation too)
    if (!after.active) await revokeUserAccess(context.revocations, [before, after], actor.at, actor.by);
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
    await existingUser(request.params.id);
    const { user } = await deleteScimUser(context.store, request.params.id, actor, (current) => checkIfMatch(request, current.version));
    await revokeUserAccess(context.revocations, [user], actor.at, actor.by);
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

  /** members removed from a group lose the sessions no other group covers (scim-membership-revocation.ts) */
  async function revokeMembers(userIds: readonly string[], why: string, actor: ScimActor & { readonly by: string }): Promise<void> {
    if (userIds.length === 0) return;
    const users: StoredScimUser[] = [];
    for (const id of userIds) {
      const user = await getScimUser(context.store, id);
      if (user !== undefined) users.push(user);
    }
    await revokeLostSessions(context, users, why, actor.at, actor.by);
  }

  app.post(`${base}/Groups`, ROUTE, async (request, reply) => {
    const actor = actorOf(context, request);
    const canonical = normalizeResource(GROUP_RESOURCE, request.body, { requireSchemas: true });
    const group = await createScimGroup(context.store, storedGroup(context.newId(), canonical), actor);
    return sendGroup(request, reply, 201, group);
  });

  app.get(`${base}/Groups`, ROUTE, async (request, reply) => {
    const query = queryOf(request);
    const filter = parsedFilter(GROUP_RESOURCE, query['filter']);
    const projection = parseProjection(GROUP_RESOURCE, query['attributes'], query['excludedAttributes']);
    const page = pageOf(query);
    // members are read only when returned or filtered on (Entra lists groups with excludedAttributes=members)
    const needMembers = !excludes(projection, 'members') || (query['filter'] ?? '').toLowerCase().includes('members');
    const stored = await listScimGroups(context.store, { displayName: topEquality(filter, 'displayName'), externalId: topEquality(filter, 'externalId'), withMembers: needMembers });
    const scope = { kind: 'resource', resource: GROUP_RESOURCE } as const;
    const matching = stored.filter((g) => filter === undefined || matchesFilter(scope, canonicalGroup(g, new Map(), context), filter));
    const pageGroups = matching.slice(page.startIndex - 1, page.startIndex - 1 + page.count);
    const names = excludes(projection, 'members') ? undefined : await scimUserNames(context.store, pageGroups.flatMap((g) => g.memberIds));
    const resources = pageGroups.map((g) => project(groupResource(context, g, names), projection));
    return send(reply, 200, listResponse(resources, matching.length, page));
  });

  app.get<{ Params: Params }>(`${base}/Groups/:id`, ROUTE, async (request, reply) => {
    const group = await existingGroup(request.params.id);
    if (request.headers['if-none-match'] === etagOf(group.version)) return reply.code(304).send();
    return sendGroup(request, reply, 200, group);
  });

  async function changeGroup(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, compute: (current: StoredScimGroup) => JsonObject): Promise<FastifyReply> {
    const actor = actorOf(context, request);
    const change = await updateScimGroup(
      context.store,
      request.params.id,
      (current) => {
        checkIfMatch(request, current.version);
        return storedGroup(current.id, compute(current));
      },
      actor,
    );
    // a group renamed (or its externalId changed) may no longer be the one a synced group names: every member may lose access
    const renamed = change.before.displayName.toLowerCase() !== change.after.displayName.toLowerCase() || change.before.externalId !== change.after.externalId;
    if (renamed) await revokeMembers([...new Set([...change.before.memberIds, ...change.after.memberIds])], `directory group \`${change.before.displayName}\` renamed or re-identified`, actor);
    else await revokeMembers(change.removed, `removed from directory group \`${change.after.displayName}\``, actor);
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
    await existingGroup(request.params.id);
    const group = await deleteScimGroup(context.store, request.params.id, actor, (current) => checkIfMatch(request, current.version));
    await revokeMembers(group.memberIds, `directory group \`${group.displayName}\` deleted`, actor);
    return reply.code(204).send();
  });
}
