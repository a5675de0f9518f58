/**
 * The decision rule, in the order AWS documents it (reference_policies_evaluation-logic.html,
 * ..._policy-eval-denyallow.html, ...-cross-account.html; Organizations SCP and RCP evaluation):
 *
 * 1. an explicit Deny in any applicable policy decides: ExplicitDeny
 * 2. RCPs of the resource's account: RCPFullAWSAccess is attached at every level, so they only deny
 * 3. SCPs of the principal's account: every level, root to account, needs an Allow
 * 4. the principal's side: identity policies allow, and the boundary and session policy (if any) too
 * 5. the resource's side: in one account a resource policy that names the caller may grant alone;
 *    across accounts both sides must allow; role trust and KMS key policies must always allow
 * Anything else is an ImplicitDeny.
 */
import { appendAll } from './append-all.ts';
import type { CompiledPolicySet, CompiledStatement, EvaluationEnv, Grant, Slot, SlotResult } from './compile-policy-set.ts';
import { evaluateSlot } from './compile-policy-set.ts';
import type { Cause, Decision, DecisionKind, ExemptionReason, Outcome } from './decision.ts';
import type { PolicyType } from './policy.ts';
import { prepareRequest, type PreparedRequest, type PrincipalFacts, type Request } from './request.ts';

export interface DecideOptions {
  /**
   * `all` (the default): every Allow statement that applies is a cause, and every condition key
   * any applying statement asked for is reported missing. `sufficient`: every Deny is still found,
   * but a policy type stops at the first Allow that settles it, so an Allow lists one statement
   * per policy type and missing keys come only from the statements evaluated. The decision itself
   * is the same in both modes; `sufficient` is for hot paths (the decision API), `all` for people.
   */
  readonly causes?: 'all' | 'sufficient';
}

export function decide(set: CompiledPolicySet, request: Request, facts?: PrincipalFacts, options?: DecideOptions): Decision {
  return decidePrepared(set, prepareRequest(request, facts), options);
}

export function decidePrepared(set: CompiledPolicySet, req: PreparedRequest, options: DecideOptions = {}): Decision {
  const scpExemption = scpExempt(set, req);
  const rcpExemption = rcpExempt(set, req);
  const env: EvaluationEnv = {
    hasBoundary: set.permissionBoundary !== undefined,
    memo: scratchMemo(set.sharedCount),
    missing: [],
    sufficient: options.causes === 'sufficient',
  };
  const scps = scpExemption === undefined && set.scps.length > 0 ? evaluateChain(set.scps, req, env) : NONE;
  const rcps = rcpExemption === undefined && set.rcps.length > 0 ? evaluateChain(set.rcps, req, env) : NONE;
  const identity = evaluate(set.identity, req, env);
  const boundary = evaluate(set.permissionBoundary, req, env);
  const session = evaluate(set.session, req, env);
  const resource = evaluate(set.resource, req, env);

  // 1. explicit deny
  const denies: CompiledStatement[] = [];
  for (const r of rcps) appendAll(denies, r.denies);
  for (const r of scps) appendAll(denies, r.denies);
  if (resource !== undefined) appendAll(denies, resource.denies);
  if (identity !== undefined) appendAll(denies, identity.denies);
  if (boundary !== undefined) appendAll(denies, boundary.denies);
  if (session !== undefined) appendAll(denies, session.denies);

  // 2-3. organization guardrails: an SCP level without an Allow denies
  const scpGaps: number[] = [];
  for (let level = 0; level < scps.length; level++) if (scps[level]!.allows.length === 0) scpGaps.push(level);

  // 4. the principal's side
  const root = req.kind === 'root';
  const identityAllows = root || (identity !== undefined && identity.allows.length > 0);
  const boundaryAllows = boundary === undefined || boundary.allows.length > 0;
  const sessionAllows = session === undefined || session.allows.length > 0;
  const principalSide = identityAllows && boundaryAllows && sessionAllows;

  // 5. the resource's side
  const grant = resource?.grant;
  const iamPrincipal = req.principalAccount !== undefined && req.kind !== 'web-identity';
  const crossAccount = !iamPrincipal || req.resourceAccount !== req.principalAccount;
  const resourceRequired = crossAccount || resourcePolicyRequired(req);
  const resourceGrantsAlone = grantsAlone(grant, req, boundaryAllows, sessionAllows);
  let usesPrincipal: boolean;
  let usesResource: boolean;
  if (!iamPrincipal) {
    // a service, an identity provider or an anonymous caller has only the resource policy
    usesPrincipal = false;
    usesResource = grant === 'caller';
  } else if (crossAccount) {
    usesPrincipal = usesResource = grant !== undefined && principalSide;
  } else if (resourceRequired) {
    usesPrincipal = grant === 'account' && principalSide;
    usesResource = resourceGrantsAlone || usesPrincipal;
  } else {
    usesPrincipal = principalSide;
    usesResource = resourceGrantsAlone;
  }
  const allowed = usesPrincipal || usesResource;

  const decision: DecisionKind = denies.length > 0 ? 'ExplicitDeny' : scpGaps.length > 0 || !allowed ? 'ImplicitDeny' : 'Allow';

  const causes: Cause[] = [];
  if (decision === 'ExplicitDeny') {
    for (const s of denies) causes.push(s.cause);
  } else if (decision === 'ImplicitDeny') {
    for (const level of scpGaps) causes.push({ kind: 'no-allow', policyType: 'scp', level });
    if (!allowed) {
      if (grant === undefined && (resourceRequired || !iamPrincipal || resource !== undefined)) causes.push({ kind: 'no-allow', policyType: 'resource' });
      if (iamPrincipal) {
        // a trust or key policy that names the caller (or its role) needs no identity policy:
        // then only the boundary or session policy can be what is missing
        const namedDirectly = grant === 'caller' || grant === 'role';
        const identityNeeded = crossAccount || !resourceRequired || !namedDirectly;
        if (!identityAllows && identityNeeded) causes.push({ kind: 'no-allow', policyType: 'identity' });
        if (!boundaryAllows) causes.push({ kind: 'no-allow', policyType: 'permissionBoundary' });
        if (!sessionAllows) causes.push({ kind: 'no-allow', policyType: 'session' });
      }
    }
  } else {
    for (const r of scps) appendAll(causes, allowCauses(r.allows));
    if (usesResource && resource !== undefined) appendAll(causes, allowCauses(resource.allows));
    if (usesPrincipal) for (const r of [identity, boundary, session]) if (r !== undefined) appendAll(causes, allowCauses(r.allows));
  }

  return {
    decision,
    principal: req.principal,
    action: req.action,
    resource: req.resource,
    causes,
    outcomes: outcomesOf(set, scps, rcps, identity, boundary, session, resource, scpExemption, rcpExemption, root),
    exemptions: {
      ...(scpExemption !== undefined && set.scps.length > 0 ? { scp: scpExemption } : {}),
      ...(rcpExemption !== undefined && set.rcps.length > 0 ? { rcp: rcpExemption } : {}),
    },
    crossAccount: iamPrincipal && crossAccount,
    missingContextKeys: env.missing.length === 0 ? [] : [...new Set(env.missing)].sort(),
  };
}

const NONE: readonly SlotResult[] = [];

/**
 * the memo of one decision, reused from decision to decision: deciding is synchronous and never
 * re-entered, and a fresh typed array per decision costs more than clearing this one
 */
let scratch = new Uint8Array(1024);

function scratchMemo(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  else scratch.fill(0, 0, size);
  return scratch;
}

function evaluateChain(slots: readonly Slot[], req: PreparedRequest, env: EvaluationEnv): SlotResult[] {
  const results: SlotResult[] = [];
  for (const slot of slots) results.push(evaluateSlot(slot, req, env));
  return results;
}

function evaluate(slot: Slot | undefined, req: PreparedRequest, env: EvaluationEnv): SlotResult | undefined {
  return slot === undefined ? undefined : evaluateSlot(slot, req, env);
}

function allowCauses(allows: readonly CompiledStatement[]): Cause[] {
  return allows.map((s) => s.cause);
}

/**
 * SCPs restrict the IAM users and roles (and the root user) of member accounts; not the management
 * account, not service-linked roles, not service principals or anyone outside the organization
 */
function scpExempt(set: CompiledPolicySet, req: PreparedRequest): ExemptionReason | undefined {
  if (req.principalAccount === undefined || req.kind === 'web-identity') return 'not-an-org-principal';
  if (set.managementAccount !== undefined && req.principalAccount === set.managementAccount) return 'management-account';
  if (req.serviceLinkedRole) return 'service-linked-role';
  return undefined;
}

/** RCPs restrict requests to resources in member accounts, except from service-linked roles */
function rcpExempt(set: CompiledPolicySet, req: PreparedRequest): ExemptionReason | undefined {
  if (set.managementAccount !== undefined && req.resourceAccount === set.managementAccount) return 'management-account';
  if (req.serviceLinkedRole) return 'service-linked-role';
  if (set.rcpServices !== undefined && !set.rcpServices.has(req.service)) return 'service-not-covered';
  return undefined;
}

/** role trust policies and KMS key policies must allow: an identity policy alone never suffices */
function resourcePolicyRequired(req: PreparedRequest): boolean {
  if (req.service === 'sts' && req.actionLower.startsWith('sts:assumerole')) return /^arn:[^:]+:iam::[^:]*:role\//.test(req.resource);
  if (req.service === 'kms') return /^arn:[^:]+:kms:[^:]*:[^:]*:key\//.test(req.resource);
  return false;
}

/**
 * in one account, a resource policy naming the caller's own ARN grants on its own; naming the role
 * behind a session is still capped by the boundary and the session policy; naming only the account
 * delegates to the identity policies (the table in AWS-SEMANTICS.md, from access_policies_boundaries.html
 * and access_policies.html#policies_session)
 */
function grantsAlone(grant: Grant | undefined, req: PreparedRequest, boundaryAllows: boolean, sessionAllows: boolean): boolean {
  switch (grant) {
    case undefined:
    case 'account':
      return false;
    case 'role':
      return boundaryAllows && sessionAllows;
    case 'caller':
      return req.kind === 'role' ? boundaryAllows && sessionAllows : true;
    default: {
      const never: never = grant;
      return never;
    }
  }
}

function outcomeOf(result: SlotResult | undefined): Outcome | undefined {
  return result === undefined ? undefined : result.denies.length > 0 ? 'ExplicitDeny' : result.allows.length > 0 ? 'Allow' : 'ImplicitDeny';
}

function outcomesOf(
  set: CompiledPolicySet,
  scps: readonly SlotResult[],
  rcps: readonly SlotResult[],
  identity: SlotResult | undefined,
  boundary: SlotResult | undefined,
  session: SlotResult | undefined,
  resource: SlotResult | undefined,
  scpExemption: ExemptionReason | undefined,
  rcpExemption: ExemptionReason | undefined,
  root: boolean,
): Partial<Record<PolicyType, Outcome>> {
  const out: Partial<Record<PolicyType, Outcome>> = {};
  if (set.scps.length > 0) {
    out.scp = scpExemption !== undefined ? 'NotApplicable' : scps.some((x) => x.denies.length > 0) ? 'ExplicitDeny' : scps.every((x) => x.allows.length > 0) ? 'Allow' : 'ImplicitDeny';
  }
  if (set.rcps.length > 0) out.rcp = rcpExemption !== undefined ? 'NotApplicable' : rcps.some((x) => x.denies.length > 0) ? 'ExplicitDeny' : 'Allow';
  const identityOutcome = outcomeOf(identity) ?? (root ? 'Allow' : undefined);
  if (identityOutcome !== undefined) out.identity = identityOutcome;
  if (boundary !== undefined) out.permissionBoundary = outcomeOf(boundary)!;
  if (session !== undefined) out.session = outcomeOf(session)!;
  if (resource !== undefined) out.resource = outcomeOf(resource)!;
  return out;
}
