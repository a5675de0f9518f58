/**
 * Reads JSON text into a plain value while keeping the position of every node, so that issues
 * found later by JSON path can be reported at line:column. Duplicate object keys, which
 * `JSON.parse` silently collapses, are reported: in a policy they hide a statement element.
 */
import { parseTree, findNodeAtLocation, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Issue, Result } from './issue.ts';

export type JsonPathSegment = string | number;

export interface JsonText {
  readonly value: unknown;
  /** line and column (1-based) of the node at a path, or of its closest existing parent */
  position(path: readonly JsonPathSegment[]): { line: number; column: number };
}

export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function positionOf(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

function toValue(node: Node, path: JsonPathSegment[], duplicates: Issue[], at: (offset: number) => { line: number; column: number }): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (keyNode === undefined || valueNode === undefined) continue;
        const key = String(keyNode.value);
        if (seen.has(key)) {
          duplicates.push({
            code: 'duplicate-key',
            severity: 'error',
            message: `duplicate key \`${key}\`: JSON keeps only the last one`,
            path: formatJsonPath([...path, key]),
            ...at(keyNode.offset),
          });
        }
        seen.add(key);
        Object.defineProperty(out, key, { value: toValue(valueNode, [...path, key], duplicates, at), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((child, i) => toValue(child, [...path, i], duplicates, at));
    default:
      return node.value;
  }
}

/**
 * Arrays and objects nested deeper than this are refused before parsing: the parser and every
 * reader after it recurse, and 2,000 levels of `[` overflow the stack. A policy nests five levels
 * (`Statement[].Condition.Operator.Key[]`), a case or a context value a few more.
 */
export const MAX_JSON_DEPTH = 100;

/** the offset of the first `[` or `{` nested deeper than `max`, or -1; strings are skipped */
export function findTooDeep(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) i++;
        else if (c === 34) break;
      }
    } else if (code === 91 /* [ */ || code === 123 /* { */) {
      if (++depth > max) return i;
    } else if (code === 93 /* ] */ || code === 125 /* } */) {
      depth--;
    }
  }
  return -1;
}

/** parse JSON text; syntax errors, nesting too deep and duplicate keys come back as located issues */
export function readJsonText(text: string): Result<JsonText> {
  const starts = lineStarts(text);
  const at = (offset: number) => positionOf(starts, offset);
  const deep = findTooDeep(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    return { ok: false, issues: [{ code: 'json-too-deep', severity: 'error', message: `arrays and objects nested more than ${MAX_JSON_DEPTH} deep`, path: '$', ...at(deep) }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    const issues: Issue[] = errors.map((error) => ({
      code: 'json-syntax',
      severity: 'error',
      message: `invalid JSON: ${printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`,
      path: '$',
      ...at(error.offset),
    }));
    if (issues.length === 0) issues.push({ code: 'json-syntax', severity: 'error', message: 'invalid JSON: empty document', path: '$', line: 1, column: 1 });
    return { ok: false, issues };
  }
  const duplicates: Issue[] = [];
  const value = toValue(root, [], duplicates, at);
  const json: JsonText = {
    value,
    position(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = findNodeAtLocation(root, path.slice(0, n) as JsonPathSegment[]);
        if (node !== undefined) {
          // point at the key of an object member, where a reader looks first
          const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
          return at((keyNode ?? node).offset);
        }
      }
      return { line: 1, column: 1 };
    },
  };
  return { ok: true, value: json, issues: duplicates };
}
