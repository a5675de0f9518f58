/**
 * The member-account part of `parapet aws plan`: for every account of the configuration that is
 * an active member of the live organization, read its IAM (through the account role) and plan its
 * roles (plan-account.ts). An account that cannot be reached is a problem when it needs roles, and
 * a note otherwise (nothing of Parapet's can be found there, nothing is lost by not looking).
 *
 *   the roles each account needs → reach each account → read its IAM → plan it
 */
import type { OrgConfig } from '../org/org-config.ts';
import { DEFAULT_ACCOUNT_ROLE, openAccountIam, type AccountAccessOptions } from './account-access.ts';
import type { AccountPlan } from './account-change.ts';
import { desiredAccounts } from './account-roles.ts';
import { listLiveUnits, type LiveOrganization } from './live-organization.ts';
import { awsFailure } from './aws-failure.ts';
import { awsErrorName } from './observe-aws-calls.ts';
import { planAccount } from './plan-account.ts';
import { readAccountIam } from './read-account.ts';
import type { TrustSettings } from './trust-policy.ts';

export interface MemberAccountsOptions extends Omit<AccountAccessOptions, 'managementAccountId'> {
  /** Parapet's issuer and audience; without them, no role can be planned (a problem where one is needed) */
  readonly trust?: TrustSettings;
}

export async function planMemberAccounts(config: OrgConfig, live: LiveOrganization, options: MemberAccountsOptions): Promise<AccountPlan[]> {
  const liveAccounts = new Map(listLiveUnits(live.root).flatMap((unit) => unit.accounts.map((account) => [account.id, account] as const)));
  const plans: AccountPlan[] = [];
  for (const desired of desiredAccounts(config)) {
    const account = liveAccounts.get(desired.accountId);
    const needed = desired.roles.length > 0;
    const skip = (why: string): void => {
      plans.push({ accountId: desired.accountId, accountName: desired.accountName, changes: [], problems: needed ? [`${why}: its roles cannot be made`] : [], notes: needed ? [] : [`${why}: not read`] });
    };
    if (account === undefined) {
      // the Organizations plan says so already when the account is in the tree; roles still cannot be made
      if (needed) skip(`account \`${desired.accountName}\` (\`${desired.accountId}\`) is not in organization \`${live.id}\``);
      continue;
    }
    if (account.status !== 'ACTIVE') {
      skip(`account \`${desired.accountName}\` is ${account.status.toLowerCase()}`);
      continue;
    }
    let access;
    try {
      access = await openAccountIam(desired.accountId, { ...options, managementAccountId: live.managementAccountId });
    } catch (error) {
      skip(`account \`${desired.accountName}\` (\`${desired.accountId}\`) cannot be reached through role \`${options.accountRole ?? DEFAULT_ACCOUNT_ROLE}\`: ${awsErrorName(error)}`);
      continue;
    }
    try {
      const wanted = {
        roles: new Set(desired.roles.map((r) => r.name)),
        policies: new Set(desired.roles.flatMap((r) => [...r.managedPolicies, ...(r.boundary !== undefined ? [r.boundary] : [])].map((p) => p.name))),
      };
      const iam = await readAccountIam(access.iam, desired.accountId, wanted);
      plans.push(planAccount(desired, iam, options.trust));
    } catch (error) {
      throw awsFailure(`reading IAM in account \`${desired.accountName}\` (\`${desired.accountId}\`)`, error);
    } finally {
      access.close();
    }
  }
  return plans;
}
