/** apply a plan to the live organization with the standard AWS configuration; the SDK is loaded only here (see read-live-organization.ts) */
import type { ApplyResult } from '../aws/apply-organization.ts';
import type { OrganizationPlan } from '../aws/organization-change.ts';

export async function applyLivePlan(plan: OrganizationPlan, rootId: string): Promise<ApplyResult> {
  const [{ createAwsClients }, { applyOrganizationPlan }] = await Promise.all([import('../aws/aws-clients.ts'), import('../aws/apply-organization.ts')]);
  const clients = createAwsClients();
  try {
    return await applyOrganizationPlan(clients.organizations, plan, rootId);
  } finally {
    clients.destroy();
  }
}
