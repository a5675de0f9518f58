/**
 * Deprovisioning: when the directory takes access from a user (deactivated, deleted, or removed
 * from a group), every credential of that user issued up to now is revoked through the stored
 * revocation list, which every server process follows within one poll interval. The rule is the
 * simplest correct one: all of the user's credentials, whatever the change took, since a session
 * credential does not say which group gave it (docs/scim.md). A credential's subject is the user's
 * e-mail address, so the user's userName and every e-mail of the user are revoked as subjects.
 */
import type { RevocationList } from '../identity/revocation-list.ts';
import type { StoredScimUser } from '../store/index.ts';

export function subjectsOf(user: Pick<StoredScimUser, 'userName' | 'document'>): string[] {
  const subjects = new Set<string>([user.userName, user.userName.toLowerCase()]);
  const emails = user.document['emails'];
  if (Array.isArray(emails)) {
    for (const email of emails) {
      const value = (email as { value?: unknown } | null)?.value;
      if (typeof value === 'string' && value !== '') {
        subjects.add(value);
        subjects.add(value.toLowerCase());
      }
    }
  }
  return [...subjects];
}

export async function revokeUserAccess(revocations: RevocationList, users: readonly Pick<StoredScimUser, 'userName' | 'document'>[], now: Date, by: string): Promise<void> {
  const before = Math.floor(now.getTime() / 1000);
  for (const user of users) {
    for (const subject of subjectsOf(user)) await revocations.revokeSubject(subject, before, by);
  }
}
