/**
 * The revocation list every server process shares through the database (store/revocations.ts):
 *
 * - at start, every revocation whose credentials may still be valid is read into memory;
 * - `poll` (the server runs it every `pollMilliseconds`, next to the configuration poll) reads
 *   only the revocations with an id greater than the last one seen, so a revocation made through
 *   any process is refused by every process within one poll interval;
 * - `revokeCredential` / `revokeSubject` write the revocation first and change memory only once
 *   it is stored: a revocation that cannot be recorded fails, it is never pretended.
 *
 * `isRevoked` stays synchronous and in memory: it runs on every request.
 */
import { appendRevocation, liveRevocations, REVOCATION_PAGE, revocationsAfter, type Revocation, type Store } from '../store/index.ts';
import { CLOCK_TOLERANCE_SECONDS, MAX_CREDENTIAL_LIFETIME_SECONDS } from './credential.ts';
import { createRevocationSet, type RevocationList } from './revocation-list.ts';

export interface StoredRevocationList extends RevocationList {
  /** reads the revocations stored since the last poll; returns how many there were */
  poll(): Promise<number>;
}

export async function createStoredRevocationList(options: { readonly store: Store; readonly clock: () => Date }): Promise<StoredRevocationList> {
  const { store, clock } = options;
  const set = createRevocationSet();
  const apply = (revocation: Revocation): void => {
    if (revocation.kind === 'credential') set.addCredential(revocation.credentialId, revocation.revokedBy);
    else set.addSubject(revocation.subject, Math.floor(Date.parse(revocation.issuedBefore) / 1000), revocation.revokedBy);
  };
  const initial = await liveRevocations(store, clock());
  initial.revocations.forEach(apply);
  let lastId = initial.lastId;
  let polling: Promise<number> | undefined;

  async function readNew(): Promise<number> {
    let count = 0;
    for (;;) {
      const page = await revocationsAfter(store, lastId);
      page.forEach(apply);
      count += page.length;
      lastId = page.at(-1)?.id ?? lastId;
      if (page.length < REVOCATION_PAGE) return count;
    }
  }

  return {
    isRevoked: (claims) => set.isRevoked(claims),
    revokedBy: (claims) => set.revokedBy(claims),
    async revokeCredential(jti, by) {
      await appendRevocation(store, { kind: 'credential', credentialId: jti, revokedBy: by, revokedAt: clock() });
      set.addCredential(jti, by);
    },
    async revokeSubject(subject, before, by) {
      // after this every credential it covers has expired: the revocation need not be loaded any more
      const expiresAt = new Date((before + MAX_CREDENTIAL_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) * 1000);
      await appendRevocation(store, { kind: 'subject', subject, issuedBefore: new Date(before * 1000), expiresAt, revokedBy: by, revokedAt: clock() });
      set.addSubject(subject, before, by);
    },
    poll() {
      polling ??= readNew().finally(() => {
        polling = undefined;
      });
      return polling;
    },
  };
}
