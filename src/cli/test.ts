/**
 * `parapet test DIR`: run the access tests kept in the repository (`DIR/tests/*.yaml`,
 * docs/access-tests.md) against its guardrails and permission sets.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  accessCompiler,
  accessTestReport,
  accessTestReportJson,
  formatJunit,
  parseAccessTests,
  renderAccessTestText,
  runAccessTests,
  type AccessTestIssue,
  type TestSuite,
} from '../analysis/index.ts';
import { ParapetError } from '../policy/index.ts';
import { describeFsError, MAX_FILE_BYTES, readBoundedFile } from '../org/index.ts';
import { actionChecker, contextKeyType, rcpServices } from '../catalog/installed-catalog-checks.ts';
import { writeOutputFile, type Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import { DIRECTORY_OPTION, directoryOf, readDirectoryOption } from './directory-option.ts';
import type { CommandOutcome } from './exit-status.ts';

interface TestOptions {
  junit?: string;
  json?: boolean;
  directory?: string;
}

export const TESTS_FOLDER = 'tests';

export function testCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('test')
    .description('run the access tests in DIR/tests/*.yaml against the configuration (docs/access-tests.md)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml and tests/')
    .option(...DIRECTORY_OPTION)
    .option('--junit <file>', 'also write the results as JUnit XML, for CI')
    .option('--json', 'one JSON object with every result and issue, for machines (format `parapet-test/1`, docs/reports.md)')
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
      const snapshot = readDirectoryOption(options.directory, io);
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

      // parsing and running read one directory: the configuration's groups, synced ones from the snapshot (docs/adr/0002-directory-port.md)
      const directory = directoryOf(config, snapshot);
      const compiler = accessCompiler(config, { rcpServices: rcpServices(), directory });
      const suites: TestSuite[] = [];
      const issues: AccessTestIssue[] = [];
      let count = 0;
      for (const file of files) {
        const source = `${TESTS_FOLDER}/${file}`;
        const parsed = parseAccessTests(readBoundedFile(join(folder, file), MAX_FILE_BYTES.accessTests), source, config, { checkAction: actionChecker(), contextKeyType: contextKeyType(), directory });
        issues.push(...parsed.issues);
        count += parsed.count;
        const results = runAccessTests(config, parsed.tests, { compiler });
        suites.push({ source, results, issues: parsed.issues.filter((i) => i.severity === 'error') });
      }
      const report = accessTestReport(dir, suites, issues);
      // zero tests prove nothing: a run that checked nothing must not pass (a file that is not valid
      // has its errors reported below instead)
      if (count === 0 && report.invalid === 0) throw new ParapetError('usage', `no access tests: the *.yaml files in \`${folder}\` hold no tests (see docs/access-tests.md)`);

      if (options.junit !== undefined) {
        writeOutputFile(options.junit, formatJunit(report.suites));
      }
      io.out(options.json ? `${JSON.stringify(accessTestReportJson(report))}\n` : renderAccessTestText(report));
      setExit(report.invalid > 0 ? 'invalid-input' : report.failed > 0 ? 'no' : 'yes');
    });
}
