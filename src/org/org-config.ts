/**
 * The organization model after validation: a configuration repository (`parapet.yaml` and its
 * policy files) as typed values. Every name a value refers to exists, every policy parsed, and
 * every node keeps the place it was written, for messages and diffs.
 */
import type { Policy } from '../policy/index.ts';

export interface SourceLocation {
  /** the file, relative to the repository folder */
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

export interface OrgConfig {
  readonly organization: Organization;
  /** service control policies by name, in file order */
  readonly guardrails: ReadonlyMap<string, GuardrailDefinition>;
  /** resource control policies by name, in file order */
  readonly resourceGuardrails: ReadonlyMap<string, GuardrailDefinition>;
  readonly permissionSets: ReadonlyMap<string, PermissionSet>;
  readonly groups: ReadonlyMap<string, Group>;
  readonly assignments: readonly Assignment[];
  readonly serviceAccounts: ReadonlyMap<string, ServiceAccount>;
  /** every account in the tree by name, depth first (a unit's accounts before its sub-units) */
  readonly accounts: ReadonlyMap<string, Account>;
  /**
   * `directory.principalTags`: session tag key → the SCIM attribute of the user it is read from
   * (`aws:PrincipalTag/<key>` of a directory user's sessions); absent: no tags
   */
  readonly principalTags?: ReadonlyMap<string, string>;
  /** `audit`: who may read the audit log; absent: nobody (docs/audit.md) */
  readonly audit?: AuditSettings | undefined;
}

export interface AuditSettings {
  /** the members of these groups and these service accounts may search, export and prove the audit log */
  readonly readers: { readonly groups: readonly string[]; readonly serviceAccounts: readonly string[] };
}

export interface Organization {
  readonly name: string;
  /**
   * AWS's id of the organization (`o-` and 10 to 32 lower-case letters or digits), when the
   * configuration gives it: the `aws:PrincipalOrgID` of every principal of its accounts
   */
  readonly id?: string;
  /** SCPs and RCPs do not apply to the management account (it may also appear in the tree) */
  readonly managementAccount: string;
  readonly root: Unit;
}

export interface Unit {
  /** `root` for the organization root */
  readonly name: string;
  /** unit names from below the root down to this unit; empty for the root */
  readonly path: readonly string[];
  /** AWS's id (`r-…` for the root, `ou-…`), recorded by `parapet aws import`: AWS plans match by it */
  readonly awsId?: string;
  /** AWS's name, when it is one Parapet's names do not allow (`name` is then Parapet's) */
  readonly awsName?: string;
  /** SCPs attached here, by name */
  readonly guardrails: readonly string[];
  /** RCPs attached here, by name */
  readonly resourceGuardrails: readonly string[];
  readonly units: readonly Unit[];
  readonly accounts: readonly Account[];
  readonly at: SourceLocation;
}

export interface Account {
  /** 12 digits */
  readonly id: string;
  readonly name: string;
  /** AWS's name, when it is one Parapet's names do not allow, or another account's too */
  readonly awsName?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** the names of the units it sits in, below the root; empty for an account at the root */
  readonly units: readonly string[];
  /**
   * SCPs attached to the account itself. Absent: the account adds no level of its own to the chain
   * (as with AWS's default FullAWSAccess attached to every account, which restricts nothing).
   */
  readonly guardrails?: readonly string[];
  /** RCPs attached to the account itself; absent: no level of its own */
  readonly resourceGuardrails?: readonly string[];
  readonly at: SourceLocation;
}

export interface GuardrailDefinition {
  readonly name: string;
  readonly file: string;
  /** AWS's policy id (`p-…`), recorded by `parapet aws import`: AWS plans match by it */
  readonly awsId?: string;
  /** AWS's policy name, when it differs from `name` */
  readonly awsName?: string;
  /** parsed as an SCP (a guardrail) or an RCP (a resource guardrail), named after the guardrail */
  readonly policy: Policy;
  /** the file's length in characters, as AWS counts it against its 5,120-character limit */
  readonly characters: number;
  readonly at: SourceLocation;
}

export interface PolicyFile {
  readonly file: string;
  /** named after the file */
  readonly policy: Policy;
}

export interface PermissionSet {
  readonly name: string;
  /** identity-based policies */
  readonly policies: readonly PolicyFile[];
  /** the permissions boundary, when there is one */
  readonly boundary?: PolicyFile;
  /** as written, e.g. `8h`; `1h` when not given */
  readonly sessionDuration: string;
  readonly sessionDurationSeconds: number;
  readonly at: SourceLocation;
}

export interface Group {
  readonly name: string;
  /** user names (e-mail addresses), as the directory knows them; empty for a synced group */
  readonly members: readonly string[];
  /** the directory (SCIM) group whose members this group has; absent: `members` are the members */
  readonly synced?: GroupSync;
  readonly at: SourceLocation;
}

/**
 * A directory (SCIM) group, by its `displayName` (compared without case, as SCIM compares it) or
 * its `externalId` (the identity provider's id, compared exactly)
 */
export type GroupSync = { readonly displayName: string } | { readonly externalId: string };

export interface Assignment {
  /** position in the `assignments` list */
  readonly index: number;
  readonly group: string;
  readonly permissionSet: string;
  /** account names */
  readonly accounts: readonly string[];
  /** just-in-time only: the group may request the permission set, with approval */
  readonly eligible: boolean;
  readonly at: SourceLocation;
}

export interface ServiceAccount {
  readonly name: string;
  readonly permissionSet: string;
  readonly accounts: readonly string[];
  /** the GitHub Actions workflow runs that may act as it; absent: none can */
  readonly github?: GitHubActionsTrust;
  readonly at: SourceLocation;
}

/**
 * Which GitHub Actions workflow runs may act as a service account, by the claims of the run's OIDC
 * token. Every value is matched exactly (no wildcards). A field that is absent does not restrict;
 * a list accepts any of its values. The configuration refuses two service accounts that one token
 * could match (`ambiguous-github-trust`), so a token acts as at most one.
 */
export interface GitHubActionsTrust {
  /** `owner/name`: the token's `repository` claim */
  readonly repository: string;
  /** full git refs such as `refs/heads/main`: the token's `ref` claim */
  readonly refs?: readonly string[];
  /** deployment environment names: the token's `environment` claim (a run without one matches none) */
  readonly environments?: readonly string[];
  /** `owner/name/.github/workflows/file.yml@ref`: the token's `job_workflow_ref` claim */
  readonly jobWorkflowRef?: string;
  /** the token's `aud`; absent: the server's public URL */
  readonly audience?: string;
  readonly at: SourceLocation;
}
