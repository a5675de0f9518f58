/**
 * A directory snapshot: what the identity provider has pushed to the server by SCIM (users with
 * their attributes, groups with their members), as `parapet directory export` writes it, so that
 * `validate`, `test`, `who-can`, `what-can` and `plan` answer offline from the same membership the
 * server decides with. The server builds the same value from its store (src/server/scim-directory-source.ts)
 * and both go through `syncedDirectory` (synced-directory.ts): one combination, two sources.
 *
 * Format `parapet-directory/1` (docs/scim.md "Directory snapshots"):
 *
 *   { "format": "parapet-directory/1", "exportedAt": "…",
 *     "users":  [{ "userName", "externalId"?, "displayName"?, "emails": [..], "active", "attributes": {..} }],
 *     "groups": [{ "displayName", "externalId"?, "members": [userName, ..] }] }
 *
 * Members are named by userName (unique without case in SCIM, and so here); `attributes` are the
 * user's other SCIM attributes as SCIM returns them (the enterprise extension under its URN).
 */
import { formatJsonPath, readJsonText, type JsonPathSegment, type LocatedIssue, type LocatedResult } from '../policy/index.ts';

export const DIRECTORY_FORMAT = 'parapet-directory/1';

export interface DirectorySnapshot {
  readonly format: typeof DIRECTORY_FORMAT;
  /** ISO 8601; absent in a snapshot written by hand */
  readonly exportedAt?: string | undefined;
  readonly users: readonly SnapshotUser[];
  readonly groups: readonly SnapshotGroup[];
}

export interface SnapshotUser {
  readonly userName: string;
  readonly externalId?: string | undefined;
  readonly displayName?: string | undefined;
  readonly emails: readonly string[];
  /** false: deactivated by the identity provider, a member of no group */
  readonly active: boolean;
  /** the other SCIM attributes, as SCIM returns them */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface SnapshotGroup {
  readonly displayName: string;
  readonly externalId?: string | undefined;
  /** the userNames of its members */
  readonly members: readonly string[];
}

/** a snapshot larger than this is refused rather than read (about 100,000 users with attributes) */
export const MAX_DIRECTORY_SNAPSHOT_BYTES = 256 * 1024 * 1024;

type Problem = { readonly path: JsonPathSegment[]; readonly message: string };

/**
 * Reads a snapshot file's text. Every problem is `bad-directory-snapshot`, located in `source`;
 * a snapshot with any problem is not used (an analysis over half a directory would answer wrongly).
 */
export function parseDirectorySnapshot(text: string, source: string): LocatedResult<DirectorySnapshot> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // the positioned reader says where
    const read = readJsonText(text);
    const issues = read.ok ? [] : read.issues;
    const first = issues[0];
    return { ok: false, issues: [located(source, first?.message ?? 'invalid JSON', first?.path ?? '$', first?.line ?? 1, first?.column ?? 1, first?.code === 'json-too-deep' ? 'json-too-deep' : 'json-syntax')] };
  }
  const problems: Problem[] = [];
  const snapshot = readSnapshot(value, problems);
  if (problems.length === 0 && snapshot !== undefined) return { ok: true, value: snapshot, issues: [] };
  const read = readJsonText(text);
  const issues = problems.slice(0, 100).map((problem) => {
    const at = read.ok ? read.value.position(problem.path) : { line: 1, column: 1 };
    return located(source, problem.message, formatJsonPath(problem.path), at.line, at.column);
  });
  return { ok: false, issues };
}

function located(source: string, message: string, path: string, line: number, column: number, code: LocatedIssue['code'] = 'bad-directory-snapshot'): LocatedIssue {
  return { code, severity: 'error', message, source, line, column, path };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
  return typeof value === 'object' ? 'an object' : `the ${typeof value} \`${String(value)}\``;
}

const TOP = new Set(['format', 'exportedAt', 'users', 'groups']);
const USER = new Set(['userName', 'externalId', 'displayName', 'emails', 'active', 'attributes']);
const GROUP = new Set(['displayName', 'externalId', 'members']);

function unknownKeys(object: Record<string, unknown>, known: ReadonlySet<string>, path: JsonPathSegment[], what: string, problems: Problem[]): void {
  for (const key of Object.keys(object)) {
    if (!known.has(key)) problems.push({ path: [...path, key], message: `${what}: unknown field \`${key}\`` });
  }
}

function text(object: Record<string, unknown>, key: string, path: JsonPathSegment[], what: string, problems: Problem[], required: boolean): string | undefined {
  const value = object[key];
  if (value === undefined) {
    if (required) problems.push({ path, message: `${what}: missing \`${key}\`` });
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push({ path: [...path, key], message: `${what}: \`${key}\` must be a non-empty string, not ${describe(value)}` });
    return undefined;
  }
  return value;
}

function readSnapshot(value: unknown, problems: Problem[]): DirectorySnapshot | undefined {
  if (!isObject(value)) {
    problems.push({ path: [], message: `a directory snapshot is an object, not ${describe(value)}` });
    return undefined;
  }
  if (value['format'] !== DIRECTORY_FORMAT) {
    problems.push({ path: ['format'], message: `\`format\` must be \`${DIRECTORY_FORMAT}\`, not ${describe(value['format'])}: write the snapshot with \`parapet directory export\`` });
    return undefined;
  }
  unknownKeys(value, TOP, [], 'the snapshot', problems);
  const exportedAt = value['exportedAt'];
  if (exportedAt !== undefined && (typeof exportedAt !== 'string' || Number.isNaN(Date.parse(exportedAt)))) {
    problems.push({ path: ['exportedAt'], message: `\`exportedAt\` must be an ISO 8601 time, not ${describe(exportedAt)}` });
  }
  const users: SnapshotUser[] = [];
  const byKey = new Map<string, number>();
  listOf(value, 'users', problems).forEach((item, index) => {
    const path: JsonPathSegment[] = ['users', index];
    const what = `user ${index}`;
    if (!isObject(item)) return void problems.push({ path, message: `${what} must be an object, not ${describe(item)}` });
    unknownKeys(item, USER, path, what, problems);
    const userName = text(item, 'userName', path, what, problems, true);
    const externalId = text(item, 'externalId', path, what, problems, false);
    const displayName = text(item, 'displayName', path, what, problems, false);
    const active = item['active'];
    if (typeof active !== 'boolean') problems.push({ path: [...path, 'active'], message: `${what}: \`active\` must be true or false, not ${active === undefined ? 'missing' : describe(active)}` });
    const emails: string[] = [];
    const rawEmails = item['emails'] ?? [];
    if (!Array.isArray(rawEmails)) problems.push({ path: [...path, 'emails'], message: `${what}: \`emails\` must be a list of strings, not ${describe(rawEmails)}` });
    else
      rawEmails.forEach((email, i) => {
        if (typeof email === 'string' && email.trim() !== '') emails.push(email);
        else problems.push({ path: [...path, 'emails', i], message: `${what}: an e-mail address must be a non-empty string, not ${describe(email)}` });
      });
    const attributes = item['attributes'] ?? {};
    if (!isObject(attributes)) problems.push({ path: [...path, 'attributes'], message: `${what}: \`attributes\` must be an object, not ${describe(attributes)}` });
    if (userName === undefined || typeof active !== 'boolean' || !isObject(attributes)) return;
    const key = userName.toLowerCase();
    const first = byKey.get(key);
    if (first !== undefined) return void problems.push({ path: [...path, 'userName'], message: `${what}: userName \`${userName}\` is also user ${first}'s: userNames are unique without case` });
    byKey.set(key, index);
    users.push({ userName, ...(externalId === undefined ? {} : { externalId }), ...(displayName === undefined ? {} : { displayName }), emails, active, attributes });
  });
  const groups: SnapshotGroup[] = [];
  const groupKeys = new Map<string, number>();
  listOf(value, 'groups', problems).forEach((item, index) => {
    const path: JsonPathSegment[] = ['groups', index];
    const what = `group ${index}`;
    if (!isObject(item)) return void problems.push({ path, message: `${what} must be an object, not ${describe(item)}` });
    unknownKeys(item, GROUP, path, what, problems);
    const displayName = text(item, 'displayName', path, what, problems, true);
    const externalId = text(item, 'externalId', path, what, problems, false);
    const members: string[] = [];
    const raw = item['members'] ?? [];
    if (!Array.isArray(raw)) problems.push({ path: [...path, 'members'], message: `${what}: \`members\` must be a list of userNames, not ${describe(raw)}` });
    else
      raw.forEach((member, i) => {
        if (typeof member !== 'string') return void problems.push({ path: [...path, 'members', i], message: `${what}: a member is a userName, not ${describe(member)}` });
        if (!byKey.has(member.toLowerCase())) return void problems.push({ path: [...path, 'members', i], message: `${what}: member \`${member}\` is not a user of the snapshot` });
        members.push(member);
      });
    if (displayName === undefined) return;
    const first = groupKeys.get(displayName.toLowerCase());
    if (first !== undefined) return void problems.push({ path: [...path, 'displayName'], message: `${what}: displayName \`${displayName}\` is also group ${first}'s: displayNames are unique without case` });
    groupKeys.set(displayName.toLowerCase(), index);
    groups.push({ displayName, ...(externalId === undefined ? {} : { externalId }), members });
  });
  if (problems.length > 0) return undefined;
  return { format: DIRECTORY_FORMAT, ...(typeof exportedAt === 'string' ? { exportedAt } : {}), users, groups };
}

function listOf(object: Record<string, unknown>, key: string, problems: Problem[]): unknown[] {
  const value = object[key];
  if (value === undefined) {
    problems.push({ path: [], message: `the snapshot: missing \`${key}\`` });
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push({ path: [key], message: `\`${key}\` must be a list, not ${describe(value)}` });
    return [];
  }
  return value;
}
