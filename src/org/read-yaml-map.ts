import type { Position } from './config-issue.ts';
import { describeYamlNode } from './describe-yaml-node.ts';
import { didYouMean } from './did-you-mean.ts';
import type { YamlEntry, YamlNode, YamlPathSegment } from './read-yaml-tree.ts';

/** what `readYamlMap` can find wrong, as the issue codes of every YAML file say it */
export type YamlMapProblem = 'wrong-type' | 'unknown-field';

/**
 * The entries of a YAML map of fixed fields, by key. A node that is not a map and a key that is
 * not among `known` are reported (a misspelt key would silently drop what it holds): the same
 * rule, and the same messages, for parapet.yaml and access test files.
 */
export function readYamlMap<K extends string>(
  node: YamlNode,
  path: readonly YamlPathSegment[],
  what: string,
  known: readonly K[],
  report: (code: YamlMapProblem, message: string, at: Position, path: readonly YamlPathSegment[]) => void,
): Map<K, YamlEntry> | undefined {
  if (node.kind !== 'map') {
    report('wrong-type', `${what} must be a map, not ${describeYamlNode(node)}`, node.at, path);
    return undefined;
  }
  const out = new Map<K, YamlEntry>();
  for (const entry of node.entries) {
    const key = known.find((k) => k === entry.key);
    if (key === undefined) report('unknown-field', `${what}: unknown field \`${entry.key}\`${didYouMean(entry.key, known)}`, entry.keyAt, [...path, entry.key]);
    else out.set(key, entry);
  }
  return out;
}
