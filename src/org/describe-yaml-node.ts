import type { YamlNode } from './read-yaml-tree.ts';

/** what a YAML node is, for a message: `a map`, `an empty value`, ``the string `x` ``, … */
export function describeYamlNode(node: YamlNode): string {
  switch (node.kind) {
    case 'map':
      return 'a map';
    case 'list':
      return 'a list';
    case 'scalar': {
      const value = node.value;
      if (value === null) return 'an empty value';
      if (typeof value === 'string') return `the string \`${value}\``;
      if (typeof value === 'boolean') return `\`${value}\``;
      if (typeof value === 'number') return `the number \`${node.text}\``;
      return `\`${node.text}\``;
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}
