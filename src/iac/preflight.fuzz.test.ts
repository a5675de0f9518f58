/**
 * The plan reader at the edge: damaged and hostile plans give a Result (a report or located
 * issues), never a throw, and a plan that cannot be read is never a pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fixtureOrganization, FIXTURES } from './fixture-policies.test-support.ts';
import { runPreflight } from './preflight.ts';

const org = fixtureOrganization();
const options = { account: org.account, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn } };
const base = JSON.parse(readFileSync(join(FIXTURES, 'misconfig/plan.json'), 'utf8')) as Record<string, unknown>;

/** every path of a JSON value, up to a depth */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (prefix.length < 7 && value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}
const allPaths = paths(base).filter((p) => p.length > 0);

function check(text: string): void {
  const result = runPreflight(text, options);
  if (!result.ok) {
    assert.ok(result.issues.length > 0 && result.issues.every((i) => i.severity === 'error' && typeof i.path === 'string'));
    return;
  }
  // a report was made: every change is accounted for, and an unreadable part is never an Allow
  for (const change of result.value.changes) for (const r of change.requests) if (r.unknown.length > 0) assert.notEqual(r.decision, 'Allow');
}

test('a fixture plan with one random value replaced reads as a report or as located issues, never a throw', () => {
  fc.assert(
    fc.property(fc.constantFrom(...allPaths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
      const doc = structuredClone(base);
      let at: Record<string | number, unknown> = doc;
      for (const part of path.slice(0, -1)) at = at[part] as Record<string | number, unknown>;
      at[path.at(-1)!] = value;
      check(JSON.stringify(doc));
    }),
    { numRuns: 300 },
  );
});

test('random text and deep nesting are refused, not thrown', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => check(text)), { numRuns: 200 });
  const deep = `{"format_version":"1.2","resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","change":{"actions":["create"],"after":${'['.repeat(100000)}${']'.repeat(100000)}}}]}`;
  const result = runPreflight(deep, options);
  assert.equal(result.ok, false);
});
