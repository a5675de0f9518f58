/**
 * The JSON form of `parapet plan` (format `parapet-plan/3`, docs/plan.md): the plan report with
 * `valid: true`, or, when either version is not a valid configuration, the errors of each.
 * Facts only: an escalation rule is named by its id (docs/plan.md explains each), not described.
 */
import type { ConfigIssue } from '../org/index.ts';
import { PLAN_FORMAT, type PlanReport } from './build-plan.ts';

/** a plan that could not be made: the errors of the version(s) that are not valid configurations */
export interface InvalidPlanReport {
  readonly from: string;
  readonly to: string;
  /** errors only; empty for a valid version */
  readonly issues: { readonly from: readonly ConfigIssue[]; readonly to: readonly ConfigIssue[] };
}

export function planJson(plan: PlanReport) {
  return { ...plan, valid: true as const };
}

/** each issue also names the version it is in (`version`: the `from` or `to` label) */
export function invalidPlanJson(report: InvalidPlanReport) {
  const tagged = (issues: readonly ConfigIssue[], version: string) => issues.map((issue) => ({ ...issue, version }));
  return { format: PLAN_FORMAT, from: report.from, to: report.to, valid: false as const, issues: { from: tagged(report.issues.from, report.from), to: tagged(report.issues.to, report.to) } };
}
