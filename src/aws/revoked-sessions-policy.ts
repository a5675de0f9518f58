/**
 * The inline role policy `parapet-revoked-sessions`: AWS's documented way to revoke a role's
 * temporary credentials ("Revoking IAM role temporary security credentials",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html) is a Deny of
 * everything with `DateLessThan` `aws:TokenIssueTime` on the role. Parapet scopes it to the revoked
 * users' sessions: each statement also matches `aws:userid` `*:<role session name>` (a session's
 * `aws:userid` is `<role id>:<session name>`; session names are one-to-one with users and have no
 * `*`, `?` or `:`), so only the sessions the user made before the time are denied.
 *
 * Bounded: a role's inline policies together may hold 10,240 characters, white space not counted
 * (IAM and AWS STS quotas). Entries expire with the sessions they deny (the caller gives only users
 * with sessions that may still be live); when the per-user statements do not fit what the role's
 * other inline policies leave, the policy falls back to AWS's own whole-role form at the latest of
 * the times: it then denies every session made before it, the revoked users' included, and never
 * fewer.
 */
export const REVOKED_SESSIONS_POLICY_NAME = 'parapet-revoked-sessions';
/** IAM and AWS STS quotas: the aggregate size of a role's inline policies, white space not counted */
export const ROLE_INLINE_POLICIES_MAX_CHARACTERS = 10_240;

export interface RevokedSession {
  /** the role session name of the user's sessions */
  readonly roleSessionName: string;
  /** sessions issued before this are denied */
  readonly issuedBefore: Date;
}

export interface RevokedSessionsPolicy {
  readonly document: string;
  /** `per-user`: each user's sessions; `whole-role`: every session before the latest time (did not fit) */
  readonly form: 'per-user' | 'whole-role';
  /** the characters AWS counts (no white space) */
  readonly size: number;
}

/** the characters of a policy document AWS counts against the inline policy quota */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

/** AWS's condition dates: ISO 8601 in UTC, whole seconds (a later second, so nothing before the instant escapes) */
function awsTime(date: Date): string {
  const seconds = Math.ceil(date.getTime() / 1000);
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The policy for these entries (the latest time per session name), or undefined when there is none.
 * `budget`: what the role's other inline policies leave of the quota.
 */
export function revokedSessionsPolicy(entries: readonly RevokedSession[], budget: number = ROLE_INLINE_POLICIES_MAX_CHARACTERS): RevokedSessionsPolicy | undefined {
  const latest = new Map<string, Date>();
  for (const entry of entries) {
    const known = latest.get(entry.roleSessionName);
    if (known === undefined || entry.issuedBefore > known) latest.set(entry.roleSessionName, entry.issuedBefore);
  }
  if (latest.size === 0) return undefined;
  // one statement per time, its users sorted: the same entries always make the same bytes
  const byTime = new Map<string, string[]>();
  for (const [name, date] of latest) {
    const time = awsTime(date);
    byTime.set(time, [...(byTime.get(time) ?? []), name]);
  }
  const statements = [...byTime.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([time, names]) => ({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        DateLessThan: { 'aws:TokenIssueTime': time },
        StringLike: { 'aws:userid': names.sort().map((name) => `*:${name}`) },
      },
    }));
  const perUser = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  if (policySize(perUser) <= budget) return { document: perUser, form: 'per-user', size: policySize(perUser) };
  const last = [...latest.values()].reduce((a, b) => (a > b ? a : b));
  const wholeRole = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': awsTime(last) } } }],
  });
  return { document: wholeRole, form: 'whole-role', size: policySize(wholeRole) };
}
