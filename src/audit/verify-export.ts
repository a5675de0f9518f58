/**
 * Offline verification of an audit export (#10): events.jsonl, checkpoints.txt (signed notes one
 * after another) and public-key.txt (the verifier key). Nothing the server says is trusted: every
 * leaf is recomputed from the canonical event, the tree head at each checkpoint's size is
 * recomputed from those leaves, and each checkpoint's Ed25519 signature is checked against the
 * key. A checkpoint whose root the events reproduce authenticates every event it covers (SHA-256
 * collision resistance); so a later checkpoint that the events reproduce is also consistent with
 * every earlier one that they reproduce.
 *
 * When something is wrong the verifier names the first bad event. The signed roots say which
 * range of events is wrong; within it, the indexes the leaves commit to and the leaf hashes the
 * server stored (hints, used only to point, never to accept) say which event and how.
 */
import { AuditRecordLine } from '../contract/audit.ts';
import { leafHashOfRecord } from './audit-record.ts';
import { scanCanonicalJson } from './canonical-json.ts';
import { parseCheckpointNote, parseVerifierKey, splitNotes, verifyNoteSignature, type SignedCheckpoint } from './checkpoint.ts';
import { CompactRange, equalHashes } from './merkle.ts';

export type AuditProblemKind =
  | 'bad-key'
  | 'bad-checkpoint'
  | 'bad-signature'
  | 'forked'
  | 'malformed'
  | 'altered'
  | 'missing'
  | 'reordered'
  | 'inserted'
  | 'truncated';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  readonly message: string;
  /** the line of events.jsonl (1-based) and the log position (0-based) of the first bad event */
  readonly line?: number;
  readonly index?: number;
  /** the checkpoint (1-based, in checkpoints.txt order) that shows it */
  readonly checkpoint?: number;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly events: number;
  readonly checkpoints: number;
  /** the size of the last checkpoint the events reproduce */
  readonly verifiedSize: number;
  /** events after the last checkpoint: well formed, but no signature covers them yet */
  readonly unverifiedTail: number;
  readonly problem?: AuditProblem;
}

export interface ExportInput {
  readonly publicKey: string;
  readonly checkpoints: string;
  /** the lines of events.jsonl, one by one or in arrays of lines (fewer awaits on a large file) */
  readonly events: Iterable<string | readonly string[]> | AsyncIterable<string | readonly string[]>;
}

export interface VerifyOptions {
  /** called every `progressEvery` events with the number read so far */
  readonly onProgress?: (events: number) => void;
  readonly progressEvery?: number;
}

interface CheckedCheckpoint {
  readonly position: number;
  readonly note: SignedCheckpoint;
  matched?: boolean;
}

export async function verifyAuditExport(input: ExportInput, options: VerifyOptions = {}): Promise<AuditVerification> {
  const key = parseVerifierKey(input.publicKey);
  if (!key.ok) return failed({ kind: 'bad-key', message: `public key: ${key.message}` });

  const checkpoints: CheckedCheckpoint[] = [];
  const notes = splitNotes(input.checkpoints);
  for (const [i, text] of notes.entries()) {
    const position = i + 1;
    const parsed = parseCheckpointNote(text.text);
    if (!parsed.ok) {
      return failed({ kind: 'bad-checkpoint', checkpoint: position, message: `checkpoint ${position} (line ${text.line}): ${parsed.message}` });
    }
    if (!verifyNoteSignature(parsed.value, key.value)) {
      return failed({
        kind: 'bad-signature',
        checkpoint: position,
        message: `checkpoint ${position} (line ${text.line}): no valid signature of \`${key.value.name}\``,
      });
    }
    const previous = checkpoints[checkpoints.length - 1];
    if (previous !== undefined) {
      const [before, after] = [previous.note.checkpoint, parsed.value.checkpoint];
      if (after.origin !== before.origin) {
        return failed({ kind: 'bad-checkpoint', checkpoint: position, message: `checkpoint ${position} is of another log \`${after.origin}\`` });
      }
      if (after.size < before.size) {
        return failed({
          kind: 'bad-checkpoint',
          checkpoint: position,
          message: `checkpoint ${position} signs ${after.size} events, fewer than checkpoint ${position - 1} (${before.size})`,
        });
      }
    }
    // two signed heads of one size and different roots: the log showed two histories
    const twin = checkpoints.find((c) => c.note.checkpoint.size === parsed.value.checkpoint.size);
    if (twin !== undefined && !equalHashes(twin.note.checkpoint.root, parsed.value.checkpoint.root)) {
      return failed({
        kind: 'forked',
        checkpoint: position,
        index: parsed.value.checkpoint.size - 1,
        line: parsed.value.checkpoint.size,
        message: `checkpoints ${twin.position} and ${position} sign different roots for the same ${parsed.value.checkpoint.size} events: the log is forked`,
      });
    }
    checkpoints.push({ position, note: parsed.value });
  }

  // one pass over the events: leaves into the tree, the tree head compared at every checkpoint size
  const range = new CompactRange();
  const indexes: number[] = [];
  let firstHintMismatch: number | undefined;
  let malformed: AuditProblem | undefined;
  let next = 0;
  const every = options.progressEvery ?? 10_000;
  const checkLine = (raw: string): boolean => {
    const lineNumber = indexes.length + 1;
    const record = readRecordLine(raw);
    if (!record.ok) {
      malformed = { kind: 'malformed', line: lineNumber, index: indexes.length, message: `line ${lineNumber}: ${record.message}` };
      return false;
    }
    const leaf = leafHashOfRecord(record.record);
    if (firstHintMismatch === undefined && record.leafHash !== undefined && Buffer.from(leaf.buffer, leaf.byteOffset, leaf.length).toString('base64') !== record.leafHash) {
      firstHintMismatch = indexes.length;
    }
    indexes.push(record.index);
    range.append(leaf);
    while (next < checkpoints.length && (checkpoints[next] as CheckedCheckpoint).note.checkpoint.size <= range.size) {
      const checkpoint = checkpoints[next] as CheckedCheckpoint;
      if (checkpoint.note.checkpoint.size === range.size) checkpoint.matched = equalHashes(range.root(), checkpoint.note.checkpoint.root);
      next += 1;
    }
    if (options.onProgress !== undefined && indexes.length % every === 0) options.onProgress(indexes.length);
    return true;
  };
  read: for await (const item of input.events) {
    if (typeof item === 'string') {
      if (!checkLine(item)) break;
      continue;
    }
    for (const raw of item) if (!checkLine(raw)) break read;
  }
  // the empty tree's checkpoints
  for (const checkpoint of checkpoints) {
    if (checkpoint.note.checkpoint.size === 0) checkpoint.matched = equalHashes(new CompactRange().root(), checkpoint.note.checkpoint.root);
  }
  options.onProgress?.(indexes.length);

  const events = indexes.length;
  let verifiedSize = 0;
  for (const checkpoint of checkpoints) if (checkpoint.matched === true) verifiedSize = checkpoint.note.checkpoint.size;
  const lastSize = checkpoints[checkpoints.length - 1]?.note.checkpoint.size ?? 0;
  const summary = {
    events,
    checkpoints: checkpoints.length,
    verifiedSize,
    unverifiedTail: Math.max(0, events - lastSize),
  };
  if (malformed !== undefined && (malformed.index ?? 0) < lastSize) return { ok: false, ...summary, problem: malformed };

  const firstBad = checkpoints.find((c) => c.matched !== true);
  if (firstBad === undefined) {
    return malformed === undefined ? { ok: true, ...summary } : { ok: false, ...summary, problem: malformed };
  }
  const badSize = firstBad.note.checkpoint.size;
  const laterGood = checkpoints.find((c) => c.position > firstBad.position && c.matched === true);
  if (laterGood !== undefined) {
    // a later signed head the events reproduce authenticates them: this checkpoint is the odd one out
    return {
      ok: false,
      ...summary,
      problem: {
        kind: 'forked',
        checkpoint: firstBad.position,
        index: badSize - 1,
        line: badSize,
        message: `checkpoint ${firstBad.position} (size ${badSize}) is not consistent with checkpoint ${laterGood.position} (size ${laterGood.note.checkpoint.size}): the log is forked`,
      },
    };
  }
  const goodBefore = checkpoints.filter((c) => c.position < firstBad.position && c.matched === true);
  const from = goodBefore[goodBefore.length - 1]?.note.checkpoint.size ?? 0;
  const problem = locate(indexes, from, Math.min(badSize, events), firstHintMismatch, firstBad.position);
  if (problem !== undefined) return { ok: false, ...summary, problem };
  if (badSize > events) {
    return {
      ok: false,
      ...summary,
      problem: {
        kind: 'truncated',
        checkpoint: firstBad.position,
        index: events,
        line: events + 1,
        message: `the export ends after ${events} events but checkpoint ${firstBad.position} signs ${badSize}: events ${events}..${badSize - 1} are missing`,
      },
    };
  }
  return {
    ok: false,
    ...summary,
    problem: {
      kind: 'altered',
      checkpoint: firstBad.position,
      index: from,
      line: from + 1,
      message: `events ${from}..${badSize - 1} (lines ${from + 1}..${badSize}) do not reproduce the root of checkpoint ${firstBad.position}: one of them was altered`,
    },
  };
}

/** the first event in [from, to) whose position, index or stored hash says what went wrong */
function locate(
  indexes: readonly number[],
  from: number,
  to: number,
  firstHintMismatch: number | undefined,
  checkpoint: number,
): AuditProblem | undefined {
  const lineOf = (index: number, after: number): number | undefined => {
    for (let p = after; p < indexes.length; p += 1) if (indexes[p] === index) return p + 1;
    return undefined;
  };
  for (let p = from; p < to; p += 1) {
    const index = indexes[p] as number;
    const at = { checkpoint, index: p, line: p + 1 };
    if (index === p) {
      if (p === firstHintMismatch) {
        // the event here is not the one stored; if the stored one follows, this one was slipped in
        if (indexes[p + 1] === p) {
          return { kind: 'inserted', ...at, message: `line ${p + 1}: an event not in the log was inserted before event ${p}` };
        }
        return { kind: 'altered', ...at, message: `line ${p + 1}: event ${p} was altered: its hash is not the one logged` };
      }
      continue;
    }
    if (index > p) {
      const moved = lineOf(p, p + 1);
      if (moved !== undefined) {
        return { kind: 'reordered', ...at, message: `line ${p + 1}: event ${p} is expected but event ${index} is here; event ${p} is on line ${moved}` };
      }
      const gap = index - 1 === p ? `event ${p} is` : `events ${p}..${index - 1} are`;
      return { kind: 'missing', ...at, message: `line ${p + 1}: ${gap} missing (the next line holds event ${index})` };
    }
    if (indexes.slice(0, p).includes(index)) {
      return { kind: 'inserted', ...at, message: `line ${p + 1}: a second event ${index} was inserted (event ${p} is expected)` };
    }
    return { kind: 'reordered', ...at, message: `line ${p + 1}: event ${p} is expected but event ${index} is here` };
  }
  return undefined;
}

const RECORD_START = '{"event":';
const INDEX_KEY = ',"index":';
const HINT_KEY = ',"leafHash":"';
const CANONICAL_INDEX = /^(?:0|[1-9][0-9]*)/u;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}"\}$/u;

type RecordLine = { ok: true; record: string; index: number; leafHash: string | undefined } | { ok: false; message: string };

/**
 * One line of events.jsonl, taken as the exporter writes it: `{"event":EVENT,"index":N}` in RFC
 * 8785 form, with `,"leafHash":"…"` before the last brace. The leaf's bytes are the line's own text
 * up to the hint (never re-serialized), so the text must be canonical, which one scan checks
 * (canonical-json.ts); a line that is not is named, with what is wrong with it. The event's
 * fields are not checked against the server's schema: the signed roots authenticate its bytes,
 * whatever version of the server wrote them.
 */
function readRecordLine(line: string): RecordLine {
  // a line of a file moved through Windows: the carriage return is the file's, not the record's
  const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (raw.trim() === '') return { ok: false, message: 'empty line' };
  if (!raw.startsWith(RECORD_START) || raw[RECORD_START.length] !== '{') return notCanonical(raw, `a line starts with \`${RECORD_START}\` and an object`);
  const event = scanCanonicalJson(raw, RECORD_START.length);
  if (!event.ok) return notCanonical(raw, `the event: ${event.message} (column ${event.at + 1})`);
  if (!raw.startsWith(INDEX_KEY, event.end)) return notCanonical(raw, `\`${INDEX_KEY.slice(1)}\` expected after the event (column ${event.end + 1})`);
  const digitsAt = event.end + INDEX_KEY.length;
  const digits = CANONICAL_INDEX.exec(raw.slice(digitsAt, digitsAt + 17))?.[0] ?? '';
  const index = Number(digits);
  if (digits === '' || !Number.isSafeInteger(index)) return notCanonical(raw, `the index is not a whole number from 0 (column ${digitsAt + 1})`);
  const recordEnd = digitsAt + digits.length;
  const rest = raw.slice(recordEnd);
  const record = `${raw.slice(0, recordEnd)}}`;
  if (rest === '}') return { ok: true, record, index, leafHash: undefined };
  if (rest.startsWith(HINT_KEY) && BASE64.test(rest.slice(HINT_KEY.length))) return { ok: true, record, index, leafHash: rest.slice(HINT_KEY.length, -2) };
  return notCanonical(raw, `\`}\` or \`${HINT_KEY.slice(1)}…"}\` expected after the index (column ${recordEnd + 1})`);
}

/** why a line is refused: not JSON, not an audit record, or an audit record not in canonical form */
function notCanonical(raw: string, why: string): RecordLine {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'not json' };
  }
  const parsed = AuditRecordLine.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `not an audit record: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` };
  }
  return { ok: false, message: `not in the exported canonical form (RFC 8785): ${why}` };
}

function failed(problem: AuditProblem): AuditVerification {
  return { ok: false, events: 0, checkpoints: 0, verifiedSize: 0, unverifiedTail: 0, problem };
}
