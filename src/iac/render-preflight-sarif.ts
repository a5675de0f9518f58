/**
 * The preflight as SARIF 2.1.0 (for code scanning) and JUnit XML (for CI test reports). Findings and
 * changes the guardrails would not let through are SARIF results; each points at the resource's block
 * in the `.tf` files when the caller found it there (the plan itself has no source positions), and
 * always names the resource address as a logical location.
 */
import { RULES, type FindingSeverity } from './misconfiguration-rules.ts';
import { scrub } from './render-preflight.ts';
import type { PreflightReport } from './preflight.ts';

export interface SourceLocation {
  /** relative to the repository root, `/`-separated */
  readonly file: string;
  readonly line: number;
}

/** the SARIF rule of a guardrail decision that stops a change */
const DECISION_RULES = {
  'GUARDRAIL-EXPLICIT-DENY': 'a request of the change is explicitly denied by a policy',
  'GUARDRAIL-IMPLICIT-DENY': 'a request of the change is allowed by no policy',
  'GUARDRAIL-UNDECIDABLE': 'a request of the change depends on a value known only after apply',
  'UNMAPPED-RESOURCE-TYPE': 'the preflight has no request map for the change',
} as const;

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

export function preflightSarif(report: PreflightReport, locations: ReadonlyMap<string, SourceLocation> = new Map(), version = '0.0.0'): string {
  const ruleIds = [...Object.keys(RULES), ...Object.keys(DECISION_RULES)];
  const rules = [
    ...Object.entries(RULES).map(([id, r]) => ({ id, shortDescription: { text: r.title }, defaultConfiguration: { level: LEVEL[r.severity] }, properties: { severity: r.severity } })),
    ...Object.entries(DECISION_RULES).map(([id, text]) => ({ id, shortDescription: { text }, defaultConfiguration: { level: 'error' } })),
  ];
  const locationOf = (address: string) => {
    const at = locations.get(address);
    return [
      {
        ...(at !== undefined ? { physicalLocation: { artifactLocation: { uri: at.file }, region: { startLine: at.line } } } : {}),
        logicalLocations: [{ fullyQualifiedName: address, kind: 'resource' }],
      },
    ];
  };
  const results: object[] = [];
  for (const f of report.findings) {
    results.push({
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: f.enforcement === 'mandatory' && f.exception === undefined ? 'error' : LEVEL[f.severity],
      message: { text: `${f.address}: ${f.message}` },
      locations: locationOf(f.address),
      properties: { severity: f.severity, enforcement: f.enforcement },
      // an owned, time-boxed exception is a justified suppression (a SARIF 2.1.0 result's `suppressions`)
      ...(f.exception !== undefined ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.exception.reason} (owner ${f.exception.owner}, until ${f.exception.expires})` }] } : {}),
    });
  }
  for (const c of report.changes) {
    const rule =
      c.decision === 'ExplicitDeny' ? 'GUARDRAIL-EXPLICIT-DENY' : c.decision === 'ImplicitDeny' ? 'GUARDRAIL-IMPLICIT-DENY' : c.decision === 'Unknown' ? 'GUARDRAIL-UNDECIDABLE' : c.decision === 'Unmapped' ? 'UNMAPPED-RESOURCE-TYPE' : undefined;
    if (rule === undefined) continue;
    const stopped = c.requests.filter((r) => r.decision !== 'Allow').map((r) => `${r.decision} ${r.action} on ${r.resource}${r.decidedBy.filter((d) => d.effect === 'Deny').map((d) => ` by ${d.kind} ${d.policy}/${d.statement ?? '?'}`).join('')}`);
    const text = stopped.length > 0 ? `${c.change.address}: ${stopped.join('; ')}` : `${c.change.address}: no request map for \`${c.change.type}\` ${c.change.actions.join(', ')}`;
    results.push({ ruleId: rule, ruleIndex: ruleIds.indexOf(rule), level: 'error', message: { text }, locations: locationOf(c.change.address) });
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'parapet preflight', version, rules } }, results }],
  };
  return scrub(`${JSON.stringify(sarif, null, 2)}\n`, report.secrets);
}

/** XML 1.0 allows no control characters other than tab, line feed and carriage return */
const attr = (s: string) =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** one test case per change (it applies or not) and per finding (a mandatory one fails) */
export function preflightJunit(report: PreflightReport): string {
  const changeFailures = report.changes.filter((c) => c.decision !== 'Allow' && c.decision !== 'NoRequests').length;
  const findingFailures = report.findings.filter((f) => f.enforcement === 'mandatory' && f.exception === undefined).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="parapet preflight" tests="${report.changes.length + report.findings.length}" failures="${changeFailures + findingFailures}" errors="0">`,
    `  <testsuite name="guardrail decisions" tests="${report.changes.length}" failures="${changeFailures}" errors="0" skipped="0">`,
  ];
  for (const c of report.changes) {
    const open = `    <testcase name="${attr(`${c.change.address} (${c.change.actions.join(', ')})`)}" classname="preflight.changes">`;
    if (c.decision === 'Allow' || c.decision === 'NoRequests') lines.push(open.replace(/>$/, '/>'));
    else {
      const detail = c.requests.filter((r) => r.decision !== 'Allow').map((r) => `${r.decision} ${r.action} on ${r.resource}`).join('\n') || `no request map for ${c.change.type}`;
      lines.push(open, `      <failure message="${attr(`${c.decision}: ${c.change.address}`)}" type="${c.decision}">${attr(detail)}</failure>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', `  <testsuite name="misconfigurations" tests="${report.findings.length}" failures="${findingFailures}" errors="0" skipped="0">`);
  for (const f of report.findings) {
    const open = `    <testcase name="${attr(`${f.rule} ${f.address}`)}" classname="preflight.findings">`;
    if (f.enforcement === 'mandatory' && f.exception === undefined) lines.push(open, `      <failure message="${attr(f.message)}" type="${f.rule}">${attr(`${f.severity}: ${f.message}`)}</failure>`, '    </testcase>');
    else lines.push(open, `      <system-out>${attr(`advisory ${f.severity}: ${f.message}`)}</system-out>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return scrub(`${lines.join('\n')}\n`, report.secrets);
}

/** where each `resource "TYPE" "NAME"` block starts in the given `.tf` files (root module only) */
export function findResourceBlocks(files: readonly { readonly path: string; readonly text: string }[]): Map<string, SourceLocation> {
  const out = new Map<string, SourceLocation>();
  for (const { path, text } of files) {
    text.split('\n').forEach((line, i) => {
      const m = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"/.exec(line);
      if (m !== null && !out.has(`${m[1]}.${m[2]}`)) out.set(`${m[1]}.${m[2]}`, { file: path, line: i + 1 });
    });
  }
  return out;
}
