/**
 * The preflight report for people (text, summary first), for pull-request comments (Markdown) and
 * for machines (`parapet-preflight/1` JSON). Every output goes through `scrub`: sensitive values
 * are redacted at ingestion, and a copy that reached a string some other way is removed here.
 */
import { markdownCode, markdownText } from '../analysis/escape-markdown.ts';
import type { DecidedChange, DecidedRequest } from './decide-plan.ts';
import { REDACTED } from './parse-plan.ts';
import type { PreflightReport } from './preflight.ts';

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
    lines.push('access changes (the policies in the plan):');
    for (const a of report.access) {
      lines.push(`  ${a.roleArn} (${a.lifecycle}; from ${a.sources.join(', ')})`);
      for (const g of a.gains) lines.push(`    + ${g}`);
      for (const l of a.losses) lines.push(`    - ${l}`);
      for (const u of a.unknown) lines.push(`    ? ${u}: not readable here`);
    }
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
  if (report.access.length > 0) {
    lines.push('**Access changes** (the policies in the plan)', '');
    for (const a of report.access) {
      lines.push(`- ${code(a.roleArn)} (${a.lifecycle}; from ${a.sources.map(code).join(', ')})`);
      for (const g of a.gains) lines.push(`  - gains: ${md(g)}`);
      for (const l of a.losses) lines.push(`  - loses: ${md(l)}`);
      for (const u of a.unknown) lines.push(`  - not readable here: ${md(u)}`);
    }
    lines.push('');
  }
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
