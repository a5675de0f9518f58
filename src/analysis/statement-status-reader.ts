/**
 * Whether a statement's conditions hold for a session the configuration describes, when all that
 * is known is who the session is (its ARN, its account, that it is a role session and not a
 * service). A condition on a known key is decided by the real engine; a condition on any other
 * key (the region, MFA, the organization id, a tag, ...) depends on the request and is unknown.
 * A statement applies `always` when all its conditions hold, `never` when one of them cannot hold,
 * and is `unknown` otherwise, with the keys it depends on.
 */
import { compilePolicySet, decide, type CompiledPolicySet, type Condition, type ContextValue, type PolicyVersion, type CallerFacts, type Statement } from '../policy/index.ts';

export type StatementStatus =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  /** `keys`: the condition keys (as the policy spells them) whose values decide */
  | { readonly kind: 'unknown'; readonly keys: readonly string[] };

/** the caller as far as the configuration knows it */
export interface KnownSession {
  readonly principal: string;
  readonly facts: CallerFacts;
  /** every key whose value is known; any other key is unknown */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export type StatementStatusReader = (statement: Statement, version: PolicyVersion, session: KnownSession) => StatementStatus;

const ALWAYS: StatementStatus = { kind: 'always' };
const NEVER: StatementStatus = { kind: 'never' };
const PROBE_ACTION = 'parapet:ProbeCondition';

/** `${aws:username}` and `${aws:username, 'default'}`: the keys a value refers to (lower case) */
function variableKeys(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const match of value.matchAll(/\$\{([^}]*)\}/g)) {
      const name = (match[1] ?? '').split(',')[0]!.trim().toLowerCase();
      if (name !== '*' && name !== '?' && name !== '$') out.push(name);
    }
  }
  return out;
}

/**
 * A reader with its own caches: a condition's outcome depends only on the values of the keys it
 * reads, so sessions that agree on those share it.
 */
export function statementStatusReader(): StatementStatusReader {
  const lowered = new WeakMap<KnownSession, Map<string, ContextValue>>();
  /** per condition: the keys it reads, the probe that decides it, and its outcome by their values */
  const probes = new WeakMap<Condition, { keys: readonly string[]; set: CompiledPolicySet | undefined; outcomes: Map<string, boolean> }>();

  const knownOf = (session: KnownSession) => {
    let known = lowered.get(session);
    if (known === undefined) {
      known = new Map(Object.entries(session.context).map(([k, v]) => [k.toLowerCase(), v]));
      lowered.set(session, known);
    }
    return known;
  };

  /** true or false when decided by the known keys, undefined when it depends on the request */
  const outcomeOf = (condition: Condition, version: PolicyVersion, session: KnownSession): boolean | undefined => {
    let probe = probes.get(condition);
    if (probe === undefined) {
      probe = { keys: [condition.key.toLowerCase(), ...variableKeys(condition.values)], set: undefined, outcomes: new Map() };
      probes.set(condition, probe);
    }
    const known = knownOf(session);
    let signature = '';
    for (const key of probe.keys) {
      const value = known.get(key);
      if (value === undefined) return undefined;
      signature += `${typeof value === 'string' ? value : JSON.stringify(value)}\u0000`;
    }
    let outcome = probe.outcomes.get(signature);
    if (outcome === undefined) {
      probe.set ??= compilePolicySet({
        identity: [
          {
            name: 'condition probe',
            type: 'identity',
            version,
            statements: [{ index: 0, effect: 'Allow', actions: [PROBE_ACTION], notAction: false, resources: ['*'], notResource: false, notPrincipal: false, conditions: [condition] }],
          },
        ],
      });
      const decision = decide(probe.set, { principal: session.principal, action: PROBE_ACTION, resource: '*', context: session.context }, session.facts);
      outcome = decision.decision === 'Allow';
      probe.outcomes.set(signature, outcome);
    }
    return outcome;
  };

  return (statement, version, session) => {
    if (statement.conditions.length === 0) return ALWAYS;
    const unknown: string[] = [];
    for (const condition of statement.conditions) {
      const outcome = outcomeOf(condition, version, session);
      if (outcome === false) return NEVER;
      if (outcome === undefined && !unknown.includes(condition.key)) unknown.push(condition.key);
    }
    return unknown.length === 0 ? ALWAYS : { kind: 'unknown', keys: unknown };
  };
}
