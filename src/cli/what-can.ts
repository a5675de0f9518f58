/**
 * `parapet what-can DIR --principal group:payments-devs`: the actions a principal is granted in
 * each account, per permission set, grouped by service, wildcards expanded over the catalog.
 */
import { Command } from 'commander';
import { whatCan, type PermissionSetAccess } from '../analysis/index.ts';
import { formatPrincipalRef, parsePrincipalRef } from '../org/index.ts';
import { issueMessages, ParapetError } from '../policy/index.ts';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { rcpServices } from './catalog-wiring.ts';
import { collectOption, formatContextExample, parseContextOption } from './context-option.ts';
import type { Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import type { Outcome } from './exit-status.ts';

interface WhatCanOptions {
  principal: string;
  account?: string;
  service: string[];
  actions?: boolean;
  context: string[];
  json?: boolean;
}

export function whatCanCommand(io: Io, setExit: (outcome: Outcome) => void): Command {
  return new Command('what-can')
    .description('list the actions a group, user or service account is granted, per account and permission set, by service')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .requiredOption('--principal <principal>', 'group:NAME, user:EMAIL or service:NAME')
    .option('--account <account>', 'only this account (name or id)')
    .option('--service <prefix>', 'only this service, e.g. s3 (repeatable)', collectOption, [])
    .option('--actions', 'list every granted action under its service')
    .option('--context <key=value>', 'a context value requests are known to have (repeatable); other condition keys remain conditions', collectOption, [])
    .option('--json', 'one JSON object with every granted action, for machines')
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
    .action((dir: string, options: WhatCanOptions) => {
      const principal = parsePrincipalRef(options.principal);
      if (!principal.ok) throw new ParapetError('usage', `--principal: ${issueMessages(principal.issues)}`);
      const context = parseContextOption(options.context);
      const config = loadOrgConfig(dir, io);
      const catalog = loadCatalog();
      for (const service of options.service) {
        if (!catalog.isKnownService(service)) throw new ParapetError('usage', `--service: unknown service \`${service}\``);
      }
      const result = whatCan(config, catalog, { principal: principal.value, account: options.account, context }, { rcpServices: rcpServices() });
      if (!result.ok) throw new ParapetError('usage', result.issues.map((i) => i.message).join('; '));
      const only = new Set(options.service.map((s) => s.toLowerCase()));
      const access = result.value.access.map((a) => (only.size === 0 ? a : { ...a, services: a.services.filter((s) => only.has(s.service)) }));
      if (options.json) {
        io.out(
          `${JSON.stringify({
            principal: formatPrincipalRef(principal.value),
            context,
            access: access.map((a) => ({
              account: a.account,
              accountId: a.accountId,
              permissionSet: a.permissionSet,
              via: a.via,
              groups: a.groups,
              granted: a.services.reduce((n, s) => n + s.granted.length, 0),
              conditional: a.services.reduce((n, s) => n + s.conditional, 0),
              decided: a.decided,
              incomplete: a.undecided.length > 0,
              undecided: a.undecided,
              services: a.services,
            })),
          })}\n`,
        );
      } else io.out(describe(formatPrincipalRef(principal.value), access, options.actions === true));
      setExit('yes');
    });
}

function describe(principal: string, access: readonly PermissionSetAccess[], listActions: boolean): string {
  const lines: string[] = [];
  if (access.length === 0) lines.push(`${principal} holds no permission set`);
  for (const a of access) {
    const granted = a.services.reduce((n, s) => n + s.granted.length, 0);
    const conditional = a.services.reduce((n, s) => n + s.conditional, 0);
    lines.push(
      `${principal} with \`${a.permissionSet}\` in \`${a.account}\`${a.via === 'eligible' ? ' (eligible, after elevation)' : ''}: ` +
        `${granted} ${granted === 1 ? 'action' : 'actions'} in ${a.services.length} ${a.services.length === 1 ? 'service' : 'services'}, ${conditional} conditional`,
    );
    const width = Math.max(0, ...a.services.map((s) => s.service.length));
    for (const s of a.services) {
      const count = s.granted.length === s.catalogActions ? `all ${s.catalogActions} actions` : `${s.granted.length} of ${s.catalogActions} actions`;
      const conditions = s.conditional === 0 ? '' : `, ${s.conditional === s.granted.length ? 'all' : s.conditional} conditional ${describeKeys(s.granted.filter((g) => g.status === 'conditional').map((g) => g.conditionKeys))}`;
      lines.push(`  ${s.service.padEnd(width)}  ${count}${conditions} (${s.serviceName})`);
      if (!listActions) continue;
      for (const g of s.granted) {
        const on = g.resources.length === 1 && g.resources[0] === '*' ? '' : ` on ${g.resources.map((r) => `\`${r}\``).join(', ')}`;
        const denied = g.deniedResources.length > 0 ? ` (denied on ${g.deniedResources.map((r) => `\`${r}\``).join(', ')})` : '';
        const relations = g.relations.length > 0 ? ` where ${g.relations.map((r) => `\`${r}\``).join(', ')}` : '';
        const condition = g.status === 'conditional' ? `  conditional on ${g.conditionKeys.map((k) => `\`${k}\``).join(', ')}${denied}${relations}${formatContextExample(g.example)}` : '';
        lines.push(`    ${g.action} (${g.accessLevel})${on}${condition}`);
      }
    }
    if (a.undecided.length > 0) {
      // the search for an allowing context has a budget (docs/cli.md): say so rather than leave them out silently
      lines.push(`  incomplete: the search ran out of budget for ${a.undecided.length} ${a.undecided.length === 1 ? 'action' : 'actions'}, which may be allowed: ${a.undecided.slice(0, 10).join(', ')}${a.undecided.length > 10 ? ', ...' : ''}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `on \`a\`, \`b\` (some also on \`c\`)`: the keys every conditional action depends on, then those only some do */
function describeKeys(keysPerAction: readonly (readonly string[])[]): string {
  const quote = (keys: Iterable<string>) => [...keys].sort().map((k) => `\`${k}\``).join(', ');
  const all = new Set(keysPerAction.flat());
  const common = [...all].filter((key) => keysPerAction.every((keys) => keys.includes(key)));
  const some = [...all].filter((key) => !common.includes(key));
  const head = common.length > 0 ? `on ${quote(common)}` : 'on';
  return some.length === 0 ? head : common.length > 0 ? `${head} (some also on ${quote(some)})` : `${head} one of ${quote(some)}`;
}
