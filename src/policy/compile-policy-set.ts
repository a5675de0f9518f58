/**
 * Compile once, decide many. Each group of policies that is evaluated together (the identity
 * policies, the boundary, the session policy, the resource policy, each level of the SCP and RCP
 * chains) becomes a slot whose statements are indexed by action: exact action names in a map,
 * patterns under their service prefix (lower-cased at load), and only statements that could
 * match any service (`*`, `NotAction`, a wildcard in the service) in a list scanned every time.
 * The cost of a decision grows with the statements that could match, not with all of them.
 *
 * Two more savings, both invisible in the answers:
 * - per slot, the statements whose actions match an action name are remembered (a bounded map), so
 *   a repeated action skips action matching entirely;
 * - identical conditions and resource lists anywhere in the set are compiled once and evaluated at
 *   most once per decision (big organizations repeat the same region, tag and network conditions
 *   in hundreds of statements).
 */
import { isAccountId, isOriginAccessIdentity, splitArn } from './arn.ts';
import { compileCondition, createValueCaches, evaluateCondition, type CompiledCondition, type ValueCaches } from './compile-condition.ts';
import { statementRefOf, type Cause, type StatementRef } from './decision.ts';
import { compileGlob, compileResourcePattern, hasWildcard, matchResourceTokens, type TextMatcher } from './glob.ts';
import type { Condition, Effect, Policy, PolicyType, PolicyVersion, PrincipalSpec, Statement } from './policy.ts';
import type { PreparedRequest } from './request.ts';
import { parseTemplate, resolveGlobTemplate, type Template } from './variables.ts';

/**
 * how a resource-policy statement names the caller: the caller itself (its user, session or
 * federated-user ARN, its service, "*"), the role behind its session, or only its account. What
 * the naming lets the policy grant is decide.ts's `grantsAlone` (docs/glossary.md).
 */
export type NamedAs = 'caller' | 'role' | 'account';

/** a compiled piece shared by every statement that has the same one, numbered for per-decision memos */
interface Shared {
  readonly id: number;
}

interface SharedResource extends Shared {
  readonly match: (request: PreparedRequest, caches: EvaluationCaches) => boolean;
}

type SharedCondition = CompiledCondition & Shared;

export interface CompiledStatement {
  readonly ref: StatementRef;
  /** the cause this statement is when it applies, made once so decisions allocate none */
  readonly cause: Cause;
  readonly matchAction: (actionLower: string) => boolean;
  readonly resource: SharedResource;
  readonly matchPrincipal: ((request: PreparedRequest, env: EvaluationEnv) => NamedAs | undefined) | undefined;
  readonly conditions: readonly SharedCondition[];
}

/** what one decision carries to every statement it evaluates */
export interface EvaluationEnv {
  /** the caller has a permissions boundary */
  readonly hasBoundary: boolean;
  /** per shared condition or resource list (by id): 0 not evaluated yet, 1 false, 2 true */
  readonly memo: Uint8Array;
  /** what evaluation remembers from decision to decision */
  readonly caches: EvaluationCaches;
  /** condition keys asked for that the request lacks, as the policies spell them (may repeat) */
  readonly missing: string[];
  /** stop looking for Allow statements in a slot once one settles it (see DecideOptions) */
  readonly sufficient: boolean;
}

/** a slot's statements whose actions match one action name, Deny statements apart */
interface Candidates {
  readonly denies: readonly CompiledStatement[];
  readonly allows: readonly CompiledStatement[];
}

export interface Slot {
  readonly type: PolicyType;
  readonly exact: ReadonlyMap<string, readonly CompiledStatement[]>;
  readonly byService: ReadonlyMap<string, readonly CompiledStatement[]>;
  readonly anyService: readonly CompiledStatement[];
  readonly statementCount: number;
}

/**
 * What evaluation remembers from decision to decision, owned by a decider (see `createDecider`):
 * - per slot, lower-cased action → the statements whose actions match it (bounded): a memo beside
 *   the compiled value rather than in it, so the compiled set itself never changes after compiling
 * - resource patterns resolved from policy variables, compiled (bounded, see `matchResourceTokens`)
 * - request dates and addresses, parsed
 */
export interface EvaluationCaches extends ValueCaches {
  readonly candidates: WeakMap<Slot, Map<string, Candidates>>;
  readonly resourceMatchers: Map<string, TextMatcher>;
}

export function createEvaluationCaches(): EvaluationCaches {
  return { ...createValueCaches(), candidates: new WeakMap(), resourceMatchers: new Map() };
}

/** how many action names a slot remembers before it starts over */
const CANDIDATE_CACHE_SIZE = 4096;

export class Interner {
  readonly conditions = new Map<string, SharedCondition>();
  readonly resources = new Map<string, SharedResource>();
  /** conditions and resource lists share one numbering, so one memo serves a decision */
  get size(): number {
    return this.conditions.size + this.resources.size;
  }
  condition(condition: Condition, version: PolicyVersion): SharedCondition {
    // the key as written, not lower-cased: missing keys are reported as each policy spells them
    const key = JSON.stringify([condition.operator, condition.key, condition.values, condition.values.some((v) => v.includes('${')) ? version : '']);
    let shared = this.conditions.get(key);
    if (shared === undefined) {
      shared = { ...compileCondition(condition, version), id: this.size };
      this.conditions.set(key, shared);
    }
    return shared;
  }
  resource(resources: readonly string[] | undefined, negated: boolean, version: PolicyVersion): SharedResource {
    const key = JSON.stringify([resources ?? null, negated, resources?.some((r) => r.includes('${')) ? version : '']);
    let shared = this.resources.get(key);
    if (shared === undefined) {
      shared = { match: compileResources(resources, negated, version), id: this.size };
      this.resources.set(key, shared);
    }
    return shared;
  }
}

export interface PolicySetInput {
  readonly identity?: readonly Policy[];
  readonly permissionBoundary?: Policy;
  readonly session?: Policy;
  readonly resource?: Policy;
  /** the principal's account chain, organization root first */
  readonly scps?: readonly (readonly Policy[])[];
  /** the resource account's chain, root first; RCPFullAWSAccess is implied at every level */
  readonly rcps?: readonly (readonly Policy[])[];
}

export interface CompileOptions {
  readonly managementAccount?: string;
  /** services RCPs apply to; when absent, RCPs apply to every service */
  readonly rcpServices?: ReadonlySet<string> | undefined;
}

export interface CompiledPolicySet {
  /** how many distinct conditions and resource lists the set holds (the size of a decision's memo) */
  readonly sharedCount: number;
  readonly identity: Slot | undefined;
  readonly permissionBoundary: Slot | undefined;
  readonly session: Slot | undefined;
  readonly resource: Slot | undefined;
  readonly scps: readonly Slot[];
  readonly rcps: readonly Slot[];
  readonly managementAccount: string | undefined;
  readonly rcpServices: ReadonlySet<string> | undefined;
}

/**
 * Slots compiled once and reused by every policy set compiled in the session: an organization's
 * sets repeat the same permission sets and the same SCP and RCP levels in thousands of
 * combinations. One interner numbers the conditions and resource lists of every slot, so a shared
 * slot's ids hold in each set that uses it (each set's `sharedCount` covers every id so far).
 * Policies are keyed by identity: a session assumes the policies it sees are never mutated.
 */
export interface CompileSession {
  readonly interner: Interner;
  readonly slots: Map<string, Slot>;
  readonly policyIds: WeakMap<Policy, number>;
  nextPolicyId: number;
}

export function createCompileSession(): CompileSession {
  return { interner: new Interner(), slots: new Map(), policyIds: new WeakMap(), nextPolicyId: 0 };
}

function sessionSlot(session: CompileSession, type: PolicyType, policies: readonly Policy[], level: number | undefined): Slot {
  const ids = policies.map((policy) => {
    let id = session.policyIds.get(policy);
    if (id === undefined) {
      id = session.nextPolicyId++;
      session.policyIds.set(policy, id);
    }
    return id;
  });
  const key = `${type}|${level ?? ''}|${ids.join(',')}`;
  let slot = session.slots.get(key);
  if (slot === undefined) {
    slot = compileSlot(type, policies, session.interner, level);
    session.slots.set(key, slot);
  }
  return slot;
}

/** `session`: reuse the slots compiled before in it (see CompileSession); without one, every slot is compiled afresh */
export function compilePolicySet(input: PolicySetInput, options: CompileOptions = {}, session?: CompileSession): CompiledPolicySet {
  const interner = session?.interner ?? new Interner();
  const compileOne = (type: PolicyType, policies: readonly Policy[], level?: number) =>
    session !== undefined ? sessionSlot(session, type, policies, level) : compileSlot(type, policies, interner, level);
  const slot = (type: PolicyType, policies: readonly Policy[] | undefined, level?: number) =>
    policies === undefined ? undefined : compileOne(type, policies, level);
  const identity = slot('identity', input.identity);
  const permissionBoundary = slot('permissionBoundary', input.permissionBoundary && [input.permissionBoundary]);
  const sessionPolicies = slot('session', input.session && [input.session]);
  const resource = slot('resource', input.resource && [input.resource]);
  const scps = (input.scps ?? []).map((level, i) => compileOne('scp', level, i));
  const rcps = (input.rcps ?? []).map((level, i) => compileOne('rcp', level, i));
  return {
    sharedCount: interner.size,
    identity,
    permissionBoundary,
    session: sessionPolicies,
    resource,
    scps,
    rcps,
    managementAccount: options.managementAccount,
    rcpServices: options.rcpServices,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function compileSlot(type: PolicyType, policies: readonly Policy[], interner: Interner, level?: number): Slot {
  const exact = new Map<string, CompiledStatement[]>();
  const byService = new Map<string, CompiledStatement[]>();
  const anyService: CompiledStatement[] = [];
  let statementCount = 0;
  policies.forEach((policy, policyIndex) => {
    for (const statement of policy.statements) {
      statementCount++;
      const compiled = compileStatement(type, policy, policyIndex, statement, interner, level);
      // each statement lands in exactly one bucket per (service, action), so no decision sees it twice
      const lower = statement.actions.map((a) => a.toLowerCase());
      if (statement.notAction || lower.some((a) => !a.includes(':') || hasWildcard(a.slice(0, a.indexOf(':'))))) {
        anyService.push(compiled);
        continue;
      }
      const services = new Map<string, string[]>();
      for (const action of lower) push(services, action.slice(0, action.indexOf(':')), action);
      for (const [service, actions] of services) {
        if (actions.some(hasWildcard)) push(byService, service, compiled);
        else for (const action of new Set(actions)) push(exact, action, compiled);
      }
    }
  });
  return { type, exact, byService, anyService, statementCount };
}

function compileStatement(type: PolicyType, policy: Policy, policyIndex: number, statement: Statement, interner: Interner, level: number | undefined): CompiledStatement {
  const ref = statementRefOf(type, policy, policyIndex, statement, level);
  const actionMatchers = statement.actions.map((a) => compileGlob(a.toLowerCase()));
  const anyAction = (actionLower: string) => actionMatchers.some((m) => m(actionLower));
  return {
    ref,
    cause: statement.effect === 'Deny' ? { kind: 'explicit-deny', statement: ref } : { kind: 'allow', statement: ref },
    matchAction: statement.notAction ? (a) => !anyAction(a) : anyAction,
    resource: interner.resource(statement.resources, statement.notResource, policy.version),
    matchPrincipal: statement.principal === undefined ? undefined : compilePrincipal(statement.principal, statement.notPrincipal, statement.effect),
    conditions: statement.conditions.map((c) => interner.condition(c, policy.version)),
  };
}

function compileResources(resources: readonly string[] | undefined, negated: boolean, version: PolicyVersion): SharedResource['match'] {
  if (resources === undefined) return () => true;
  const matchers: ({ fixed: TextMatcher } | { template: Template })[] = resources.map((r) => {
    if (version === '2012-10-17' && r.includes('${')) {
      const parsed = parseTemplate(r);
      if (parsed.ok) return { template: parsed.template };
    }
    return { fixed: compileResourcePattern(r) };
  });
  if (matchers.every((m) => 'fixed' in m)) {
    const fixed = matchers.map((m) => (m as { fixed: TextMatcher }).fixed);
    if (fixed.length === 1) {
      const only = fixed[0]!;
      return negated ? (request) => !only(request.resource) : (request) => only(request.resource);
    }
    return negated ? (request) => !fixed.some((m) => m(request.resource)) : (request) => fixed.some((m) => m(request.resource));
  }
  // one entry that matches decides: the rest are not tried
  return (request, caches) => {
    for (const m of matchers) {
      if ('fixed' in m) {
        if (m.fixed(request.resource)) return !negated;
      } else {
        const tokens = resolveGlobTemplate(m.template, request.context, false);
        // an entry whose variable has no value matches nothing, and the other entries still count:
        // "If a variable that has no value in the authorization context is used as part of the
        // Resource or NotResource element of a policy, the resource that includes a policy variable
        // with no value will not match any resource" (reference_policies_variables.html#policy-vars-no-value).
        // So in NotResource such an entry excludes nothing.
        if (tokens !== undefined && matchResourceTokens(tokens, request.resource, caches.resourceMatchers)) return !negated;
      }
    }
    return negated;
  };
}

interface PrincipalNames {
  readonly any: boolean;
  readonly accounts: ReadonlySet<string>;
  /** `account/name`: user and role names are unique in an account whatever their path */
  readonly users: ReadonlySet<string>;
  readonly roles: ReadonlySet<string>;
  readonly sessions: ReadonlySet<string>;
  readonly federatedUsers: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  readonly federated: ReadonlySet<string>;
  readonly canonicalUsers: ReadonlySet<string>;
  readonly originAccessIdentities: ReadonlySet<string>;
}

function principalNames(spec: PrincipalSpec): PrincipalNames {
  const accounts = new Set<string>();
  const users = new Set<string>();
  const roles = new Set<string>();
  const sessions = new Set<string>();
  const federatedUsers = new Set<string>();
  const originAccessIdentities = new Set<string>();
  for (const value of spec.aws) {
    if (isOriginAccessIdentity(value)) {
      originAccessIdentities.add(value);
      continue;
    }
    if (isAccountId(value)) {
      accounts.add(value);
      continue;
    }
    const parts = splitArn(value);
    if (parts === undefined) continue;
    const [, , service, , account, resource] = parts;
    if (service === 'iam' && resource === 'root') accounts.add(account);
    else if (service === 'iam' && resource.startsWith('user/')) users.add(`${account}/${lastSegment(resource)}`);
    else if (service === 'iam' && resource.startsWith('role/')) roles.add(`${account}/${lastSegment(resource)}`);
    else if (service === 'sts' && resource.startsWith('assumed-role/')) sessions.add(value);
    else if (service === 'sts' && resource.startsWith('federated-user/')) federatedUsers.add(value);
  }
  return {
    any: spec.any,
    accounts,
    users,
    roles,
    sessions,
    federatedUsers,
    services: new Set(spec.service),
    federated: new Set(spec.federated),
    canonicalUsers: new Set(spec.canonicalUser),
    originAccessIdentities,
  };
}

function lastSegment(resource: string): string {
  return resource.slice(resource.lastIndexOf('/') + 1);
}

/**
 * The identities a caller acts as, strongest first, each with whether the names list it: a role
 * session is its session, its role and its account; a user (or role, or federated user) is itself
 * and its account; the root user is its account; a service, identity provider or canonical user is
 * its own name, as is a CloudFront origin access identity (by its ARN); an anonymous caller is nobody
 * anyone can name.
 */
function identitiesOf(names: PrincipalNames, request: PreparedRequest): readonly (readonly [NamedAs, boolean])[] {
  const account = request.principalAccount;
  const accountNamed = account !== undefined && names.accounts.has(account);
  switch (request.kind) {
    case 'root':
      return [['caller', accountNamed]];
    case 'user':
      return [['caller', names.users.has(`${account}/${lastSegment(request.principal)}`)], ['account', accountNamed]];
    case 'role':
      return [['caller', names.roles.has(`${account}/${lastSegment(request.principal)}`)], ['account', accountNamed]];
    case 'role-session':
      return [
        ['caller', names.sessions.has(request.principal)],
        ['role', request.roleArn !== undefined && names.roles.has(`${account}/${lastSegment(request.roleArn)}`)],
        ['account', accountNamed],
      ];
    case 'federated-user':
      return [['caller', names.federatedUsers.has(request.principal)], ['account', accountNamed]];
    case 'service':
      return [['caller', names.services.has(request.principal)]];
    case 'web-identity':
      return [['caller', names.federated.has(request.principal)]];
    case 'canonical-user':
      return [['caller', names.canonicalUsers.has(request.principal)]];
    case 'origin-access-identity':
      return [['caller', names.originAccessIdentities.has(request.principal)]];
    case 'anonymous':
      return [['caller', false]];
    default: {
      const never: never = request.kind;
      return never;
    }
  }
}

/** the strongest way the names cover the caller, or undefined when they do not name it */
function nameCaller(names: PrincipalNames, request: PreparedRequest): NamedAs | undefined {
  if (names.any) return 'caller';
  return identitiesOf(names, request).find(([, named]) => named)?.[0];
}

/**
 * NotPrincipal applies to each identity the caller acts as that the list does not name. The result
 * is the strongest identity left unnamed, so a Deny excludes a caller only when all of them are
 * listed (reference_policies_elements_notprincipal.html: with Deny, "you must also specify the
 * account ARN of the not-denied principal"), and an Allow that names only the user still reaches
 * its account, which delegates to the account's identity policies.
 */
function strongestUnnamed(names: PrincipalNames, request: PreparedRequest): NamedAs | undefined {
  if (names.any) return undefined;
  return identitiesOf(names, request).find(([, named]) => !named)?.[0];
}

function compilePrincipal(spec: PrincipalSpec, negated: boolean, effect: Effect): (request: PreparedRequest, env: EvaluationEnv) => NamedAs | undefined {
  const names = principalNames(spec);
  if (negated && effect === 'Deny') {
    // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
    // permissions boundary policy attached, regardless of the values specified in the NotPrincipal
    // element" (access_policies_boundaries.html)
    return (request, env) => (env.hasBoundary ? 'caller' : strongestUnnamed(names, request));
  }
  if (negated) return (request) => strongestUnnamed(names, request);
  return (request) => nameCaller(names, request);
}

/** the statements of a slot that apply to the request, split by effect */
export interface SlotResult {
  readonly allows: CompiledStatement[];
  readonly denies: CompiledStatement[];
  /** for resource policies: the strongest way an applying Allow names the caller */
  namedAs: NamedAs | undefined;
}

const NAMED_AS_RANK: Record<NamedAs, number> = { account: 1, role: 2, caller: 3 };

function applyStatement(statement: CompiledStatement, request: PreparedRequest, env: EvaluationEnv, result: SlotResult): void {
  const resource = statement.resource;
  let resourceHit = env.memo[resource.id];
  if (resourceHit === 0) env.memo[resource.id] = resourceHit = resource.match(request, env.caches) ? 2 : 1;
  if (resourceHit !== 2) return;
  let namedAs: NamedAs | undefined;
  if (statement.matchPrincipal !== undefined) {
    namedAs = statement.matchPrincipal(request, env);
    if (namedAs === undefined) return;
  }
  // every condition is evaluated (no short cut) so that all missing keys are reported
  let conditionsHold = true;
  for (const condition of statement.conditions) {
    let hit = env.memo[condition.id];
    if (hit === 0) env.memo[condition.id] = hit = evaluateCondition(condition, request, env.missing, env.caches) ? 2 : 1;
    if (hit !== 2) conditionsHold = false;
  }
  if (!conditionsHold) return;
  if (statement.ref.effect === 'Deny') result.denies.push(statement);
  else {
    result.allows.push(statement);
    if (namedAs !== undefined && (result.namedAs === undefined || NAMED_AS_RANK[namedAs] > NAMED_AS_RANK[result.namedAs])) result.namedAs = namedAs;
  }
}

/** the statements of a slot whose actions match, from the index, remembered per action name */
function candidatesOf(slot: Slot, request: PreparedRequest, caches: EvaluationCaches): Candidates {
  let memo = caches.candidates.get(slot);
  if (memo === undefined) caches.candidates.set(slot, (memo = new Map()));
  const cached = memo.get(request.actionLower);
  if (cached !== undefined) return cached;
  const denies: CompiledStatement[] = [];
  const allows: CompiledStatement[] = [];
  const add = (s: CompiledStatement) => (s.ref.effect === 'Deny' ? denies : allows).push(s);
  for (const s of slot.exact.get(request.actionLower) ?? []) add(s);
  for (const s of slot.byService.get(request.service) ?? []) if (s.matchAction(request.actionLower)) add(s);
  for (const s of slot.anyService) if (s.matchAction(request.actionLower)) add(s);
  if (memo.size >= CANDIDATE_CACHE_SIZE) memo.clear();
  const candidates = { denies, allows };
  memo.set(request.actionLower, candidates);
  return candidates;
}

export function evaluateSlot(slot: Slot, request: PreparedRequest, env: EvaluationEnv): SlotResult {
  const result: SlotResult = { allows: [], denies: [], namedAs: undefined };
  const { denies, allows } = candidatesOf(slot, request, env.caches);
  for (const s of denies) applyStatement(s, request, env, result);
  for (const s of allows) {
    applyStatement(s, request, env, result);
    // one Allow settles a slot; in a resource policy only one that names the caller itself does
    if (env.sufficient && result.allows.length > 0 && (slot.type !== 'resource' || result.namedAs === 'caller')) break;
  }
  return result;
}
