/**
 * IAM in a member account, reached as AWS Organizations sets accounts up: the management account
 * assumes a role the account trusts (by default `OrganizationAccountAccessRole`, which AWS creates
 * in every account the organization creates; an invited account needs it made by hand). The
 * management account itself is reached with the caller's own credentials. Every call, the
 * `AssumeRole` included, goes to the `onCall` hook.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ParapetError } from '../policy/index.ts';
import type { AwsClients } from './aws-clients.ts';
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
  const role = options.accountRole ?? DEFAULT_ACCOUNT_ROLE;
  const stopSts = observeAwsCalls(clients.sts, 'sts', options.onCall);
  let assumed;
  try {
    assumed = await clients.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:${options.partition ?? 'aws'}:iam::${accountId}:role/${role}`, RoleSessionName: 'parapet-aws-apply', DurationSeconds: 3600 }),
    );
  } finally {
    stopSts();
  }
  const credentials = assumed.Credentials;
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) throw new ParapetError('unavailable', `aws: AssumeRole \`${role}\` in account \`${accountId}\` returned no credentials`);
  const { endpoint, region, maxAttempts } = clients.options;
  const iam = new IAMClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    region: region ?? 'us-east-1',
    maxAttempts: maxAttempts ?? 8,
    retryMode: 'standard',
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, ...(credentials.SessionToken !== undefined ? { sessionToken: credentials.SessionToken } : {}) },
  });
  const stop = observeAwsCalls(iam, 'iam', options.onCall);
  return {
    iam,
    close() {
      stop();
      iam.destroy();
    },
  };
}
