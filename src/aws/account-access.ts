/**
 * IAM in a member account, reached as AWS Organizations sets accounts up: the management account
 * assumes a role the account trusts (by default `OrganizationAccountAccessRole`, which AWS creates
 * in every account the organization creates; an invited account needs it made by hand). The
 * management account itself is reached with the caller's own credentials. Every call, the
 * `AssumeRole` included, goes to the `onCall` hook.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { assumeRoleCredentials } from './assume-role-credentials.ts';
import { createAwsClients, type AwsClients } from './aws-clients.ts';
import { observeAwsCalls, type OnAwsCall } from './observe-aws-calls.ts';

export const DEFAULT_ACCOUNT_ROLE = 'OrganizationAccountAccessRole';

export interface AccountAccessOptions {
  /** the management account's clients */
  readonly clients: AwsClients;
  readonly managementAccountId: string;
  /** the role assumed in member accounts; default `OrganizationAccountAccessRole` */
  readonly accountRole?: string;
  /** `aws` unless the organization lives in another partition (`aws-cn`, `aws-us-gov`) */
  readonly partition?: string;
  /** every AWS call, as it ends (observe-aws-calls.ts) */
  readonly onCall?: OnAwsCall;
}

export interface AccountIam {
  readonly iam: IAMClient;
  close(): void;
}

export async function openAccountIam(accountId: string, options: AccountAccessOptions): Promise<AccountIam> {
  const { clients } = options;
  if (accountId === options.managementAccountId) {
    const stop = observeAwsCalls(clients.iam, 'iam', options.onCall);
    return { iam: clients.iam, close: stop };
  }
  const roleArn = `arn:${options.partition ?? 'aws'}:iam::${accountId}:role/${options.accountRole ?? DEFAULT_ACCOUNT_ROLE}`;
  const credentials = assumeRoleCredentials(clients.sts, roleArn, 'parapet-aws-apply', 3600);
  // assumed now, not at the first IAM call: an account that cannot be reached is reported as such
  const stopSts = observeAwsCalls(clients.sts, 'sts', options.onCall);
  try {
    await credentials();
  } finally {
    stopSts();
  }
  const member = createAwsClients({ ...clients.options, credentials });
  const stop = observeAwsCalls(member.iam, 'iam', options.onCall);
  return {
    iam: member.iam,
    close() {
      stop();
      member.destroy();
    },
  };
}
