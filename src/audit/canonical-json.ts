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

/** a string with no escape, control character or surrogate in it, matched where `lastIndex` says */
// eslint-disable-next-line no-control-regex -- the control characters are what the class excludes
const PLAIN_STRING = /"[^"\\\u0000-\u001f\ud800-\udfff]*"/y;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** what the last `scanString` found: whether the string has escapes, or why it is not canonical (module state: one object less per string) */
let stringEscaped = false;
/** whether the text being scanned has no backslash, control character or surrogate anywhere: then no string in it has one */
let plainText = false;
// eslint-disable-next-line no-control-regex -- the control characters are what the class finds
const SPECIAL = /[\\\u0000-\u001f\ud800-\udfff]/;
let stringError: { readonly ok: false; readonly at: number; readonly message: string } | undefined;

/**
 * The canonical string starting at `start` (its opening quote): where it ends, just past the
 * closing quote, with `stringEscaped` set; or -1, with `stringError` set
 */
function scanString(text: string, start: number): number {
  if (plainText) {
    // nothing to escape and no surrogate anywhere in the text: the string ends at the next quote
    const close = text.indexOf('"', start + 1);
    if (close !== -1) {
      stringEscaped = false;
      return close + 1;
    }
  }
  // most strings have nothing to escape and no surrogates: one native regular expression match
  PLAIN_STRING.lastIndex = start;
  if (PLAIN_STRING.test(text)) {
    stringEscaped = false;
    return PLAIN_STRING.lastIndex;
  }
  let escaped = false;
  let i = start + 1;
  const fail = (at: number, message: string): number => {
    stringError = { ok: false, at, message };
    return -1;
  };
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return fail(start, 'a string does not end');
    if (c === QUOTE) {
      stringEscaped = escaped;
      return i + 1;
    }
    if (c < 0x20) return fail(i, `control character U+${c.toString(16).padStart(4, '0')} not escaped`);
    if (c === BACKSLASH) {
      escaped = true;
      const e = text[i + 1] ?? '';
      if (SHORT_ESCAPES.has(e)) {
        i += 2;
        continue;
      }
      const hex = text.slice(i + 2, i + 6);
      if (e !== 'u' || !LOWER_HEX4.test(hex)) return fail(i, `escape \`${text.slice(i, i + 6)}\` is not canonical`);
      const code = Number.parseInt(hex, 16);
      // \u00xx only for the control characters without a short form; a surrogate is never
      // escaped: a pair is written as itself, and a lone one is not I-JSON (RFC 8785 §3.2.2.2)
      if (!(code < 0x20 && !HAS_SHORT_ESCAPE.has(code))) return fail(i, `escape \`${text.slice(i, i + 6)}\` is not canonical`);
      i += 6;
      continue;
    }
    if (isHigh(c)) {
      if (!isLow(text.charCodeAt(i + 1))) return fail(i, 'a lone surrogate (not I-JSON)');
      i += 2;
      continue;
    }
    if (isLow(c)) return fail(i, 'a lone surrogate (not I-JSON)');
    i += 1;
  }
}

/** the name of the member whose string is text[start, end): decoded only when it has escapes */
function nameOf(text: string, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(text.slice(start, end)) as string) : text.slice(start + 1, end - 1);
}

/** the sign of the comparison of two unescaped member names, text[aStart, aEnd) and text[bStart, bEnd), by UTF-16 code units as `<` compares */
function compareNames(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k += 1) {
    const d = text.charCodeAt(aStart + k) - text.charCodeAt(bStart + k);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

const isNumberChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45 || c === 0x65;

/**
 * whether the number text[start, end) is written as ECMAScript writes its value back: an integer
 * of up to 15 digits (exact in a double) without a leading zero is, and so is `0`; anything else
 * is compared with Number-to-String
 */
function isCanonicalNumber(text: string, start: number, end: number): boolean {
  let i = text.charCodeAt(start) === 0x2d ? start + 1 : start;
  const first = text.charCodeAt(i);
  if (end - i <= 15 && first >= 0x31 && first <= 0x39) {
    for (i += 1; i < end; i += 1) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
    }
    if (i === end) return true;
  } else if (end - start === 1 && first === 0x30) {
    return true;
  }
  const token = text.slice(start, end);
  const value = Number(token);
  return Number.isFinite(value) && String(value) === token;
}

const VALUE = 0;
const NAME = 1;
const AFTER = 2;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

// per open container: whether it is an object; for an object, where its last member name so far
// lies (the name's string, quotes included; -1 before the first) and whether it has escapes. One
// set for every scan (a scan runs to its end without yielding): no arrays to allocate per value.
const IN_OBJECT = new Uint8Array(MAX_DEPTH);
const NAME_START = new Int32Array(MAX_DEPTH);
const NAME_END = new Int32Array(MAX_DEPTH);
const NAME_ESCAPED = new Uint8Array(MAX_DEPTH);

/**
 * Scans the JSON value that starts at `start` and says where it ends, or the first place where
 * the text is not valid JSON in canonical form. Text after the value is not looked at.
 */
export function scanCanonicalJson(text: string, start: number): CanonicalScan {
  const inObject = IN_OBJECT;
  const nameStart = NAME_START;
  const nameEnd = NAME_END;
  const nameEscaped = NAME_ESCAPED;
  let depth = 0;
  let i = start;
  let expecting = VALUE;
  plainText = !SPECIAL.test(text);
  for (;;) {
    if (expecting === VALUE) {
      const c = text.charCodeAt(i);
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth >= MAX_DEPTH) return { ok: false, at: i, message: `nested deeper than ${MAX_DEPTH}` };
        if (text.charCodeAt(i + 1) === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          i += 2;
          expecting = AFTER;
          continue;
        }
        inObject[depth] = c === OPEN_OBJECT ? 1 : 0;
        nameStart[depth] = -1;
        depth += 1;
        i += 1;
        expecting = c === OPEN_OBJECT ? NAME : VALUE;
        continue;
      }
      if (c === QUOTE) {
        const end = scanString(text, i);
        if (end === -1) return stringError!;
        i = end;
      } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
        const literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
        if (!text.startsWith(literal, i)) return { ok: false, at: i, message: 'not a json value' };
        i += literal.length;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        let end = i + 1;
        while (end < text.length && isNumberChar(text.charCodeAt(end))) end += 1;
        // JSON numbers only ([-+.0-9eE]), and exactly as ECMAScript writes them back
        if (!isCanonicalNumber(text, i, end)) return { ok: false, at: i, message: `number \`${text.slice(i, end)}\` is not canonical` };
        i = end;
      } else {
        return { ok: false, at: i, message: Number.isNaN(c) ? 'the text ends where a value is expected' : `\`${text[i] as string}\` where a value is expected` };
      }
      expecting = AFTER;
      continue;
    }
    if (expecting === NAME) {
      if (text.charCodeAt(i) !== QUOTE) return { ok: false, at: i, message: 'a member name is expected' };
      const end = scanString(text, i);
      if (end === -1) return stringError!;
      const escaped = stringEscaped;
      const d = depth - 1;
      const previousStart = nameStart[d] as number;
      if (previousStart !== -1) {
        const previousEnd = nameEnd[d] as number;
        const previousEscaped = nameEscaped[d] === 1;
        // names with escapes are compared decoded; the others where they lie, without a string each
        const order =
          previousEscaped || escaped
            ? compareStrings(nameOf(text, previousStart, previousEnd, previousEscaped), nameOf(text, i, end, escaped))
            : compareNames(text, previousStart + 1, previousEnd - 1, i + 1, end - 1);
        if (order >= 0) {
          const [previous, name] = [nameOf(text, previousStart, previousEnd, previousEscaped), nameOf(text, i, end, escaped)];
          return { ok: false, at: i, message: previous === name ? `member \`${name}\` twice` : `member \`${name}\` after \`${previous}\`: not in canonical order` };
        }
      }
      nameStart[d] = i;
      nameEnd[d] = end;
      nameEscaped[d] = escaped ? 1 : 0;
      if (text.charCodeAt(end) !== 0x3a) return { ok: false, at: end, message: '`:` expected after a member name' };
      i = end + 1;
      expecting = VALUE;
      continue;
    }
    // after a value: the end, the next element or member, or the container's close
    if (depth === 0) return { ok: true, end: i };
    const object = inObject[depth - 1] === 1;
    const c = text.charCodeAt(i);
    if (c === 0x2c) {
      i += 1;
      expecting = object ? NAME : VALUE;
    } else if (c === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
      depth -= 1;
      i += 1;
    } else {
      return { ok: false, at: i, message: Number.isNaN(c) ? 'the text ends inside an object or array' : `\`${text[i] as string}\` where \`,\` or \`${object ? '}' : ']'}\` is expected` };
    }
  }
}

/** the sign of `a` against `b` by UTF-16 code units */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a === b ? 0 : 1);
