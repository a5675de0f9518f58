/**
 * The AWS organization a server acts on: the management account's clients (credentials the
 * standard AWS way, or a profile), and IAM in each member account through the role the settings
 * name (default `OrganizationAccountAccessRole`), assumed with the management credentials and
 * kept until five minutes before they expire. The management account's own IAM is its own client.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { createAwsClients, type AwsClientOptions, type AwsClients } from './aws-clients.ts';
import { assumeRoleCredentials } from './assume-role-credentials.ts';
import { awsFailure } from './aws-failure.ts';

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
        const roleArn = `arn:aws:iam::${accountId}:role/${options.memberAccountRole}`;
        const assumed = assumeRoleCredentials(management.sts, roleArn, options.sessionName ?? 'parapet-server');
        const credentials = async () => {
          try {
            return await assumed();
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
