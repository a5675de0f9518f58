/**
 * A policy set compiled in a compile session (its slots reused from earlier sets, its conditions
 * numbered by the session's interner) decides exactly like the same set compiled afresh: the
 * decision, its causes, outcomes and missing keys. The sets mix slots of several generated
 * scenarios (one scenario's identity policies with another's SCP and RCP chains), as an
 * organization's sets share permission sets and guardrail levels, and are decided by one decider
 * whose per-slot caches then serve several sets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePolicySet, createCompileSession, createDecider, type PolicySetInput } from './index.ts';
import { parseDocs, scenarioArb } from './policy-scenarios.test-support.ts';

describe('compile session', () => {
  it('a set built from shared compiled slots decides like a freshly compiled one', () => {
    let mixed = 0;
    fc.assert(
      fc.property(fc.array(scenarioArb(), { minLength: 2, maxLength: 4 }), (scenarios) => {
        const session = createCompileSession();
        const shared = createDecider();
        const inputs = scenarios.map((s) => parseDocs(s.docs));
        for (const [i, s] of scenarios.entries()) {
          for (const [j, other] of inputs.entries()) {
            // scenario i's own policies with scenario j's guardrails (the same Policy objects, so the session reuses their slots)
            const input: PolicySetInput = { ...inputs[i]!, scps: other.scps ?? [], rcps: other.rcps ?? [] };
            if (i !== j && (other.scps !== undefined || other.rcps !== undefined)) mixed++;
            const options = s.managementAccount !== undefined ? { managementAccount: s.managementAccount } : {};
            const fresh = createDecider().decide(compilePolicySet(input, options), s.request, s.who.facts, { causes: 'all' });
            const reused = compilePolicySet(input, options, session);
            // decide twice so that the second decision reads the shared decider's caches
            for (const round of [1, 2]) {
              const decision = shared.decide(reused, s.request, s.who.facts, { causes: 'all' });
              assert.deepEqual(decision, fresh, `round ${round}: a set of shared slots decided otherwise`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(mixed > 100, `too few sets mixed slots of two scenarios: ${mixed}`);
  });

  it('compiles each slot once per session', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const session = createCompileSession();
        const input = parseDocs(s.docs);
        const first = compilePolicySet(input, {}, session);
        const second = compilePolicySet({ ...input, scps: [...(input.scps ?? [])] }, {}, session);
        assert.equal(second.identity, first.identity);
        assert.equal(second.permissionBoundary, first.permissionBoundary);
        first.scps.forEach((slot, i) => assert.equal(second.scps[i], slot));
        first.rcps.forEach((slot, i) => assert.equal(second.rcps[i], slot));
        assert.equal(second.sharedCount, first.sharedCount);
        // a fresh compile makes new slots
        const fresh = compilePolicySet(input);
        if (first.identity !== undefined) assert.notEqual(fresh.identity, first.identity);
      }),
      { numRuns: 200 },
    );
  });
});
