/**
 * A directory held in memory, as a SCIM-synced store will hold one: groups with their members,
 * and users who may be in no group at all. A second, real implementation of the port, so tests can
 * show that an analysis answers from the directory it is given and not from `parapet.yaml`.
 */
import type { Directory, UserAttributes } from './directory.ts';

export interface MemoryDirectoryInput {
  /** group name → member user names */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** users and what is known of them; a member not listed here gets only its e-mail address */
  readonly users?: Readonly<Record<string, Partial<Omit<UserAttributes, 'email'>>>>;
}

export function memoryDirectory(input: MemoryDirectoryInput): Directory {
  const groups = Object.keys(input.groups);
  const membersOf = (group: string): readonly string[] => (Object.hasOwn(input.groups, group) ? [...new Set(input.groups[group])] : []);
  const users = [...new Set([...groups.flatMap(membersOf), ...Object.keys(input.users ?? {})])];
  const hasUser = (user: string) => users.includes(user);
  return {
    listGroups: () => groups,
    listUsers: () => users,
    hasGroup: (group) => Object.hasOwn(input.groups, group),
    hasUser,
    membersOf,
    groupsOf: (user) => groups.filter((group) => membersOf(group).includes(user)),
    attributesOf: (user) => {
      if (!hasUser(user)) return undefined;
      const given = input.users?.[user] ?? {};
      return { email: user, active: given.active ?? true, tags: given.tags ?? {}, ...(given.displayName !== undefined ? { displayName: given.displayName } : {}) };
    },
  };
}
