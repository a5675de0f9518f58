/**
 * The preflight report for people (text, summary first), for pull-request comments (Markdown) and
 * for machines (`parapet-preflight/1` JSON). Every output goes through `scrub`: sensitive values
 * are redacted at ingestion, and a copy that reached a string some other way is removed here.
 */
import { htmlCode, markdownCode, markdownText } from '../analysis/escape-markdown.ts';
import type { DecidedChange, DecidedRequest } from './decide-plan.ts';
import { REDACTED } from './parse-plan.ts';
import type { PreflightReport } from './preflight.ts';
import { adminWords, escalationWords, servicesCell, serviceLines } from '../analysis/render-plan-markdown.ts';
import type { Impact, ServiceChange } from '../analysis/plan-access-impact.ts';
import type { IamAccessChange, IamSide } from './iam-access-impact.ts';

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')]) out = out.split(form).join(REDACTED);
  }
  return out;
}

const requestLine = (r: DecidedRequest) => {
  const by = r.decidedBy.map((d) => `${d.kind}${d.level !== undefined ? `[${d.level}]` : ''} ${d.effect === 'none' ? 'gives no Allow' : `${d.policy}/${d.statement ?? '?'}`}`);
  const why = r.decision === 'Unknown' ? ` (known after apply: ${r.unknown.join(', ')})` : by.length > 0 ? ` by ${by.join(', ')}` : '';
  return `${r.decision} ${r.action} on ${r.resource} [${r.role}]${why}`;
};

const changeHead = (c: DecidedChange) => `${c.decision} ${c.change.address} (${c.change.actions.join(', ')}; ${c.region ?? 'unknown region'}; provider ${c.provider})`;

function summaryLine(report: PreflightReport): string {
  const s = report.summary;
  return (
    `preflight ${report.passed ? 'passed' : 'failed'}: ${s.changes} change${s.changes === 1 ? '' : 's'}, ${s.denied} denied (${s.explicitDeny} explicit, ${s.implicitDeny} implicit), ` +
    `${s.unknown} undecidable, ${s.unmapped} unmapped; ${s.findings} finding${s.findings === 1 ? '' : 's'} (${s.mandatoryFindings} mandatory)`
  );
}

export function renderPreflightText(report: PreflightReport): string {
  const lines = [summaryLine(report), `as ${report.principal} in account ${report.account}`, ''];
  const notAllowed = report.changes.filter((c) => c.decision !== 'Allow' && c.decision !== 'NoRequests');
  if (notAllowed.length > 0) {
    lines.push('changes that will not apply:');
    for (const c of notAllowed) {
      lines.push(`  ${changeHead(c)}`);
      for (const r of c.requests.filter((r) => r.decision !== 'Allow')) lines.push(`    ${requestLine(r)}`);
      if (c.decision === 'Unmapped') lines.push(`    no request map for \`${c.change.type}\` ${c.change.actions.join(', ')}: not checked`);
    }
    lines.push('');
  }
  if (report.findings.length > 0) {
    lines.push('findings:');
    for (const f of report.findings) lines.push(`  ${f.severity} ${f.enforcement} ${f.rule} ${f.address}: ${f.message}${f.exception !== undefined ? ` (excepted until ${f.exception.expires}, owner ${f.exception.owner}: ${f.exception.reason})` : ''}`);
    lines.push('');
  }
  if (report.exceptionNotes.length > 0) {
    lines.push('exceptions:');
    for (const note of report.exceptionNotes) lines.push(`  ${note}`);
    lines.push('');
  }
  if (report.access.length > 0) {
    lines.push(`access changes (${report.access.length}; the policies the plan shows, decided under the account's guardrails):`);
    for (const a of report.access) lines.push(...accessTextLines(a));
    lines.push('');
  }
  lines.push('every request:');
  for (const c of report.changes) {
    lines.push(`  ${changeHead(c)}`);
    for (const r of c.requests) lines.push(`    ${requestLine(r)}`);
  }
  return scrub(`${lines.join('\n')}\n`, report.secrets);
}

export function renderPreflightMarkdown(report: PreflightReport): string {
  const md = (s: string) => markdownText(s);
  const code = (s: string) => markdownCode(s);
  const lines = [`### Terraform preflight: ${report.passed ? 'passed' : '**failed**'}`, '', md(summaryLine(report)), ''];
  const notAllowed = report.changes.filter((c) => c.decision !== 'Allow' && c.decision !== 'NoRequests');
  if (notAllowed.length > 0) {
    lines.push('| Change | Decision | Request | Decided by |', '|---|---|---|---|');
    for (const c of notAllowed) {
      const rows = c.requests.filter((r) => r.decision !== 'Allow');
      if (rows.length === 0) lines.push(`| ${code(c.change.address)} | ${c.decision} | — | no request map for ${code(c.change.type)} |`);
      for (const r of rows) {
        const by = r.decision === 'Unknown' ? `known after apply: ${r.unknown.join(', ')}` : r.decidedBy.map((d) => (d.effect === 'none' ? `${d.kind} gives no Allow` : `${d.kind} ${d.policy} / ${d.statement ?? '?'}`)).join('; ');
        lines.push(`| ${code(c.change.address)} | ${r.decision} | ${code(r.action)} on ${code(r.resource)} | ${md(by)} |`);
      }
    }
    lines.push('');
  }
  if (report.findings.length > 0) {
    lines.push('| Severity | Enforcement | Rule | Resource | Why |', '|---|---|---|---|---|');
    for (const f of report.findings) {
      const excepted = f.exception !== undefined ? ` (excepted until ${f.exception.expires}, owner ${md(f.exception.owner)}: ${md(f.exception.reason)})` : '';
      lines.push(`| ${f.severity} | ${f.enforcement} | ${code(f.rule)} | ${code(f.address)} | ${md(f.message)}${excepted} |`);
    }
    lines.push('');
  }
  for (const note of report.exceptionNotes) lines.push(`- ${md(note)}`);
  if (report.exceptionNotes.length > 0) lines.push('');
  if (report.access.length > 0) lines.push(...accessMarkdown(report.access));
  lines.push('<details><summary>every request</summary>', '');
  for (const c of report.changes) {
    lines.push(`- ${code(c.change.address)} ${c.decision}`);
    for (const r of c.requests) lines.push(`  - ${md(requestLine(r))}`);
  }
  lines.push('', '</details>');
  return scrub(`${lines.join('\n')}\n`, report.secrets);
}

export function preflightJson(report: PreflightReport): string {
  const value = {
    format: 'parapet-preflight/1',
    passed: report.passed,
    account: report.account,
    principal: report.principal,
    summary: report.summary,
    changes: report.changes.map((c) => ({
      address: c.change.address,
      type: c.change.type,
      actions: c.change.actions,
      region: c.region ?? null,
      provider: c.provider,
      decision: c.decision,
      requests: c.requests.map((r) => ({
        action: r.action,
        resource: r.resource,
        role: r.role,
        context: r.context,
        decision: r.decision,
        ...(r.unknown.length > 0 ? { unknown: r.unknown } : {}),
        ...(r.decidedBy.length > 0 ? { decidedBy: r.decidedBy } : {}),
      })),
    })),
    findings: report.findings,
    access: report.access,
    exceptionNotes: report.exceptionNotes,
  };
  return scrub(`${JSON.stringify(value, null, 2)}\n`, report.secrets);
}

/** ten actions per list, fifteen services per principal, as `parapet plan` cuts them */
const MAX_ACTIONS = 10;
const MAX_SERVICES = 15;

const actionList = (actions: readonly string[]) => `${actions.slice(0, MAX_ACTIONS).join(', ')}${actions.length > MAX_ACTIONS ? ` and ${actions.length - MAX_ACTIONS} more` : ''}`;

/** `parapet plan`'s flag words (src/analysis/render-plan-markdown.ts describeFlag) */
function flagWords(a: IamAccessChange, markdown: boolean): string[] {
  const c = (s: string) => (markdown ? markdownCode(s) : s);
  const bold = (s: string) => (markdown ? `**${s}**` : s);
  const out: string[] = [];
  if (a.flags.includes('admin-equivalent')) out.push(`🚩 ${bold('admin-equivalent')} now: ${adminWords(a.impact.newAdmin)}`);
  if (a.flags.includes('privilege-escalation')) out.push(`🚩 ${bold('privilege escalation')} newly allowed: ${escalationWords(a.impact.newEscalations, c)}`);
  return out;
}

/** `parapet plan`'s service lines without Markdown */
function serviceText(s: ServiceChange): string[] {
  const depends = s.dependsOn.length > 0 ? ` (depending on ${s.dependsOn.join(', ')})` : '';
  const lines: string[] = [];
  if (s.gained.length > 0) lines.push(`${s.service} gained ${s.gained.length}${s.gainedConditional.length > 0 ? `, ${s.gainedConditional.length} of them conditional${depends}` : ''}: ${actionList(s.gained)}`);
  if (s.lost.length > 0) lines.push(`${s.service} lost ${s.lost.length}: ${actionList(s.lost)}`);
  if (s.narrowed.length > 0) lines.push(`${s.service} now only conditional${s.gained.length > 0 ? '' : depends}: ${actionList(s.narrowed)}`);
  if (s.widened.length > 0) lines.push(`${s.service} now unconditional: ${actionList(s.widened)}`);
  return lines;
}

const sideText = (side: IamSide | undefined, render: (s: string) => string) => (side === undefined ? 'none (does not exist)' : side.policies.length === 0 ? 'none' : side.policies.map(render).join(', '));
const boundaryOf = (side: IamSide | undefined) => side?.boundary;

function accessHead(a: IamAccessChange, render: (s: string) => string): string[] {
  const lines: string[] = [];
  const before = sideText(a.before, render);
  const after = sideText(a.after, render);
  lines.push(before === after ? `policies: ${after}` : `policies: ${before} → ${after}`);
  const bBefore = boundaryOf(a.before);
  const bAfter = boundaryOf(a.after);
  if (bBefore !== bAfter) lines.push(`permissions boundary: ${bBefore === undefined ? 'none' : render(bBefore)} → ${bAfter === undefined ? 'none' : render(bAfter)}`);
  return lines;
}

function unknownNote(a: IamAccessChange): string | undefined {
  const unknown = [...new Set([...(a.before?.unknown ?? []), ...(a.after?.unknown ?? [])])];
  return unknown.length === 0 ? undefined : unknown.join(', ');
}

const totals = (i: Impact) => `+${i.gained} −${i.lost}${i.narrowed + i.widened > 0 ? ` ~${i.narrowed + i.widened}` : ''}`;

function accessTextLines(a: IamAccessChange): string[] {
  const lines = [`  ${a.principal} (${a.arn}; ${a.lifecycle}; from ${a.sources.join(', ')}): ${totals(a.impact)}${a.kind === 'policy' ? ' for whoever holds it' : ''}`];
  for (const f of flagWords(a, false)) lines.push(`    ${f}`);
  for (const h of accessHead(a, (s) => s)) lines.push(`    ${h}`);
  for (const s of a.impact.services.slice(0, MAX_SERVICES)) for (const l of serviceText(s)) lines.push(`    ${l}`);
  if (a.impact.services.length > MAX_SERVICES) lines.push(`    … and ${a.impact.services.length - MAX_SERVICES} more services (see --json)`);
  for (const x of a.statements.added) lines.push(`    + statement ${x}`);
  for (const x of a.statements.removed) lines.push(`    - statement ${x}`);
  if (a.trust !== undefined) {
    for (const x of a.trust.gains) lines.push(`    + may assume it: ${x}`);
    for (const x of a.trust.losses) lines.push(`    - may no longer assume it: ${x}`);
  }
  const unknown = unknownNote(a);
  if (unknown !== undefined) lines.push(`    ? not readable here, so access may differ: ${unknown}`);
  return lines;
}

function accessMarkdown(access: readonly IamAccessChange[]): string[] {
  const code = (s: string) => markdownCode(s);
  const lines = [
    '**Access changes** (the policies the plan shows, decided under the account\'s guardrails)',
    '',
    '| principal | change | gained | lost | services (+gained −lost ~level changed) | flags |',
    '|:--|:--|--:|--:|:--|:--|',
  ];
  for (const a of access.slice(0, 50)) {
    const flags = [a.flags.includes('admin-equivalent') ? '🚩 admin' : '', a.flags.includes('privilege-escalation') ? '🚩 escalation' : '', a.trust !== undefined ? 'trust' : '', unknownNote(a) !== undefined ? '? unknown' : ''].filter((f) => f !== '');
    lines.push(`| ${code(a.principal)} | ${a.lifecycle} | ${a.impact.gained} | ${a.impact.lost} | ${servicesCell(a.impact)} | ${flags.join(' ')} |`);
  }
  if (access.length > 50) lines.push(`| … and ${access.length - 50} more (see \`--json\`) | | | | | |`);
  lines.push('');
  for (const a of access) for (const f of flagWords(a, true)) lines.push(`- ${f}: ${code(a.principal)}`);
  lines.push('');
  for (const a of access.slice(0, 50)) {
    lines.push(`<details><summary>${htmlCode(a.principal)}: ${totals(a.impact)}</summary>`, '');
    lines.push(`${code(a.arn)} (${a.lifecycle}; from ${a.sources.map(code).join(', ')})${a.kind === 'policy' ? ': for whoever holds it' : ''}`, '');
    for (const h of accessHead(a, code)) lines.push(`${markdownText(h.split(':')[0]!)}:${h.slice(h.indexOf(':') + 1)}`, '');
    for (const s of a.impact.services.slice(0, MAX_SERVICES)) lines.push(...serviceLines(s, MAX_ACTIONS));
    if (a.impact.services.length > MAX_SERVICES) lines.push(`- … and ${a.impact.services.length - MAX_SERVICES} more services (see \`--json\`)`);
    for (const x of a.statements.added) lines.push(`- statement added: ${markdownText(x)}`);
    for (const x of a.statements.removed) lines.push(`- statement removed: ${markdownText(x)}`);
    if (a.trust !== undefined) {
      for (const x of a.trust.gains) lines.push(`- may now assume it: ${markdownText(x)}`);
      for (const x of a.trust.losses) lines.push(`- may no longer assume it: ${markdownText(x)}`);
    }
    const unknown = unknownNote(a);
    if (unknown !== undefined) lines.push(`- not readable here, so access may differ: ${markdownText(unknown)}`);
    lines.push('', '</details>', '');
  }
  return lines;
}
