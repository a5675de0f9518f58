/**
 * Revocation reaches AWS. A revocation in Parapet (revoke-all, an operator's revoke of a user,
 * SCIM deactivation: every revocation of a subject; and the revocation of a sign-in credential)
 * is stored first (src/store/revocations.ts); this worker then finds the roles the user may hold
 * AWS sessions of (the web identity tokens issued to them whose sessions may still be live) and
 * writes, on each, the inline policy `parapet-revoked-sessions` (src/aws/revoked-sessions-policy.ts):
 * a Deny of the user's sessions issued before the revocation, made from everything the database
 * says about that role, so it is merged and bounded by construction.
 *
 * The time is the revocation's, or later: a token issued before it may still be exchanged until
 * its `exp` and AWS's five minutes of tolerance, so the deny covers sessions made until then.
 *
 * Never dropped: each revocation has a delivery row (pending → done, or nothing to do); a failure
 * is retried with backoff (5 s doubling to 10 min), logged, counted and listed by
 * `GET /v1/aws/revocations` until it succeeds. Several processes may work at once: each write is
 * checked against the database again and written again if the entries changed meanwhile, so the
 * last write always holds every entry.
 */
import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { permissionSetRoleArn } from '../analysis/principal-session.ts';
import { AWS_EXPIRY_TOLERANCE_SECONDS } from '../aws/web-identity.ts';
import { policySize, REVOKED_SESSIONS_POLICY_NAME, revokedSessionsPolicy, ROLE_INLINE_POLICIES_MAX_CHARACTERS, type RevokedSession } from '../aws/revoked-sessions-policy.ts';
import type { AwsTarget } from '../aws/aws-target.ts';
import { MAX_CREDENTIAL_LIFETIME_SECONDS } from '../identity/credential.ts';
import {
  dueAwsRevocationIds,
  findAwsRevocationDelivery,
  findRevocation,
  liveAwsTokens,
  revocationsOf,
  saveAwsRevocationDelivery,
  type AwsWebIdentityTokenRecord,
  type Revocation,
  type Store,
} from '../store/index.ts';
import type { AuditRecorder } from './audit-recorder.ts';

/** a revocation older than this has no AWS session left to revoke: the longest session, the token's life and AWS's tolerance */
const LOOKBACK_SECONDS = MAX_CREDENTIAL_LIFETIME_SECONDS + 2 * AWS_EXPIRY_TOLERANCE_SECONDS;
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 10 * 60_000;
const WRITE_ROUNDS = 3;
/**
 * a token asked for as the revocation was made may be recorded a moment after it (by another
 * process): a revocation that finds no token is looked at again once this has passed
 */
const SETTLE_MS = 10_000;

export interface AwsRevokerOptions {
  readonly store: Store;
  readonly target: AwsTarget;
  readonly clock: () => Date;
  readonly audit?: AuditRecorder | undefined;
  /** the account the management credentials are of (no member role to assume there) */
  readonly managementAccountId?: () => string | undefined;
  /** a revocation that could not reach AWS this time (it is retried) */
  readonly onFailure?: (revocationId: number, error: unknown) => void;
}

export interface AwsRevokeReport {
  readonly done: number[];
  readonly nothing: number[];
  readonly failed: { readonly revocationId: number; readonly error: string }[];
}

interface Role {
  readonly accountId: string;
  readonly permissionSet: string;
}

export interface AwsRevoker {
  /** works through every revocation due now; one run at a time per process */
  runOnce(): Promise<AwsRevokeReport>;
  /** resolves when the run under way (if any) has finished */
  settled(): Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function createAwsRevoker(options: AwsRevokerOptions): AwsRevoker {
  const { store, target, clock } = options;
  let running: Promise<AwsRevokeReport> | undefined;

  /** the live tokens a revocation covers */
  async function tokensCovered(revocation: Revocation, now: Date): Promise<AwsWebIdentityTokenRecord[]> {
    const tokens = await liveAwsTokens(store, now, revocation.kind === 'subject' ? { subject: revocation.subject } : { parent: revocation.credentialId });
    return tokens.filter((token) => covers(revocation, token));
  }

  /** every entry the role's policy must hold now: each revoked user with sessions there that may still be live */
  async function entriesOf(role: Role, now: Date): Promise<RevokedSession[]> {
    const tokens = await liveAwsTokens(store, now, role);
    const revocations = await revocationsOf(store, {
      subjects: [...new Set(tokens.map((token) => token.subject))],
      credentialIds: [...new Set(tokens.flatMap((token) => (token.parent === undefined ? [] : [token.parent])))],
    });
    const entries: RevokedSession[] = [];
    for (const revocation of revocations) {
      const covered = tokens.filter((token) => covers(revocation, token));
      if (covered.length === 0) continue;
      // sessions made with a covered token until it can no longer be exchanged are denied too
      const until = Math.max(Date.parse(revocation.revokedAt), ...covered.map((token) => Date.parse(token.expiresAt) + AWS_EXPIRY_TOLERANCE_SECONDS * 1000));
      for (const name of new Set(covered.map((token) => token.roleSessionName))) entries.push({ roleSessionName: name, issuedBefore: new Date(until) });
    }
    return entries;
  }

  async function otherInlinePoliciesSize(iam: IAMClient, roleName: string): Promise<number> {
    let size = 0;
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, ...(marker === undefined ? {} : { Marker: marker }) }));
      for (const name of page.PolicyNames ?? []) {
        if (name === REVOKED_SESSIONS_POLICY_NAME) continue;
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
        size += policySize(decodeURIComponent(policy.PolicyDocument ?? ''));
      }
      marker = page.IsTruncated === true ? page.Marker : undefined;
    } while (marker !== undefined);
    return size;
  }

  async function currentDocument(iam: IAMClient, roleName: string): Promise<string | undefined> {
    try {
      const policy = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKED_SESSIONS_POLICY_NAME }));
      return decodeURIComponent(policy.PolicyDocument ?? '');
    } catch (error) {
      if (error instanceof NoSuchEntityException) return undefined;
      throw error;
    }
  }

  /** writes the role's policy from the database until what it wrote is what the database says */
  async function writeRole(role: Role, revocationId: number): Promise<void> {
    const iam = await target.iamIn(role.accountId, options.managementAccountId?.());
    const roleName = role.permissionSet;
    for (let round = 1; round <= WRITE_ROUNDS; round += 1) {
      const now = clock();
      const entries = await entriesOf(role, now);
      let budget: number;
      try {
        budget = ROLE_INLINE_POLICIES_MAX_CHARACTERS - (await otherInlinePoliciesSize(iam, roleName));
      } catch (error) {
        // no such role: it was never made (or is gone), so no session of it can exist
        if (error instanceof NoSuchEntityException) return;
        throw error;
      }
      const policy = revokedSessionsPolicy(entries, budget);
      const live = await currentDocument(iam, roleName);
      if (policy === undefined) {
        if (live !== undefined) await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKED_SESSIONS_POLICY_NAME }));
      } else if (live !== policy.document) {
        await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKED_SESSIONS_POLICY_NAME, PolicyDocument: policy.document }));
        await options.audit?.record({
          time: clock().toISOString(),
          actor: { principal: 'parapet' },
          type: 'aws-call',
          action: 'iam:PutRolePolicy',
          resource: permissionSetRoleArn(role.accountId, role.permissionSet),
          account: role.accountId,
          outcome: 'success',
          details: { policyName: REVOKED_SESSIONS_POLICY_NAME, revocationId, form: policy.form, users: entries.length, size: policy.size },
        });
      }
      // another process may have added an entry meanwhile: the last write must hold it too
      const again = await entriesOf(role, clock());
      if (sameEntries(entries, again)) return;
    }
  }

  async function deliver(revocationId: number, now: Date): Promise<'done' | 'nothing' | { readonly recheckAt: string }> {
    const revocation = await findRevocation(store, revocationId);
    if (revocation === undefined) return 'nothing';
    const tokens = await tokensCovered(revocation, now);
    const roles = new Map<string, Role>();
    for (const token of tokens) roles.set(`${token.accountId}/${token.permissionSet}`, { accountId: token.accountId, permissionSet: token.permissionSet });
    if (roles.size === 0) {
      const settled = Date.parse(revocation.revokedAt) + SETTLE_MS;
      return settled > now.getTime() ? { recheckAt: iso(settled) } : 'nothing';
    }
    for (const role of roles.values()) await writeRole(role, revocationId);
    return 'done';
  }

  async function run(): Promise<AwsRevokeReport> {
    const report: AwsRevokeReport = { done: [], nothing: [], failed: [] };
    const now = clock();
    const due = await dueAwsRevocationIds(store, new Date(now.getTime() - LOOKBACK_SECONDS * 1000), now);
    for (const revocationId of due) {
      const previous = await findAwsRevocationDelivery(store, revocationId);
      try {
        const state = await deliver(revocationId, now);
        if (typeof state === 'object') {
          await saveAwsRevocationDelivery(store, { revocationId, state: 'pending', attempts: previous?.attempts ?? 0, nextAttemptAt: state.recheckAt, updatedAt: clock().toISOString() });
          continue;
        }
        await saveAwsRevocationDelivery(store, { revocationId, state, attempts: (previous?.attempts ?? 0) + 1, nextAttemptAt: clock().toISOString(), updatedAt: clock().toISOString() });
        (state === 'done' ? report.done : report.nothing).push(revocationId);
      } catch (error) {
        const attempts = (previous?.attempts ?? 0) + 1;
        const delay = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), LAST_RETRY_MS);
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await saveAwsRevocationDelivery(store, { revocationId, state: 'pending', attempts, lastError: message.slice(0, 1000), nextAttemptAt: iso(clock().getTime() + delay), updatedAt: clock().toISOString() });
        report.failed.push({ revocationId, error: message });
        options.onFailure?.(revocationId, error);
      }
    }
    return report;
  }

  return {
    runOnce() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    async settled() {
      await running?.catch(() => undefined);
    },
  };
}

/** a revocation covers a token of its subject issued at or before it, or one made with the revoked sign-in */
function covers(revocation: Revocation, token: AwsWebIdentityTokenRecord): boolean {
  return revocation.kind === 'subject' ? token.subject === revocation.subject && token.issuedAt <= revocation.issuedBefore : token.parent === revocation.credentialId;
}

function sameEntries(a: readonly RevokedSession[], b: readonly RevokedSession[]): boolean {
  const key = (entries: readonly RevokedSession[]) => entries.map((entry) => `${entry.roleSessionName} ${entry.issuedBefore.toISOString()}`).sort().join('\n');
  return key(a) === key(b);
}
