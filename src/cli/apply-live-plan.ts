/** apply a plan to the live organization and then to IAM in its member accounts, with the standard AWS configuration; the SDK is loaded only here (see read-live-organization.ts) */
import type { AccountApplyResult } from '../aws/apply-account.ts';
import type { ApplyResult } from '../aws/apply-organization.ts';
import type { OrganizationPlan } from '../aws/organization-change.ts';

export interface LiveApplyResult {
  readonly organization: ApplyResult;
  /** absent when the organization's changes failed: the accounts were not started */
  readonly accounts?: AccountApplyResult;
}

export async function applyLivePlan(plan: OrganizationPlan, live: { rootId: string; managementAccountId: string }, options: { accountRole?: string } = {}): Promise<LiveApplyResult> {
  const [{ createAwsClients }, { applyOrganizationPlan }, { applyAccountPlans }] = await Promise.all([
    import('../aws/aws-clients.ts'),
    import('../aws/apply-organization.ts'),
    import('../aws/apply-account.ts'),
  ]);
  const clients = createAwsClients();
  try {
    const organization = await applyOrganizationPlan(clients.organizations, plan, live.rootId);
    if (organization.failed !== undefined) return { organization };
    const accounts = await applyAccountPlans(plan.accounts ?? [], {
      clients,
      managementAccountId: live.managementAccountId,
      ...(options.accountRole !== undefined ? { accountRole: options.accountRole } : {}),
    });
    return { organization, accounts };
  } finally {
    clients.destroy();
  }
}
