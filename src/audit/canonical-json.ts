/**
 * Checks that JSON text is already in RFC 8785 (JSON Canonicalization Scheme) form, in one pass
 * over the characters and without building the value: the verifier hashes the exported text as
 * it is, so it must know the text is the one canonical serialization of its value (an export
 * re-serialized with other whitespace, key order, escapes or number forms would hash to other
 * bytes than the server's, and it names that line instead of calling the log altered).
 *
 * RFC 8785 §3.2 (https://www.rfc-editor.org/rfc/rfc8785#section-3.2): no whitespace between
 * tokens; object members sorted by their names' UTF-16 code units, names unique; strings as
 * ECMAScript's JSON.stringify writes them (only `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and
 * `\u00xx` in lower-case hex for the other control characters; every other character as itself,
 * and no lone surrogate, which I-JSON (RFC 7493), the scheme's input, does not allow); numbers as ECMAScript's Number-to-String (no `-0`, no leading zeros or `+`,
 * exponents as `1e+21`); `true`, `false`, `null`.
 */

export type CanonicalScan = { readonly ok: true; readonly end: number } | { readonly ok: false; readonly at: number; readonly message: string };

/** containers deeper than this are refused: the scan keeps a stack of them, and hostile input is unbounded */
const MAX_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SHORT_ESCAPES = new Set(['"', '\\', 'b', 'f', 'n', 'r', 't']);
/** the control characters JSON.stringify writes with a short escape, never as \u00xx */
const HAS_SHORT_ESCAPE = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
const LOWER_HEX4 = /^[0-9a-f]{4}$/u;
const NUMBER_CHAR = /[-+.0-9eE]/u;
/** a string with no escape, control character or surrogate in it, matched where `lastIndex` says */
// eslint-disable-next-line no-control-regex -- the control characters are what the class excludes
const PLAIN_STRING = /"[^"\\\u0000-\u001f\ud800-\udfff]*"/y;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

type StringScan = { readonly ok: true; readonly end: number; readonly escaped: boolean } | { readonly ok: false; readonly at: number; readonly message: string };

/** the canonical string starting at `start` (its opening quote): where it ends, just past the closing quote */
function scanString(text: string, start: number): StringScan {
  // most strings have nothing to escape and no surrogates: one native regular expression match
  PLAIN_STRING.lastIndex = start;
  if (PLAIN_STRING.test(text)) return { ok: true, end: PLAIN_STRING.lastIndex, escaped: false };
  let escaped = false;
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return { ok: false, at: start, message: 'a string does not end' };
    if (c === QUOTE) return { ok: true, end: i + 1, escaped };
    if (c < 0x20) return { ok: false, at: i, message: `control character U+${c.toString(16).padStart(4, '0')} not escaped` };
    if (c === BACKSLASH) {
      escaped = true;
      const e = text[i + 1] ?? '';
      if (SHORT_ESCAPES.has(e)) {
        i += 2;
        continue;
      }
      const hex = text.slice(i + 2, i + 6);
      if (e !== 'u' || !LOWER_HEX4.test(hex)) return { ok: false, at: i, message: `escape \`${text.slice(i, i + 6)}\` is not canonical` };
      const code = Number.parseInt(hex, 16);
      // \u00xx only for the control characters without a short form; a surrogate is never
      // escaped: a pair is written as itself, and a lone one is not I-JSON (RFC 8785 §3.2.2.2)
      if (!(code < 0x20 && !HAS_SHORT_ESCAPE.has(code))) return { ok: false, at: i, message: `escape \`${text.slice(i, i + 6)}\` is not canonical` };
      i += 6;
      continue;
    }
    if (isHigh(c)) {
      if (!isLow(text.charCodeAt(i + 1))) return { ok: false, at: i, message: 'a lone surrogate (not I-JSON)' };
      i += 2;
      continue;
    }
    if (isLow(c)) return { ok: false, at: i, message: 'a lone surrogate (not I-JSON)' };
    i += 1;
  }
}

/** the name of the member whose string is text[start, end): decoded only when it has escapes */
function nameOf(text: string, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(text.slice(start, end)) as string) : text.slice(start + 1, end - 1);
}

/**
 * Scans the JSON value that starts at `start` and says where it ends, or the first place where
 * the text is not valid JSON in canonical form. Text after the value is not looked at.
 */
export function scanCanonicalJson(text: string, start: number): CanonicalScan {
  /** per open container: undefined for an array, the last member name so far for an object ('' before the first) */
  const containers: (string | undefined)[] = [];
  const firstMember: boolean[] = [];
  let i = start;
  let expecting: 'value' | 'name' | 'after' = 'value';
  for (;;) {
    if (expecting === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        if (containers.length >= MAX_DEPTH) return { ok: false, at: i, message: `nested deeper than ${MAX_DEPTH}` };
        const close = c === '{' ? '}' : ']';
        if (text[i + 1] === close) {
          i += 2;
          expecting = 'after';
          continue;
        }
        containers.push(c === '{' ? '' : undefined);
        firstMember.push(true);
        i += 1;
        expecting = c === '{' ? 'name' : 'value';
        continue;
      }
      if (c === '"') {
        const scanned = scanString(text, i);
        if (!scanned.ok) return scanned;
        i = scanned.end;
      } else if (c === 't' || c === 'f' || c === 'n') {
        const literal = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (!text.startsWith(literal, i)) return { ok: false, at: i, message: 'not a json value' };
        i += literal.length;
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        let end = i + 1;
        while (end < text.length && NUMBER_CHAR.test(text[end] as string)) end += 1;
        const token = text.slice(i, end);
        const value = Number(token);
        // JSON numbers only ([-+.0-9eE]), and exactly as ECMAScript writes them back
        if (!Number.isFinite(value) || String(value) !== token) return { ok: false, at: i, message: `number \`${token}\` is not canonical` };
        i = end;
      } else {
        return { ok: false, at: i, message: c === undefined ? 'the text ends where a value is expected' : `\`${c}\` where a value is expected` };
      }
      expecting = 'after';
      continue;
    }
    if (expecting === 'name') {
      if (text[i] !== '"') return { ok: false, at: i, message: 'a member name is expected' };
      const scanned = scanString(text, i);
      if (!scanned.ok) return scanned;
      const name = nameOf(text, i, scanned.end, scanned.escaped);
      const depth = containers.length - 1;
      const previous = containers[depth] as string;
      if (!(firstMember[depth] as boolean) && !(previous < name)) {
        return { ok: false, at: i, message: previous === name ? `member \`${name}\` twice` : `member \`${name}\` after \`${previous}\`: not in canonical order` };
      }
      containers[depth] = name;
      firstMember[depth] = false;
      if (text[scanned.end] !== ':') return { ok: false, at: scanned.end, message: '`:` expected after a member name' };
      i = scanned.end + 1;
      expecting = 'value';
      continue;
    }
    // after a value: the end, the next element or member, or the container's close
    if (containers.length === 0) return { ok: true, end: i };
    const inObject = containers[containers.length - 1] !== undefined;
    const c = text[i];
    if (c === ',') {
      i += 1;
      expecting = inObject ? 'name' : 'value';
    } else if (c === (inObject ? '}' : ']')) {
      containers.pop();
      firstMember.pop();
      i += 1;
    } else {
      return { ok: false, at: i, message: c === undefined ? 'the text ends inside an object or array' : `\`${c}\` where \`,\` or \`${inObject ? '}' : ']'}\` is expected` };
    }
  }
}
