/**
 * The AWS organization a server acts on: the management account's clients (credentials the
 * standard AWS way, or a profile), and IAM in each member account through the role the settings
 * name (default `OrganizationAccountAccessRole`), assumed with the management credentials and
 * kept until five minutes before they expire. The management account's own IAM is its own client.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { createAwsClients, type AwsClientOptions, type AwsClients } from './aws-clients.ts';
import { awsFailure } from './aws-failure.ts';
import { ParapetError } from '../policy/index.ts';

export interface AwsTargetOptions {
  readonly clientOptions: AwsClientOptions;
  readonly memberAccountRole: string;
  /** the session name the server's own AWS calls carry in member accounts (CloudTrail) */
  readonly sessionName?: string;
}

export interface AwsTarget {
  /** what the management clients are made with: more clients of the same account (one per apply run) */
  readonly clientOptions: AwsClientOptions;
  /** the role assumed in each member account */
  readonly memberAccountRole: string;
  readonly management: AwsClients;
  /** IAM in the account; `managementAccountId`: the account the management credentials are of */
  iamIn(accountId: string, managementAccountId?: string): Promise<IAMClient>;
  destroy(): void;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

export function createAwsTarget(options: AwsTargetOptions): AwsTarget {
  const management = createAwsClients(options.clientOptions);
  const members = new Map<string, AwsClients>();
  return {
    clientOptions: options.clientOptions,
    memberAccountRole: options.memberAccountRole,
    management,
    async iamIn(accountId, managementAccountId) {
      if (accountId === managementAccountId) return management.iam;
      let clients = members.get(accountId);
      if (clients === undefined) {
        const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
        let cached: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } | undefined;
        const roleArn = `arn:aws:iam::${accountId}:role/${options.memberAccountRole}`;
        const credentials = async () => {
          if (cached !== undefined && cached.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS) return cached;
          try {
            const answer = await management.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName ?? 'parapet-server' }));
            const given = answer.Credentials;
            if (given?.AccessKeyId === undefined || given.SecretAccessKey === undefined || given.SessionToken === undefined) throw new ParapetError('unavailable', `aws: assuming \`${roleArn}\`: AWS STS answered without credentials`);
            cached = { accessKeyId: given.AccessKeyId, secretAccessKey: given.SecretAccessKey, sessionToken: given.SessionToken, expiration: given.Expiration ?? new Date(Date.now() + 3600_000) };
            return cached;
          } catch (error) {
            throw awsFailure(`assuming \`${roleArn}\``, error);
          }
        };
        clients = createAwsClients({ ...options.clientOptions, credentials });
        members.set(accountId, clients);
      }
      return clients.iam;
    },
    destroy() {
      management.destroy();
      for (const clients of members.values()) clients.destroy();
      members.clear();
    },
  };
}
