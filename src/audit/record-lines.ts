/**
 * The per-line half of verifying an export (verify-export.ts): each line of events.jsonl checked
 * to be an audit record in its exported canonical form, and its leaf hash computed from the line's
 * own text. The lines are independent of each other, so this half runs on batches of lines, in
 * the verifier's thread or in worker threads (src/cli/audit-verify-worker.ts), and hands back
 * plain arrays that cross threads without copying; the tree, the checkpoints and the naming of
 * the first bad event stay with the verifier, which takes the batches in order.
 *
 * No schema library here: a line that is refused comes back with its text and the reason, and
 * the verifier words the message (it says whether the line is JSON and an audit record at all).
 */
import { isAscii } from 'node:buffer';
import { hash as oneShotHash } from 'node:crypto';
// the error module alone, not the policy library's index: this module runs in worker threads
import { internalError } from '../policy/parapet-error.ts';
import { scanCanonicalJson } from './canonical-json.ts';

/** the lines of one batch, checked: the good ones up to the first bad one, if any */
export interface CheckedLines {
  /** good lines (before `bad`, if any) */
  readonly count: number;
  /** the leaf hash of each good line, 32 bytes each, in order */
  readonly leaves: Uint8Array;
  /** the log position each good line's record commits to */
  readonly indexes: Float64Array;
  /** the first good line (0-based in the batch) whose stored `leafHash` is not its leaf; -1 if none */
  readonly hintMismatch: number;
  /**
   * when that line's stored hash is the leaf of the same event at another position (the event was
   * renumbered: rows inserted or deleted before it, the later ones moved), how far it moved: -2 when
   * it was two positions before, +1 when one after; 0 when not within RENUMBERED_SHIFTS
   */
  readonly hintShift: number;
  /** the second line whose stored hash is not its leaf, and how far it moved (as above); -1 and 0 if none */
  readonly nextHintMismatch: number;
  readonly nextHintShift: number;
  /** the first line that is not an audit record in canonical form (it is line `count` of the batch); no line after it was read */
  readonly bad?: BadLine;
}

export interface BadLine {
  /** the line as read (its carriage return removed) */
  readonly text: string;
  /** what is not canonical about it, for the message; undefined for an empty line */
  readonly why: string | undefined;
}

const RECORD_START = '{"event":';
const INDEX_KEY = ',"index":';
const HINT_KEY = ',"leafHash":"';
const NEWLINE = 0x0a;
const CLOSE_BRACE = 0x7d;
const isBase64Char = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;

/** whether `raw` goes on from `from` to its end as `[A-Za-z0-9+/]*={0,2}"}` (the stored hash and the line's end) */
function isHintToEnd(raw: string, from: number): boolean {
  let i = from;
  while (isBase64Char(raw.charCodeAt(i))) i += 1;
  if (raw.charCodeAt(i) === 0x3d) i += 1;
  if (raw.charCodeAt(i) === 0x3d) i += 1;
  return i === raw.length - 2 && raw.charCodeAt(i) === 0x22 && raw.charCodeAt(i + 1) === CLOSE_BRACE;
}

/** `hint`: where the stored leaf hash starts in the line (it ends 2 before the line's end), -1 without one */
type ParsedLine = { ok: true; recordEnd: number; index: number; hint: number } | { ok: false; why: string | undefined };

/**
 * One line of events.jsonl (its carriage return removed), taken as the exporter writes it:
 * `{"event":EVENT,"index":N}` in RFC 8785 form, with `,"leafHash":"…"` before the last brace. The
 * record is the line's text up to `recordEnd` and a closing brace: the leaf's bytes are the
 * line's own text (never re-serialized), so the text must be canonical, which one scan checks
 * (canonical-json.ts). The event's fields are not checked against the server's schema: the
 * signed roots authenticate its bytes, whatever version of the server wrote them.
 */
function parseRecordLine(raw: string): ParsedLine {
  if (raw.charCodeAt(0) !== 0x7b && raw.trim() === '') return { ok: false, why: undefined };
  if (!raw.startsWith(RECORD_START) || raw[RECORD_START.length] !== '{') return { ok: false, why: `a line starts with \`${RECORD_START}\` and an object` };
  const event = scanCanonicalJson(raw, RECORD_START.length);
  if (!event.ok) return { ok: false, why: `the event: ${event.message} (column ${event.at + 1})` };
  if (!raw.startsWith(INDEX_KEY, event.end)) return { ok: false, why: `\`${INDEX_KEY.slice(1)}\` expected after the event (column ${event.end + 1})` };
  const digitsAt = event.end + INDEX_KEY.length;
  // the index in canonical form: 0, or digits without a leading zero (up to 17, past the safe integers)
  let recordEnd = digitsAt;
  let index = 0;
  const first = raw.charCodeAt(digitsAt);
  if (first === 0x30) recordEnd += 1;
  else if (first >= 0x31 && first <= 0x39) {
    for (let c = first; recordEnd < digitsAt + 17 && c >= 0x30 && c <= 0x39; c = raw.charCodeAt(recordEnd)) {
      index = index * 10 + (c - 0x30);
      recordEnd += 1;
    }
  }
  if (recordEnd === digitsAt || !Number.isSafeInteger(index)) return { ok: false, why: `the index is not a whole number from 0 (column ${digitsAt + 1})` };
  if (raw.length === recordEnd + 1 && raw.charCodeAt(recordEnd) === CLOSE_BRACE) return { ok: true, recordEnd, index, hint: -1 };
  if (raw.startsWith(HINT_KEY, recordEnd) && isHintToEnd(raw, recordEnd + HINT_KEY.length)) return { ok: true, recordEnd, index, hint: recordEnd + HINT_KEY.length };
  return { ok: false, why: `\`}\` or \`${HINT_KEY.slice(1)}…"}\` expected after the index (column ${recordEnd + 1})` };
}

/**
 * SHA-256(0x00 || the record's UTF-8 bytes), as `leafHashOfRecord` (audit-record.ts), which is not
 * imported here: its module brings the policy library into every worker thread
 */
function leafOfText(record: string): Uint8Array {
  return oneShotHash('sha256', `\u0000${record}`, 'buffer');
}

/** a line of a file moved through Windows: the carriage return is the file's, not the record's */
const withoutReturn = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

const BASE64_CODES = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));

// a function of the module, not of each call: no closure per line
const code = (k: number): number => BASE64_CODES[k] as number;

/**
 * whether text[from, to) is the base64 form (with padding) of the 32 bytes at `at`: compared
 * character by character where the text lies, without encoding the bytes into a string
 */
export function isBase64Of(text: string, from: number, to: number, bytes: Uint8Array, at: number): boolean {
  if (to - from !== 44) return false;
  let j = from;
  for (let k = at; k < at + 30; k += 3) {
    const n = ((bytes[k] as number) << 16) | ((bytes[k + 1] as number) << 8) | (bytes[k + 2] as number);
    if (text.charCodeAt(j) !== code(n >>> 18) || text.charCodeAt(j + 1) !== code((n >>> 12) & 63) || text.charCodeAt(j + 2) !== code((n >>> 6) & 63) || text.charCodeAt(j + 3) !== code(n & 63)) return false;
    j += 4;
  }
  const n = ((bytes[at + 30] as number) << 16) | ((bytes[at + 31] as number) << 8);
  return text.charCodeAt(j) === code(n >>> 18) && text.charCodeAt(j + 1) === code((n >>> 12) & 63) && text.charCodeAt(j + 2) === code((n >>> 6) & 63) && text.charCodeAt(j + 3) === 0x3d;
}

/** how far a renumbered event is looked for: the stored hash compared with the leaves of the same event at up to this many positions either side */
export const RENUMBERED_SHIFTS = 16;

/**
 * How far the event of `line` moved, when its stored hash is the leaf of the same event at another
 * position: the positions before first, nearest first; 0 when none within RENUMBERED_SHIFTS. Run
 * only for a batch's first stored hash that is not its line's leaf.
 */
function renumberedBy(line: string, recordEnd: number, index: number, hint: number): number {
  const eventEnd = recordEnd - String(index).length - INDEX_KEY.length;
  const event = line.slice(RECORD_START.length, eventEnd);
  for (let distance = 1; distance <= RENUMBERED_SHIFTS; distance += 1) {
    for (const shift of [-distance, distance]) {
      const at = index + shift;
      if (at < 0) continue;
      if (isBase64Of(line, hint, line.length - 2, leafOfText(`{"event":${event},"index":${at}}`), 0)) return shift;
    }
  }
  return 0;
}

/** gathers a batch's results: each good line's leaf and index, the first stored hash that is not its leaf */
class BatchBuilder {
  private readonly leaves: Uint8Array;
  private readonly indexes: Float64Array;
  private count = 0;
  private hintMismatch = -1;
  private hintShift = 0;
  private nextHintMismatch = -1;
  private nextHintShift = 0;

  constructor(capacity: number) {
    this.leaves = new Uint8Array(capacity * 32);
    this.indexes = new Float64Array(capacity);
  }

  /** `hint`: where in `line` the stored leaf hash starts (it ends 2 before the line's end), -1 without one; `recordEnd`: where the record's index ends */
  add(leaf: Uint8Array, index: number, line: string, hint: number, recordEnd: number): void {
    const at = this.count * 32;
    this.leaves.set(leaf, at);
    this.indexes[this.count] = index;
    if (this.nextHintMismatch < 0 && hint !== -1 && !isBase64Of(line, hint, line.length - 2, this.leaves, at)) {
      if (this.hintMismatch < 0) {
        this.hintMismatch = this.count;
        this.hintShift = renumberedBy(line, recordEnd, index, hint);
      } else {
        this.nextHintMismatch = this.count;
        this.nextHintShift = renumberedBy(line, recordEnd, index, hint);
      }
    }
    this.count += 1;
  }

  done(bad?: BadLine): CheckedLines {
    // the arrays keep their capacity: a batch is short-lived, and a copy would cost more than the slack
    const result = { count: this.count, leaves: this.leaves.subarray(0, this.count * 32), indexes: this.indexes.subarray(0, this.count), hintMismatch: this.hintMismatch, hintShift: this.hintShift, nextHintMismatch: this.nextHintMismatch, nextHintShift: this.nextHintShift };
    return bad === undefined ? result : { ...result, bad };
  }
}

/** lines given as text: the record's bytes are the UTF-8 form of its text */
export function checkLineTexts(lines: readonly string[]): CheckedLines {
  const batch = new BatchBuilder(lines.length);
  for (const line of lines) {
    const raw = withoutReturn(line);
    const parsed = parseRecordLine(raw);
    if (!parsed.ok) return batch.done({ text: raw, why: parsed.why });
    batch.add(leafOfText(`${raw.slice(0, parsed.recordEnd)}}`), parsed.index, raw, parsed.hint, parsed.recordEnd);
  }
  return batch.done();
}

/**
 * The lines in `bytes[start, end)`, as read from events.jsonl: each ends with a newline but
 * perhaps the last (the file's last line), and a newline at `end - 1` ends the last line. The
 * byte before `start` must be there and is overwritten (so are the bytes of the lines): it
 * becomes the leaf's 0x00 prefix, so that in a batch of ASCII text (nearly all are) a line is
 * hashed where it lies, in one call, without a buffer of its own. A batch with other bytes is
 * decoded as UTF-8 (an invalid byte becomes U+FFFD, as a text decoder of the whole file would make
 * it) and its lines hashed from their text.
 */
export function checkLineBytes(bytes: Uint8Array, start: number, end: number): CheckedLines {
  if (start < 1 || end > bytes.length || end < start) throw internalError(`bad line range ${start}..${end} of ${bytes.length} bytes`);
  const region = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  if (!isAscii(region)) return checkTextLines(region.toString('utf8'));
  // ASCII (nearly every batch): a character is a byte. Each line becomes a string of its own
  // (scanning a slice of one string of the whole batch costs more than the copy).
  let lineCount = 0;
  for (let at = region.indexOf(NEWLINE); at !== -1; at = region.indexOf(NEWLINE, at + 1)) lineCount += 1;
  if (region[region.length - 1] !== NEWLINE) lineCount += 1;
  const batch = new BatchBuilder(lineCount);
  let from = 0;
  while (from < region.length) {
    const newline = region.indexOf(NEWLINE, from);
    const to = newline === -1 ? region.length : newline;
    const raw = withoutReturn(region.toString('latin1', from, to));
    const parsed = parseRecordLine(raw);
    if (!parsed.ok) return batch.done({ text: raw, why: parsed.why });
    // the record is bytes [lineStart, lineStart + recordEnd) and a closing brace, after a 0x00
    const lineStart = bytes.byteOffset + start + from;
    const view = new Uint8Array(bytes.buffer, lineStart - 1, parsed.recordEnd + 2);
    view[0] = 0x00;
    view[parsed.recordEnd + 1] = CLOSE_BRACE;
    batch.add(oneShotHash('sha256', view, 'buffer'), parsed.index, raw, parsed.hint, parsed.recordEnd);
    from = to + 1;
  }
  return batch.done();
}

/** the lines of text decoded from a batch's bytes (not ASCII), hashed from their text */
function checkTextLines(text: string): CheckedLines {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return checkLineTexts(lines);
}

/** where the last complete line of `bytes[start, end)` ends (just past its newline), or -1 */
export function endOfLastLine(bytes: Uint8Array, start: number, end: number): number {
  const at = bytes.subarray(start, end).lastIndexOf(NEWLINE);
  return at === -1 ? -1 : start + at + 1;
}
