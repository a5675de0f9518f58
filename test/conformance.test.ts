/**
 * The conformance corpus (conformance/**.json, each case citing the AWS page it follows) must
 * pass in full: one test per case, run exactly as `parapet simulate --case conformance` runs it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, test } from 'node:test';
import { actionChecker, rcpServices } from '../src/catalog/installed-catalog-checks.ts';
import { findJsonFiles } from '../src/cli/find-files.ts';
import { evaluateCase, explain, formatIssue, parseCase } from '../src/policy/index.ts';

const root = new URL('../conformance/', import.meta.url).pathname;
const files = findJsonFiles(root);

describe('conformance corpus', () => {
  test('holds the five shared examples and cites AWS for every case', () => {
    assert.ok(files.filter((f) => f.includes('/examples/')).length >= 5);
    for (const file of files) {
      const source = (JSON.parse(readFileSync(file, 'utf8')) as { source?: unknown }).source;
      assert.equal(typeof source, 'string', `${relative(root, file)} has no source`);
      assert.match(source as string, /^https:\/\/docs\.aws\.amazon\.com\//, `${relative(root, file)} does not cite AWS documentation`);
    }
  });

  for (const file of files) {
    const name = relative(root, file);
    test(name, () => {
      const parsed = parseCase(readFileSync(file, 'utf8'), { source: name, checkAction: actionChecker(), rcpServices: rcpServices() });
      assert.ok(parsed.ok, `not a valid case:\n${parsed.issues.map((issue) => formatIssue(issue)).join('\n')}`);
      assert.ok(parsed.value.expected !== undefined, 'a corpus case must state what it expects');
      const { decision, pass } = evaluateCase(parsed.value);
      assert.ok(pass, `expected ${parsed.value.expected}, got ${decision.decision}\n${explain(decision)}`);
    });
  }
});
