/**
 * The server's directory: the active configuration combined with what SCIM has pushed
 * (src/org/synced-directory.ts), read from the store. The process reads only what the
 * configuration needs (its synced groups with their members, and the users it lists, to know who
 * is deactivated); `parapet directory export` reads everything. Both become the same
 * `DirectorySnapshot` value, so the server and an offline `parapet test --directory` combine the
 * same data the same way.
 */
import { configDirectory, DIRECTORY_FORMAT, syncedDirectory, type Directory, type DirectorySnapshot, type OrgConfig } from '../org/index.ts';
import { readScimDirectory, type DirectoryRead, type DirectorySelection, type Store } from '../store/index.ts';

/** the e-mail addresses of a SCIM user's `emails` */
export function emailsOf(document: Readonly<Record<string, unknown>>): string[] {
  const emails = document['emails'];
  if (!Array.isArray(emails)) return [];
  return emails.flatMap((email) => {
    const value = (email as { value?: unknown } | null)?.value;
    return typeof value === 'string' && value.trim() !== '' ? [value] : [];
  });
}

export function snapshotOf(read: DirectoryRead, exportedAt?: Date): DirectorySnapshot {
  const names = new Map(read.users.map((user) => [user.id, user.userName]));
  return {
    format: DIRECTORY_FORMAT,
    ...(exportedAt === undefined ? {} : { exportedAt: exportedAt.toISOString() }),
    users: read.users.map((user) => {
      const { emails: _emails, displayName, ...attributes } = user.document;
      return {
        userName: user.userName,
        ...(user.externalId === undefined ? {} : { externalId: user.externalId }),
        ...(typeof displayName === 'string' && displayName.trim() !== '' ? { displayName } : {}),
        emails: emailsOf(user.document),
        active: user.active,
        attributes,
      };
    }),
    groups: read.groups.map((group) => ({
      displayName: group.displayName,
      ...(group.externalId === undefined ? {} : { externalId: group.externalId }),
      members: group.memberIds.flatMap((id) => names.get(id) ?? []),
    })),
  };
}

/** what of the SCIM store the configuration's directory depends on */
export function selectionFor(config: OrgConfig): DirectorySelection {
  const displayNames: string[] = [];
  const externalIds: string[] = [];
  for (const group of config.groups.values()) {
    if (group.synced === undefined) continue;
    if ('displayName' in group.synced) displayNames.push(group.synced.displayName);
    else externalIds.push(group.synced.externalId);
  }
  return { displayNames, externalIds, userNames: [...configDirectory(config).listUsers()] };
}

export async function loadServerDirectory(store: Store, config: OrgConfig): Promise<{ readonly version: number; readonly directory: Directory }> {
  const read = await readScimDirectory(store, selectionFor(config));
  return { version: read.version, directory: syncedDirectory(config, snapshotOf(read)) };
}
