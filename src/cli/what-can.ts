/**
 * `parapet what-can DIR --principal group:payments-devs`: the actions a principal is granted in
 * each account, per permission set, grouped by service, wildcards expanded over the catalog.
 */
import { Command } from 'commander';
import { renderWhatCanText, whatCan, whatCanReport, whatCanReportJson } from '../analysis/index.ts';
import { parsePrincipalRef } from '../org/index.ts';
import { issueMessages, ParapetError } from '../policy/index.ts';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { rcpServices } from '../catalog/installed-catalog-checks.ts';
import { collectOption, parseContextOption } from './context-option.ts';
import type { Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import { DIRECTORY_OPTION, directoryOf, readDirectoryOption } from './directory-option.ts';
import type { CommandOutcome } from './exit-status.ts';

interface WhatCanCommandOptions {
  principal: string;
  account?: string;
  service: string[];
  actions?: boolean;
  context: string[];
  json?: boolean;
  directory?: string;
}

export function whatCanCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('what-can')
    .description('list the actions a group, user or service account is granted, per account and permission set, by service')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .requiredOption('--principal <principal>', 'group:NAME, user:EMAIL or service:NAME')
    .option('--account <account>', 'only this account (name or id)')
    .option('--service <prefix>', 'only this service, e.g. s3 (repeatable)', collectOption, [])
    .option('--actions', 'list every granted action under its service')
    .option('--context <key=value>', 'a context value requests are known to have (repeatable); other condition keys remain conditions', collectOption, [])
    .option(...DIRECTORY_OPTION)
    .option('--json', 'one JSON object with every granted action, for machines (format `parapet-what-can/1`, docs/reports.md)')
    .addHelpText(
      'after',
      `
Every action of the catalog in the services the permission set's policies name (all ~22,000 when
one of them uses "*" or NotAction) is decided by the engine on resource "*", and on the resource
patterns a statement grants it on. Actions allowed only for some values of condition keys the
request does not fix (a region, MFA, TLS) are counted as conditional.

Exit status: 0, 2 for invalid input or configuration.

Examples:
  parapet what-can examples/acme --principal group:payments-devs --account payments-prod
  parapet what-can examples/acme --principal service:deployer --service iam --actions
  parapet what-can . --principal user:alice@acme.example --context aws:RequestedRegion=eu-west-1 --json`,
    )
    .action((dir: string, options: WhatCanCommandOptions) => {
      const principal = parsePrincipalRef(options.principal);
      if (!principal.ok) throw new ParapetError('usage', `--principal: ${issueMessages(principal.issues)}`);
      const context = parseContextOption(options.context);
      const config = loadOrgConfig(dir, io);
      const directory = directoryOf(config, readDirectoryOption(options.directory, io));
      const catalog = loadCatalog();
      for (const service of options.service) {
        if (!catalog.isKnownService(service)) throw new ParapetError('usage', `--service: unknown service \`${service}\``);
      }
      const result = whatCan(config, catalog, { principal: principal.value, account: options.account, context }, { rcpServices: rcpServices(), directory });
      if (!result.ok) throw new ParapetError('usage', result.issues.map((i) => i.message).join('; '));
      const report = whatCanReport({ principal: principal.value, context, services: options.service, listActions: options.actions === true }, result.value);
      io.out(options.json ? `${JSON.stringify(whatCanReportJson(report))}\n` : renderWhatCanText(report));
      setExit('yes');
    });
}
