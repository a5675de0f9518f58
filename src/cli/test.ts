/**
 * `parapet test DIR`: run the access tests kept in the repository (`DIR/tests/*.yaml`,
 * docs/access-tests.md) against its guardrails and permission sets.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  accessCompiler,
  formatJunit,
  parseAccessTests,
  requestOf,
  runAccessTests,
  type AccessTestIssue,
  type AccessTestResult,
  type TestSuite,
} from '../analysis/index.ts';
import { formatIssue, ParapetError } from '../policy/index.ts';
import { describeFsError, formatPrincipalRef, MAX_FILE_BYTES, readBoundedFile } from '../org/index.ts';
import { actionChecker, contextKeyType, rcpServices } from './catalog-wiring.ts';
import { writeOutputFile, type Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import type { Outcome } from './exit-status.ts';

interface TestOptions {
  junit?: string;
  json?: boolean;
}

export const TESTS_FOLDER = 'tests';

export function testCommand(io: Io, setExit: (outcome: Outcome) => void): Command {
  return new Command('test')
    .description('run the access tests in DIR/tests/*.yaml against the configuration (docs/access-tests.md)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml and tests/')
    .option('--junit <file>', 'also write the results as JUnit XML, for CI')
    .option('--json', 'one JSON object with every result and issue, for machines')
    .addHelpText(
      'after',
      `
Each test names a principal (group:NAME, user:EMAIL, service:NAME), an account, optionally a
permission set, an action, a resource and a context, and the decision expected: allow, deny,
explicit-deny or implicit-deny. A failing test prints the engine's explained decision.

Exit status: 0 when every test passes, 1 when one fails, 2 when a test file or the configuration
is invalid (valid tests still run and are reported), or when there are no tests (no tests/*.yaml,
or files without a test).

Examples:
  parapet test examples/acme
  parapet test . --junit reports/access-tests.xml
  parapet test . --json`,
    )
    .action((dir: string, options: TestOptions) => {
      const config = loadOrgConfig(dir, io);
      const folder = join(dir, TESTS_FOLDER);
      let files: string[];
      try {
        files = readdirSync(folder, { withFileTypes: true })
          .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
          .map((e) => e.name)
          .sort();
      } catch (error) {
        // no tests folder is the usual "no tests"; a folder that cannot be listed is an error
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw describeFsError(error, folder, 'list');
        files = [];
      }
      if (files.length === 0) throw new ParapetError('usage', `no access tests: \`${folder}\` has no *.yaml files (see docs/access-tests.md)`);

      const compiler = accessCompiler(config, { rcpServices: rcpServices() });
      const suites: TestSuite[] = [];
      const issues: AccessTestIssue[] = [];
      let count = 0;
      for (const file of files) {
        const source = `${TESTS_FOLDER}/${file}`;
        const parsed = parseAccessTests(readBoundedFile(join(folder, file), MAX_FILE_BYTES.accessTests), source, config, { checkAction: actionChecker(), contextKeyType: contextKeyType() });
        issues.push(...parsed.issues);
        count += parsed.count;
        const results = runAccessTests(config, parsed.tests, { compiler });
        suites.push({ source, results, issues: parsed.issues.filter((i) => i.severity === 'error') });
      }
      const results = suites.flatMap((s) => s.results);
      const passed = results.filter((r) => r.pass).length;
      const failed = results.length - passed;
      const invalid = issues.filter((i) => i.severity === 'error').length;
      // zero tests prove nothing: a run that checked nothing must not pass (a file that is not valid
      // has its errors reported below instead)
      if (count === 0 && invalid === 0) throw new ParapetError('usage', `no access tests: the *.yaml files in \`${folder}\` hold no tests (see docs/access-tests.md)`);

      if (options.junit !== undefined) {
        writeOutputFile(options.junit, formatJunit(suites));
      }
      if (options.json) {
        io.out(
          `${JSON.stringify({
            passed,
            failed,
            invalid,
            results: results.map((r) => resultJson(r, dir)),
            issues: issues.map((issue) => ({ ...issue, file: join(dir, issue.source) })),
          })}\n`,
        );
      } else {
        for (const issue of issues) io.out(`${formatIssue(issue, dir)}\n`);
        for (const result of results) io.out(describeResult(result, dir));
        io.out(`\n${passed} passed, ${failed} failed${invalid > 0 ? `, ${invalid} ${invalid === 1 ? 'error' : 'errors'} in test files` : ''}\n`);
      }
      setExit(invalid > 0 ? 'invalid-input' : failed > 0 ? 'no' : 'yes');
    });
}

function where(result: AccessTestResult, dir: string): string {
  return `${join(dir, result.test.source)}:${result.test.line}:${result.test.column}`;
}

function describeResult(result: AccessTestResult, dir: string): string {
  const head = `${result.pass ? 'PASS' : 'FAIL'} ${where(result, dir)}: ${result.test.name}\n`;
  if (result.pass) return head;
  const explanation = result.explanation
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${head}  ${requestOf(result)}\n  ${result.failure}\n${explanation}\n`;
}

function resultJson(result: AccessTestResult, dir: string) {
  const t = result.test;
  return {
    name: t.name,
    file: join(dir, t.source),
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
    context: t.context,
    explanation: result.explanation,
    missingContextKeys: result.decision.missingContextKeys,
  };
}
