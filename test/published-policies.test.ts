/**
 * Real published policies (AWS samples, AWS managed policies, examples from AWS's documentation;
 * origins and licenses in test/fixtures/published/SOURCES.md) must be accepted as the policy type
 * their folder names: no error issue. Warnings (unknown actions, `${Account}` left in a template)
 * are allowed and reported as diagnostics.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { actionChecker } from '../src/catalog/installed-catalog-checks.ts';
import { formatIssue, parsePolicy, type PolicyType } from '../src/policy/index.ts';

const root = new URL('./fixtures/published/', import.meta.url).pathname;
const TYPES: ReadonlySet<string> = new Set<PolicyType>(['scp', 'rcp', 'identity', 'resource', 'permissionBoundary', 'session']);

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return policyFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

/** AWS managed policies are stored as `aws iam get-policy-version` prints them: the policy is `PolicyVersion.Document` */
function policyText(text: string): string {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null && 'PolicyVersion' in value) {
    const version = (value as { PolicyVersion: { Document?: unknown } }).PolicyVersion;
    return JSON.stringify(version.Document, null, 2);
  }
  return text;
}

const files = policyFiles(root).sort();
const sources = readFileSync(join(root, 'SOURCES.md'), 'utf8');

describe('published policies are accepted', () => {
  test('at least 40 policies, of every kind, each listed in SOURCES.md', () => {
    assert.ok(files.length >= 40, `only ${files.length} policies`);
    const types = new Set(files.map((f) => relative(root, f).split('/').at(-2)));
    for (const type of ['scp', 'rcp', 'identity', 'resource']) assert.ok(types.has(type), `no ${type} policy`);
    for (const file of files) assert.ok(sources.includes(`\`${relative(root, file)}\``), `${relative(root, file)} is not in SOURCES.md`);
  });

  for (const file of files) {
    const name = relative(root, file);
    test(name, (t) => {
      const type = name.split('/').at(-2)!;
      assert.ok(TYPES.has(type), `the folder of ${name} names no policy type`);
      const parsed = parsePolicy(policyText(readFileSync(file, 'utf8')), { type: type as PolicyType, source: name, checkAction: actionChecker() });
      const errors = parsed.issues.filter((i) => i.severity === 'error');
      assert.deepEqual(errors.map((issue) => formatIssue(issue)), []);
      assert.ok(parsed.ok);
      for (const warning of parsed.issues) t.diagnostic(formatIssue(warning));
    });
  }
});
