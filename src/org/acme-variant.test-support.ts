/**
 * The acme example as file texts, and variants of it changed in memory: for tests that compare two
 * versions of a configuration (the structural diff, the plan) without copying folders.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { OrgConfig } from './org-config.ts';
import { parseConfig, type ConfigFiles } from './parse-config.ts';
import { readConfigDir } from './read-config-dir.ts';

export const ACME_DIR = fileURLToPath(new URL('../../examples/acme', import.meta.url));
export const acmeFiles: ConfigFiles = readConfigDir(ACME_DIR);

/** one text replaced, exactly once, in one file */
export type Edit = readonly [file: string, from: string, to: string];

export function editFiles(files: ConfigFiles, edits: readonly Edit[], extra: Readonly<Record<string, string>> = {}): Map<string, string> {
  const out = new Map(files);
  for (const [file, from, to] of edits) {
    const text = out.get(file);
    assert.ok(text !== undefined, `no ${file}`);
    const at = text.indexOf(from);
    assert.notEqual(at, -1, `\`${from}\` is not in ${file}`);
    assert.equal(text.indexOf(from, at + 1), -1, `\`${from}\` is in ${file} twice`);
    out.set(file, text.slice(0, at) + to + text.slice(at + from.length));
  }
  for (const [file, text] of Object.entries(extra)) out.set(file, text);
  return out;
}

export function parseValid(files: ConfigFiles): OrgConfig {
  const result = parseConfig(files);
  assert.ok(result.ok, result.issues.map((i) => `${i.source}:${i.line}: ${i.code}: ${i.message}`).join('\n'));
  return result.value;
}

/** acme with the edits made and the extra files added, parsed; it must be valid */
export function acmeVariant(edits: readonly Edit[], extra: Readonly<Record<string, string>> = {}): OrgConfig {
  return parseValid(editFiles(acmeFiles, edits, extra));
}

export const policyText = (statements: readonly unknown[]) => `${JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)}\n`;
