/**
 * `parapet who-can`'s report: the question asked and the engine's answer (who-can.ts), one value
 * rendered as JSON (format `parapet-who-can/1`, docs/reports.md) or as text.
 *
 *   query → whoCan → report → JSON | text
 */
import { formatPrincipalRef } from '../org/index.ts';
import type { ContextValue } from '../policy/index.ts';
import { formatContextExample } from './format-context-example.ts';
import type { WhoCanEntry, WhoCanResult } from './who-can.ts';

export const WHO_CAN_FORMAT = 'parapet-who-can/1';

export interface WhoCanReport {
  readonly action: string;
  readonly resource: string;
  /** the account the question was limited to, as given (name or id) */
  readonly account?: string | undefined;
  readonly context: Readonly<Record<string, ContextValue>>;
  readonly result: WhoCanResult;
}

/**
 * The JSON form: the question, then what whoCan returned (`checked`, and whatever else it reports),
 * each entry with its principal written `group:NAME`, `user:EMAIL`, `service:NAME`
 */
export function whoCanReportJson(report: WhoCanReport) {
  const { entries, undecided, ...rest } = report.result;
  return {
    format: WHO_CAN_FORMAT,
    action: report.action,
    resource: report.resource,
    ...(report.account !== undefined ? { account: report.account } : {}),
    context: report.context,
    ...rest,
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
    // the search for an allowing context has a budget (docs/cli.md): past it the answer is incomplete
    incomplete: undecided.length > 0,
    undecided: undecided.map((u) => ({ ...u, principal: formatPrincipalRef(u.principal) })),
  };
}

/** by principal (a user with the groups it holds the access through), one line per account and permission set, then the counts */
export function renderWhoCanText(report: WhoCanReport): string {
  const { entries, checked, undecided } = report.result;
  const lines = [`who can \`${report.action}\` on \`${report.resource}\`${report.account !== undefined ? ` in \`${report.account}\`` : ''}:`];
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
