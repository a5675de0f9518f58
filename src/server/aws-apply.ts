/**
 * The server's apply to AWS (`POST /v1/aws/apply`, a service account): the active configuration
 * version planned against the live organization and its member accounts and applied as `parapet
 * aws apply` does, every AWS call in the audit trail before the next one is made (the hook of
 * src/aws/observe-aws-calls.ts on every client of the run: reads, the `AssumeRole` into each
 * account, changes). A call whose audit record cannot be written fails, and the run stops
 * (nothing more is changed unrecorded).
 *
 * Loaded only when an apply runs: the server starts without the AWS SDK.
 */
import type { AwsApplyResult } from '../contract/aws.ts';
import type { AccountChange } from '../aws/account-change.ts';
import { applyAccountPlans } from '../aws/apply-account.ts';
import { applyOrganizationPlan } from '../aws/apply-organization.ts';
import { createAwsClients } from '../aws/aws-clients.ts';
import { awsFailure } from '../aws/aws-failure.ts';
import type { AwsTarget } from '../aws/aws-target.ts';
import type { AwsCallOutcome, AwsInputSummary, AwsService } from '../aws/observe-aws-calls.ts';
import { planMemberAccounts } from '../aws/plan-member-accounts.ts';
import { planOrganization } from '../aws/plan-organization.ts';
import { readOrganization } from '../aws/read-organization.ts';
import { describeAccountChange } from '../aws/render-account-change.ts';
import { describeChange } from '../aws/render-organization-plan.ts';
import type { TrustSettings } from '../aws/trust-policy.ts';
import type { OrgConfig } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import type { AuditRecorder } from './audit-recorder.ts';

export interface ServerAwsApply {
  readonly target: AwsTarget;
  readonly audit: AuditRecorder;
  readonly clock: () => Date;
  /** `service-account:NAME` */
  readonly principal: string;
  readonly requestId?: string | undefined;
  readonly configVersion: number;
  readonly config: OrgConfig;
  /** the server's issuer and the audience of its tokens for AWS: the roles' trust policies */
  readonly trust: TrustSettings;
}

export async function applyConfigToAws(run: ServerAwsApply): Promise<AwsApplyResult> {
  const record = async (service: AwsService, operation: string, input: AwsInputSummary, outcome: AwsCallOutcome): Promise<void> => {
    await run.audit.record({
      time: run.clock().toISOString(),
      actor: { principal: run.principal },
      type: 'aws-call',
      action: `${service}:${operation}`,
      outcome: outcome.ok ? 'success' : 'failure',
      ...(run.requestId === undefined ? {} : { requestId: run.requestId }),
      details: JSON.parse(JSON.stringify({ input, configVersion: run.configVersion, ...(outcome.ok ? {} : { error: outcome.error.slice(0, 1000) }) })) as Record<string, never>,
    });
  };
  // the run's own clients: their hooks hear every call of the run, and only of the run
  const clients = createAwsClients(run.target.clientOptions);
  try {
    let live;
    try {
      live = await readOrganization(clients.organizations, { onCall: record });
    } catch (error) {
      throw awsFailure('reading the organization', error);
    }
    const organizationPlan = planOrganization(run.config, live);
    const access = { clients, managementAccountId: live.managementAccountId, accountRole: run.target.memberAccountRole, onCall: record };
    let accounts;
    try {
      accounts = await planMemberAccounts(run.config, live, { ...access, trust: run.trust });
    } catch (error) {
      throw awsFailure('planning the member accounts', error);
    }
    const problems = [...organizationPlan.problems, ...accounts.flatMap((account) => account.problems.map((problem) => `account \`${account.accountName}\`: ${problem}`))];
    if (problems.length > 0) {
      throw new ParapetError('conflict', `the plan of configuration version ${run.configVersion} has problems: nothing was changed: ${problems.join('; ')}`, { details: { problems } });
    }
    const organization = await applyOrganizationPlan(clients.organizations, organizationPlan, live.root.id, { onCall: record });
    const done = organization.done.map(describeChange);
    const notDone = organization.notDone.map(describeChange);
    if (organization.failed !== undefined) {
      notDone.push(...accounts.flatMap((account) => account.changes.map((change) => `account \`${account.accountName}\`: ${describeAccountChange(change)}`)));
      return { configVersion: run.configVersion, organizationId: live.id, done, failed: { change: describeChange(organization.failed.change), error: organization.failed.error }, notDone };
    }
    const result = await applyAccountPlans(accounts, access);
    const names = new Map(accounts.map((account) => [account.accountId, account.accountName]));
    const step = (accountId: string, change?: AccountChange): string => `account \`${names.get(accountId) ?? accountId}\`: ${change === undefined ? 'reaching the account' : describeAccountChange(change)}`;
    return {
      configVersion: run.configVersion,
      organizationId: live.id,
      done: [...done, ...result.done.map((s) => step(s.accountId, s.change))],
      ...(result.failed === undefined ? {} : { failed: { change: step(result.failed.accountId, result.failed.change), error: result.failed.error } }),
      notDone: [...notDone, ...result.notDone.map((s) => step(s.accountId, s.change))],
    };
  } finally {
    clients.destroy();
  }
}
