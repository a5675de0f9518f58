/**
 * The shape of the request map: for a Terraform resource type and a change, the AWS requests the
 * provider sends, as data (docs/preflight.md). Templates name values with `{…}`:
 *
 * - `{account}`, `{region}` (the provider configuration's; us-east-1 for a global service);
 * - `{arg}` or `{arg.0.sub}`: an argument of the resource (after the change; before it for a delete),
 *   resolved through the configuration's references when Terraform knows it only after apply;
 * - `{generated}`: an ID AWS assigns on create (a key ID), rendered `*`.
 */

/** why the request is sent: the change's own call, or one the provider makes for it */
export type RequestRole =
  | 'primary'
  | 'tag-on-create'
  | 'follow-up'
  | 'pass-role'
  | 'also-on-resource'
  | 'also-on-key'
  | 'code-fetch'
  | 'managed-master-password'
  | 'replace-delete'
  | 'replace-create';

export interface RequestSpec {
  readonly action: string;
  /** ARN template, or `*` for an action without a resource type */
  readonly resource: string;
  readonly role: RequestRole;
  /** the request carries the resource's tags (`tags_all`): `aws:RequestTag/*` and `aws:TagKeys` */
  readonly tags?: boolean;
  /** further context keys, as templates */
  readonly context?: Readonly<Record<string, string>>;
  /**
   * prefer the referenced resource's attribute for the resource ARN: an attachment names its user
   * by name, and the user's ARN (with its path) comes from the user in the plan
   */
  readonly resourceFromReference?: { readonly arg: string; readonly attr: string };
  /** KMS key requests are authorized by the key policy too: the default key policy when the plan gives none */
  readonly keyPolicy?: boolean;
  /** sent only when this argument is set and not empty/false (`tags_all` for tag calls), or with `arg=value` when it has that value */
  readonly when?: string;
}

export interface ResourceMapping {
  readonly type: string;
  /** a global service (IAM): requests go to us-east-1 whatever the provider's region */
  readonly global?: boolean;
  /** templates for attributes that are known only after apply, used when another resource references them (`arn`, `id`, …) */
  readonly computed: Readonly<Record<string, string>>;
  readonly create: readonly RequestSpec[];
  /** absent: an update of this type is reported as unmapped */
  readonly update?: readonly RequestSpec[];
  readonly delete: readonly RequestSpec[];
  /** a data-holding resource whose replacement loses data (DESTRUCTIVE-REPLACE) */
  readonly stateful?: boolean;
  /** the resource takes `tags` (TAG-MISSING) */
  readonly taggable?: boolean;
  /** where the requests come from: the AWS service authorization reference and the provider's documentation */
  readonly source: readonly string[];
}
