/**
 * Policy variables (reference_policies_variables.html): `${aws:username}`, a default with
 * `${aws:PrincipalTag/team, 'none'}`, and the special characters `${*}`, `${?}`, `${$}`.
 * They are read only under Version 2012-10-17; under 2008-10-17 the text is literal.
 * Key names are case-insensitive; default values are case-sensitive; spaces around either are
 * ignored. A variable that cannot be resolved (no value, no default, or a multivalued key) has no
 * value: a `Resource` or `NotResource` entry holding it matches no resource (the other entries still
 * count), and a condition value holding it matches nothing (#policy-vars-no-value).
 */
import { pushLiteral, tokenizeGlob, type GlobToken } from './glob.ts';

export interface VariableRef {
  /** lower-cased context key; empty for the special characters */
  readonly key: string;
  /** the key as written, for messages */
  readonly name: string;
  readonly fallback?: string;
}

/** literal text and variable references, in order */
export type Template = readonly (string | VariableRef)[];

/** the request context by lower-cased key (a Map is one) */
export interface ContextLookup {
  get(lowerKey: string): string | readonly string[] | undefined;
}

const SPECIAL: Record<string, string> = { '*': '*', '?': '?', $: '$' };

export type TemplateParse = { ok: true; template: Template; hasVariables: boolean } | { ok: false; message: string };

export function parseTemplate(text: string): TemplateParse {
  const parts: (string | VariableRef)[] = [];
  let hasVariables = false;
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, open);
    const close = findClose(text, open + 2);
    if (close < 0) return { ok: false, message: `unterminated policy variable in \`${text}\`` };
    const inner = text.slice(open + 2, close).trim();
    const special = SPECIAL[inner];
    if (special !== undefined) {
      // the special forms produce a literal character, never a wildcard
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ key: '', name: inner, fallback: special });
    } else {
      const match = /^([^,'\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
      if (match === null) return { ok: false, message: `malformed policy variable \`\${${inner}}\`` };
      if (literal !== '') parts.push(literal);
      literal = '';
      const name = match[1]!;
      const key = name.toLowerCase();
      parts.push(match[2] === undefined ? { key, name } : { key, name, fallback: match[2] });
      hasVariables = true;
    }
    i = close + 1;
  }
  if (literal !== '') parts.push(literal);
  return { ok: true, template: parts, hasVariables: hasVariables || parts.some((p) => typeof p !== 'string') };
}

function findClose(text: string, from: number): number {
  let inQuote = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") inQuote = !inQuote;
    else if (ch === '}' && !inQuote) return i;
  }
  return -1;
}

function resolveRef(ref: VariableRef, lookup: ContextLookup): string | undefined {
  if (ref.key === '') return ref.fallback;
  const value = lookup.get(ref.key);
  if (typeof value === 'string') return value;
  // a multivalued key cannot be a variable; fall back to the default when there is one
  return ref.fallback;
}

/** the text with every variable replaced, or undefined when one cannot be resolved */
export function resolveTemplate(template: Template, lookup: ContextLookup): string | undefined {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else {
      const value = resolveRef(part, lookup);
      if (value === undefined) return undefined;
      out += value;
    }
  }
  return out;
}

/** wildcard tokens where the policy's own `*` and `?` are wildcards and substituted text is literal */
export function resolveGlobTemplate(template: Template, lookup: ContextLookup, lowerCase: boolean): GlobToken[] | undefined {
  const tokens: GlobToken[] = [];
  for (const part of template) {
    if (typeof part === 'string') tokenizeGlob(lowerCase ? part.toLowerCase() : part, tokens);
    else {
      const value = resolveRef(part, lookup);
      if (value === undefined) return undefined;
      pushLiteral(tokens, lowerCase ? value.toLowerCase() : value);
    }
  }
  return tokens;
}
