/**
 * The sign-in credential a person gets after SSO (the login callback calls this): who they are,
 * when they authenticated and proved a second factor; it may ask for sessions and nothing else.
 * It lives at most MAX_CREDENTIAL_LIFETIME_SECONDS (12 hours, a working day), and every session
 * made from it ends no later than it does.
 */
import { MAX_CREDENTIAL_LIFETIME_SECONDS, type CredentialClaims } from '../identity/credential.ts';
import { ParapetError } from '../policy/index.ts';
import { listScimUsers } from '../store/index.ts';
import { issueRecordedCredential } from './issue-recorded-credential.ts';
import type { ServerContext } from './server-context.ts';

export const SIGN_IN_LIFETIME_SECONDS = MAX_CREDENTIAL_LIFETIME_SECONDS;

export interface IssueSignIn {
  /** the user as the configuration's directory names them (an e-mail address) */
  readonly user: string;
  /** when the identity provider authenticated them, seconds since the epoch */
  readonly authTime: number;
  /** when they last proved a second factor; absent: no MFA in this sign-in */
  readonly mfaTime?: number | undefined;
  /** default and maximum: SIGN_IN_LIFETIME_SECONDS */
  readonly lifetimeSeconds?: number | undefined;
}

export async function issueSignIn(context: ServerContext, input: IssueSignIn): Promise<{ token: string; claims: CredentialClaims }> {
  const lifetimeSeconds = input.lifetimeSeconds ?? SIGN_IN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > SIGN_IN_LIFETIME_SECONDS) {
    throw new ParapetError('internal', `issueSignIn: the lifetime must be 1 to ${SIGN_IN_LIFETIME_SECONDS} seconds: ${lifetimeSeconds}`);
  }
  // deprovisioning holds for new credentials too: a user the directory deactivated (SCIM, docs/scim.md) gets none
  const provisioned = await listScimUsers(context.store, { userName: input.user });
  if (provisioned.some((user) => !user.active)) {
    throw new ParapetError('forbidden', `\`${input.user}\` is deactivated in the directory (SCIM): no sign-in until the directory activates them again`);
  }
  return issueRecordedCredential(
    context,
    { jti: context.newId(), sub: input.user, use: 'sign-in', authTime: input.authTime, ...(input.mfaTime === undefined ? {} : { mfaTime: input.mfaTime }) },
    lifetimeSeconds,
    // issued by the server itself (tests, tools), not through a request
    { request: undefined, fields: (claims) => ({ type: 'sign-in', action: 'issue-sign-in', outcome: 'success', resource: `credential:${claims.jti}`, details: { credential: claims.jti, expiresAt: new Date(claims.exp * 1000).toISOString(), mfa: claims.mfaTime !== undefined } }) },
  );
}
