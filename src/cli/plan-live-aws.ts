/**
 * `parapet aws plan` and `apply`'s plan: the live organization read and planned, then IAM in each
 * member account (reached through the account role) planned. The SDK is loaded here, when an AWS
 * command runs (see read-live-organization.ts).
 */
import type { LiveOrganization } from '../aws/live-organization.ts';
import type { OrganizationPlan } from '../aws/organization-change.ts';
import type { TrustSettings } from '../aws/trust-policy.ts';
import type { OrgConfig } from '../org/org-config.ts';

export interface LiveAwsOptions {
  /** Parapet's issuer and audience for the roles' trust policies */
  readonly trust?: TrustSettings;
  /** the role assumed in member accounts */
  readonly accountRole?: string;
}

export async function planLiveAws(config: OrgConfig, options: LiveAwsOptions): Promise<{ live: LiveOrganization; plan: OrganizationPlan }> {
  const [{ createAwsClients }, { awsFailure }, { readOrganization }, { planOrganization }, { planMemberAccounts }] = await Promise.all([
    import('../aws/aws-clients.ts'),
    import('../aws/aws-failure.ts'),
    import('../aws/read-organization.ts'),
    import('../aws/plan-organization.ts'),
    import('../aws/plan-member-accounts.ts'),
  ]);
  const clients = createAwsClients();
  try {
    let live: LiveOrganization;
    try {
      live = await readOrganization(clients.organizations);
    } catch (error) {
      throw awsFailure('reading the organization', error);
    }
    const organizationPlan = planOrganization(config, live);
    try {
      const accounts = await planMemberAccounts(config, live, {
        clients,
        ...(options.trust !== undefined ? { trust: options.trust } : {}),
        ...(options.accountRole !== undefined ? { accountRole: options.accountRole } : {}),
      });
      return { live, plan: { ...organizationPlan, accounts } };
    } catch (error) {
      throw awsFailure('planning the member accounts', error);
    }
  } finally {
    clients.destroy();
  }
}
