/**
 * Reading the SCIM directory as a whole, for membership (not the SCIM list API, whose queries live
 * in scim-directory.ts): the version counter every change increments, and the users and groups a
 * configuration's synced groups and listed users need, or all of them for an export.
 *
 * One read is one transaction, so users, groups and memberships are of the same moment.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { ID_CHUNK, membersOf } from './scim-directory.ts';
import type { Store } from './store.ts';

export interface DirectoryRead {
  /** the directory version this read saw */
  readonly version: number;
  readonly users: readonly DirectoryReadUser[];
  readonly groups: readonly DirectoryReadGroup[];
}

export interface DirectoryReadUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | undefined;
  readonly active: boolean;
  readonly document: Readonly<Record<string, unknown>>;
}

export interface DirectoryReadGroup {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | undefined;
  /** user ids */
  readonly memberIds: readonly string[];
}

/** what to read: `all`, or the groups by displayName (without case) or externalId, their members, and these userNames (without case) */
export type DirectorySelection =
  | 'all'
  | { readonly displayNames: readonly string[]; readonly externalIds: readonly string[]; readonly userNames: readonly string[] };

export async function scimDirectoryVersion(store: Store): Promise<number> {
  return versionIn(store.db);
}

async function versionIn(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('scim_directory_version').select('version').where('id', '=', 1).executeTakeFirst();
  return Number(row?.version ?? 0);
}

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += ID_CHUNK) out.push(list.slice(i, i + ID_CHUNK));
  return out;
}

export async function readScimDirectory(store: Store, selection: DirectorySelection): Promise<DirectoryRead> {
  return store.db.transaction().execute(async (tx) => {
    const version = await versionIn(tx);
    const groupRows: { id: string; display_name: string; external_id: string | null }[] = [];
    if (selection === 'all') {
      groupRows.push(...(await tx.selectFrom('scim_groups').select(['id', 'display_name', 'external_id']).orderBy('created_at').orderBy('id').execute()));
    } else {
      const seen = new Set<string>();
      const add = (rows: typeof groupRows): void => {
        for (const row of rows) {
          if (seen.has(row.id)) continue;
          seen.add(row.id);
          groupRows.push(row);
        }
      };
      for (const keys of chunks([...new Set(selection.displayNames.map((n) => n.toLowerCase()))])) {
        add(await tx.selectFrom('scim_groups').select(['id', 'display_name', 'external_id']).where('display_name_key', 'in', keys).execute());
      }
      for (const ids of chunks([...new Set(selection.externalIds)])) {
        add(await tx.selectFrom('scim_groups').select(['id', 'display_name', 'external_id']).where('external_id', 'in', ids).execute());
      }
    }
    const members = await membersOf(tx, groupRows.map((g) => g.id));
    const userRows = new Map<string, Database['scim_users']>();
    if (selection === 'all') {
      for (const row of await tx.selectFrom('scim_users').selectAll().orderBy('created_at').orderBy('id').execute()) userRows.set(row.id, row);
    } else {
      const ids = [...new Set([...members.values()].flat())];
      for (const chunk of chunks(ids)) for (const row of await tx.selectFrom('scim_users').selectAll().where('id', 'in', chunk).execute()) userRows.set(row.id, row);
      for (const keys of chunks([...new Set(selection.userNames.map((n) => n.toLowerCase()))])) {
        for (const row of await tx.selectFrom('scim_users').selectAll().where('user_name_key', 'in', keys).execute()) userRows.set(row.id, row);
      }
    }
    return {
      version,
      users: [...userRows.values()].map((row) => ({
        id: row.id,
        userName: row.user_name,
        externalId: row.external_id ?? undefined,
        active: Number(row.active) === 1,
        document: JSON.parse(row.document) as Record<string, unknown>,
      })),
      groups: groupRows.map((row) => ({ id: row.id, displayName: row.display_name, externalId: row.external_id ?? undefined, memberIds: members.get(row.id) ?? [] })),
    };
  });
}

/** a group a user is a member of, for the User resource's read-only `groups` (RFC 7643 §4.1.2) */
export interface ScimUserGroup {
  readonly id: string;
  readonly displayName: string;
}

/** the groups of each of these users, by user id, by displayName then id; a user in no group has no entry */
export async function scimGroupsOfUsers(store: Store, userIds: readonly string[]): Promise<Map<string, ScimUserGroup[]>> {
  const groups = new Map<string, ScimUserGroup[]>();
  for (const chunk of chunks([...new Set(userIds)])) {
    const rows = await store.db
      .selectFrom('scim_memberships')
      .innerJoin('scim_groups', 'scim_groups.id', 'scim_memberships.group_id')
      .select(['scim_memberships.user_id as userId', 'scim_groups.id as id', 'scim_groups.display_name as displayName'])
      .where('scim_memberships.user_id', 'in', chunk)
      .orderBy('scim_groups.display_name_key')
      .orderBy('scim_groups.id')
      .execute();
    for (const row of rows) {
      const list = groups.get(row.userId);
      if (list === undefined) groups.set(row.userId, [{ id: row.id, displayName: row.displayName }]);
      else list.push({ id: row.id, displayName: row.displayName });
    }
  }
  return groups;
}
