/**
 * Canonical JSON: the JSON Canonicalization Scheme (JCS, RFC 8785), so that one JSON value has one
 * text whatever the white space, the order of object members or the spelling of numbers and
 * strings it was written with. That text is what a digest is taken of (policy-digest.ts).
 *
 * - no white space between tokens (RFC 8785 §3.2.1);
 * - literals as `null`, `true`, `false`; numbers as ECMAScript's Number.prototype.toString writes
 *   them, which JSON.stringify does (§3.2.2.3); -0 is `0`; NaN and infinities are not JSON and are
 *   rejected;
 * - strings as ECMAScript's JSON.stringify writes them (§3.2.2.2): `"` and `\` escaped, the
 *   control characters below U+0020 as `\b \t \n \f \r` or `\u00xx` in lower-case hex, everything
 *   else as itself;
 * - object members sorted by their names compared as arrays of UTF-16 code units (§3.2.3), which
 *   is how JavaScript compares strings.
 */
import { internalError } from './parapet-error.ts';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw internalError(`not a json number: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as { readonly [key: string]: JsonValue };
  const members = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key]!)}`);
  return `{${members.join(',')}}`;
}
