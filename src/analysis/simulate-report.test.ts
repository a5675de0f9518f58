import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { evaluateCase, parseCase, type Decision } from '../policy/index.ts';
import { caseRunJson, caseTotals, decisionJson, renderCaseRunText, renderCaseTotalsText, renderDecisionText, SIMULATE_FORMAT, type CaseRun } from './simulate-report.ts';

const EXAMPLE = fileURLToPath(new URL('../../conformance/examples/scp-region-guardrail.json', import.meta.url));

function decided(expected: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | undefined, microsPerDecision?: number): CaseRun {
  const parsed = parseCase(readFileSync(EXAMPLE, 'utf8'), { source: EXAMPLE });
  assert.ok(parsed.ok);
  const { decision } = evaluateCase(parsed.value);
  const pass = expected === undefined ? null : decision.decision === expected;
  return { kind: 'decided', file: 'cases/region.json', name: parsed.value.name, decision, expected, pass, microsPerDecision, warnings: [] };
}

function invalid(): CaseRun {
  const parsed = parseCase('{"name": "x", "request": 3}', { source: 'cases/bad.json' });
  assert.ok(!parsed.ok);
  return { kind: 'invalid', file: 'cases/bad.json', issues: parsed.issues.filter((i) => i.severity === 'error') };
}

const parsedExample = parseCase(readFileSync(EXAMPLE, 'utf8'), { source: EXAMPLE });
assert.ok(parsedExample.ok);
// the example's request is denied by the region guardrail
const denied = evaluateCase(parsedExample.value).decision.decision;
assert.notEqual(denied, 'Allow');
const passing = decided(denied, 1.23456);
const failing = decided('Allow');
const runs = [passing, failing, decided(undefined), invalid()];

test('totals count passed, failed and invalid cases; a case without expectation is neither', () => {
  assert.deepEqual(caseTotals(runs), { passed: 1, failed: 1, invalid: 1 });
});

test('each JSON line survives a round trip and has the documented fields', () => {
  const shapes = runs.map((run) => {
    const json = caseRunJson(run);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
    assert.equal(json.format, SIMULATE_FORMAT);
    return Object.keys(json);
  });
  assert.deepEqual(shapes, [
    ['format', 'file', 'name', 'decision', 'expected', 'pass', 'microsPerDecision'],
    ['format', 'file', 'name', 'decision', 'expected', 'pass'],
    ['format', 'file', 'name', 'decision', 'expected', 'pass'],
    ['format', 'file', 'error', 'issues'],
  ]);
  assert.equal((caseRunJson(passing) as { microsPerDecision: number }).microsPerDecision, 1.235);
  // the ad-hoc decision: the decision value, tagged, whole
  const decision = (failing as { decision: Decision }).decision;
  const { format, ...rest } = JSON.parse(JSON.stringify(decisionJson(decision))) as { format: string };
  assert.equal(format, SIMULATE_FORMAT);
  assert.deepEqual(rest, JSON.parse(JSON.stringify(decision)));
});

test('the text says the facts of the JSON: file, name, verdict, expectation, every issue, the totals', () => {
  for (const run of runs) {
    const json = caseRunJson(run) as Record<string, unknown>;
    const text = renderCaseRunText(run);
    assert.ok(text.includes(String(json.file)));
    if ('name' in json) {
      assert.ok(text.includes(`: ${String(json.name)}`));
      assert.ok(text.startsWith(json.pass === null ? 'DONE' : json.pass ? 'PASS' : 'FAIL'));
      if (json.pass === false) assert.ok(text.includes(`expected ${String(json.expected)}, got ${String(json.decision)}`));
    } else for (const issue of (json as { issues: { code: string; message: string }[] }).issues) assert.ok(text.includes(`${issue.code}: ${issue.message}`), issue.message);
  }
  assert.equal(renderCaseTotalsText(caseTotals(runs)), '\n1 passed, 1 failed, 1 invalid\n');
  const decision = (failing as { decision: Decision }).decision;
  const text = renderDecisionText(decision);
  assert.ok(text.startsWith(`${decision.decision}\n`));
  for (const cause of decision.causes) if (cause.kind === 'explicit-deny' || cause.kind === 'allow') assert.ok(text.includes(cause.statement.policyName), cause.statement.policyName);
});
