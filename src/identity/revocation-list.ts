/**
 * Which credentials are revoked: single credentials by id (a session, or a sign-in and so every
 * session made from it) and every credential of a user issued at or before a time ("sign out
 * everywhere"). The check is synchronous and in memory because it runs on every decision; the
 * stored list (stored-revocation-list.ts) writes each revocation to the database first, keeps the
 * same in-memory set, and follows other server processes' revocations.
 */
import type { CredentialClaims } from './credential.ts';

export interface RevocationCheck {
  isRevoked(claims: CredentialClaims): boolean;
}

export interface RevocationList extends RevocationCheck {
  /** `by`: who revoked (a user, `service-account:NAME`); fails, changing nothing, when it cannot be recorded */
  revokeCredential(jti: string, by: string): Promise<void>;
  /** every credential of `subject` issued at or before `before` (seconds since the epoch) */
  revokeSubject(subject: string, before: number, by: string): Promise<void>;
}

/** the in-memory half: what is known revoked in this process */
export interface RevocationSet extends RevocationCheck {
  addCredential(jti: string): void;
  addSubject(subject: string, before: number): void;
}

export function createRevocationSet(): RevocationSet {
  const credentials = new Set<string>();
  const subjects = new Map<string, number>();
  return {
    isRevoked(claims) {
      if (credentials.has(claims.jti)) return true;
      if (claims.parent !== undefined && credentials.has(claims.parent)) return true;
      const before = subjects.get(claims.sub);
      return before !== undefined && claims.iat <= before;
    },
    addCredential(jti) {
      credentials.add(jti);
    },
    addSubject(subject, before) {
      subjects.set(subject, Math.max(before, subjects.get(subject) ?? before));
    },
  };
}
