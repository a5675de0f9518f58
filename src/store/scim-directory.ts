/**
 * The directory a SCIM client (Okta, Microsoft Entra ID) pushes: users, groups and memberships.
 * Every change runs in one transaction together with its audit record (the token that made it), so
 * a failure leaves nothing half-applied; a change is computed from the row it read, and written
 * only if that row's version is still the same, so two concurrent writers cannot lose an update.
 * The SCIM semantics (attributes, filters, PATCH) live in src/scim; here is only storage.
 */
import type { Kysely, Transaction } from 'kysely';
import { ParapetError } from '../policy/index.ts';
import type { Database } from './database.ts';
import type { Scope } from '../scim/index.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import { pageOfRows, scimFilterCondition, writeScimUserValues, type ScimListOptions } from './scim-query.ts';
import type { Store } from './store.ts';

/** who made a change and when: recorded with it */
export interface ScimActor {
  readonly tokenId: string;
  readonly at: Date;
  /** a fresh id for the audit record */
  readonly changeId: string;
}

export interface NewScimUser {
  readonly id: string;
  readonly externalId: string | undefined;
  readonly userName: string;
  readonly active: boolean;
  /** every other attribute of the resource */
  readonly document: Readonly<Record<string, unknown>>;
}

export interface StoredScimUser extends NewScimUser {
  readonly version: number;
  readonly created: string;
  readonly modified: string;
}

export interface NewScimGroup {
  readonly id: string;
  readonly externalId: string | undefined;
  readonly displayName: string;
  readonly document: Readonly<Record<string, unknown>>;
  /** the ids of the member users */
  readonly memberIds: readonly string[];
}

export interface StoredScimGroup extends NewScimGroup {
  readonly version: number;
  readonly created: string;
  readonly modified: string;
}

/** a change as it was made: the row before and after (undefined before a create, after a delete) */
export interface ScimChange<T> {
  readonly before: T | undefined;
  readonly after: T | undefined;
}

/** how many ids one `in (…)` list carries: far below both dialects' parameter limits */
export const ID_CHUNK = 500;

type UserRow = Database['scim_users'];
type GroupRow = Database['scim_groups'];

function userOf(row: UserRow): StoredScimUser {
  return {
    id: row.id,
    externalId: row.external_id ?? undefined,
    userName: row.user_name,
    active: Number(row.active) === 1,
    document: JSON.parse(row.document) as Record<string, unknown>,
    version: Number(row.version),
    created: row.created_at,
    modified: row.modified_at,
  };
}

function groupOf(row: GroupRow, memberIds: readonly string[]): StoredScimGroup {
  return {
    id: row.id,
    externalId: row.external_id ?? undefined,
    displayName: row.display_name,
    document: JSON.parse(row.document) as Record<string, unknown>,
    memberIds,
    version: Number(row.version),
    created: row.created_at,
    modified: row.modified_at,
  };
}

function uniqueness(message: string): ParapetError {
  return new ParapetError('conflict', message, { details: { scimType: 'uniqueness' } });
}

function concurrent(kind: string, id: string): ParapetError {
  return new ParapetError('conflict', `${kind} \`${id}\` was changed by another request at the same time: retry`, { details: { scimType: 'concurrent' } });
}

async function recordChange(tx: Kysely<Database>, actor: ScimActor, resourceType: string, resourceId: string, operation: string, detail: unknown): Promise<void> {
  await tx
    .insertInto('scim_changes')
    .values({ id: actor.changeId, at: actor.at.toISOString(), token_id: actor.tokenId, resource_type: resourceType, resource_id: resourceId, operation, detail: JSON.stringify(detail) })
    .execute();
  // every server process polls this one row to know the directory changed (scim-directory-read.ts)
  await tx.updateTable('scim_directory_version').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
}

/** runs the body in a transaction; a unique violation becomes a SCIM `uniqueness` conflict */
async function inTransaction<T>(store: Store, what: string, body: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    return await store.db.transaction().execute(body);
  } catch (error) {
    if (isUniqueViolation(error)) throw uniqueness(`${what} already exists`);
    throw error;
  }
}

// ---------------------------------------------------------------- users

export async function createScimUser(store: Store, user: NewScimUser, actor: ScimActor): Promise<StoredScimUser> {
  const at = actor.at.toISOString();
  return inTransaction(store, `a user with userName \`${user.userName}\``, async (tx) => {
    await tx
      .insertInto('scim_users')
      .values({
        id: user.id,
        external_id: user.externalId ?? null,
        user_name: user.userName,
        user_name_key: user.userName.toLowerCase(),
        active: user.active ? 1 : 0,
        document: JSON.stringify(user.document),
        version: 1,
        created_at: at,
        modified_at: at,
      })
      .execute();
    await writeScimUserValues(tx, user.id, user.document);
    await recordChange(tx, actor, 'User', user.id, 'create', { userName: user.userName, active: user.active });
    return { ...user, version: 1, created: at, modified: at };
  });
}

export async function getScimUser(store: Store, id: string): Promise<StoredScimUser | undefined> {
  const row = await store.db.selectFrom('scim_users').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : userOf(row);
}

export interface ScimUserQuery {
  /** only the user with this userName (compared case-insensitively) */
  readonly userName?: string | undefined;
  readonly externalId?: string | undefined;
}

/** the users, oldest first (a stable order for startIndex paging) */
export async function listScimUsers(store: Store, query: ScimUserQuery = {}): Promise<StoredScimUser[]> {
  let select = store.db.selectFrom('scim_users').selectAll();
  if (query.userName !== undefined) select = select.where('user_name_key', '=', query.userName.toLowerCase());
  if (query.externalId !== undefined) select = select.where('external_id', '=', query.externalId);
  const rows = await select.orderBy('created_at').orderBy('id').execute();
  return rows.map(userOf);
}

export interface ScimPage<T> {
  /** every resource the filter matches (RFC 7644 §3.4.2: totalResults) */
  readonly total: number;
  readonly resources: readonly T[];
}

/**
 * One page of the users a SCIM filter matches, filtered, ordered, paged and counted in SQL
 * (scim-query.ts); `scope` is the one the filter was checked against.
 */
export async function queryScimUsers(store: Store, scope: Scope, options: ScimListOptions): Promise<ScimPage<StoredScimUser>> {
  const condition = scimFilterCondition(store.kind, 'User', scope, options.filter, options.baseUrl);
  const { total, rows } = await pageOfRows<UserRow>(store.db, 'scim_users', condition, options.startIndex, options.count);
  return { total, resources: rows.map(userOf) };
}

/** a page of groups, as queryScimUsers; members are read only when `withMembers` */
export async function queryScimGroups(store: Store, scope: Scope, options: ScimListOptions & { readonly withMembers: boolean }): Promise<ScimPage<StoredScimGroup>> {
  const condition = scimFilterCondition(store.kind, 'Group', scope, options.filter, options.baseUrl);
  const { total, rows } = await pageOfRows<GroupRow>(store.db, 'scim_groups', condition, options.startIndex, options.count);
  const members = options.withMembers ? await membersOf(store.db, rows.map((r) => r.id)) : new Map<string, string[]>();
  return { total, resources: rows.map((row) => groupOf(row, members.get(row.id) ?? [])) };
}

/**
 * Changes a user: `change` gets the stored user and returns the new one (it may throw to refuse:
 * nothing is written then). not-found when there is no such user.
 */
export async function updateScimUser(
  store: Store,
  id: string,
  change: (current: StoredScimUser) => NewScimUser,
  actor: ScimActor,
): Promise<ScimChange<StoredScimUser> & { readonly after: StoredScimUser; readonly before: StoredScimUser }> {
  const at = actor.at.toISOString();
  return inTransaction(store, 'a user with that userName', async (tx) => {
    const row = await tx.selectFrom('scim_users').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new ParapetError('not-found', `no user \`${id}\``);
    const before = userOf(row);
    const next = change(before);
    const version = before.version + 1;
    const result = await tx
      .updateTable('scim_users')
      .set({
        external_id: next.externalId ?? null,
        user_name: next.userName,
        user_name_key: next.userName.toLowerCase(),
        active: next.active ? 1 : 0,
        document: JSON.stringify(next.document),
        version,
        modified_at: at,
      })
      .where('id', '=', id)
      .where('version', '=', before.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw concurrent('user', id);
    await writeScimUserValues(tx, id, next.document);
    await recordChange(tx, actor, 'User', id, 'update', { userName: next.userName, active: next.active, wasActive: before.active });
    return { before, after: { ...next, id, version, created: before.created, modified: at } };
  });
}

/** deletes a user and its memberships; returns it, with the ids of the groups it was in */
export async function deleteScimUser(
  store: Store,
  id: string,
  actor: ScimActor,
  check: (current: StoredScimUser) => void = () => undefined,
): Promise<{ readonly user: StoredScimUser; readonly groupIds: readonly string[] }> {
  return inTransaction(store, 'user', async (tx) => {
    const row = await tx.selectFrom('scim_users').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new ParapetError('not-found', `no user \`${id}\``);
    check(userOf(row));
    const groups = await tx.selectFrom('scim_memberships').select('group_id').where('user_id', '=', id).execute();
    await tx.deleteFrom('scim_memberships').where('user_id', '=', id).execute();
    await writeScimUserValues(tx, id, undefined);
    await tx.deleteFrom('scim_users').where('id', '=', id).execute();
    await recordChange(tx, actor, 'User', id, 'delete', { userName: row.user_name });
    return { user: userOf(row), groupIds: groups.map((g) => g.group_id) };
  });
}

/** the userNames of these users, by id (for a group's `members[].display`) */
export async function scimUserNames(store: Store, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const rows = await store.db.selectFrom('scim_users').select(['id', 'user_name']).where('id', 'in', unique.slice(i, i + ID_CHUNK)).execute();
    for (const row of rows) names.set(row.id, row.user_name);
  }
  return names;
}

/** the groups a user is a member of */
export async function groupIdsOfScimUser(store: Store, userId: string): Promise<string[]> {
  const rows = await store.db.selectFrom('scim_memberships').select('group_id').where('user_id', '=', userId).orderBy('group_id').execute();
  return rows.map((r) => r.group_id);
}

// ---------------------------------------------------------------- groups

/** the member user ids of each of these groups, by group id (an entry for every group asked), ordered by user id */
export async function membersOf(db: Kysely<Database>, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  for (let i = 0; i < groupIds.length; i += ID_CHUNK) {
    const rows = await db
      .selectFrom('scim_memberships')
      .select(['group_id', 'user_id'])
      .where('group_id', 'in', groupIds.slice(i, i + ID_CHUNK))
      .orderBy('group_id')
      .orderBy('user_id')
      .execute();
    for (const row of rows) members.get(row.group_id)?.push(row.user_id);
  }
  return members;
}

/** refuses member ids that name no user: a membership always points at a stored user */
async function checkMembers(tx: Kysely<Database>, memberIds: readonly string[]): Promise<void> {
  const unique = [...new Set(memberIds)];
  const found = new Set<string>();
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const rows = await tx.selectFrom('scim_users').select('id').where('id', 'in', unique.slice(i, i + ID_CHUNK)).execute();
    for (const row of rows) found.add(row.id);
  }
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new ParapetError('invalid-input', `no user \`${missing[0]!}\`${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}: a member must be a provisioned user`, {
      details: { scimType: 'invalidValue' },
    });
  }
}

async function insertMembers(tx: Kysely<Database>, groupId: string, userIds: readonly string[]): Promise<void> {
  for (let i = 0; i < userIds.length; i += ID_CHUNK) {
    const chunk = userIds.slice(i, i + ID_CHUNK);
    if (chunk.length > 0) await tx.insertInto('scim_memberships').values(chunk.map((user_id) => ({ group_id: groupId, user_id }))).execute();
  }
}

export async function createScimGroup(store: Store, group: NewScimGroup, actor: ScimActor): Promise<StoredScimGroup> {
  const at = actor.at.toISOString();
  const memberIds = [...new Set(group.memberIds)].sort();
  return inTransaction(store, `a group with displayName \`${group.displayName}\``, async (tx) => {
    await checkMembers(tx, memberIds);
    await tx
      .insertInto('scim_groups')
      .values({
        id: group.id,
        external_id: group.externalId ?? null,
        display_name: group.displayName,
        display_name_key: group.displayName.toLowerCase(),
        document: JSON.stringify(group.document),
        version: 1,
        created_at: at,
        modified_at: at,
      })
      .execute();
    await insertMembers(tx, group.id, memberIds);
    await recordChange(tx, actor, 'Group', group.id, 'create', { displayName: group.displayName, added: memberIds });
    return { ...group, memberIds, version: 1, created: at, modified: at };
  });
}

export async function getScimGroup(store: Store, id: string): Promise<StoredScimGroup | undefined> {
  const row = await store.db.selectFrom('scim_groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  return groupOf(row, (await membersOf(store.db, [id])).get(id) ?? []);
}

export interface ScimGroupChange extends ScimChange<StoredScimGroup> {
  readonly before: StoredScimGroup;
  readonly after: StoredScimGroup;
  /** the user ids that are members after and not before, and the reverse */
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export async function updateScimGroup(store: Store, id: string, change: (current: StoredScimGroup) => NewScimGroup, actor: ScimActor): Promise<ScimGroupChange> {
  const at = actor.at.toISOString();
  return inTransaction(store, 'a group with that displayName', async (tx) => {
    const row = await tx.selectFrom('scim_groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new ParapetError('not-found', `no group \`${id}\``);
    const before = groupOf(row, (await membersOf(tx, [id])).get(id) ?? []);
    const next = change(before);
    const memberIds = [...new Set(next.memberIds)].sort();
    const old = new Set(before.memberIds);
    const now = new Set(memberIds);
    const added = memberIds.filter((m) => !old.has(m));
    const removed = before.memberIds.filter((m) => !now.has(m));
    await checkMembers(tx, added);
    const version = before.version + 1;
    const result = await tx
      .updateTable('scim_groups')
      .set({
        external_id: next.externalId ?? null,
        display_name: next.displayName,
        display_name_key: next.displayName.toLowerCase(),
        document: JSON.stringify(next.document),
        version,
        modified_at: at,
      })
      .where('id', '=', id)
      .where('version', '=', before.version)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw concurrent('group', id);
    for (let i = 0; i < removed.length; i += ID_CHUNK) {
      await tx.deleteFrom('scim_memberships').where('group_id', '=', id).where('user_id', 'in', removed.slice(i, i + ID_CHUNK)).execute();
    }
    await insertMembers(tx, id, added);
    await recordChange(tx, actor, 'Group', id, 'update', { displayName: next.displayName, added, removed });
    return { before, after: { ...next, id, memberIds, version, created: before.created, modified: at }, added, removed };
  });
}

export async function deleteScimGroup(store: Store, id: string, actor: ScimActor, check: (current: StoredScimGroup) => void = () => undefined): Promise<StoredScimGroup> {
  return inTransaction(store, 'group', async (tx) => {
    const row = await tx.selectFrom('scim_groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new ParapetError('not-found', `no group \`${id}\``);
    const group = groupOf(row, (await membersOf(tx, [id])).get(id) ?? []);
    check(group);
    await tx.deleteFrom('scim_memberships').where('group_id', '=', id).execute();
    await tx.deleteFrom('scim_groups').where('id', '=', id).execute();
    await recordChange(tx, actor, 'Group', id, 'delete', { displayName: group.displayName, removed: group.memberIds });
    return group;
  });
}

/** the audit records, oldest first */
export async function listScimChanges(store: Store): Promise<{ readonly at: string; readonly tokenId: string; readonly resourceType: string; readonly resourceId: string; readonly operation: string; readonly detail: unknown }[]> {
  const rows = await store.db.selectFrom('scim_changes').selectAll().orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({ at: r.at, tokenId: r.token_id, resourceType: r.resource_type, resourceId: r.resource_id, operation: r.operation, detail: JSON.parse(r.detail) as unknown }));
}
