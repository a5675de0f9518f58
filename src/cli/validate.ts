/**
 * `parapet validate DIR`: check a configuration repository (parapet.yaml and its policy files)
 * and report every mistake at once, located in its file.
 */
import { Command } from 'commander';
import { loadConfigDir, type ConfigIssue, type ParsedConfig } from '../org/index.ts';
import { formatIssue } from '../policy/index.ts';
import { actionChecker } from './catalog-wiring.ts';
import type { Io } from './io.ts';
import type { Outcome } from './exit-status.ts';

interface ValidateOptions {
  json?: boolean;
}

export function validateCommand(io: Io, setExit: (outcome: Outcome) => void): Command {
  return new Command('validate')
    .description('check a configuration repository: parapet.yaml, its guardrails and permission sets (docs/config-reference.md)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .option('--json', 'one JSON object with every issue, for machines')
    .addHelpText(
      'after',
      `
Exit status: 0 when there is no error (warnings allowed), 1 when there is one, 2 when DIR is not a folder.

Examples:
  parapet validate examples/acme
  parapet validate . --json`,
    )
    .action((dir: string, options: ValidateOptions) => {
      const parsed: ParsedConfig = loadConfigDir(dir, { checkAction: actionChecker() });
      const errors = parsed.issues.filter((i) => i.severity === 'error').length;
      const warnings = parsed.issues.length - errors;
      if (options.json) {
        const file = (issue: ConfigIssue) => joinPath(dir, issue.source);
        io.out(
          `${JSON.stringify({
            valid: errors === 0,
            errors,
            warnings,
            issues: parsed.issues.map((issue) => ({ ...issue, file: file(issue) })),
            ...(parsed.ok ? { summary: summarize(parsed) } : {}),
          })}\n`,
        );
      } else {
        for (const issue of parsed.issues) io.out(`${formatIssue(issue, dir)}\n`);
        const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
        if (parsed.ok) {
          const s = summarize(parsed);
          io.out(
            `${dir}: valid (${counts}): ${plural(s.accounts, 'account')} in ${plural(s.units, 'unit')}, ${plural(s.guardrails, 'guardrail')}, ` +
              `${plural(s.resourceGuardrails, 'resource guardrail')}, ${plural(s.permissionSets, 'permission set')}, ${plural(s.groups, 'group')}, ` +
              `${plural(s.assignments, 'assignment')}, ${plural(s.serviceAccounts, 'service account')}\n`,
          );
        } else io.out(`${dir}: invalid: ${counts}\n`);
      }
      setExit(errors === 0 ? 'yes' : 'no');
    });
}

function summarize(parsed: Extract<ParsedConfig, { ok: true }>) {
  const config = parsed.value;
  let units = 0;
  const count = (unit: typeof config.organization.root) => {
    units += unit.units.length;
    unit.units.forEach(count);
  };
  count(config.organization.root);
  return {
    accounts: config.accounts.size,
    units,
    guardrails: config.guardrails.size,
    resourceGuardrails: config.resourceGuardrails.size,
    permissionSets: config.permissionSets.size,
    groups: config.groups.size,
    assignments: config.assignments.length,
    serviceAccounts: config.serviceAccounts.size,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function joinPath(dir: string, source: string): string {
  return dir === '' || dir === '.' ? source : `${dir.replace(/[\\/]+$/, '')}/${source}`;
}
