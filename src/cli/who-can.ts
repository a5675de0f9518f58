/**
 * `parapet who-can DIR --action A --resource R`: every group, user and service account that may
 * perform an action on a resource, through which permission set in which account, and on which
 * conditions.
 */
import { Command } from 'commander';
import { whoCan, type WhoCanEntry, type WhoCanUndecided } from '../analysis/index.ts';
import { formatPrincipalRef } from '../org/index.ts';
import { actionChecker, rcpServices } from './catalog-wiring.ts';
import { checkActionOption, checkResourceOption, collectOption, formatContextExample, parseContextOption } from './context-option.ts';
import type { Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import { ParapetError } from '../policy/index.ts';
import type { Outcome } from './exit-status.ts';

interface WhoCanOptions {
  action: string;
  resource: string;
  account?: string;
  context: string[];
  json?: boolean;
}

export function whoCanCommand(io: Io, setExit: (outcome: Outcome) => void): Command {
  return new Command('who-can')
    .description('list every group, user and service account allowed to perform an action on a resource, and through what')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .requiredOption('--action <action>', 'the action, e.g. s3:DeleteBucket')
    .option('--resource <arn>', 'the resource ARN', '*')
    .option('--account <account>', 'only principals working in this account (name or id)')
    .option('--context <key=value>', 'a context value the request is known to have (repeatable); other condition keys remain conditions', collectOption, [])
    .option('--json', 'one JSON object, for machines')
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
    .action((dir: string, options: WhoCanOptions) => {
      checkActionOption(options.action);
      checkResourceOption(options.resource);
      const warning = actionChecker()(options.action);
      if (warning !== undefined) io.err(`parapet: warning: ${warning}\n`);
      const context = parseContextOption(options.context);
      const config = loadOrgConfig(dir, io);
      const result = whoCan(config, { action: options.action, resource: options.resource, account: options.account, context }, { rcpServices: rcpServices() });
      if (!result.ok) throw new ParapetError('usage', result.issues.map((i) => i.message).join('; '));
      const { entries, checked, undecided } = result.value;
      if (options.json) {
        io.out(
          `${JSON.stringify({
            action: options.action,
            resource: options.resource,
            ...(options.account !== undefined ? { account: options.account } : {}),
            context,
            checked,
            entries: entries.map((e) => ({
              principal: formatPrincipalRef(e.principal),
              account: e.account,
              accountId: e.accountId,
              permissionSet: e.permissionSet,
              via: e.via,
              groups: e.groups,
              status: e.status,
              conditionKeys: e.conditionKeys,
              example: e.example,
              relations: e.relations,
            })),
            incomplete: undecided.length > 0,
            undecided: undecided.map((u) => ({ ...u, principal: formatPrincipalRef(u.principal) })),
          })}\n`,
        );
      } else io.out(describe(options, entries, checked, undecided));
      setExit('yes');
    });
}

function describe(options: WhoCanOptions, entries: readonly WhoCanEntry[], checked: number, undecided: readonly WhoCanUndecided[]): string {
  const lines = [`who can \`${options.action}\` on \`${options.resource}\`${options.account !== undefined ? ` in \`${options.account}\`` : ''}:`];
  if (entries.length === 0) lines.push(undecided.length === 0 ? '  nobody' : '  nobody found');
  const byPrincipal = new Map<string, WhoCanEntry[]>();
  for (const entry of entries) {
    const key = formatPrincipalRef(entry.principal);
    const list = byPrincipal.get(key);
    if (list === undefined) byPrincipal.set(key, [entry]);
    else list.push(entry);
  }
  for (const [principal, list] of byPrincipal) {
    const groups = list[0]!.principal.kind === 'user' ? [...new Set(list.flatMap((e) => e.groups))] : [];
    lines.push(`${principal}${groups.length > 0 ? ` (through ${groups.map((g) => `group:${g}`).join(', ')})` : ''}`);
    const labels = list.map((e) => `${e.permissionSet} in ${e.account}${e.via === 'eligible' ? ' (eligible)' : ''}`);
    const width = labels.reduce((widest, l) => Math.max(widest, l.length), 0);
    list.forEach((entry, i) => {
      const relations = entry.relations.length > 0 ? ` where ${entry.relations.map((r) => `\`${r}\``).join(', ')}` : '';
      const status = entry.status === 'allowed' ? 'allowed' : `conditional on ${entry.conditionKeys.map((k) => `\`${k}\``).join(', ')}${relations}${formatContextExample(entry.example)}`;
      lines.push(`  ${labels[i]!.padEnd(width)}  ${status}`);
    });
  }
  const principals = byPrincipal.size;
  const allowed = entries.filter((e) => e.status === 'allowed').length;
  lines.push('', `${principals} ${principals === 1 ? 'principal' : 'principals'}, ${entries.length} of ${checked} (principal, account, permission set) checked: ${allowed} allowed, ${entries.length - allowed} conditional`);
  if (undecided.length > 0) {
    // the search for an allowing context has a budget (docs/cli.md): never claim "nobody" past it
    lines.push(`incomplete: the search ran out of budget for ${undecided.length} (principal, account, permission set), which may be allowed:`);
    for (const u of undecided) lines.push(`  ${formatPrincipalRef(u.principal)} ${u.permissionSet} in ${u.account}${u.via === 'eligible' ? ' (eligible)' : ''}  depends on ${u.conditionKeys.map((k) => `\`${k}\``).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
