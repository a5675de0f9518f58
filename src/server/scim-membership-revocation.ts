/**
 * Removing users from a directory group (PATCH remove by value or by filter, PUT of the group's
 * members, the group's DELETE) revokes exactly the sessions the change takes access from: a
 * session for an (account, permission set) the user no longer holds, standing, through any group
 * of the directory as it is after the change. A session another group still covers stays valid;
 * the sign-in credential stays (the user may still assume what the remaining groups give).
 *
 * The change is committed first; this process's directory is refreshed at once (others follow on
 * their poll), then each removed user's live session credentials (recorded at issue,
 * store/credentials.ts) are checked against it. Each revocation records why, so the next request
 * with such a credential is refused saying so (`revoked by scim-token:NAME: removed from directory
 * group ...`). Every process refuses it within one poll of the stored revocation list; until then
 * its refreshed directory already denies a decision for a permission set no longer held.
 */
import { findAccount, listPrincipalAccess, type AccessEntry, type Directory, type OrgConfig } from '../org/index.ts';
import { listLiveCredentials, MAX_LIVE_CREDENTIALS, type StoredScimUser } from '../store/index.ts';
import { subjectsOf } from './scim-deprovision.ts';
import type { ServerContext } from './server-context.ts';

/** the directory's spelling of a SCIM userName (the configuration's, when it lists the user) */
function directoryNameOf(directory: Directory, userName: string): string {
  if (directory.hasUser(userName)) return userName;
  const key = userName.toLowerCase();
  return directory.listUsers().find((user) => user.toLowerCase() === key) ?? userName;
}

/** `access`: the user's, from listPrincipalAccess over the directory after the change */
function holdsStanding(config: OrgConfig, access: readonly AccessEntry[], account: string, permissionSet: string): boolean {
  const found = findAccount(config, account);
  if (found === undefined) return false;
  return access.some((entry) => entry.account === found.name && entry.permissionSet === permissionSet && entry.source.kind === 'assignment' && !entry.source.eligible);
}

export interface LostSessions {
  /** the session credentials revoked, by jti */
  readonly revoked: readonly string[];
}

/** `why`: what the change was, for the record (`removed from directory group \`Engineering\``) */
export async function revokeLostSessions(context: ServerContext, users: readonly StoredScimUser[], why: string, at: Date, by: string): Promise<LostSessions> {
  const revoked: string[] = [];
  if (users.length === 0) return { revoked };
  await context.config.refresh();
  const active = context.config.current();
  // no configuration: nothing was ever granted through a group, and no session issued
  if (active === undefined) return { revoked };
  const { config, directory } = active;
  const before = Math.floor(at.getTime() / 1000);
  for (const user of users) {
    const name = directoryNameOf(directory, user.userName);
    // once per user, not per credential: a user may have up to MAX_LIVE_CREDENTIALS of them
    const access = listPrincipalAccess(config, { kind: 'user', name }, directory);
    for (const subject of new Set([name, ...subjectsOf(user)])) {
      const live = await listLiveCredentials(context.store, subject, at);
      if (live.length >= MAX_LIVE_CREDENTIALS) {
        // more live credentials than are listed: fail closed, every credential of the subject
        await context.revocations.revokeSubject(subject, before, `${by}: ${why}`);
        continue;
      }
      for (const credential of live) {
        if (credential.use !== 'session' || credential.account === undefined || credential.permissionSet === undefined) continue;
        if (holdsStanding(config, access, credential.account, credential.permissionSet)) continue;
        const account = findAccount(config, credential.account)?.name ?? credential.account;
        await context.revocations.revokeCredential(
          credential.jti,
          `${by}: ${why}: \`${name}\` no longer holds \`${credential.permissionSet}\` in \`${account}\``,
        );
        revoked.push(credential.jti);
      }
    }
  }
  return { revoked };
}
