import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findTooDeep, MAX_JSON_DEPTH, readJsonText } from './json-text.ts';
import { parseCase } from './parse-case.ts';
import { parsePolicy } from './parse-policy.ts';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('JSON nesting is bounded', () => {
  test('2,000 levels of arrays are one located `json-too-deep` error, not a stack overflow', () => {
    const read = readJsonText(`\n  ${nested(2000)}`);
    assert.equal(read.ok, false);
    assert.deepEqual(read.issues, [
      { code: 'json-too-deep', severity: 'error', message: `arrays and objects nested more than ${MAX_JSON_DEPTH} deep`, path: '$', line: 2, column: 3 + MAX_JSON_DEPTH },
    ]);
  });

  test('the limit itself is accepted, one more level is not', () => {
    assert.equal(readJsonText(nested(MAX_JSON_DEPTH)).ok, true);
    assert.equal(readJsonText(nested(MAX_JSON_DEPTH + 1)).ok, false);
    const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    assert.equal(readJsonText(objects(MAX_JSON_DEPTH)).ok, true);
    assert.equal(readJsonText(objects(MAX_JSON_DEPTH + 1)).ok, false);
  });

  test('brackets inside strings do not count, escaped quotes included', () => {
    const text = JSON.stringify({ a: '['.repeat(500), b: 'say \\"[[[[\\" ' + '{'.repeat(500) });
    assert.equal(findTooDeep(text, 3), -1);
    assert.equal(readJsonText(text).ok, true);
  });

  test('a deep policy and a deep case are refused with the code, with their source', () => {
    const policy = parsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":${nested(3000)}}]}`, { type: 'identity', source: 'p.json' });
    assert.equal(policy.ok, false);
    assert.deepEqual(
      policy.issues.map((i) => [i.code, i.source]),
      [['json-too-deep', 'p.json']],
    );
    const kase = parseCase(`{"name":"x","request":{"context":{"k":${nested(3000)}}}}`, { source: 'c.json' });
    assert.equal(kase.ok, false);
    assert.deepEqual(
      kase.issues.map((i) => [i.code, i.source]),
      [['json-too-deep', 'c.json']],
    );
  });
});
