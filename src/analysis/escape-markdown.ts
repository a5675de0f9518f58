/**
 * Names and values from a configuration repository written into Markdown (a plan posted as a
 * pull-request comment): whoever writes the repository must not be able to break a table, open a
 * link, inject HTML or hide text in the comment. Every value goes through one of these; our own
 * words do not.
 *
 * - `markdownCode`: a name as inline code. A plain name stays `` `name` ``; one with a backtick,
 *   `|` (a table's cell separator, even inside a code span) or surrounding spaces becomes
 *   `<code>…</code>` with every ASCII punctuation character written as an entity, which a table
 *   cannot split and which no Markdown or HTML syntax survives.
 * - `htmlCode`: the same, always as `<code>…</code>`, for HTML blocks (a `<summary>` line) where a
 *   backtick span is not Markdown.
 * - `markdownText`: running text: Markdown's punctuation backslash-escaped.
 *
 * All three show control, format (zero-width, bidirectional) and line-separator characters as
 * `\u{…}` escapes: a newline would end a table row, a bidirectional override would reorder what
 * the reviewer reads.
 */
import { showHiddenCharacters } from '../org/index.ts';

export { showHiddenCharacters };

/** ASCII characters written as they are inside `<code>`; every other ASCII character becomes an entity */
const SAFE_IN_HTML = /[A-Za-z0-9 .:/=,+-]/;

function entities(text: string): string {
  let out = '';
  for (const c of text) {
    const point = c.codePointAt(0)!;
    out += point < 128 && !SAFE_IN_HTML.test(c) ? `&#${point};` : c;
  }
  return out;
}

export function htmlCode(text: string): string {
  return `<code>${entities(showHiddenCharacters(text))}</code>`;
}

export function markdownCode(text: string): string {
  const shown = showHiddenCharacters(text);
  if (shown !== '' && !/[`|]/.test(shown) && shown.trim() === shown) return `\`${shown}\``;
  return htmlCode(text);
}

/** the characters that start Markdown or HTML syntax inside a line (a line of ours never starts with a value) */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]<>|&~#!@{}()]/g;

export function markdownText(text: string): string {
  return showHiddenCharacters(text).replace(MARKDOWN_PUNCTUATION, '\\$&');
}
