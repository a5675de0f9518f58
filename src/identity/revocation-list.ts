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
  /** who revoked a revoked credential (`revokedBy` as recorded: a user, `service-account:NAME`, `scim-token:NAME: why`); undefined when not revoked */
  revokedBy(claims: CredentialClaims): string | undefined;
}

export interface RevocationList extends RevocationCheck {
  /** `by`: who revoked (a user, `service-account:NAME`); fails, changing nothing, when it cannot be recorded */
  revokeCredential(jti: string, by: string): Promise<void>;
  /** every credential of `subject` issued at or before `before` (seconds since the epoch) */
  revokeSubject(subject: string, before: number, by: string): Promise<void>;
}

/** the in-memory half: what is known revoked in this process */
export interface RevocationSet extends RevocationCheck {
  addCredential(jti: string, by?: string): void;
  addSubject(subject: string, before: number, by?: string): void;
}

export function createRevocationSet(): RevocationSet {
  // by jti: who revoked it ('' when not told)
  const credentials = new Map<string, string>();
  const subjects = new Map<string, { before: number; by: string }>();
  const revokedBy = (claims: CredentialClaims): string | undefined => {
    const own = credentials.get(claims.jti);
    if (own !== undefined) return own;
    const parent = claims.parent === undefined ? undefined : credentials.get(claims.parent);
    if (parent !== undefined) return parent;
    const subject = subjects.get(claims.sub);
    return subject !== undefined && claims.iat <= subject.before ? subject.by : undefined;
  };
  return {
    isRevoked: (claims) => revokedBy(claims) !== undefined,
    revokedBy,
    addCredential(jti, by = '') {
      credentials.set(jti, by);
    },
    addSubject(subject, before, by = '') {
      const known = subjects.get(subject);
      // the latest cut-off counts, and says who made it
      if (known === undefined || before >= known.before) subjects.set(subject, { before, by });
    },
  };
}
