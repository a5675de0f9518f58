/**
 * Who is in which group, and what is known of each user: the port every question about access
 * reads membership through (resolveAccess, who-can, what-can, access tests, the plan). The
 * configuration's `groups` are its first implementation (config-directory.ts); a store kept in
 * sync by SCIM is the next. docs/adr/0002-directory-port.md.
 *
 * Reads are synchronous over a snapshot: the pure cores decide over values, and an edge that
 * reads a database loads one snapshot per request (or per configuration version) and passes it
 * in. Every answer is a fresh or frozen value: callers never see a later change mid-question.
 */

/** what the directory knows of a user; a user's tags will feed `aws:PrincipalTag/<key>` */
export interface UserAttributes {
  /** the user name: an e-mail address */
  readonly email: string;
  readonly displayName?: string | undefined;
  /** false once the identity provider deactivates the user */
  readonly active: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Directory {
  /** every group, each once, in the directory's order */
  listGroups(): readonly string[];
  /** every user, each once, in the directory's order */
  listUsers(): readonly string[];
  hasGroup(group: string): boolean;
  hasUser(user: string): boolean;
  /** the users of a group, each once; empty for a group the directory does not know */
  membersOf(group: string): readonly string[];
  /** the groups a user is a member of, each once, in the order of `listGroups`; empty for an unknown user */
  groupsOf(user: string): readonly string[];
  /** undefined for a user the directory does not know */
  attributesOf(user: string): UserAttributes | undefined;
}
