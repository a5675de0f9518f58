/**
 * The preflight of a Terraform plan: its AWS requests decided as the deployer, and its
 * misconfigurations, in one report. Pure: the caller reads the files.
 */
import type { CompileOptions, Issue, PolicySetInput } from '../policy/index.ts';
import { buildRequests } from './build-requests.ts';
import { decidePlan, type DecidedChange, type Deployer } from './decide-plan.ts';
import { findMisconfigurations, type Enforcement, type Finding, type RuleId } from './misconfiguration-rules.ts';
import { parsePlan } from './parse-plan.ts';
import type { PreflightException } from './parse-preflight-policy.ts';
import { iamAccessChanges, type IamAccessChange } from './iam-access-impact.ts';

export interface PreflightOptions {
  /** the target account's ID: the plan may not know it (`skip_requesting_account_id`) */
  readonly account: string;
  readonly policies: PolicySetInput;
  readonly deployer: Deployer;
  readonly compileOptions?: CompileOptions;
  readonly requiredTags?: readonly string[];
  /** per rule, its enforcement; by default critical and high findings are mandatory, the rest advisory */
  readonly enforcement?: Readonly<Partial<Record<RuleId, Enforcement>>>;
  /** owned, time-boxed exceptions from the repository's preflight policy */
  readonly exceptions?: readonly PreflightException[];
  /** the day exceptions are checked against (default: now) */
  readonly today?: Date;
}

export interface EnforcedFinding extends Finding {
  readonly enforcement: Enforcement;
  /** the live exception that keeps this finding from failing the preflight */
  readonly exception?: PreflightException;
}

export interface PreflightSummary {
  readonly changes: number;
  readonly denied: number;
  readonly explicitDeny: number;
  readonly implicitDeny: number;
  /** changes with a request that cannot be decided at plan time */
  readonly unknown: number;
  readonly unmapped: number;
  readonly findings: number;
  readonly mandatoryFindings: number;
}

export interface PreflightReport {
  readonly account: string;
  readonly principal: string;
  readonly summary: PreflightSummary;
  readonly changes: readonly DecidedChange[];
  readonly findings: readonly EnforcedFinding[];
  /** the IAM principals and managed policies whose policies the plan changes: what they gain and lose, as `parapet plan` says it */
  readonly access: readonly IamAccessChange[];
  /** exceptions that expired or match no finding: to renew or remove */
  readonly exceptionNotes: readonly string[];
  /** the text of the plan's sensitive values: never printed, used to scrub every output */
  readonly secrets: readonly string[];
  /** the preflight passes: nothing denied, unknown or unmapped, no mandatory finding */
  readonly passed: boolean;
}

export type PreflightResult = { readonly ok: true; readonly value: PreflightReport } | { readonly ok: false; readonly issues: readonly Issue[] };

export function runPreflight(planText: string, options: PreflightOptions, source?: string): PreflightResult {
  const parsed = parsePlan(planText, source);
  if (!parsed.ok) return parsed;
  const plan = parsed.value;
  const planned = buildRequests({ account: options.account, plan });
  const changes = decidePlan(planned, options.policies, options.deployer, options.account, options.compileOptions);
  const today = (options.today ?? new Date()).toISOString().slice(0, 10);
  const exceptions = options.exceptions ?? [];
  const live = exceptions.filter((e) => e.expires >= today);
  const used = new Set<PreflightException>();
  const findings = findMisconfigurations(plan, planned, { ...(options.requiredTags !== undefined ? { requiredTags: options.requiredTags } : {}) }).map((f): EnforcedFinding => {
    const enforcement = options.enforcement?.[f.rule] ?? (f.severity === 'critical' || f.severity === 'high' ? 'mandatory' : 'advisory');
    const exception = live.find((e) => e.rule === f.rule && e.address === f.address);
    if (exception !== undefined) used.add(exception);
    return { ...f, enforcement, ...(exception !== undefined ? { exception } : {}) };
  });
  const exceptionNotes = [
    ...exceptions.filter((e) => e.expires < today).map((e) => `the exception for ${e.rule} on \`${e.address}\` (owner ${e.owner}) expired on ${e.expires}`),
    ...live.filter((e) => !used.has(e)).map((e) => `the exception for ${e.rule} on \`${e.address}\` (owner ${e.owner}) matches no finding: remove it`),
  ];
  const count = (d: string) => changes.filter((c) => c.decision === d).length;
  const summary: PreflightSummary = {
    changes: changes.length,
    denied: count('ExplicitDeny') + count('ImplicitDeny'),
    explicitDeny: count('ExplicitDeny'),
    implicitDeny: count('ImplicitDeny'),
    unknown: count('Unknown'),
    unmapped: count('Unmapped'),
    findings: findings.length,
    mandatoryFindings: findings.filter((f) => f.enforcement === 'mandatory' && f.exception === undefined).length,
  };
  const passed = summary.denied === 0 && summary.unknown === 0 && summary.unmapped === 0 && summary.mandatoryFindings === 0;
  const access = iamAccessChanges(plan, { account: options.account, policies: options.policies });
  return { ok: true, value: { account: options.account, principal: options.deployer.principal, summary, changes, findings, access, exceptionNotes, secrets: plan.secrets, passed } };
}
