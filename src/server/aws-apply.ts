/**
 * The server's apply to AWS (`POST /v1/aws/apply`, a service account): the active configuration
 * version planned against the live organization and applied as `parapet aws apply` does, every
 * AWS call in the audit trail before the next one is made: the reads through a middleware of the
 * run's own client, the changes through the apply's `onCall` hook. A call whose audit record cannot
 * be written stops the run (nothing more is changed unrecorded).
 *
 * Loaded only when an apply runs: the server starts without the AWS SDK.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsApplyResult } from '../contract/aws.ts';
import { applyOrganizationPlan, summarizeAwsInput, type AwsCallOutcome } from '../aws/apply-organization.ts';
import { createAwsClients } from '../aws/aws-clients.ts';
import { awsFailure } from '../aws/aws-failure.ts';
import type { AwsTarget } from '../aws/aws-target.ts';
import { planOrganization } from '../aws/plan-organization.ts';
import { readOrganization } from '../aws/read-organization.ts';
import { describeChange } from '../aws/render-organization-plan.ts';
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
}

export async function applyConfigToAws(run: ServerAwsApply): Promise<AwsApplyResult> {
  const record = async (service: string, operation: string, input: Readonly<Record<string, unknown>>, outcome: AwsCallOutcome): Promise<void> => {
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
  // the run's own client: its middleware hears every call of the run, and only of the run
  const clients = createAwsClients(run.target.clientOptions);
  const reader: OrganizationsClient = clients.organizations;
  reader.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = summarizeAwsInput(args.input as object);
      try {
        const output = await next(args);
        await record('organizations', operation, input, { ok: true });
        return output;
      } catch (error) {
        await record('organizations', operation, input, { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        throw error;
      }
    },
    { step: 'initialize', name: 'parapetAuditAwsReads' },
  );
  try {
    let live;
    try {
      live = await readOrganization(reader);
    } catch (error) {
      throw awsFailure('reading the organization', error);
    }
    const plan = planOrganization(run.config, live);
    if (plan.problems.length > 0) {
      throw new ParapetError('conflict', `the plan of configuration version ${run.configVersion} has problems: nothing was changed: ${plan.problems.join('; ')}`, { details: { problems: plan.problems } });
    }
    const result = await applyOrganizationPlan(run.target.management.organizations, plan, live.root.id, { onCall: record });
    return {
      configVersion: run.configVersion,
      organizationId: live.id,
      done: result.done.map(describeChange),
      ...(result.failed === undefined ? {} : { failed: { change: describeChange(result.failed.change), error: result.failed.error } }),
      notDone: result.notDone.map(describeChange),
    };
  } finally {
    clients.destroy();
  }
}
