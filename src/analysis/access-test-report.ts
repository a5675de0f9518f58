/**
 * `parapet test`'s report: the access tests run per file, their results (each a decision with its
 * causes) and the mistakes that kept tests from running, counted. One value, rendered as JSON
 * (format `parapet-test/1`, docs/reports.md), as text, and as JUnit XML (format-junit.ts).
 *
 *   suites → report → JSON | text | JUnit
 */
import { formatPrincipalRef, repositoryPath } from '../org/index.ts';
import { explain, formatIssue } from '../policy/index.ts';
import type { AccessTestIssue } from './access-test.ts';
import type { AccessTestResult } from './run-access-tests.ts';

export const ACCESS_TEST_FORMAT = 'parapet-test/1';

/** one test file: the results of its valid tests and the errors that kept the others from running */
export interface TestSuite {
  /** the test file, relative to the repository folder */
  readonly source: string;
  readonly results: readonly AccessTestResult[];
  /** errors only: what could not run */
  readonly issues: readonly AccessTestIssue[];
}

export interface AccessTestReport {
  /** the repository folder as the user named it: test files are below it */
  readonly dir: string;
  readonly suites: readonly TestSuite[];
  /** every issue of every test file, warnings too */
  readonly issues: readonly AccessTestIssue[];
  readonly passed: number;
  readonly failed: number;
  /** errors in test files */
  readonly invalid: number;
}

export function accessTestReport(dir: string, suites: readonly TestSuite[], issues: readonly AccessTestIssue[]): AccessTestReport {
  const results = suites.flatMap((s) => s.results);
  const passed = results.filter((r) => r.pass).length;
  return { dir, suites, issues, passed, failed: results.length - passed, invalid: issues.filter((i) => i.severity === 'error').length };
}

/** the request a test made, in one line */
export function requestOf(result: AccessTestResult): string {
  const t = result.test;
  return `${formatPrincipalRef(t.principal)} with \`${t.permissionSet}\`${t.eligible ? ' (after elevation)' : ''} in \`${t.account}\`: \`${t.action}\` on \`${t.resource}\``;
}

/** `expected deny, got Allow` */
export function failureOf(result: AccessTestResult): string {
  return `expected ${result.test.expect}, got ${result.decision.decision}`;
}

/** the decision in words, with the organization's unit names for the guardrail levels */
export function explainResult(result: AccessTestResult): string {
  return explain(result.decision, result.explainOptions);
}

/**
 * The JSON form. `explanation` is the decision in words, kept for scripts that print it; `causes`
 * are the same facts as data.
 */
export function accessTestReportJson(report: AccessTestReport) {
  return {
    format: ACCESS_TEST_FORMAT,
    dir: report.dir,
    passed: report.passed,
    failed: report.failed,
    invalid: report.invalid,
    results: report.suites.flatMap((s) => s.results).map((result) => {
      const t = result.test;
      return {
        name: t.name,
        file: repositoryPath(report.dir, t.source),
        source: t.source,
        line: t.line,
        column: t.column,
        pass: result.pass,
        expected: t.expect,
        decision: result.decision.decision,
        principal: formatPrincipalRef(t.principal),
        account: t.account,
        permissionSet: t.permissionSet,
        eligible: t.eligible,
        action: t.action,
        resource: t.resource,
        ...(t.resourceAccount === undefined ? {} : { resourceAccount: t.resourceAccount }),
        context: t.context,
        causes: result.decision.causes,
        levelNames: result.explainOptions,
        missingContextKeys: result.decision.missingContextKeys,
        explanation: explainResult(result),
      };
    }),
    issues: report.issues.map((issue) => ({ ...issue, file: repositoryPath(report.dir, issue.source) })),
  };
}

/** the issues, a PASS or FAIL line per test (a failure with its request and explained decision), then the counts */
export function renderAccessTestText(report: AccessTestReport): string {
  const out: string[] = report.issues.map((issue) => `${formatIssue(issue, report.dir)}\n`);
  for (const result of report.suites.flatMap((s) => s.results)) {
    const t = result.test;
    out.push(`${result.pass ? 'PASS' : 'FAIL'} ${repositoryPath(report.dir, t.source)}:${t.line}:${t.column}: ${t.name}\n`);
    if (result.pass) continue;
    const explanation = explainResult(result)
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
    out.push(`  ${requestOf(result)}\n  ${failureOf(result)}\n${explanation}\n`);
  }
  const { passed, failed, invalid } = report;
  out.push(`\n${passed} passed, ${failed} failed${invalid > 0 ? `, ${invalid} ${invalid === 1 ? 'error' : 'errors'} in test files` : ''}\n`);
  return out.join('');
}
