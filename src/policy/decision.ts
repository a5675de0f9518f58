/**
 * A decision is a value with reasons, never a boolean: what was decided, every statement or
 * missing Allow that determined it, the outcome per policy type, and the context keys that the
 * policies asked for but the request did not have.
 */
import type { Effect, Policy, PolicyType, Statement } from './policy.ts';

export type DecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface StatementRef {
  readonly policyType: PolicyType;
  readonly policyName: string;
  /** the policy's position in its list (identity list, or the policies of one SCP/RCP level) */
  readonly policyIndex: number;
  /** for SCPs and RCPs: the level in the chain, 0 = organization root */
  readonly level?: number;
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: Effect;
}

/** the reference to one statement of one policy, as decisions name it */
export function statementRefOf(type: PolicyType, policy: Policy, policyIndex: number, statement: Statement, level: number | undefined): StatementRef {
  return {
    policyType: type,
    policyName: policy.name,
    policyIndex,
    ...(level !== undefined ? { level } : {}),
    statementIndex: statement.index,
    ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
    effect: statement.effect,
  };
}

export type ExemptionReason = 'management-account' | 'service-linked-role' | 'not-an-org-principal' | 'service-not-covered';

export type Cause =
  /** a Deny statement that applies */
  | { readonly kind: 'explicit-deny'; readonly statement: StatementRef }
  /** an Allow statement that was needed for the answer */
  | { readonly kind: 'allow'; readonly statement: StatementRef }
  /** a policy type (or one level of a chain) that had to allow and did not */
  | { readonly kind: 'no-allow'; readonly policyType: PolicyType; readonly level?: number }
  /**
   * the action needs no permission and no policy can deny it (`sts:GetCallerIdentity`): the
   * decision is Allow whatever the policies say, and their outcomes are still reported
   */
  | { readonly kind: 'no-permission-required' };

export type Outcome = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'NotApplicable';

export interface Decision {
  readonly decision: DecisionKind;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly causes: readonly Cause[];
  /** how each policy type given for the request came out on its own */
  readonly outcomes: Readonly<Partial<Record<PolicyType, Outcome>>>;
  /** why SCPs or RCPs did not apply, when they were given but exempt */
  readonly exemptions: Readonly<Partial<Record<'scp' | 'rcp', ExemptionReason>>>;
  readonly crossAccount: boolean;
  readonly missingContextKeys: readonly string[];
}
