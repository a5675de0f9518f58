/**
 * Decide a request whose context is only partly known, and say whether the answer depends on
 * what the caller would send. The request is decided with the known context first; the condition
 * keys the policies then asked for and did not get (`missingContextKeys`, with the keys `Null`
 * conditions and policy variables read: reveal-condition-keys.ts) are the ones that remain. When
 * that decision is not Allow, the keys are filled in with the values the policies name
 * (condition-candidates.ts), and for a condition whose value holds a policy variable, with values
 * that make both sides agree (variable-candidates.ts), to find one context that the real engine
 * allows: the access is then `conditional`, with that context as an example. When the first
 * decision is Allow but keys are missing, the same search looks for a context that denies: a key
 * may be read only by an Allow that another Allow makes redundant (one Allow that applies
 * suffices: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
 * and the access is `allowed` when no context denies, `conditional` when one does or the budget
 * ran out first (conservative).
 *
 * The search has a budget: at most `budget` contexts (default 1024), each decided once. It tries,
 * in order: contexts that allowed earlier requests; one key at a time (every value of every key:
 * linear in the keys); more keys together, fewest first (this is where the count grows with
 * the keys, so it stops when the budget left is only enough for the last step); and finally every
 * key at once, the i-th value of each (linear again: the policy that needs every key set). Keys
 * for which no value is known can only be absent and are not searched. When the budget runs out
 * before every combination was tried, a `denied` verdict says `searchExhausted`: the answer is
 * incomplete, not "denied whatever the context".
 */
import {
  compilePolicySet,
  decide,
  prepareRequest,
  type CompileOptions,
  type CompiledPolicySet,
  type ContextValue,
  type Decision,
  type Policy,
  type PolicySetInput,
  type CallerFacts,
  type DecisionRequest,
} from '../policy/index.ts';
import { conditionCandidates } from './condition-candidates.ts';
import { revealConditionKeys } from './reveal-condition-keys.ts';
import { variableCandidates } from './variable-candidates.ts';

export type AccessStatus = 'allowed' | 'conditional' | 'denied';

export type AccessVerdict =
  /**
   * allowed with the known context, and no condition key was missing or no value of those missing
   * denies it (among the values the policies tell apart; keys with none to try stay absent)
   */
  | { readonly status: 'allowed'; readonly decision: Decision }
  /**
   * allowed only with some values of the keys that remain: `example` is one such context (keys it
   * does not list are absent; `{}` when the known context allows and some values deny, or the
   * search for a denying one ran out of budget); `decision` is the allowing one; `relations`: the conditions that
   * compare a key with a policy variable (`aws:ResourceTag/team StringEquals ${aws:PrincipalTag/team}`),
   * which the example satisfies with one value of many
   */
  | {
      readonly status: 'conditional';
      readonly decision: Decision;
      readonly conditionKeys: readonly string[];
      readonly example: Readonly<Record<string, ContextValue>>;
      readonly relations: readonly string[];
      readonly tried: number;
    }
  /**
   * denied whatever the keys that remain hold (among the values the policies tell apart), or,
   * with `searchExhausted`, for every context tried before the budget ran out
   */
  | { readonly status: 'denied'; readonly decision: Decision; readonly conditionKeys: readonly string[]; readonly searchExhausted: boolean; readonly tried: number };

export interface ConditionalDeciderOptions {
  /** at most this many contexts decided per request in the search (default 1024) */
  readonly budget?: number;
  /** the same policies compiled as they are, reused when no key needs revealing */
  readonly compiled?: CompiledPolicySet | undefined;
  /**
   * the contexts that allowed earlier requests, shared with other deciders (of the same
   * organization: their policy sets differ by an account's guardrails and name the same keys);
   * only tried first, so sharing changes the work, never an answer
   */
  readonly memory?: ContextMemory | undefined;
}

/** recently allowing contexts, most recent first */
export type ContextMemory = Readonly<Record<string, ContextValue>>[];

export const DEFAULT_SEARCH_BUDGET = 1024;

export type ConditionalDecider = (request: DecisionRequest, facts?: CallerFacts) => AccessVerdict;

type Context = Readonly<Record<string, ContextValue>>;

/**
 * One decider per policy set. It remembers the contexts that allowed earlier requests and tries
 * them first: over a catalog of actions the same few keys come back.
 */
export function conditionalDecider(input: PolicySetInput, compileOptions: CompileOptions, options: ConditionalDeciderOptions = {}): ConditionalDecider {
  const budget = options.budget ?? DEFAULT_SEARCH_BUDGET;
  const reveal = (policy: Policy | undefined) => (policy === undefined ? undefined : revealConditionKeys(policy));
  const revealed: PolicySetInput = {
    ...input,
    ...(input.identity !== undefined ? { identity: input.identity.map(revealConditionKeys) } : {}),
    ...(input.permissionBoundary !== undefined ? { permissionBoundary: reveal(input.permissionBoundary)! } : {}),
    ...(input.session !== undefined ? { session: reveal(input.session)! } : {}),
    ...(input.resource !== undefined ? { resource: reveal(input.resource)! } : {}),
    ...(input.scps !== undefined ? { scps: input.scps.map((level) => level.map(revealConditionKeys)) } : {}),
    ...(input.rcps !== undefined ? { rcps: input.rcps.map((level) => level.map(revealConditionKeys)) } : {}),
  };
  const policies = policiesOf(input);
  const unchanged = policiesOf(revealed).every((p, i) => p === policies[i]);
  const compiled = unchanged && options.compiled !== undefined ? options.compiled : compilePolicySet(revealed, compileOptions);
  // computed on the first search: most deciders of an organization never search
  let candidates: ReturnType<typeof conditionCandidates> | undefined;
  let variablesOf: ReturnType<typeof variableCandidates> | undefined;
  const variables = () => (variablesOf ??= variableCandidates(policies));
  // statements that no context value can change (no condition, no policy variable in a resource),
  // by policy type, name and index: a Deny among them holds in every context
  const unconditional = new Set<string>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (statement.conditions.length > 0 || (statement.resources ?? []).some((r) => r.includes('${'))) continue;
      unconditional.add(`${policy.type}\u0000${policy.name}\u0000${statement.index}`);
    }
  }
  const deniedAnyway = (decision: Decision) =>
    decision.causes.some((c) => c.kind === 'explicit-deny' && unconditional.has(`${c.statement.policyType}\u0000${c.statement.policyName}\u0000${c.statement.statementIndex}`));
  const remembered: Context[] = options.memory ?? [];
  /**
   * the first context, among those the keys' values make, whose decision `wanted` accepts; the
   * contexts remembered first when `memory` is set; `complete` when every combination was tried
   */
  const search = (request: DecisionRequest, facts: CallerFacts | undefined, keys: readonly string[], wanted: (decision: Decision) => boolean, memory: boolean): Search => {
    let tried = 0;
    const seen = new Set<string>();
    /** the wanted decision, or undefined; a context tried before is not decided again */
    const attempt = (extra: Context): Decision | undefined => {
      const id = JSON.stringify(extra);
      if (seen.has(id)) return undefined;
      seen.add(id);
      tried++;
      const decision = decide(compiled, { ...request, context: { ...request.context, ...extra } }, facts);
      return wanted(decision) ? decision : undefined;
    };
    const found = (context: Context, decision: Decision, remember: boolean): Search => {
      if (remember) {
        remembered.unshift(context);
        if (remembered.length > 16) remembered.pop();
      }
      return { found: { context, decision }, complete: true, tried };
    };
    if (memory) {
      const lowerKeys = new Set(keys.map((k) => k.toLowerCase()));
      for (const known of remembered) {
        if (tried >= budget) break;
        // only the keys this request misses: the others are decided already
        const context = Object.fromEntries(Object.entries(known).filter(([k]) => lowerKeys.has(k.toLowerCase())));
        if (Object.keys(context).length === 0) continue;
        const decision = attempt(context);
        if (decision !== undefined) return found(context, decision, false);
      }
    }

    // what each key may hold: a partial context per value (a value that satisfies a policy
    // variable sets the variable's key too); keys with none can only be absent
    const known = prepareRequest(request, facts).context;
    candidates ??= conditionCandidates(policies);
    const options: Context[][] = [];
    for (const key of keys) {
      const values: Context[] = [...(candidates.get(key.toLowerCase()) ?? []).map((v) => ({ [key]: v })), ...variables().optionsFor(key, known)];
      if (values.length === 0) continue;
      options.push(values);
    }
    const last = sweep(options);
    let complete = true;
    // contexts met again (two values that set the same keys alike) are not decided again; they are
    // counted here so that the enumeration stays bounded too
    let steps = 0;
    for (const context of contextsBySize(options)) {
      // keep enough of the budget for the last step
      if (tried >= budget - last.length || ++steps > 4 * budget) {
        complete = false;
        break;
      }
      const decision = attempt(context);
      if (decision !== undefined) return found(context, decision, memory);
    }
    if (!complete) {
      for (const context of last) {
        if (tried >= budget) break;
        const decision = attempt(context);
        if (decision !== undefined) return found(context, decision, memory);
      }
    }
    return { found: undefined, complete, tried };
  };

  return (request, facts) => {
    const first = decide(compiled, request, facts);
    const keys = first.missingContextKeys;
    if (keys.length === 0) {
      return first.decision === 'Allow' ? { status: 'allowed', decision: first } : { status: 'denied', decision: first, conditionKeys: keys, searchExhausted: false, tried: 0 };
    }
    if (first.decision === 'Allow') {
      // one Allow that applies suffices, so a key read only by an Allow made redundant by another
      // (`sns:*`, and `sns:Publish` in one region) changes nothing: the request is conditional only
      // when some value of the keys denies it; a search cut short stays conservative
      const denying = search(request, facts, keys, (d) => d.decision !== 'Allow', false);
      if (denying.found === undefined && denying.complete) return { status: 'allowed', decision: first };
      // the known context, the keys absent, is the allowing example
      return { status: 'conditional', decision: first, conditionKeys: keys, example: {}, relations: [], tried: denying.tried };
    }
    // the request's action, resource and principal match a Deny with no condition: no context lifts it
    if (deniedAnyway(first)) return { status: 'denied', decision: first, conditionKeys: keys, searchExhausted: false, tried: 0 };
    const allowing = search(request, facts, keys, (d) => d.decision === 'Allow', true);
    if (allowing.found !== undefined) {
      const { context, decision } = allowing.found;
      return { status: 'conditional', decision, conditionKeys: keys, example: context, relations: variables().relationsOf(keys), tried: allowing.tried };
    }
    return { status: 'denied', decision: first, conditionKeys: keys, searchExhausted: !allowing.complete, tried: allowing.tried };
  };
}

interface Search {
  /** the context found and its decision */
  readonly found: { readonly context: Context; readonly decision: Decision } | undefined;
  /** every combination of the keys' values was tried, or one was found */
  readonly complete: boolean;
  readonly tried: number;
}

/** every policy of a set, in one list */
export function policiesOf(input: PolicySetInput): Policy[] {
  return [
    ...(input.identity ?? []),
    ...(input.permissionBoundary !== undefined ? [input.permissionBoundary] : []),
    ...(input.session !== undefined ? [input.session] : []),
    ...(input.resource !== undefined ? [input.resource] : []),
    ...(input.scps ?? []).flat(),
    ...(input.rcps ?? []).flat(),
  ];
}

/** every key at once: the i-th value of each (its last when it has fewer), for each i */
export function sweep(options: readonly (readonly Context[])[]): Context[] {
  const longest = Math.max(0, ...options.map((o) => o.length));
  const out: Context[] = [];
  for (let i = 0; i < longest && options.length > 1; i++) out.push(Object.assign({}, ...options.map((o) => o[Math.min(i, o.length - 1)])) as Context);
  return out;
}

/**
 * every combination of values of some of the keys, those setting fewer keys first; every key has
 * at least one value, so each step of the enumeration yields a context (its cost is the
 * contexts it yields, which the caller bounds)
 */
export function* contextsBySize(options: readonly (readonly Context[])[]): Generator<Context> {
  for (let size = 1; size <= options.length; size++) {
    for (const subset of subsetsOf(options.length, size)) yield* product(subset, options, 0, {});
  }
}

function* subsetsOf(n: number, size: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i <= n - (size - prefix.length); i++) yield* subsetsOf(n, size, i + 1, [...prefix, i]);
}

function* product(subset: readonly number[], options: readonly (readonly Context[])[], at: number, acc: Context): Generator<Context> {
  if (at === subset.length) {
    yield acc;
    return;
  }
  for (const value of options[subset[at]!]!) yield* product(subset, options, at + 1, { ...acc, ...value });
}
