/**
 * The decision rule, in the order AWS documents it (reference_policies_evaluation-logic.html,
 * ..._policy-eval-denyallow.html, ...-cross-account.html; Organizations SCP and RCP evaluation),
 * numbered as docs/semantics.md ("The flow") numbers it:
 *
 * 1. everything is implicitly denied, except the root user in its own account
 * 2. an explicit Deny in any applicable policy decides: ExplicitDeny
 * 3. RCPs of the resource's account: RCPFullAWSAccess is attached at every level, so they only deny
 * 4. SCPs of the principal's account: every level, root to account, needs an Allow
 * 5. the principal's side: identity policies allow, and the boundary and session policy (if any) too
 * 6. the resource's side: in one account a resource policy that names the caller may grant alone;
 *    across accounts both sides must allow; role trust and KMS key policies must always allow
 * Anything else is an ImplicitDeny. One exception comes before all of these: `sts:GetCallerIdentity`
 * needs no permission and cannot be denied (step 0 of `applyRule`).
 *
 * A decision is three steps: `evaluatePolicies` finds the statements that apply, `applyRule` is
 * the rule above (its step 6 is the table of `sidesOf`, with `grantsAlone` for the same-account rows),
 * and `causesOf` reads the causes off the rule's facts.
 */
import { appendAll } from './append-all.ts';
import type { CompiledPolicySet, CompiledStatement, EvaluationCaches, EvaluationEnv, NamedAs, Slot, SlotResult } from './compile-policy-set.ts';
import { createEvaluationCaches, evaluateSlot } from './compile-policy-set.ts';
import type { Cause, Decision, DecisionKind, ExemptionReason, Outcome } from './decision.ts';
import type { PolicyType } from './policy.ts';
import { createRequestCaches, prepareRequest, type PreparedRequest, type CallerFacts, type DecisionRequest, type RequestCaches } from './request.ts';

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

/**
 * Decides requests, and owns what deciding remembers from decision to decision: the memo of one
 * decision (reused, not reallocated), prepared principals and lower-cased names, parsed dates and
 * addresses, compiled resource patterns, and each slot's statements by action (all bounded). A
 * long-running caller (the server, a benchmark) keeps one per process or policy version; a test
 * makes a fresh one. Deciding is synchronous and never re-entered, so one decider serves a thread.
 */
export interface Decider {
  decide(set: CompiledPolicySet, request: DecisionRequest, facts?: CallerFacts, options?: DecideOptions): Decision;
  decidePrepared(set: CompiledPolicySet, req: PreparedRequest, options?: DecideOptions): Decision;
  prepareRequest(request: DecisionRequest, facts?: CallerFacts): PreparedRequest;
}

export function createDecider(): Decider {
  const state: DeciderState = { scratch: new Uint8Array(1024), request: createRequestCaches(), evaluation: createEvaluationCaches() };
  return {
    decide: (set, request, facts, options) => decideWith(state, set, prepareRequest(request, facts, state.request), options),
    decidePrepared: (set, req, options) => decideWith(state, set, req, options),
    prepareRequest: (request, facts) => prepareRequest(request, facts, state.request),
  };
}

interface DeciderState {
  /** the memo of one decision, grown when a policy set needs more (see `scratchMemo`) */
  scratch: Uint8Array;
  readonly request: RequestCaches;
  readonly evaluation: EvaluationCaches;
}

/** the decider of the simple calls below: for callers that decide now and then (the CLI, analyses) */
const DEFAULT_DECIDER = createDecider();

/** decide with the default decider */
export function decide(set: CompiledPolicySet, request: DecisionRequest, facts?: CallerFacts, options?: DecideOptions): Decision {
  return DEFAULT_DECIDER.decide(set, request, facts, options);
}

/** decide a prepared request with the default decider */
export function decidePrepared(set: CompiledPolicySet, req: PreparedRequest, options?: DecideOptions): Decision {
  return DEFAULT_DECIDER.decidePrepared(set, req, options);
}

function decideWith(state: DeciderState, set: CompiledPolicySet, req: PreparedRequest, options: DecideOptions = {}): Decision {
  const evaluated = evaluatePolicies(state, set, req, options);
  const verdict = applyRule(evaluated, req);
  return {
    decision: verdict.decision,
    principal: req.principal,
    action: req.action,
    resource: req.resource,
    causes: causesOf(verdict, evaluated),
    outcomes: outcomesOf(set, evaluated, verdict.root),
    exemptions: exemptionsOf(set, evaluated),
    crossAccount: verdict.iamPrincipal && verdict.crossAccount,
    missingContextKeys: evaluated.missing.length === 0 ? NO_KEYS : [...new Set(evaluated.missing)].sort(),
  };
}

/** the statements of every policy that apply to the request, policy type by policy type */
interface Evaluated {
  readonly scpExemption: ExemptionReason | undefined;
  readonly rcpExemption: ExemptionReason | undefined;
  /** per level, root first; empty when exempt or when there are none */
  readonly scps: readonly SlotResult[];
  readonly rcps: readonly SlotResult[];
  readonly identity: SlotResult | undefined;
  readonly boundary: SlotResult | undefined;
  readonly session: SlotResult | undefined;
  readonly resource: SlotResult | undefined;
  /** condition keys asked for that the request lacks (may repeat) */
  readonly missing: string[];
}

function evaluatePolicies(state: DeciderState, set: CompiledPolicySet, req: PreparedRequest, options: DecideOptions): Evaluated {
  const scpExemption = scpExempt(set, req);
  const rcpExemption = rcpExempt(set, req);
  const env: EvaluationEnv = {
    hasBoundary: set.permissionBoundary !== undefined,
    memo: scratchMemo(state, set.sharedCount),
    caches: state.evaluation,
    missing: [],
    sufficient: options.causes === 'sufficient',
  };
  return {
    scpExemption,
    rcpExemption,
    scps: scpExemption === undefined && set.scps.length > 0 ? evaluateChain(set.scps, req, env) : NONE,
    rcps: rcpExemption === undefined && set.rcps.length > 0 ? evaluateChain(set.rcps, req, env) : NONE,
    identity: evaluate(set.identity, req, env),
    boundary: evaluate(set.permissionBoundary, req, env),
    session: evaluate(set.session, req, env),
    resource: evaluate(set.resource, req, env),
    missing: env.missing,
  };
}

/** the rule's answer, with the facts the causes of an implicit deny are read from */
interface Verdict {
  readonly decision: DecisionKind;
  /** the action needs no permission (sts:GetCallerIdentity): no policy decided */
  readonly noPermissionRequired: boolean;
  /** every applying Deny, RCPs first */
  readonly denies: readonly CompiledStatement[];
  /** SCP levels without an applying Allow */
  readonly scpGaps: readonly number[];
  readonly root: boolean;
  readonly identityAllows: boolean;
  readonly boundaryAllows: boolean;
  readonly sessionAllows: boolean;
  readonly iamPrincipal: boolean;
  readonly crossAccount: boolean;
  readonly resourceRequired: boolean;
  readonly namedAs: NamedAs | undefined;
  readonly allowed: boolean;
  /** the Allow statements of the principal's side (identity, boundary, session) count */
  readonly usesPrincipal: boolean;
  /** the Allow statements of the resource policy count */
  readonly usesResource: boolean;
}

/** the decision rule, step by step as docs/semantics.md ("The flow") numbers it */
function applyRule(e: Evaluated, req: PreparedRequest): Verdict {
  // 1. the default is an ImplicitDeny: only what steps 4 to 6 allow is allowed (the root user: step 5)
  // 2. an explicit Deny in any applicable policy (RCP, SCP, resource, identity, boundary, session)
  const denies: CompiledStatement[] = [];
  for (const r of e.rcps) appendAll(denies, r.denies);
  for (const r of e.scps) appendAll(denies, r.denies);
  if (e.resource !== undefined) appendAll(denies, e.resource.denies);
  if (e.identity !== undefined) appendAll(denies, e.identity.denies);
  if (e.boundary !== undefined) appendAll(denies, e.boundary.denies);
  if (e.session !== undefined) appendAll(denies, e.session.denies);

  // 3. RCPs only deny (RCPFullAWSAccess is attached at every level): nothing more to do here
  // 4. SCPs: every level, root to account, needs an applicable Allow
  const scpGaps: number[] = [];
  for (let level = 0; level < e.scps.length; level++) if (e.scps[level]!.allows.length === 0) scpGaps.push(level);

  // 5. the principal's side: identity policies (the root user's always allow), boundary, session
  const root = req.kind === 'root';
  const identityAllows = root || (e.identity !== undefined && e.identity.allows.length > 0);
  const boundaryAllows = e.boundary === undefined || e.boundary.allows.length > 0;
  const sessionAllows = e.session === undefined || e.session.allows.length > 0;
  const principalSide = identityAllows && boundaryAllows && sessionAllows;

  // 6. the resource's side: which case the request is, and how the resource policy names the caller
  const namedAs = e.resource?.namedAs;
  const iamPrincipal = req.principalAccount !== undefined && req.kind !== 'web-identity';
  const crossAccount = !iamPrincipal || req.resourceAccount !== req.principalAccount;
  const resourceRequired = crossAccount || resourcePolicyRequired(req);
  const situation: Situation = !iamPrincipal ? 'outsider' : crossAccount ? 'cross-account' : resourceRequired ? 'trust-or-key-policy' : 'same-account';
  const resourceGrantsAlone = grantsAlone(namedAs, req, boundaryAllows, sessionAllows);
  const used = sidesOf(situation, namedAs, principalSide, resourceGrantsAlone);
  const allowed = used.principal || used.resource;

  // 0. before all of these: what needs no permission is allowed to every IAM principal (`needsNoPermission`)
  const noPermissionRequired = iamPrincipal && needsNoPermission(req.actionLower);
  const decision: DecisionKind = noPermissionRequired ? 'Allow' : denies.length > 0 ? 'ExplicitDeny' : scpGaps.length > 0 || !allowed ? 'ImplicitDeny' : 'Allow';
  return {
    decision,
    noPermissionRequired,
    denies,
    scpGaps,
    root,
    identityAllows,
    boundaryAllows,
    sessionAllows,
    iamPrincipal,
    crossAccount,
    resourceRequired,
    namedAs,
    allowed,
    usesPrincipal: used.principal,
    usesResource: used.resource,
  };
}

/**
 * the cases of step 6: a caller outside IAM (a service, an identity provider, an anonymous
 * caller), a caller of another account, a role trust or KMS key policy in the caller's account,
 * any other resource in the caller's account
 */
type Situation = 'outsider' | 'cross-account' | 'trust-or-key-policy' | 'same-account';

/** which sides grant: the principal's (identity + boundary + session) and the resource policy's */
interface Sides {
  readonly principal: boolean;
  readonly resource: boolean;
}

/**
 * Step 6 as a table. `namedAs`: the strongest way an applying Allow of the resource policy names the
 * caller (undefined: none does); `principalSide`: step 5 allows; `alone`: the resource policy
 * grants without the identity policies (see `grantsAlone` for the same-account table).
 *
 * | situation           | the principal's side grants                    | the resource policy grants                  |
 * |---------------------|------------------------------------------------|---------------------------------------------|
 * | outsider            | never: there are no identity policies          | when it names the caller itself             |
 * | cross-account       | when both sides allow (any grant + step 5)     | when both sides allow                       |
 * | trust-or-key-policy | when the policy names the account + step 5     | when it grants alone, or as the left column |
 * | same-account        | when step 5 allows                             | when it grants alone                        |
 */
function sidesOf(situation: Situation, namedAs: NamedAs | undefined, principalSide: boolean, alone: boolean): Sides {
  switch (situation) {
    case 'outsider':
      return sides(false, namedAs === 'caller');
    case 'cross-account':
      return namedAs !== undefined && principalSide ? BOTH : NEITHER;
    case 'trust-or-key-policy': {
      // a trust or key policy that names only the account delegates to the account's identity policies
      const delegated = namedAs === 'account' && principalSide;
      return sides(delegated, alone || delegated);
    }
    case 'same-account':
      return sides(principalSide, alone);
    default: {
      const never: never = situation;
      return never;
    }
  }
}

/** the four answers, made once: a decision allocates none */
const NEITHER: Sides = { principal: false, resource: false };
const BOTH: Sides = { principal: true, resource: true };
const PRINCIPAL_ONLY: Sides = { principal: true, resource: false };
const RESOURCE_ONLY: Sides = { principal: false, resource: true };

function sides(principal: boolean, resource: boolean): Sides {
  return principal ? (resource ? BOTH : PRINCIPAL_ONLY) : resource ? RESOURCE_ONLY : NEITHER;
}

/** the causes: every Deny; or every policy type that had to allow and did not; or the Allows that granted */
function causesOf(v: Verdict, e: Evaluated): Cause[] {
  const causes: Cause[] = [];
  if (v.noPermissionRequired) {
    causes.push({ kind: 'no-permission-required' });
  } else if (v.decision === 'ExplicitDeny') {
    for (const s of v.denies) causes.push(s.cause);
  } else if (v.decision === 'ImplicitDeny') {
    for (const level of v.scpGaps) causes.push({ kind: 'no-allow', policyType: 'scp', level });
    if (!v.allowed) {
      if (v.namedAs === undefined && (v.resourceRequired || !v.iamPrincipal || e.resource !== undefined)) causes.push({ kind: 'no-allow', policyType: 'resource' });
      if (v.iamPrincipal) {
        // a trust or key policy that names the caller (or its role) needs no identity policy:
        // then only the boundary or session policy can be what is missing
        const namedDirectly = v.namedAs === 'caller' || v.namedAs === 'role';
        const identityNeeded = v.crossAccount || !v.resourceRequired || !namedDirectly;
        if (!v.identityAllows && identityNeeded) causes.push({ kind: 'no-allow', policyType: 'identity' });
        if (!v.boundaryAllows) causes.push({ kind: 'no-allow', policyType: 'permissionBoundary' });
        if (!v.sessionAllows) causes.push({ kind: 'no-allow', policyType: 'session' });
      }
    }
  } else {
    for (const r of e.scps) appendAll(causes, allowCauses(r.allows));
    if (v.usesResource && e.resource !== undefined) appendAll(causes, allowCauses(e.resource.allows));
    if (v.usesPrincipal) for (const r of [e.identity, e.boundary, e.session]) if (r !== undefined) appendAll(causes, allowCauses(r.allows));
  }
  return causes;
}

const NONE: readonly SlotResult[] = [];

/**
 * "No permissions are required to perform this operation. If an administrator attaches a policy to
 * your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still
 * perform this operation" (STS API reference, GetCallerIdentity): any caller with AWS credentials,
 * that is an IAM principal; an anonymous or outside caller has none to present
 */
const NO_PERMISSION_ACTION = 'sts:getcalleridentity';

/** whether the action (lower-cased) needs no permission, so that no policy decides it for an IAM principal */
export function needsNoPermission(actionLower: string): boolean {
  return actionLower === NO_PERMISSION_ACTION;
}

/** shared by every decision that has none, frozen so that nothing can change them for the others */
const NO_KEYS: readonly string[] = Object.freeze([]);
const NO_EXEMPTIONS: Decision['exemptions'] = Object.freeze({});

function exemptionsOf(set: CompiledPolicySet, e: Evaluated): Decision['exemptions'] {
  const scp = e.scpExemption !== undefined && set.scps.length > 0;
  const rcp = e.rcpExemption !== undefined && set.rcps.length > 0;
  if (!scp && !rcp) return NO_EXEMPTIONS;
  return { ...(scp ? { scp: e.scpExemption } : {}), ...(rcp ? { rcp: e.rcpExemption } : {}) };
}

/**
 * the memo of one decision, the decider's, reused from decision to decision: deciding is
 * synchronous and never re-entered, and a fresh typed array per decision costs more than clearing
 */
function scratchMemo(state: DeciderState, size: number): Uint8Array {
  if (state.scratch.length < size) state.scratch = new Uint8Array(Math.max(size, 2 * state.scratch.length));
  else state.scratch.fill(0, 0, size);
  return state.scratch;
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

/**
 * the STS actions on a role that its trust policy must allow: assuming it, and what goes with
 * assuming it: passing session tags, setting a source identity, setting a trusted context
 * (id_session-tags.html#id_session-tags_permissions-required,
 * id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms)
 */
const TRUST_POLICY_ACTIONS = /^sts:(?:assumerole|tagsession$|setsourceidentity$|setcontext$)/;

/** role trust policies and KMS key policies must allow: an identity policy alone never suffices */
function resourcePolicyRequired(req: PreparedRequest): boolean {
  if (req.service === 'sts' && TRUST_POLICY_ACTIONS.test(req.actionLower)) return /^arn:[^:]+:iam::[^:]*:role\//.test(req.resource);
  if (req.service === 'kms') return /^arn:[^:]+:kms:[^:]*:[^:]*:key\//.test(req.resource);
  return false;
}

/**
 * In one account, does a resource policy grant without the identity policies, by how its applying
 * Allow names the caller (the table in docs/semantics.md step 6 and AWS-SEMANTICS.md, from
 * access_policies_boundaries.html and access_policies.html#policies_session):
 *
 * | namedAs   | the policy names                                    | grants alone | capped by boundary + session |
 * |-----------|-----------------------------------------------------|--------------|------------------------------|
 * | caller    | the user, role-session, federated-user ARN, or `*`  | yes          | no                           |
 * | caller    | the role, and the caller is that role itself        | yes          | yes                          |
 * | role      | the role behind the caller's session                | yes          | yes                          |
 * | account   | only the account: it delegates to identity policies | no           | —                            |
 */
function grantsAlone(namedAs: NamedAs | undefined, req: PreparedRequest, boundaryAllows: boolean, sessionAllows: boolean): boolean {
  switch (namedAs) {
    case undefined:
    case 'account':
      return false;
    case 'role':
      return boundaryAllows && sessionAllows;
    case 'caller':
      return req.kind === 'role' ? boundaryAllows && sessionAllows : true;
    default: {
      const never: never = namedAs;
      return never;
    }
  }
}

function outcomeOf(result: SlotResult | undefined): Outcome | undefined {
  return result === undefined ? undefined : result.denies.length > 0 ? 'ExplicitDeny' : result.allows.length > 0 ? 'Allow' : 'ImplicitDeny';
}

function outcomesOf(set: CompiledPolicySet, e: Evaluated, root: boolean): Partial<Record<PolicyType, Outcome>> {
  const out: Partial<Record<PolicyType, Outcome>> = {};
  if (set.scps.length > 0) {
    out.scp = e.scpExemption !== undefined ? 'NotApplicable' : e.scps.some((x) => x.denies.length > 0) ? 'ExplicitDeny' : e.scps.every((x) => x.allows.length > 0) ? 'Allow' : 'ImplicitDeny';
  }
  if (set.rcps.length > 0) out.rcp = e.rcpExemption !== undefined ? 'NotApplicable' : e.rcps.some((x) => x.denies.length > 0) ? 'ExplicitDeny' : 'Allow';
  const identityOutcome = outcomeOf(e.identity) ?? (root ? 'Allow' : undefined);
  if (identityOutcome !== undefined) out.identity = identityOutcome;
  if (e.boundary !== undefined) out.permissionBoundary = outcomeOf(e.boundary)!;
  if (e.session !== undefined) out.session = outcomeOf(e.session)!;
  if (e.resource !== undefined) out.resource = outcomeOf(e.resource)!;
  return out;
}
