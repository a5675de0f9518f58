/**
 * `parapet.yaml` as read, before its names are checked against each other and its policy files
 * are parsed: every name and file reference keeps its position. Internal to src/org.
 */
import type { Position } from './config-issue.ts';
import type { GroupSync } from './org-config.ts';

export type { GroupSync };

/** a name or a file path as written, and where */
export interface Ref {
  readonly name: string;
  readonly at: Position;
  /** YAML path, e.g. `$.assignments[2].accounts[0]` */
  readonly path: string;
}

export interface DraftUnit {
  /** `root` for the organization root */
  readonly name: string;
  readonly at: Position;
  readonly path: string;
  /** unit names below the root down to this unit */
  readonly unitPath: readonly string[];
  /** AWS's id of the root (`r-…`) or unit (`ou-…`) when recorded (by `parapet aws import`) */
  readonly awsId: Ref | undefined;
  /** AWS's name when it differs from `name` (one Parapet's names do not allow) */
  readonly awsName: string | undefined;
  /** undefined when the unit has no `guardrails` field */
  readonly guardrails: readonly Ref[] | undefined;
  readonly resourceGuardrails: readonly Ref[];
  readonly units: readonly DraftUnit[];
  readonly accounts: readonly DraftAccount[];
}

export interface DraftAccount {
  /** undefined when missing or invalid (already reported) */
  readonly id: Ref | undefined;
  readonly name: Ref | undefined;
  /** AWS's name when it differs from `name` */
  readonly awsName: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly unitPath: readonly string[];
  readonly guardrails: readonly Ref[] | undefined;
  readonly resourceGuardrails: readonly Ref[] | undefined;
  readonly at: Position;
  readonly path: string;
}

export interface DraftGuardrail {
  readonly name: string;
  readonly at: Position;
  readonly file: Ref | undefined;
  /** AWS's policy id (`p-…`) when recorded */
  readonly awsId: Ref | undefined;
  /** AWS's policy name when it differs from the guardrail's name */
  readonly awsName: string | undefined;
}

export interface DraftPermissionSet {
  readonly name: string;
  readonly at: Position;
  readonly policies: readonly Ref[];
  readonly boundary: Ref | undefined;
  readonly sessionDuration: string;
  readonly sessionDurationSeconds: number;
}

export interface DraftGroup {
  readonly name: string;
  readonly at: Position;
  readonly members: readonly Ref[];
  /** the directory group it is synced from; undefined for a group whose members are listed here */
  readonly synced?: GroupSync | undefined;
}

export interface DraftAssignment {
  readonly index: number;
  readonly at: Position;
  readonly path: string;
  readonly group: Ref | undefined;
  readonly permissionSet: Ref | undefined;
  readonly accounts: readonly Ref[];
  readonly eligible: boolean;
}

export interface DraftServiceAccount {
  readonly name: string;
  readonly at: Position;
  readonly permissionSet: Ref | undefined;
  readonly accounts: readonly Ref[];
  /** undefined when absent, or when it is not a map (already reported) */
  readonly github: DraftGitHubTrust | undefined;
}

/** a service account's `github` entry; a field that is absent, or invalid (already reported), is undefined */
export interface DraftGitHubTrust {
  readonly at: Position;
  readonly path: string;
  readonly repository: Ref | undefined;
  readonly refs: readonly Ref[] | undefined;
  readonly environments: readonly Ref[] | undefined;
  readonly jobWorkflowRef: Ref | undefined;
  readonly audience: Ref | undefined;
  /** false when a field had an error (reported): a field left undefined then is not one that does not restrict */
  readonly valid: boolean;
}

export interface DraftConfig {
  readonly name: string | undefined;
  /** undefined when absent or invalid (already reported) */
  readonly organizationId: string | undefined;
  readonly managementAccount: Ref | undefined;
  readonly root: DraftUnit | undefined;
  readonly guardrails: readonly DraftGuardrail[];
  readonly resourceGuardrails: readonly DraftGuardrail[];
  readonly permissionSets: readonly DraftPermissionSet[];
  readonly groups: readonly DraftGroup[];
  readonly assignments: readonly DraftAssignment[];
  readonly serviceAccounts: readonly DraftServiceAccount[];
  /** `directory.principalTags`: tag key → SCIM attribute path; undefined when absent */
  readonly principalTags?: ReadonlyMap<string, string> | undefined;
  /** `audit.readers`: undefined when absent (nobody reads the audit log) */
  readonly auditReaders: DraftAuditReaders | undefined;
}

/** who may read the audit log: members of these groups, these service accounts */
export interface DraftAuditReaders {
  readonly groups: readonly Ref[];
  readonly serviceAccounts: readonly Ref[];
}
