/**
 * Decide a request whose context is only partly known, and say whether the answer depends on
 * what the caller would send. The request is decided with the known context first; the condition
 * keys the policies then asked for and did not get (`missingContextKeys`) are the ones that
 * remain. When that decision is not Allow, the keys are filled in with the values the policies
 * name (condition-candidates.ts), fewest keys first, to find one context that the real engine
 * allows: the access is then `conditional`, with that context as an example.
 */
import { decide, type CompiledPolicySet, type ContextValue, type Decision, type Policy, type PrincipalFacts, type Request } from '../policy/index.ts';
import { conditionCandidates } from './condition-candidates.ts';

export type AccessStatus = 'allowed' | 'conditional' | 'denied';

export type AccessVerdict =
  /** allowed with the known context, and no condition key was missing */
  | { readonly status: 'allowed'; readonly decision: Decision }
  /**
   * allowed only with some values of the keys that remain: `example` is one such context (keys it
   * does not list are absent); `decision` is the allowing one
   */
  | { readonly status: 'conditional'; readonly decision: Decision; readonly conditionKeys: readonly string[]; readonly example: Readonly<Record<string, ContextValue>> }
  /** denied whatever the keys that remain hold (among the values the policies tell apart) */
  | { readonly status: 'denied'; readonly decision: Decision; readonly conditionKeys: readonly string[]; readonly searchExhausted: boolean };

export interface ConditionalDeciderOptions {
  /** at most this many decisions per request in the search (default 2048) */
  readonly budget?: number;
}

export type ConditionalDecider = (request: Request, facts?: PrincipalFacts) => AccessVerdict;

/**
 * One decider per compiled policy set, given the policies it was compiled from. It remembers the
 * contexts that allowed earlier requests and tries them first: over a catalog of actions the same
 * few keys come back.
 */
export function conditionalDecider(compiled: CompiledPolicySet, policies: readonly Policy[], options: ConditionalDeciderOptions = {}): ConditionalDecider {
  const budget = options.budget ?? 2048;
  const candidates = conditionCandidates(policies);
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
  const remembered: Record<string, ContextValue>[] = [];
  return (request, facts) => {
    const first = decide(compiled, request, facts);
    const keys = first.missingContextKeys;
    if (first.decision === 'Allow') {
      return keys.length === 0 ? { status: 'allowed', decision: first } : { status: 'conditional', decision: first, conditionKeys: keys, example: {} };
    }
    // the request's action, resource and principal match a Deny with no condition: no context lifts it
    if (keys.length === 0 || deniedAnyway(first)) return { status: 'denied', decision: first, conditionKeys: keys, searchExhausted: false };

    let spent = 0;
    const attempt = (extra: Readonly<Record<string, ContextValue>>): Decision | undefined => {
      spent++;
      const decision = decide(compiled, { ...request, context: { ...request.context, ...extra } }, facts);
      return decision.decision === 'Allow' ? decision : undefined;
    };
    const lowerKeys = new Set(keys.map((k) => k.toLowerCase()));
    const tried = new Set<string>();
    for (const known of remembered) {
      // only the keys this request misses: the others are decided already
      const context = Object.fromEntries(Object.entries(known).filter(([k]) => lowerKeys.has(k.toLowerCase())));
      const id = JSON.stringify(context);
      if (tried.has(id) || Object.keys(context).length === 0) continue;
      tried.add(id);
      const decision = attempt(context);
      if (decision !== undefined) return { status: 'conditional', decision, conditionKeys: keys, example: context };
    }
    const options = keys.map((key) => candidates.get(key.toLowerCase()) ?? []);
    for (const context of contextsBySize(keys, options)) {
      if (spent >= budget) return { status: 'denied', decision: first, conditionKeys: keys, searchExhausted: true };
      const decision = attempt(context);
      if (decision !== undefined) {
        remembered.unshift(context);
        if (remembered.length > 16) remembered.pop();
        return { status: 'conditional', decision, conditionKeys: keys, example: context };
      }
    }
    return { status: 'denied', decision: first, conditionKeys: keys, searchExhausted: false };
  };
}

/** every assignment of values to some of the keys, those setting fewer keys first */
function* contextsBySize(keys: readonly string[], options: readonly (readonly string[])[]): Generator<Record<string, string>> {
  for (let size = 1; size <= keys.length; size++) {
    for (const subset of subsetsOf(keys.length, size)) {
      if (subset.some((i) => options[i]!.length === 0)) continue;
      yield* product(subset, keys, options, 0, {});
    }
  }
}

function* subsetsOf(n: number, size: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i <= n - (size - prefix.length); i++) yield* subsetsOf(n, size, i + 1, [...prefix, i]);
}

function* product(subset: readonly number[], keys: readonly string[], options: readonly (readonly string[])[], at: number, acc: Record<string, string>): Generator<Record<string, string>> {
  if (at === subset.length) {
    yield { ...acc };
    return;
  }
  const index = subset[at]!;
  for (const value of options[index]!) {
    acc[keys[index]!] = value;
    yield* product(subset, keys, options, at + 1, acc);
  }
  delete acc[keys[index]!];
}
