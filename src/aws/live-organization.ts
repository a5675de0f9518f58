/**
 * A live AWS organization as plain values, read through the Organizations API
 * (read-organization.ts): what import writes out and what plan compares the configuration with.
 * Everything is named by AWS's ids; names are AWS's, as they are (spaces and all).
 */

/** the policy types Parapet manages: guardrails (SCPs) and resource guardrails (RCPs) */
export type LivePolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export const POLICY_TYPES: readonly LivePolicyType[] = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

/**
 * The AWS-managed policies AWS attaches by default (Organizations user guide, "FullAWSAccess" and
 * "RCPFullAWSAccess"): they cannot be created, changed or deleted, only attached and detached
 * (RCPFullAWSAccess cannot even be detached)
 */
export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
export const RCP_FULL_AWS_ACCESS_ID = 'p-RCPFullAWSAccess';

export interface LivePolicy {
  /** `p-` and its id; AWS-managed ones are `p-FullAWSAccess` and `p-RCPFullAWSAccess` */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly type: LivePolicyType;
  readonly awsManaged: boolean;
  /** the policy document exactly as AWS returns it */
  readonly content: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** the policies attached directly to a root, unit or account, by policy id, in id order */
export interface LiveAttachments {
  readonly scps: readonly string[];
  readonly rcps: readonly string[];
}

export interface LiveUnit extends LiveAttachments {
  /** `r-…` for the root, `ou-…` for a unit */
  readonly id: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** sub-units, by name then id */
  readonly units: readonly LiveUnit[];
  /** the accounts directly here, by name then id */
  readonly accounts: readonly LiveAccount[];
}

export interface LiveAccount extends LiveAttachments {
  /** 12 digits */
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE` as AWS reports it */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface LiveOrganization {
  /** `o-…` */
  readonly id: string;
  readonly managementAccountId: string;
  /** the SCP/RCP types enabled on the root; a type not enabled has no policies read */
  readonly enabledPolicyTypes: readonly LivePolicyType[];
  readonly root: LiveUnit;
  /** every SCP and RCP of the organization (attached or not), by type then name then id */
  readonly policies: readonly LivePolicy[];
}

/** every unit, the root first, depth first */
export function listLiveUnits(root: LiveUnit): LiveUnit[] {
  const out: LiveUnit[] = [];
  const visit = (unit: LiveUnit) => {
    out.push(unit);
    unit.units.forEach(visit);
  };
  visit(root);
  return out;
}
