/**
 * Device-code sign-ins (RFC 8628's shape) for machines without a browser: the CLI holds a secret
 * device code and polls; the person types the short user code in a browser and signs in with SSO;
 * the sign-in is recorded on the row, and the next poll takes it exactly once.
 *
 * Every process of a deployment shares the table, so the browser and the poll may reach different
 * processes. Each transition is one conditional UPDATE: of two concurrent approvals or two
 * concurrent polls exactly one changes the row. Only a hash of the device code is stored.
 */
import { ParapetError } from '../policy/index.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import type { Store } from './store.ts';

export interface NewDeviceLogin {
  readonly userCode: string;
  readonly deviceCodeHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** who signed in to approve a device login */
export interface DeviceLoginApproval {
  readonly userName: string;
  /** seconds since the epoch */
  readonly authTime: number;
  readonly mfaTime?: number | undefined;
}

export type DeviceLoginPoll =
  | { readonly status: 'unknown' }
  | { readonly status: 'expired' }
  | { readonly status: 'pending' }
  | { readonly status: 'consumed' }
  | { readonly status: 'approved'; readonly approval: DeviceLoginApproval };

/** false when the user code is taken (the caller draws another) */
export async function createDeviceLogin(store: Store, login: NewDeviceLogin): Promise<boolean> {
  try {
    await store.db
      .insertInto('device_logins')
      .values({
        user_code: login.userCode,
        device_code_hash: login.deviceCodeHash,
        created_at: login.createdAt.toISOString(),
        expires_at: login.expiresAt.toISOString(),
        status: 'pending',
        user_name: null,
        auth_time: null,
        mfa_time: null,
      })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** whether `userCode` names a device login still waiting for its person */
export async function isDeviceLoginPending(store: Store, userCode: string, now: Date): Promise<boolean> {
  const row = await store.db
    .selectFrom('device_logins')
    .select('user_code')
    .where('user_code', '=', userCode)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row !== undefined;
}

/** records who signed in for `userCode`; false when it is unknown, expired or no longer pending */
export async function approveDeviceLogin(store: Store, userCode: string, approval: DeviceLoginApproval, now: Date): Promise<boolean> {
  const result = await store.db
    .updateTable('device_logins')
    .set({ status: 'approved', user_name: approval.userName, auth_time: approval.authTime, mfa_time: approval.mfaTime ?? null })
    .where('user_code', '=', userCode)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** a poll: the approval is handed out once, to the first poll that sees it */
export async function pollDeviceLogin(store: Store, deviceCodeHash: string, now: Date): Promise<DeviceLoginPoll> {
  const row = await store.db.selectFrom('device_logins').selectAll().where('device_code_hash', '=', deviceCodeHash).executeTakeFirst();
  if (row === undefined) return { status: 'unknown' };
  if (row.status === 'consumed') return { status: 'consumed' };
  if (row.expires_at <= now.toISOString()) return { status: 'expired' };
  if (row.status === 'pending') return { status: 'pending' };
  const taken = await store.db
    .updateTable('device_logins')
    .set({ status: 'consumed' })
    .where('device_code_hash', '=', deviceCodeHash)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) return { status: 'consumed' };
  if (row.user_name === null || row.auth_time === null) throw new ParapetError('internal', `device login \`${row.user_code}\` is approved without a user`);
  return {
    status: 'approved',
    approval: { userName: row.user_name, authTime: Number(row.auth_time), ...(row.mfa_time === null ? {} : { mfaTime: Number(row.mfa_time) }) },
  };
}

/** removes the rows that expired before `before`: nothing else reads them */
export async function deleteExpiredDeviceLogins(store: Store, before: Date): Promise<number> {
  const result = await store.db.deleteFrom('device_logins').where('expires_at', '<=', before.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
