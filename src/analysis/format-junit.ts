/**
 * Access test results as JUnit XML, the format CI systems read: one `testsuite` per test file, one
 * `testcase` per test, a `failure` with the explained decision for a test that fails, and an
 * `error` for each mistake that kept a test file or a test from running.
 */
import { explainResult, failureOf, requestOf, type TestSuite } from './access-test-report.ts';

export function formatJunit(suites: readonly TestSuite[], name = 'parapet access tests'): string {
  const count = (suite: TestSuite) => ({
    tests: suite.results.length + suite.issues.length,
    failures: suite.results.filter((r) => !r.pass).length,
    errors: suite.issues.length,
  });
  const totals = suites.map(count).reduce((a, b) => ({ tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors }), { tests: 0, failures: 0, errors: 0 });
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${attr(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}">`];
  for (const suite of suites) {
    const c = count(suite);
    const classname = suite.source.replace(/\.ya?ml$/, '').replace(/[\\/]/g, '.');
    lines.push(`  <testsuite name="${attr(suite.source)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="0">`);
    for (const result of suite.results) {
      const open = `    <testcase name="${attr(result.test.name)}" classname="${attr(classname)}" file="${attr(suite.source)}" line="${result.test.line}"`;
      if (result.pass) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      lines.push(`      <failure message="${attr(failureOf(result))}" type="${result.decision.decision}">${text(`${requestOf(result)}\n${explainResult(result)}`)}</failure>`);
      lines.push('    </testcase>');
    }
    for (const issue of suite.issues) {
      lines.push(`    <testcase name="${attr(`${suite.source}:${issue.line}:${issue.column}`)}" classname="${attr(classname)}" file="${attr(suite.source)}" line="${issue.line}">`);
      lines.push(`      <error message="${attr(issue.message)}" type="${issue.code}">${text(`${suite.source}:${issue.line}:${issue.column}: ${issue.code}: ${issue.message}`)}</error>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function escape(value: string): string {
  // XML 1.0 allows no control characters other than tab, line feed and carriage return
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return escape(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

function text(value: string): string {
  return escape(value);
}
