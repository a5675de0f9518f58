/** run one decision case: compile its policies once, then decide (optionally many times) */
import { compilePolicySet, type CompiledPolicySet } from './compile-policy-set.ts';
import { decidePrepared } from './decide.ts';
import type { Decision } from './decision.ts';
import type { DecisionCase } from './parse-case.ts';
import { prepareRequest } from './request.ts';

export interface CaseResult {
  readonly decision: Decision;
  /** null when the case states no expectation */
  readonly pass: boolean | null;
  /** the case's policies, compiled, for deciding it again (`simulate --repeat`) */
  readonly compiled: CompiledPolicySet;
}

export function evaluateCase(decisionCase: DecisionCase): CaseResult {
  const compiled = compilePolicySet(decisionCase.policies, decisionCase.options);
  const decision = decidePrepared(compiled, prepareRequest(decisionCase.request, decisionCase.principal));
  return { decision, pass: decisionCase.expected === undefined ? null : decision.decision === decisionCase.expected, compiled };
}
