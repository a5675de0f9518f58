/**
 * `parapet what-can`'s report: the principal asked about, the context assumed, and what whatCan
 * (what-can.ts) found, narrowed to the services asked for; one value rendered as JSON (format
 * `parapet-what-can/1`, docs/reports.md) or as text.
 *
 *   query → whatCan → report (services kept, counts recomputed) → JSON | text
 */
import { formatPrincipalRef, type PrincipalRef } from '../org/index.ts';
import type { ContextValue } from '../policy/index.ts';
import { formatContextExample } from './format-context-example.ts';
import type { PermissionSetAccess, WhatCanResult } from './what-can.ts';

export const WHAT_CAN_FORMAT = 'parapet-what-can/1';

export interface WhatCanReport {
  readonly principal: PrincipalRef;
  readonly context: Readonly<Record<string, ContextValue>>;
  /** the service prefixes the report is limited to (lower case); empty: every service */
  readonly services: readonly string[];
  /** what whatCan returned, each permission set's services and counts limited to `services` */
  readonly result: WhatCanResult;
  /** whether the text lists each granted action (`--actions`); the JSON always does */
  readonly listActions: boolean;
}

export interface WhatCanReportInput {
  readonly principal: PrincipalRef;
  readonly context: Readonly<Record<string, ContextValue>>;
  readonly services?: readonly string[];
  readonly listActions?: boolean;
}

export function whatCanReport(input: WhatCanReportInput, result: WhatCanResult): WhatCanReport {
  const services = (input.services ?? []).map((s) => s.toLowerCase());
  const only = new Set(services);
  const narrow = (a: PermissionSetAccess): PermissionSetAccess => {
    if (only.size === 0) return a;
    const kept = a.services.filter((s) => only.has(s.service));
    return { ...a, services: kept, granted: kept.reduce((n, s) => n + s.granted.length, 0), conditional: kept.reduce((n, s) => n + s.conditional, 0) };
  };
  return { principal: input.principal, context: input.context, services, result: { ...result, access: result.access.map(narrow) }, listActions: input.listActions ?? false };
}

/** the JSON form: the principal written `group:NAME`, `user:EMAIL`, `service:NAME`, then each permission set held */
export function whatCanReportJson(report: WhatCanReport) {
  const { principal: _principal, access, ...rest } = report.result;
  return {
    format: WHAT_CAN_FORMAT,
    principal: formatPrincipalRef(report.principal),
    context: report.context,
    ...(report.services.length > 0 ? { services: report.services } : {}),
    ...rest,
    access: access.map((a) => ({
      account: a.account,
      accountId: a.accountId,
      permissionSet: a.permissionSet,
      via: a.via,
      groups: a.groups,
      granted: a.granted,
      conditional: a.conditional,
      decided: a.decided,
      incomplete: a.undecided.length > 0,
      undecided: a.undecided,
      services: a.services,
    })),
  };
}

/** per permission set: a line with the counts, one per service, and with `listActions` every action */
export function renderWhatCanText(report: WhatCanReport): string {
  const principal = formatPrincipalRef(report.principal);
  const { access } = report.result;
  const lines: string[] = [];
  if (access.length === 0) lines.push(`${principal} holds no permission set`);
  for (const a of access) {
    lines.push(
      `${principal} with \`${a.permissionSet}\` in \`${a.account}\`${a.via === 'eligible' ? ' (eligible, after elevation)' : ''}: ` +
        `${a.granted} ${a.granted === 1 ? 'action' : 'actions'} in ${a.services.length} ${a.services.length === 1 ? 'service' : 'services'}, ${a.conditional} conditional`,
    );
    const width = Math.max(0, ...a.services.map((s) => s.service.length));
    for (const s of a.services) {
      const count = s.granted.length === s.catalogActions ? `all ${s.catalogActions} actions` : `${s.granted.length} of ${s.catalogActions} actions`;
      const conditions =
        s.conditional === 0 ? '' : `, ${s.conditional === s.granted.length ? 'all' : s.conditional} conditional ${describeKeys(s.granted.filter((g) => g.status === 'conditional').map((g) => g.conditionKeys))}`;
      lines.push(`  ${s.service.padEnd(width)}  ${count}${conditions} (${s.serviceName})`);
      if (!report.listActions) continue;
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
