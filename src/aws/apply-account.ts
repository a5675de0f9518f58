/**
 * Make the changes of the member-account plans in IAM, account by account, each in its plan's
 * order (dependency order, account-change.ts). What Parapet creates is under `/parapet/` and tagged
 * `parapet:managed` (roles also `parapet:permission-set`), so the next plan finds it again: a
 * second plan is empty. A failure stops the run: the result says what was done, what failed and
 * what was not done, and a re-run plans only what is left.
 */
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { internalError } from '../policy/index.ts';
import { openAccountIam, type AccountAccessOptions } from './account-access.ts';
import type { AccountChange, AccountPlan } from './account-change.ts';
import { PARAPET_PATH } from './live-account.ts';
import { awsErrorName } from './observe-aws-calls.ts';
import { MANAGED_TAG } from './plan-organization.ts';
import { PERMISSION_SET_TAG, roleTags } from './plan-account.ts';

export interface AccountStep {
  readonly accountId: string;
  readonly change: AccountChange;
}

export interface AccountApplyResult {
  readonly done: readonly AccountStep[];
  /** the change AWS refused; without `change` when the account could not be reached */
  readonly failed?: { readonly accountId: string; readonly change?: AccountChange; readonly error: string };
  readonly notDone: readonly AccountStep[];
}

export type AccountApplyOptions = AccountAccessOptions;

export async function applyAccountPlans(plans: readonly AccountPlan[], options: AccountApplyOptions): Promise<AccountApplyResult> {
  if (plans.some((p) => p.problems.length > 0)) throw internalError('applyAccountPlans: a plan with problems is never applied');
  const done: AccountStep[] = [];
  const rest = (from: number, skipFirst: number): AccountStep[] =>
    plans.slice(from).flatMap((plan, i) => plan.changes.slice(i === 0 ? skipFirst : 0).map((change) => ({ accountId: plan.accountId, change })));
  for (const [p, plan] of plans.entries()) {
    if (plan.changes.length === 0) continue;
    let access;
    try {
      access = await openAccountIam(plan.accountId, options);
    } catch (error) {
      return { done, failed: { accountId: plan.accountId, error: `reaching the account: ${awsErrorName(error)}` }, notDone: rest(p, 0) };
    }
    try {
      for (const [c, change] of plan.changes.entries()) {
        try {
          await applyAccountChange(access.iam, change);
        } catch (error) {
          return { done, failed: { accountId: plan.accountId, change, error: awsErrorName(error) }, notDone: rest(p, c + 1) };
        }
        done.push({ accountId: plan.accountId, change });
      }
    } finally {
      access.close();
    }
  }
  return { done, notDone: [] };
}

const managedTags = (extra: Record<string, string> = {}) => Object.entries({ [MANAGED_TAG]: 'true', ...extra }).map(([Key, Value]) => ({ Key, Value }));

async function applyAccountChange(iam: IAMClient, change: AccountChange): Promise<void> {
  switch (change.kind) {
    case 'create-oidc-provider':
      // no thumbprint: IAM secures the connection to the issuer with its own trusted certificate authorities (CreateOpenIDConnectProvider, ThumbprintList)
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: change.url, ClientIDList: [...change.audiences], Tags: managedTags() }));
      return;
    case 'add-oidc-audience':
      await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: change.provider, ClientID: change.audience }));
      return;
    case 'create-managed-policy':
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: change.name,
          Path: PARAPET_PATH,
          PolicyDocument: change.document,
          Description: `managed by Parapet: permission set ${change.permissionSet}`.slice(0, 1000),
          Tags: managedTags({ [PERMISSION_SET_TAG]: change.permissionSet }),
        }),
      );
      return;
    case 'update-managed-policy':
      if (change.deleteVersion !== undefined) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: change.policy, VersionId: change.deleteVersion }));
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: change.policy, PolicyDocument: change.document, SetAsDefault: true }));
      return;
    case 'create-role':
      await iam.send(
        new CreateRoleCommand({
          RoleName: change.role,
          Path: PARAPET_PATH,
          AssumeRolePolicyDocument: change.trustPolicy,
          MaxSessionDuration: change.maxSessionDuration,
          Description: `Parapet permission set ${change.permissionSet}`.slice(0, 1000),
          ...(change.boundary !== undefined ? { PermissionsBoundary: change.boundary } : {}),
          Tags: Object.entries(roleTags(change.permissionSet)).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      return;
    case 'tag-role':
      await iam.send(new TagRoleCommand({ RoleName: change.role, Tags: Object.entries(change.tags).map(([Key, Value]) => ({ Key, Value })) }));
      return;
    case 'update-trust-policy':
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: change.role, PolicyDocument: change.trustPolicy }));
      return;
    case 'update-session-duration':
      await iam.send(new UpdateRoleCommand({ RoleName: change.role, MaxSessionDuration: change.to }));
      return;
    case 'set-boundary':
      await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: change.role, PermissionsBoundary: change.boundary }));
      return;
    case 'put-inline-policy':
      await iam.send(new PutRolePolicyCommand({ RoleName: change.role, PolicyName: change.name, PolicyDocument: change.document }));
      return;
    case 'attach-managed-policy':
      await iam.send(new AttachRolePolicyCommand({ RoleName: change.role, PolicyArn: change.policy }));
      return;
    case 'remove-boundary':
      await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: change.role }));
      return;
    case 'detach-managed-policy':
      await iam.send(new DetachRolePolicyCommand({ RoleName: change.role, PolicyArn: change.policy }));
      return;
    case 'delete-inline-policy':
      await iam.send(new DeleteRolePolicyCommand({ RoleName: change.role, PolicyName: change.name }));
      return;
    case 'delete-role':
      await iam.send(new DeleteRoleCommand({ RoleName: change.role }));
      return;
    case 'delete-managed-policy':
      for (const version of change.versions) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: change.policy, VersionId: version }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: change.policy }));
      return;
    case 'delete-oidc-provider':
      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: change.provider }));
      return;
    default: {
      const unknown: never = change;
      throw internalError(`applyAccountChange: unknown change ${String(unknown)}`);
    }
  }
}
