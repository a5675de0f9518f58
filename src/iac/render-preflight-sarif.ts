/**
 * The preflight as SARIF 2.1.0 (for code scanning) and JUnit XML (for CI test reports). Findings and
 * changes the guardrails would not let through are SARIF results; each points at the resource's block
 * in the `.tf` files when the caller found it there (the plan itself has no source positions), and
 * always names the resource address as a logical location.
 */
import { createHash } from 'node:crypto';
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

/**
 * GitHub code scanning's `security-severity` (a string score 0.1 to 10.0: over 9.0 critical, 7.0 to 8.9
 * high, 4.0 to 6.9 medium, 0.1 to 3.9 low; read only on rules tagged `security`). An info finding has none.
 */
const SECURITY_SEVERITY: Record<FindingSeverity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: undefined };

export interface SarifOptions {
  /** where each resource (or module call) is declared: `findResourceBlocks` */
  readonly locations?: ReadonlyMap<string, SourceLocation>;
  /** the tool version */
  readonly version?: string;
  /**
   * the plan file, relative to the repository root: the location of a result whose resource was not
   * found in the `.tf` files (code scanning shows a result only at a physical location in the repository)
   */
  readonly planFile?: string;
}

/** a relative URI reference of a `/`-separated path: each segment percent-encoded (SARIF §3.10, RFC 3986) */
export function relativeUri(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** `module.a.module.b.aws_x.y["k"]` → the resource block `aws_x.y` in module `module.a.module.b` */
function declarationKeys(address: string): string[] {
  // instance keys (`[0]`, `["k"]`) are not part of the block's name
  const parts = address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '').split('.');
  const keys: string[] = [];
  if (parts[0] !== 'module') keys.push(parts.join('.'));
  // the outermost module call is declared in the root module's files
  else if (parts.length >= 2) keys.push(`module.${parts[1]}`);
  return keys;
}

/** rule ids in PascalCase: SARIF's `name` of a reporting descriptor */
const ruleName = (id: string) =>
  id
    .toLowerCase()
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

export function preflightSarif(report: PreflightReport, options: SarifOptions = {}): string {
  const locations = options.locations ?? new Map<string, SourceLocation>();
  const ruleIds = [...Object.keys(RULES), ...Object.keys(DECISION_RULES)];
  const rules = [
    ...Object.entries(RULES).map(([id, r]) => {
      const securitySeverity = SECURITY_SEVERITY[r.severity];
      return {
        id,
        name: ruleName(id),
        shortDescription: { text: r.title },
        fullDescription: { text: `${r.title} (severity ${r.severity})` },
        help: { text: `parapet preflight rule ${id}: ${r.title}. See docs/preflight.md, "Misconfiguration rules".` },
        defaultConfiguration: { level: LEVEL[r.severity] },
        properties: { tags: ['security', 'terraform'], precision: 'high', severity: r.severity, ...(securitySeverity !== undefined ? { 'security-severity': securitySeverity } : {}) },
      };
    }),
    ...Object.entries(DECISION_RULES).map(([id, text]) => ({
      id,
      name: ruleName(id),
      shortDescription: { text },
      fullDescription: { text: `${text}: the apply would stop at this change` },
      help: { text: `parapet preflight ${id}: ${text}. See docs/preflight.md, "Output".` },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['terraform', 'guardrail'], precision: 'high' },
    })),
  ];
  const locationOf = (address: string) => {
    const at = declarationKeys(address)
      .map((k) => locations.get(k))
      .find((x) => x !== undefined);
    const physical =
      at !== undefined
        ? { artifactLocation: { uri: relativeUri(at.file) }, region: { startLine: at.line } }
        : options.planFile !== undefined
          ? { artifactLocation: { uri: relativeUri(options.planFile) }, region: { startLine: 1 } }
          : undefined;
    return [{ ...(physical !== undefined ? { physicalLocation: physical } : {}), logicalLocations: [{ fullyQualifiedName: address, kind: 'resource' }] }];
  };
  // a fingerprint from what names the problem, not from where it is, so an alert follows its resource
  // across runs when lines move (GitHub matches results across runs by partialFingerprints)
  const seen = new Map<string, number>();
  const fingerprint = (rule: string, address: string) => {
    const key = `${rule}\u0000${address}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return { 'parapet/v1': createHash('sha256').update(`${key}\u0000${n}`).digest('hex') };
  };
  const results: object[] = [];
  for (const f of report.findings) {
    results.push({
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: f.enforcement === 'mandatory' && f.exception === undefined ? 'error' : LEVEL[f.severity],
      message: { text: `${f.address}: ${f.message}` },
      locations: locationOf(f.address),
      partialFingerprints: fingerprint(f.rule, f.address),
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
    results.push({ ruleId: rule, ruleIndex: ruleIds.indexOf(rule), level: 'error', message: { text }, locations: locationOf(c.change.address), partialFingerprints: fingerprint(rule, c.change.address) });
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'parapet preflight', version: options.version ?? '0.0.0', rules } }, results, columnKind: 'utf16CodeUnits' }],
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

/** where each `resource "TYPE" "NAME"`, `module "NAME"` and `output "NAME"` block starts in the given `.tf` files (root module only) */
export function findResourceBlocks(files: readonly { readonly path: string; readonly text: string }[]): Map<string, SourceLocation> {
  const out = new Map<string, SourceLocation>();
  for (const { path, text } of files) {
    text.split('\n').forEach((line, i) => {
      const m = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"/.exec(line);
      if (m !== null && !out.has(`${m[1]}.${m[2]}`)) out.set(`${m[1]}.${m[2]}`, { file: path, line: i + 1 });
      const call = /^\s*module\s+"([^"]+)"/.exec(line);
      if (call !== null && !out.has(`module.${call[1]}`)) out.set(`module.${call[1]}`, { file: path, line: i + 1 });
      const output = /^\s*output\s+"([^"]+)"/.exec(line);
      if (output !== null && !out.has(`output.${output[1]}`)) out.set(`output.${output[1]}`, { file: path, line: i + 1 });
    });
  }
  return out;
}
