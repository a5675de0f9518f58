/**
 * `parapet validate`'s report: a value of facts (the issues, their counts, what a valid
 * configuration holds), its JSON form (format `parapet-validate/1`, docs/reports.md) and its text
 * form. The CLI, a server and a web page render this one value.
 *
 *   parsed configuration → report → JSON | text
 */
import { formatIssue } from '../policy/index.ts';
import { repositoryPath, type ConfigIssue } from './config-issue.ts';
import type { OrgConfig, Unit } from './org-config.ts';
import type { ParsedConfig } from './parse-config.ts';

export const VALIDATE_FORMAT = 'parapet-validate/1';

/** what a valid configuration holds, counted */
export interface ConfigSummary {
  readonly accounts: number;
  /** every unit below the root */
  readonly units: number;
  readonly guardrails: number;
  readonly resourceGuardrails: number;
  readonly permissionSets: number;
  readonly groups: number;
  readonly assignments: number;
  readonly serviceAccounts: number;
}

export interface ValidateReport {
  /** the repository folder as the user named it: issue files are below it */
  readonly dir: string;
  readonly valid: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly issues: readonly ConfigIssue[];
  /** only for a valid configuration */
  readonly summary?: ConfigSummary;
}

export function validateReport(dir: string, parsed: ParsedConfig): ValidateReport {
  const errors = parsed.issues.filter((i) => i.severity === 'error').length;
  return {
    dir,
    valid: errors === 0,
    errors,
    warnings: parsed.issues.length - errors,
    issues: parsed.issues,
    ...(parsed.ok ? { summary: summarizeConfig(parsed.value) } : {}),
  };
}

export function summarizeConfig(config: OrgConfig): ConfigSummary {
  const units = (unit: Unit): number => unit.units.reduce((n, u) => n + 1 + units(u), 0);
  return {
    accounts: config.accounts.size,
    units: units(config.organization.root),
    guardrails: config.guardrails.size,
    resourceGuardrails: config.resourceGuardrails.size,
    permissionSets: config.permissionSets.size,
    groups: config.groups.size,
    assignments: config.assignments.length,
    serviceAccounts: config.serviceAccounts.size,
  };
}

/** the JSON form: each issue also gets `file`, its path below the folder the user named */
export function validateReportJson(report: ValidateReport) {
  return {
    format: VALIDATE_FORMAT,
    dir: report.dir,
    valid: report.valid,
    errors: report.errors,
    warnings: report.warnings,
    issues: report.issues.map((issue) => ({ ...issue, file: repositoryPath(report.dir, issue.source) })),
    ...(report.summary !== undefined ? { summary: report.summary } : {}),
  };
}

/** one line per issue (`file:line:column: severity code: message`), then a verdict line */
export function renderValidateText(report: ValidateReport): string {
  const lines = report.issues.map((issue) => formatIssue(issue, report.dir));
  const counts = `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`;
  const s = report.summary;
  if (report.valid && s !== undefined) {
    lines.push(
      `${report.dir}: valid (${counts}): ${plural(s.accounts, 'account')} in ${plural(s.units, 'unit')}, ${plural(s.guardrails, 'guardrail')}, ` +
        `${plural(s.resourceGuardrails, 'resource guardrail')}, ${plural(s.permissionSets, 'permission set')}, ${plural(s.groups, 'group')}, ` +
        `${plural(s.assignments, 'assignment')}, ${plural(s.serviceAccounts, 'service account')}`,
    );
  } else lines.push(`${report.dir}: invalid: ${counts}`);
  return `${lines.join('\n')}\n`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
