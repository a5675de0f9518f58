/**
 * The directory a configuration with synced groups decides with: `parapet.yaml`'s groups, where a
 * group declared `synced` from the directory has the members SCIM gives its directory group, and
 * every user the identity provider deactivated is a member of no group at all (access follows the
 * directory: someone who left has none, whichever group listed them). One function for the server
 * (over its SCIM store) and for the CLI (over `parapet directory export`'s file), so an offline
 * answer is the server's answer.
 *
 * - The groups are the configuration's, in its order; a directory group no configuration group
 *   names gives nobody access.
 * - `synced: { displayName }` matches without case (SCIM's displayName is unique without case),
 *   `synced: { externalId }` exactly; several directory groups with one externalId all count.
 * - A user's name is its SCIM userName; a user the configuration also lists (without case) keeps
 *   the configuration's spelling, so one person is one user.
 * - A deactivated user is still known (`hasUser`, `attributesOf(...).active === false`), so sign-in
 *   and decisions can say why they refuse, but `groupsOf` is empty and no group lists them.
 * - Attributes: display name, active, and the principal tags the configuration maps from SCIM
 *   attributes (principal-tags.ts).
 */
import type { ConfigIssue } from './config-issue.ts';
import { configDirectory } from './config-directory.ts';
import type { Directory, UserAttributes } from './directory.ts';
import type { DirectorySnapshot, SnapshotGroup, SnapshotUser } from './directory-snapshot.ts';
import type { GroupSync, OrgConfig } from './org-config.ts';
import { principalTagsOf } from './principal-tags.ts';
import { formatYamlPath } from './read-yaml-tree.ts';

const NONE: readonly string[] = Object.freeze([]);

/** true when some group of the configuration is synced: only then does a snapshot change its membership, besides deactivations */
export function hasSyncedGroups(config: OrgConfig): boolean {
  for (const group of config.groups.values()) if (group.synced !== undefined) return true;
  return false;
}

/** the snapshot's groups a configuration group is synced from */
export function directoryGroupsOf(snapshot: Pick<DirectorySnapshot, 'groups'>, sync: GroupSync): SnapshotGroup[] {
  if ('displayName' in sync) {
    const key = sync.displayName.toLowerCase();
    return snapshot.groups.filter((group) => group.displayName.toLowerCase() === key);
  }
  return snapshot.groups.filter((group) => group.externalId === sync.externalId);
}

export function syncedDirectory(config: OrgConfig, snapshot: DirectorySnapshot): Directory {
  const declared = configDirectory(config);
  const scimUsers = new Map<string, SnapshotUser>();
  for (const user of snapshot.users) scimUsers.set(user.userName.toLowerCase(), user);
  // the configuration's spelling of a user it lists, by lower-cased name
  const configSpelling = new Map<string, string>();
  for (const user of declared.listUsers()) if (!configSpelling.has(user.toLowerCase())) configSpelling.set(user.toLowerCase(), user);
  const nameOf = (userName: string): string => configSpelling.get(userName.toLowerCase()) ?? userName;
  const isInactive = (name: string): boolean => scimUsers.get(name.toLowerCase())?.active === false;

  const members = new Map<string, readonly string[]>();
  const groupsOf = new Map<string, string[]>();
  const known = new Set<string>();
  for (const group of config.groups.values()) {
    let names: string[];
    if (group.synced === undefined) names = [...declared.membersOf(group.name)];
    else names = directoryGroupsOf(snapshot, group.synced).flatMap((g) => g.members.map(nameOf));
    const unique: string[] = [];
    for (const name of new Set(names)) {
      known.add(name);
      if (isInactive(name)) continue;
      unique.push(name);
      const list = groupsOf.get(name);
      if (list === undefined) groupsOf.set(name, [group.name]);
      else list.push(group.name);
    }
    members.set(group.name, Object.freeze(unique));
  }
  for (const list of groupsOf.values()) Object.freeze(list);
  const groups = Object.freeze([...members.keys()]);
  // users in some group first (in the groups' order), then the deactivated ones a group would list
  const users = Object.freeze([...groupsOf.keys(), ...[...known].filter((name) => !groupsOf.has(name))]);
  const attributes = new Map<string, UserAttributes>();
  return {
    listGroups: () => groups,
    listUsers: () => users,
    hasGroup: (group) => members.has(group),
    hasUser: (user) => known.has(user),
    membersOf: (group) => members.get(group) ?? NONE,
    groupsOf: (user) => groupsOf.get(user) ?? NONE,
    attributesOf: (user) => {
      if (!known.has(user)) return undefined;
      let found = attributes.get(user);
      if (found === undefined) {
        const scim = scimUsers.get(user.toLowerCase());
        found = Object.freeze({
          email: user,
          ...(scim?.displayName === undefined ? {} : { displayName: scim.displayName }),
          active: scim?.active ?? true,
          tags: Object.freeze(scim === undefined ? {} : principalTagsOf(config, scim)),
        });
        attributes.set(user, found);
      }
      return found;
    },
  };
}

/**
 * What `parapet validate` says about synced groups: without a snapshot each is empty offline
 * (`synced-group-not-loaded`); with one, a synced group whose directory group the snapshot does
 * not have is empty (`synced-group-not-found`). Warnings, located at the group.
 */
export function syncedGroupIssues(config: OrgConfig, snapshot: DirectorySnapshot | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const group of config.groups.values()) {
    if (group.synced === undefined) continue;
    const by = 'displayName' in group.synced ? `displayName \`${group.synced.displayName}\`` : `externalId \`${group.synced.externalId}\``;
    const at = { source: group.at.source, line: group.at.line, column: group.at.column, path: formatYamlPath(['groups', group.name]) };
    if (snapshot === undefined) {
      issues.push({
        code: 'synced-group-not-loaded',
        severity: 'warning',
        message: `group \`${group.name}\` is synced from the directory group with ${by}: without \`--directory FILE\` (\`parapet directory export\`) it has no members here`,
        ...at,
      });
    } else if (directoryGroupsOf(snapshot, group.synced).length === 0) {
      issues.push({ code: 'synced-group-not-found', severity: 'warning', message: `group \`${group.name}\`: the directory snapshot has no group with ${by}: it has no members`, ...at });
    }
  }
  return issues;
}
