/**
 * Make the changes of a plan in the live organization, in the plan's order (dependency order).
 * What Parapet creates is tagged `parapet:managed` and `parapet:name`, so the next plan finds it
 * again without a recorded id (a second plan is empty) and only it is ever deleted. A failure
 * stops the run: the result says what was done, what failed and what was not done, and a re-run
 * plans only what is left.
 */
import {
  AttachPolicyCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DeleteOrganizationalUnitCommand,
  DeletePolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  MoveAccountCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateOrganizationalUnitCommand,
  UpdatePolicyCommand,
  type CreateOrganizationalUnitCommandOutput,
  type CreatePolicyCommandOutput,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { internalError } from '../policy/index.ts';
import type { OrganizationChange, OrganizationPlan, PolicyRef, TargetRef } from './organization-change.ts';
import { MANAGED_TAG, NAME_TAG } from './plan-organization.ts';

/** what an AWS call did, for the audit trail: it answered, or AWS's error */
export type AwsCallOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Told of every AWS call an apply makes, after AWS answered and before the apply goes on (the
 * server awaits its audit record here): the service (`organizations`, `iam`), the operation
 * (`CreatePolicy`), a summary of the input (policy documents by size, never whole) and the outcome.
 */
export type OnAwsCall = (service: string, operation: string, input: Readonly<Record<string, unknown>>, outcome: AwsCallOutcome) => void | Promise<void>;

export interface ApplyOptions {
  readonly onCall?: OnAwsCall | undefined;
}

/** the input of a call as the audit trail keeps it: documents by their size, lists and scalars as they are */
export function summarizeAwsInput(input: object): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (typeof value === 'string' && (key === 'Content' || key.endsWith('Document'))) summary[key] = `(${value.length} characters)`;
    else summary[key] = value;
  }
  return summary;
}

export interface ApplyResult {
  readonly done: readonly OrganizationChange[];
  readonly failed?: { readonly change: OrganizationChange; readonly error: string };
  readonly notDone: readonly OrganizationChange[];
}

export async function applyOrganizationPlan(organizations: OrganizationsClient, plan: OrganizationPlan, rootId: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.problems.length > 0) throw internalError('applyOrganizationPlan: a plan with problems is never applied');
  // every call goes through here, so onCall hears of each one, answered or refused
  const client = {
    async send<Output = unknown>(command: { readonly input: object }): Promise<Output> {
      const operation = command.constructor.name.replace(/Command$/, '');
      let output: Output;
      try {
        // every command passed here is one of Organizations' (the SDK's send is typed per client)
        output = (await organizations.send(command as Parameters<OrganizationsClient['send']>[0])) as Output;
      } catch (error) {
        await options.onCall?.('organizations', operation, summarizeAwsInput(command.input), { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        throw error;
      }
      await options.onCall?.('organizations', operation, summarizeAwsInput(command.input), { ok: true });
      return output;
    },
  };
  const createdPolicies = new Map<string, string>();
  const createdUnits = new Map<string, string>();
  const policyId = (ref: PolicyRef) => ref.id ?? createdPolicies.get(ref.name) ?? missing(`policy \`${ref.name}\``);
  const targetId = (ref: TargetRef) => ref.id ?? createdUnits.get(ref.label) ?? missing(`unit \`${ref.label}\``);
  const tags = (name: string) => [
    { Key: MANAGED_TAG, Value: 'true' },
    { Key: NAME_TAG, Value: name },
  ];
  const done: OrganizationChange[] = [];
  for (const [i, change] of plan.changes.entries()) {
    try {
      switch (change.kind) {
        case 'enable-policy-type':
          await client.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: change.policyType }));
          break;
        case 'create-policy': {
          const created = await client.send<CreatePolicyCommandOutput>(
            new CreatePolicyCommand({ Name: change.awsName, Description: 'managed by Parapet', Type: change.policyType, Content: change.content, Tags: tags(change.policy.name) }),
          );
          createdPolicies.set(change.policy.name, created.Policy?.PolicySummary?.Id ?? missing(`the id of new policy \`${change.policy.name}\``));
          break;
        }
        case 'update-policy':
          await client.send(
            new UpdatePolicyCommand({
              PolicyId: policyId(change.policy),
              ...(change.awsName !== undefined ? { Name: change.awsName.to } : {}),
              ...(change.content !== undefined ? { Content: change.content } : {}),
            }),
          );
          break;
        case 'create-unit': {
          const created = await client.send<CreateOrganizationalUnitCommandOutput>(new CreateOrganizationalUnitCommand({ ParentId: targetId(change.parent), Name: change.awsName, Tags: tags(change.unit.label) }));
          createdUnits.set(change.unit.label, created.OrganizationalUnit?.Id ?? missing(`the id of new unit \`${change.unit.label}\``));
          break;
        }
        case 'rename-unit':
          await client.send(new UpdateOrganizationalUnitCommand({ OrganizationalUnitId: targetId(change.unit), Name: change.to }));
          break;
        case 'move-account':
          await client.send(new MoveAccountCommand({ AccountId: targetId(change.account), SourceParentId: targetId(change.from), DestinationParentId: targetId(change.to) }));
          break;
        case 'attach-policy':
          await client.send(new AttachPolicyCommand({ PolicyId: policyId(change.policy), TargetId: targetId(change.target) }));
          break;
        case 'detach-policy':
          await client.send(new DetachPolicyCommand({ PolicyId: policyId(change.policy), TargetId: targetId(change.target) }));
          break;
        case 'tag-account': {
          const id = targetId(change.account);
          const set = Object.entries(change.set).map(([Key, Value]) => ({ Key, Value }));
          if (set.length > 0) await client.send(new TagResourceCommand({ ResourceId: id, Tags: set }));
          if (change.remove.length > 0) await client.send(new UntagResourceCommand({ ResourceId: id, TagKeys: [...change.remove] }));
          break;
        }
        case 'delete-unit':
          await client.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: targetId(change.unit) }));
          break;
        case 'delete-policy':
          await client.send(new DeletePolicyCommand({ PolicyId: policyId(change.policy) }));
          break;
        default: {
          const unknown: never = change;
          throw internalError(`applyOrganizationPlan: unknown change ${String(unknown)}`);
        }
      }
      done.push(change);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { done, failed: { change, error: message }, notDone: plan.changes.slice(i + 1) };
    }
  }
  return { done, notDone: [] };
}

function missing(what: string): never {
  throw internalError(`applyOrganizationPlan: ${what} is not known: the plan is out of order`);
}
