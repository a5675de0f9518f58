/** the options `parapet aws plan` and `apply` share: where the member accounts' roles get their trust from, and how accounts are reached */
import type { Command } from 'commander';
import { DEFAULT_AWS_AUDIENCE } from '../aws/web-identity.ts';
import type { LiveAwsOptions } from './plan-live-aws.ts';

export interface AwsTargetOptions {
  issuer?: string;
  audience: string;
  accountRole?: string;
}

export function addAwsTargetOptions(command: Command): Command {
  return command
    .option('--issuer <url>', "Parapet's OpenID issuer, the server's public URL (https): the roles trust tokens from it (default: $PARAPET_ISSUER)")
    .option('--audience <aud>', "the audience of Parapet's tokens for AWS", DEFAULT_AWS_AUDIENCE)
    .option('--account-role <name>', 'the role assumed in each member account (default: OrganizationAccountAccessRole)')
    .option('--force', 'plan and apply a configuration that leaves a level of the tree without any Allow (a lock-out); needs --reason')
    .option('--reason <text>', 'why --force: printed, and part of the plan (--json `forced`)');
}

export function liveAwsOptionsOf(options: AwsTargetOptions, env: NodeJS.ProcessEnv = process.env): LiveAwsOptions {
  const issuer = options.issuer ?? env.PARAPET_ISSUER;
  return {
    ...(issuer !== undefined && issuer !== '' ? { trust: { issuer, audience: options.audience } } : {}),
    ...(options.accountRole !== undefined ? { accountRole: options.accountRole } : {}),
  };
}
