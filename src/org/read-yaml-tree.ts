/**
 * Reads YAML text into a small tree of maps, lists and scalars where every node keeps its line
 * and column, so that mistakes found later are reported where they are. Syntax errors and
 * duplicate keys become issues; aliases are followed, within a bound on what they expand to.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigIssue, Position } from './config-issue.ts';

export type YamlNode = YamlMap | YamlList | YamlScalar;

export interface YamlMap {
  readonly kind: 'map';
  readonly entries: readonly YamlEntry[];
  readonly at: Position;
}

export interface YamlEntry {
  readonly key: string;
  readonly keyAt: Position;
  readonly value: YamlNode;
}

export interface YamlList {
  readonly kind: 'list';
  readonly items: readonly YamlNode[];
  readonly at: Position;
}

export interface YamlScalar {
  readonly kind: 'scalar';
  /** as YAML reads it: a string, number, boolean or null (an empty value) */
  readonly value: unknown;
  /** the text as written, for a number whose digits matter (account ids) */
  readonly text: string;
  readonly quoted: boolean;
  readonly at: Position;
}

export interface YamlTree {
  /** undefined when the text has a syntax error that leaves its structure in doubt */
  readonly root: YamlNode | undefined;
  readonly issues: readonly ConfigIssue[];
}

export type YamlPathSegment = string | number;

/** `$.organization.root.units[0]`, like the engine's JSON paths */
export function formatYamlPath(path: readonly YamlPathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}

const MAX_ALIAS_DEPTH = 64;

/**
 * Aliases are expanded into the tree, so a few hundred bytes of nested aliases ("billion laughs")
 * would expand to billions of nodes. The `yaml` package's own guard, `maxAliasCount`, applies only
 * to its `toJS()`, which this reader does not use, so the same guard is kept here: at most this
 * many nodes may come from alias expansion in one file (a list of members reused under every
 * account of a large organization stays far below it).
 */
export const MAX_YAML_ALIAS_NODES = 100_000;

/** lists and maps nested deeper than this are a mistake or an attack, never a configuration */
export const MAX_YAML_DEPTH = 100;

export function readYamlTree(text: string, source: string): YamlTree {
  const lineCounter = new LineCounter();
  // uniqueKeys off: the parser compares each key with every earlier key of its map (quadratic in a
  // map of 40,000 groups); duplicates are found below with a set, and reported with the key's name
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const issues: ConfigIssue[] = [];
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const issue = (code: ConfigIssue['code'], severity: ConfigIssue['severity'], message: string, offset: number) =>
    issues.push({ code, severity, message, source, ...at(offset), path: '$' });

  let fatal = false;
  for (const error of doc.errors) {
    // duplicate keys are reported below, with the key's name
    if (error.code === 'DUPLICATE_KEY') continue;
    fatal = true;
    issue('yaml-syntax', 'error', describeYamlError(error.message), error.pos[0]);
  }
  for (const warning of doc.warnings) issue('yaml-syntax', 'warning', describeYamlError(warning.message), warning.pos[0]);
  if (fatal) return { root: undefined, issues };

  // nodes produced by alias expansion so far, and the first limit hit, reported once
  let aliasNodes = 0;
  let limited = false;
  // the alias written in the document whose expansion is under way: where a limit is reported
  let expanding = 0;
  const limit = (code: 'yaml-alias-limit' | 'yaml-too-deep', message: string, offset: number): YamlNode => {
    if (!limited) issue(code, 'error', message, offset);
    limited = true;
    return { kind: 'scalar', value: null, text: '', quoted: false, at: at(offset) };
  };
  const convert = (node: unknown, fallback: number, depth: number, nesting = 0): YamlNode => {
    if (limited) return { kind: 'scalar', value: null, text: '', quoted: false, at: at(fallback) };
    if (depth > 0 && ++aliasNodes > MAX_YAML_ALIAS_NODES) {
      return limit('yaml-alias-limit', `aliases expand to more than ${MAX_YAML_ALIAS_NODES} values: write the values out, or reuse fewer nested aliases`, expanding);
    }
    if (nesting > MAX_YAML_DEPTH) return limit('yaml-too-deep', `lists and maps nested more than ${MAX_YAML_DEPTH} deep`, fallback);
    if (isAlias(node)) {
      if (depth === 0) expanding = node.range?.[0] ?? fallback;
      const target = depth < MAX_ALIAS_DEPTH ? node.resolve(doc as Document.Parsed) : undefined;
      if (target === undefined) {
        issue('yaml-syntax', 'error', `unknown alias \`*${node.source}\``, node.range?.[0] ?? fallback);
        return { kind: 'scalar', value: null, text: '', quoted: false, at: at(node.range?.[0] ?? fallback) };
      }
      return convert(target, node.range?.[0] ?? fallback, depth + 1, nesting);
    }
    if (isMap(node)) {
      const start = node.range?.[0] ?? fallback;
      const seen = new Set<string>();
      const entries: YamlEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key;
        const keyOffset = isScalar(keyNode) || isMap(keyNode) || isSeq(keyNode) ? (keyNode.range?.[0] ?? start) : start;
        if (!isScalar(keyNode)) {
          issue('yaml-syntax', 'error', 'a map key must be a plain value, not a list or a map', keyOffset);
          continue;
        }
        const key = keyNode.value === null ? '' : String(keyNode.value);
        if (seen.has(key)) {
          // the first one counts, as later checks see it
          issue('duplicate-key', 'error', `duplicate key \`${key}\`: each key may appear once in a map`, keyOffset);
          continue;
        }
        seen.add(key);
        const valueOffset = keyNode.range?.[2] ?? keyOffset;
        entries.push({ key, keyAt: at(keyOffset), value: convert(pair.value, valueOffset, depth, nesting + 1) });
      }
      return { kind: 'map', entries, at: at(start) };
    }
    if (isSeq(node)) {
      const start = node.range?.[0] ?? fallback;
      return { kind: 'list', items: node.items.map((item) => convert(item, start, depth, nesting + 1)), at: at(start) };
    }
    if (isScalar(node)) {
      const start = node.range?.[0] ?? fallback;
      const end = node.range?.[1] ?? start;
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      return { kind: 'scalar', value: node.value, text: text.slice(start, end), quoted, at: at(start) };
    }
    // an empty document or an empty value (`key:` with nothing after it)
    return { kind: 'scalar', value: null, text: '', quoted: false, at: at(fallback) };
  };
  const root = convert(doc.contents, 0, 0);
  // a tree cut short at a limit is not the document: nothing later should read it
  return { root: limited ? undefined : root, issues };
}

/** the parser's message in the project's style: lower case, no final period */
function describeYamlError(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const trimmed = first.replace(/\s*at line \d+, column \d+:?\s*$/, '').replace(/\.$/, '');
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}
