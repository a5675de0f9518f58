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
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { internalError } from '../policy/index.ts';
import type { OrganizationChange, OrganizationPlan, PolicyRef, TargetRef } from './organization-change.ts';
import { observeAwsCalls, type OnAwsCall } from './observe-aws-calls.ts';
import { MANAGED_TAG, NAME_TAG } from './plan-organization.ts';

export interface ApplyResult {
  readonly done: readonly OrganizationChange[];
  readonly failed?: { readonly change: OrganizationChange; readonly error: string };
  readonly notDone: readonly OrganizationChange[];
}

export interface OrganizationApplyOptions {
  /** every AWS call, as it ends (observe-aws-calls.ts) */
  readonly onCall?: OnAwsCall;
}

export async function applyOrganizationPlan(client: OrganizationsClient, plan: OrganizationPlan, rootId: string, options: OrganizationApplyOptions = {}): Promise<ApplyResult> {
  if (plan.problems.length > 0) throw internalError('applyOrganizationPlan: a plan with problems is never applied');
  const stop = observeAwsCalls(client, 'organizations', options.onCall);
  try {
    return await applyChanges(client, plan, rootId);
  } finally {
    stop();
  }
}

async function applyChanges(client: OrganizationsClient, plan: OrganizationPlan, rootId: string): Promise<ApplyResult> {
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
          const created = await client.send(
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
          const created = await client.send(new CreateOrganizationalUnitCommand({ ParentId: targetId(change.parent), Name: change.awsName, Tags: tags(change.unit.label) }));
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
