/**
 * Which credentials are revoked: single credentials by id (a session, or a sign-in and so every
 * session made from it) and every credential of a user issued before a time ("sign out
 * everywhere"). The check is synchronous and in memory because it runs on every decision; the
 * store-backed list (stored-revocation-list.ts) fills the same shape from the database and
 * follows other server processes' revocations.
 */
import type { CredentialClaims } from './credential.ts';

export interface RevocationCheck {
  isRevoked(claims: CredentialClaims): boolean;
}

export interface RevocationList extends RevocationCheck {
  revokeCredential(jti: string): void;
  /** every credential of `subject` issued at or before `before` (seconds since the epoch) */
  revokeSubject(subject: string, before: number): void;
}

export function createRevocationList(): RevocationList {
  const credentials = new Set<string>();
  const subjects = new Map<string, number>();
  return {
    isRevoked(claims) {
      if (credentials.has(claims.jti)) return true;
      if (claims.parent !== undefined && credentials.has(claims.parent)) return true;
      const before = subjects.get(claims.sub);
      return before !== undefined && claims.iat <= before;
    },
    revokeCredential(jti) {
      credentials.add(jti);
    },
    revokeSubject(subject, before) {
      subjects.set(subject, Math.max(before, subjects.get(subject) ?? before));
    },
  };
}
