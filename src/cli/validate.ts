/**
 * `parapet validate DIR`: check a configuration repository (parapet.yaml and its policy files)
 * and report every mistake at once, located in its file.
 */
import { Command } from 'commander';
import { loadConfigDir, renderValidateText, validateReport, validateReportJson, type ParsedConfig } from '../org/index.ts';
import { actionChecker } from '../catalog/installed-catalog-checks.ts';
import type { Io } from './io.ts';
import type { CommandOutcome } from './exit-status.ts';

interface ValidateCommandOptions {
  json?: boolean;
}

export function validateCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('validate')
    .description('check a configuration repository: parapet.yaml, its guardrails and permission sets (docs/config-reference.md)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .option('--json', 'one JSON object with every issue, for machines (format `parapet-validate/1`, docs/reports.md)')
    .addHelpText(
      'after',
      `
Exit status: 0 when there is no error (warnings allowed), 1 when there is one, 2 when DIR is not a folder.

Examples:
  parapet validate examples/acme
  parapet validate . --json`,
    )
    .action((dir: string, options: ValidateCommandOptions) => {
      const parsed: ParsedConfig = loadConfigDir(dir, { checkAction: actionChecker() });
      const report = validateReport(dir, parsed);
      io.out(options.json ? `${JSON.stringify(validateReportJson(report))}\n` : renderValidateText(report));
      setExit(report.valid ? 'yes' : 'no');
    });
}
