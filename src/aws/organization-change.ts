/**
 * What `parapet aws plan` finds to change in the live organization, as plain values (JSON as they
 * are: `parapet-aws-plan/1`). Objects that exist are named by their AWS ids; one the plan creates
 * is named by the configuration (a unit's path, a guardrail's name) until apply learns its id.
 */
import type { AccountPlan } from './account-change.ts';
import type { LivePolicyType } from './live-organization.ts';

/** a root, unit or account as the plan names it */
export interface TargetRef {
  /** AWS's id; absent for a unit the plan creates */
  readonly id?: string;
  /** `root`, a unit path `workloads/prod`, or an account name: for people */
  readonly label: string;
}

/** an SCP or RCP as the plan names it */
export interface PolicyRef {
  /** AWS's id; absent for a policy the plan creates */
  readonly id?: string;
  /** the guardrail's name in the configuration, or AWS's name of a policy the configuration does not have */
  readonly name: string;
}

export type OrganizationChange =
  | { readonly kind: 'enable-policy-type'; readonly policyType: LivePolicyType }
  | { readonly kind: 'create-policy'; readonly policy: PolicyRef; readonly policyType: LivePolicyType; readonly awsName: string; readonly content: string }
  | {
      readonly kind: 'update-policy';
      readonly policy: PolicyRef;
      /** set when the name changes */
      readonly awsName?: { readonly from: string; readonly to: string };
      /** the new document, set when what it says changes */
      readonly content?: string;
    }
  | { readonly kind: 'create-unit'; readonly unit: TargetRef; readonly parent: TargetRef; readonly awsName: string }
  | { readonly kind: 'rename-unit'; readonly unit: TargetRef; readonly from: string; readonly to: string }
  | { readonly kind: 'move-account'; readonly account: TargetRef; readonly from: TargetRef; readonly to: TargetRef }
  | { readonly kind: 'attach-policy'; readonly policy: PolicyRef; readonly target: TargetRef }
  | { readonly kind: 'detach-policy'; readonly policy: PolicyRef; readonly target: TargetRef }
  | { readonly kind: 'tag-account'; readonly account: TargetRef; readonly set: Readonly<Record<string, string>>; readonly remove: readonly string[] }
  | { readonly kind: 'delete-unit'; readonly unit: TargetRef }
  | { readonly kind: 'delete-policy'; readonly policy: PolicyRef };

export type OrganizationChangeKind = OrganizationChange['kind'];

/** the order apply runs them in: what a change needs exists before it; attach before detach, so no level is without its Allow in between */
export const CHANGE_ORDER: readonly OrganizationChangeKind[] = [
  'enable-policy-type',
  'create-policy',
  'update-policy',
  'create-unit',
  'rename-unit',
  'move-account',
  'attach-policy',
  'detach-policy',
  'tag-account',
  'delete-unit',
  'delete-policy',
];

export interface OrganizationPlan {
  readonly format: 'parapet-aws-plan/1';
  readonly organizationId: string;
  readonly changes: readonly OrganizationChange[];
  /** what the plan cannot do, so apply refuses until the configuration changes */
  readonly problems: readonly string[];
  /** what the plan leaves alone on purpose */
  readonly notes: readonly string[];
  /** IAM in the member accounts (the roles of permission sets), account by account; absent when not planned */
  readonly accounts?: readonly AccountPlan[];
  /** `--force --reason`: the lock-out the configuration has, applied anyway, and why */
  readonly forced?: { readonly reason: string; readonly lockOuts: readonly string[] };
}

/** the plan has a problem in the organization or in an account: apply refuses it */
export function planProblems(plan: OrganizationPlan): string[] {
  return [...plan.problems, ...(plan.accounts ?? []).flatMap((a) => a.problems.map((p) => `account \`${a.accountName}\` (\`${a.accountId}\`): ${p}`))];
}

export function planChangeCount(plan: OrganizationPlan): number {
  return plan.changes.length + (plan.accounts ?? []).reduce((n, a) => n + a.changes.length, 0);
}
