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
  const { entries, ...rest } = report.result;
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
    })),
  };
}

/** by principal (a user with the groups it holds the access through), one line per account and permission set, then the counts */
export function renderWhoCanText(report: WhoCanReport): string {
  const { entries, checked } = report.result;
  const lines = [`who can \`${report.action}\` on \`${report.resource}\`${report.account !== undefined ? ` in \`${report.account}\`` : ''}:`];
  if (entries.length === 0) lines.push('  nobody');
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
    const width = Math.max(...labels.map((l) => l.length));
    list.forEach((entry, i) => {
      const status = entry.status === 'allowed' ? 'allowed' : `conditional on ${entry.conditionKeys.map((k) => `\`${k}\``).join(', ')}${formatContextExample(entry.example)}`;
      lines.push(`  ${labels[i]!.padEnd(width)}  ${status}`);
    });
  }
  const principals = byPrincipal.size;
  const allowed = entries.filter((e) => e.status === 'allowed').length;
  lines.push('', `${principals} ${principals === 1 ? 'principal' : 'principals'}, ${entries.length} of ${checked} (principal, account, permission set) checked: ${allowed} allowed, ${entries.length - allowed} conditional`);
  return `${lines.join('\n')}\n`;
}
