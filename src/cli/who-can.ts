/**
 * `parapet who-can DIR --action A --resource R`: every group, user and service account that may
 * perform an action on a resource, through which permission set in which account, and on which
 * conditions.
 */
import { Command } from 'commander';
import { renderWhoCanText, whoCan, whoCanReportJson, type WhoCanReport } from '../analysis/index.ts';
import { actionChecker, rcpServices } from '../catalog/installed-catalog-checks.ts';
import { checkActionOption, checkResourceOption, collectOption, parseContextOption } from './context-option.ts';
import type { Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import { DIRECTORY_OPTION, directoryOf, readDirectoryOption } from './directory-option.ts';
import { ParapetError } from '../policy/index.ts';
import type { CommandOutcome } from './exit-status.ts';

interface WhoCanCommandOptions {
  action: string;
  resource: string;
  account?: string;
  context: string[];
  json?: boolean;
  directory?: string;
}

export function whoCanCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('who-can')
    .description('list every group, user and service account allowed to perform an action on a resource, and through what')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .requiredOption('--action <action>', 'the action, e.g. s3:DeleteBucket')
    .option('--resource <arn>', 'the resource ARN', '*')
    .option('--account <account>', 'only principals working in this account (name or id)')
    .option('--context <key=value>', 'a context value the request is known to have (repeatable); other condition keys remain conditions', collectOption, [])
    .option(...DIRECTORY_OPTION)
    .option('--json', 'one JSON object, for machines (format `parapet-who-can/1`, docs/reports.md)')
    .addHelpText(
      'after',
      `
Every (principal, account, permission set) the configuration gives, standing or eligible (just in
time), is decided by the engine with the policies in force. When the answer depends on condition
keys the request does not fix (a region, MFA, TLS; the organization id when parapet.yaml does not
give organization.id), the access is listed as conditional with the keys that remain and one
context that allows it.

Exit status: 0 (whether or not anyone is allowed), 2 for invalid input or configuration.

Examples:
  parapet who-can examples/acme --action s3:DeleteBucket --resource arn:aws:s3:::acme-payments-data
  parapet who-can examples/acme --action cloudtrail:StopLogging --account audit
  parapet who-can . --action lambda:UpdateFunctionCode --resource 'arn:aws:lambda:eu-west-1:400000000001:function:charge' \\
    --context aws:RequestedRegion=eu-west-1 --json`,
    )
    .action((dir: string, options: WhoCanCommandOptions) => {
      checkActionOption(options.action);
      checkResourceOption(options.resource);
      const warning = actionChecker()(options.action);
      if (warning !== undefined) io.err(`parapet: warning: ${warning}\n`);
      const context = parseContextOption(options.context);
      const config = loadOrgConfig(dir, io);
      const directory = directoryOf(config, readDirectoryOption(options.directory, io));
      const result = whoCan(config, { action: options.action, resource: options.resource, account: options.account, context }, { rcpServices: rcpServices(), directory });
      if (!result.ok) throw new ParapetError('usage', result.issues.map((i) => i.message).join('; '));
      const report: WhoCanReport = { action: options.action, resource: options.resource, account: options.account, context, result: result.value };
      io.out(options.json ? `${JSON.stringify(whoCanReportJson(report))}\n` : renderWhoCanText(report));
      setExit('yes');
    });
}
