/**
 * `parapet validate DIR`: check a configuration repository (parapet.yaml and its policy files)
 * and report every mistake at once, located in its file.
 */
import { Command } from 'commander';
import { loadConfigDir, renderValidateText, syncedGroupIssues, validateReport, validateReportJson, type ParsedConfig } from '../org/index.ts';
import { actionChecker } from '../catalog/installed-catalog-checks.ts';
import type { Io } from './io.ts';
import type { CommandOutcome } from './exit-status.ts';
import { DIRECTORY_OPTION, readDirectoryOption } from './directory-option.ts';

interface ValidateCommandOptions {
  json?: boolean;
  directory?: string;
}

export function validateCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('validate')
    .description('check a configuration repository: parapet.yaml, its guardrails and permission sets (docs/config-reference.md)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .option(...DIRECTORY_OPTION)
    .option('--json', 'one JSON object with every issue, for machines (format `parapet-validate/1`, docs/reports.md)')
    .addHelpText(
      'after',
      `
Exit status: 0 when there is no error (warnings allowed), 1 when there is one, 2 when DIR is not a folder.

Examples:
  parapet validate examples/acme
  parapet validate . --json
  parapet validate . --directory directory.json`,
    )
    .action((dir: string, options: ValidateCommandOptions) => {
      const snapshot = readDirectoryOption(options.directory, io);
      const loaded: ParsedConfig = loadConfigDir(dir, { checkAction: actionChecker() });
      // synced groups: empty without a snapshot, or when the snapshot lacks their directory group (warnings)
      const parsed: ParsedConfig = loaded.ok ? { ...loaded, issues: [...loaded.issues, ...syncedGroupIssues(loaded.value, snapshot)] } : loaded;
      const report = validateReport(dir, parsed);
      io.out(options.json ? `${JSON.stringify(validateReportJson(report))}\n` : renderValidateText(report));
      setExit(report.valid ? 'yes' : 'no');
    });
}
