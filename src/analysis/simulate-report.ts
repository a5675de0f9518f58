/**
 * `parapet simulate`'s reports, values rendered as JSON (format `parapet-simulate/1`,
 * docs/reports.md) or text:
 *
 * - a decision case run (conformance/FORMAT.md): invalid with its errors, or decided with the
 *   expectation; written one per line as the cases run, then the totals;
 * - an ad-hoc request: the engine's decision itself (policy/decision.ts), which carries its causes.
 */
import { explain, formatIssue, type Decision, type DecisionKind, type Issue } from '../policy/index.ts';

export const SIMULATE_FORMAT = 'parapet-simulate/1';

export type CaseRun =
  | { readonly kind: 'invalid'; readonly file: string; readonly issues: readonly Issue[] }
  | {
      readonly kind: 'decided';
      readonly file: string;
      readonly name: string;
      readonly decision: Decision;
      readonly expected?: DecisionKind | undefined;
      /** null when the case states no expectation */
      readonly pass: boolean | null;
      /** with `--repeat`: the mean time of one decision */
      readonly microsPerDecision?: number | undefined;
      /** warnings from the case's policies */
      readonly warnings: readonly Issue[];
    };

export interface CaseTotals {
  readonly passed: number;
  readonly failed: number;
  readonly invalid: number;
}

export function caseTotals(runs: readonly CaseRun[]): CaseTotals {
  const decided = runs.filter((r) => r.kind === 'decided');
  return { passed: decided.filter((r) => r.pass === true).length, failed: decided.filter((r) => r.pass === false).length, invalid: runs.length - decided.length };
}

/**
 * one JSON line per case. An invalid case keeps `error` (its errors in one line) for scripts that
 * print it; `issues` are the same facts as data.
 */
export function caseRunJson(run: CaseRun) {
  if (run.kind === 'invalid') return { format: SIMULATE_FORMAT, file: run.file, error: run.issues.map((issue) => formatIssue(issue)).join('; '), issues: run.issues };
  return {
    format: SIMULATE_FORMAT,
    file: run.file,
    name: run.name,
    decision: run.decision.decision,
    expected: run.expected ?? null,
    pass: run.pass,
    ...(run.microsPerDecision !== undefined ? { microsPerDecision: Number(run.microsPerDecision.toFixed(3)) } : {}),
  };
}

/** `PASS file: name`, and for a case that did not pass the expectation and the explained decision */
export function renderCaseRunText(run: CaseRun): string {
  if (run.kind === 'invalid') return `INVALID ${run.file}\n${run.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n`;
  const status = run.pass === null ? 'DONE' : run.pass ? 'PASS' : 'FAIL';
  const timing = run.microsPerDecision !== undefined ? ` (${run.microsPerDecision.toFixed(2)} µs/decision)` : '';
  let out = `${status} ${run.file}: ${run.name}${timing}\n`;
  if (run.pass !== true) {
    if (run.pass === false) out += `  expected ${run.expected}, got ${run.decision.decision}\n`;
    out += `${indent(explain(run.decision))}\n`;
  }
  for (const w of run.warnings) out += `  ${formatIssue(w)}\n`;
  return out;
}

export function renderCaseTotalsText(totals: CaseTotals): string {
  return `\n${totals.passed} passed, ${totals.failed} failed${totals.invalid > 0 ? `, ${totals.invalid} invalid` : ''}\n`;
}

/** the ad-hoc decision as JSON: the decision value, tagged */
export function decisionJson(decision: Decision) {
  return { format: SIMULATE_FORMAT, ...decision };
}

/** the decision and its explanation; a caller with the organization's level names (the server) passes its own explanation */
export function renderDecisionText(decision: Decision, explanation: string = explain(decision)): string {
  return `${decision.decision}\n${explanation}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
