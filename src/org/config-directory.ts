/**
 * The directory the configuration declares: `groups` and their `members` in `parapet.yaml`. A
 * user is known when some group lists them; the configuration gives no attributes but the user
 * name, which is an e-mail address (read-config-shape.ts checks it).
 *
 * Indexed once per configuration (an OrgConfig is immutable): who-can asks for the groups of
 * every user, so `groupsOf` is a lookup, not a scan of every group. A name listed twice in one
 * group (a `duplicate-entry` warning) counts once.
 */
import type { Directory, UserAttributes } from './directory.ts';
import type { OrgConfig } from './org-config.ts';

const directories = new WeakMap<OrgConfig, Directory>();

export function configDirectory(config: OrgConfig): Directory {
  let directory = directories.get(config);
  if (directory === undefined) {
    directory = indexGroups(config);
    directories.set(config, directory);
  }
  return directory;
}

const NONE: readonly string[] = Object.freeze([]);

function indexGroups(config: OrgConfig): Directory {
  const members = new Map<string, readonly string[]>();
  const groupsOf = new Map<string, string[]>();
  for (const group of config.groups.values()) {
    const unique = Object.freeze([...new Set(group.members)]);
    members.set(group.name, unique);
    for (const user of unique) {
      const list = groupsOf.get(user);
      if (list === undefined) groupsOf.set(user, [group.name]);
      else list.push(group.name);
    }
  }
  for (const list of groupsOf.values()) Object.freeze(list);
  const groups = Object.freeze([...members.keys()]);
  const users = Object.freeze([...groupsOf.keys()]);
  const attributes = new Map<string, UserAttributes>();
  return {
    listGroups: () => groups,
    listUsers: () => users,
    hasGroup: (group) => members.has(group),
    hasUser: (user) => groupsOf.has(user),
    membersOf: (group) => members.get(group) ?? NONE,
    groupsOf: (user) => groupsOf.get(user) ?? NONE,
    attributesOf: (user) => {
      if (!groupsOf.has(user)) return undefined;
      let found = attributes.get(user);
      if (found === undefined) {
        found = Object.freeze({ email: user, active: true, tags: Object.freeze({}) });
        attributes.set(user, found);
      }
      return found;
    },
  };
}
