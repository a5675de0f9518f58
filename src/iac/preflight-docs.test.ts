import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AWS_REQUEST_MAP } from './request-map/aws.ts';
import { RULES } from './misconfiguration-rules.ts';

const doc = readFileSync(join(import.meta.dirname, '../../docs/preflight.md'), 'utf8');

test('docs/preflight.md documents every mapped resource type with its source, and every rule', () => {
  for (const mapping of AWS_REQUEST_MAP) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${mapping.type}\``));
    assert.ok(row, `${mapping.type} is documented`);
    for (const spec of mapping.create) assert.ok(row.includes(`\`${spec.action}\``), `${mapping.type}: ${spec.action}`);
    for (const source of mapping.source) assert.ok(row.includes(source), `${mapping.type}: ${source}`);
    assert.ok(mapping.source.some((s) => s.startsWith('https://docs.aws.amazon.com/service-authorization/')), `${mapping.type} cites the authorization reference`);
  }
  for (const [id, rule] of Object.entries(RULES)) assert.ok(doc.includes(`| \`${id}\` | ${rule.severity} |`), `${id} is documented`);
});
