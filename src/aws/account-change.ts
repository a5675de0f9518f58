/**
 * What `parapet aws plan` finds to change in IAM of one member account, as plain values (JSON as
 * they are, inside `parapet-aws-plan/1`). Roles are named by name (their path is `/parapet/`),
 * managed policies and providers by ARN, known before they exist (their path and name are fixed).
 */

export type AccountChange =
  | { readonly kind: 'create-oidc-provider'; readonly provider: string; readonly url: string; readonly audiences: readonly string[] }
  | { readonly kind: 'add-oidc-audience'; readonly provider: string; readonly audience: string }
  | { readonly kind: 'create-managed-policy'; readonly policy: string; readonly name: string; readonly permissionSet: string; readonly document: string }
  | {
      readonly kind: 'update-managed-policy';
      readonly policy: string;
      readonly document: string;
      /** AWS keeps five versions: the oldest goes first when there are five */
      readonly deleteVersion?: string;
    }
  | {
      readonly kind: 'create-role';
      readonly role: string;
      readonly permissionSet: string;
      readonly trustPolicy: string;
      readonly maxSessionDuration: number;
      /** the boundary is set when the role is made, so the role never exists without it */
      readonly boundary?: string;
    }
  | { readonly kind: 'tag-role'; readonly role: string; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'update-trust-policy'; readonly role: string; readonly trustPolicy: string }
  | { readonly kind: 'update-session-duration'; readonly role: string; readonly from: number; readonly to: number }
  | { readonly kind: 'set-boundary'; readonly role: string; readonly boundary: string; readonly from?: string }
  | { readonly kind: 'put-inline-policy'; readonly role: string; readonly name: string; readonly document: string; readonly isNew: boolean }
  | { readonly kind: 'attach-managed-policy'; readonly role: string; readonly policy: string }
  | { readonly kind: 'remove-boundary'; readonly role: string; readonly boundary: string }
  | { readonly kind: 'detach-managed-policy'; readonly role: string; readonly policy: string }
  | { readonly kind: 'delete-inline-policy'; readonly role: string; readonly name: string }
  | { readonly kind: 'delete-role'; readonly role: string }
  | { readonly kind: 'delete-managed-policy'; readonly policy: string; readonly versions: readonly string[] }
  | { readonly kind: 'delete-oidc-provider'; readonly provider: string };

export type AccountChangeKind = AccountChange['kind'];

/**
 * The order apply runs them in: the provider and the policies before the roles that name them, a
 * boundary before the role it bounds (at creation), permissions added before others are taken
 * away, and everything detached before it is deleted.
 */
export const ACCOUNT_CHANGE_ORDER: readonly AccountChangeKind[] = [
  'create-oidc-provider',
  'add-oidc-audience',
  'create-managed-policy',
  'update-managed-policy',
  'create-role',
  'tag-role',
  'set-boundary',
  'update-session-duration',
  'put-inline-policy',
  'attach-managed-policy',
  'update-trust-policy',
  'remove-boundary',
  'detach-managed-policy',
  'delete-inline-policy',
  'delete-role',
  'delete-managed-policy',
  'delete-oidc-provider',
];

export interface AccountPlan {
  readonly accountId: string;
  /** the account's name in the configuration, or AWS's */
  readonly accountName: string;
  readonly changes: readonly AccountChange[];
  /** what the plan cannot do, so apply refuses until the configuration or the account changes */
  readonly problems: readonly string[];
  /** what the plan leaves alone on purpose */
  readonly notes: readonly string[];
}
