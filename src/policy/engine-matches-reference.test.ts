/**
 * The engine agrees with a plain reference evaluator (reference-evaluator.test-support.ts) on
 * generated policy sets (identity policies, an SCP chain, an RCP chain, a permissions boundary, a
 * session policy, a resource policy, with conditions over a small vocabulary of keys and
 * operators) and requests (users, roles, sessions, federated users, root users, principals of
 * other accounts and of the management account, service-linked roles, services, identity
 * providers, anonymous callers). The engine's indexes, memos, interning and compiled matchers are
 * optimisations; the reference has none of them, so an agreement here is evidence that they
 * change no answer. Both cause modes are checked: the decision in each, and in `all` mode the
 * determining statements (every applying Deny of an ExplicitDeny, every Allow that granted).
 *
 * What the reference does not cover (so neither does this test):
 * - the value parsers it shares with the engine: numbers, dates, IP addresses and CIDR blocks,
 *   ARN splitting (condition-values.ts, arn.ts) — they have their own tests;
 * - policy parsing and validation: both read the same parsed `Policy` values;
 * - canonical-user principals, principals written as other kinds of ARN, and `?` against
 *   surrogate pairs (the generators produce none of them);
 * - the causes of an ImplicitDeny (which policy types had to allow), `outcomes`, `exemptions` and
 *   `missingContextKeys`: only the decision and the determining statements are compared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePolicySet, decide, type Decision, type DecisionKind, type StatementRef } from './index.ts';
import { ACCOUNT, parseDocs, scenarioArb, type Scenario } from './policy-scenarios.test-support.ts';
import { referenceDecide } from './reference-evaluator.test-support.ts';

const RUNS = 2000;
/** the same-account scenarios are cheaper (no organization policies): more of them in the same time */
const SAME_ACCOUNT_RUNS = 4000;

/** services RCPs cover: all (undefined), or a subset as the service catalog would give */
const rcpServicesArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.subarray(['s3', 'kms', 'sts', 'ec2', 'iam']).map((list) => new Set(list)) },
);

function key(ref: StatementRef): string {
  return `${ref.policyType}/${ref.level ?? ''}/${ref.policyIndex}/${ref.statementIndex}/${ref.effect}`;
}

function determining(decision: Decision): string[] {
  return decision.causes.flatMap((c) => (c.kind === 'no-allow' || c.kind === 'no-permission-required' ? [] : [key(c.statement)])).sort();
}

function check(s: Scenario, rcpServices: ReadonlySet<string> | undefined, seen: Record<DecisionKind, number>): void {
  const input = parseDocs(s.docs);
  const options = {
    ...(s.managementAccount !== undefined ? { managementAccount: s.managementAccount } : {}),
    ...(rcpServices !== undefined ? { rcpServices } : {}),
  };
  const expected = referenceDecide(input, s.request, s.who.facts, options);
  const set = compilePolicySet(input, options);
  const all = decide(set, s.request, s.who.facts);
  const sufficient = decide(set, s.request, s.who.facts, { causes: 'sufficient' });
  seen[expected.decision]++;
  assert.equal(all.decision, expected.decision, 'engine (all) and reference differ');
  assert.equal(sufficient.decision, expected.decision, 'engine (sufficient) and reference differ');
  assert.deepEqual(determining(all), expected.statements.map(key).sort(), 'determining statements differ');
}

/** the generators must reach every outcome often, or the agreement says little */
function assertVaried(seen: Record<DecisionKind, number>, runs: number): void {
  for (const [kind, count] of Object.entries(seen)) assert.ok(count > runs / 20, `only ${count} of ${runs} scenarios decided ${kind}`);
}

describe('the engine agrees with the reference evaluator', () => {
  it('on every kind of policy set and caller: the decision in both cause modes, the determining statements in `all` mode', () => {
    const seen = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
    fc.assert(
      fc.property(scenarioArb(), rcpServicesArb, (s, rcpServices) => check(s, rcpServices, seen)),
      { numRuns: RUNS, includeErrorInReport: true },
    );
    assertVaried(seen, RUNS);
  });

  it('on the same-account resource-policy table: IAM callers of the account with identity, boundary, session and resource policies', () => {
    // the rows of docs/semantics.md step 6 need a resource policy and a boundary or session
    // policy that disagree, which the general scenarios draw too rarely
    const seen = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
    const arb = scenarioArb({ who: (w) => w.account === ACCOUNT, kinds: ['identity', 'permissionBoundary', 'session', 'resource'] });
    fc.assert(
      fc.property(arb, (s) => check(s, undefined, seen)),
      { numRuns: SAME_ACCOUNT_RUNS, includeErrorInReport: true },
    );
    assertVaried(seen, SAME_ACCOUNT_RUNS);
  });
});
