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
import { checkLineTexts, type BadLine, type CheckedLines } from './record-lines.ts';
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
  /** with checkpoints held (`held`): how many there were; each one the export reproduces, or the problem says which not */
  readonly heldCheckpoints?: number;
  readonly problem?: AuditProblem;
}

export type ExportInput = {
  readonly publicKey: string;
  readonly checkpoints: string;
  /**
   * checkpoints the auditor kept from before (`parapet audit checkpoint --out`), each a signed note
   * with a name for messages: the export must reproduce each of them too. The export's own
   * checkpoints are the server's; these are what a rewritten or rolled-back log cannot match.
   */
  readonly held?: readonly { readonly name: string; readonly note: string }[];
} & (
  | {
      /** the lines of events.jsonl, one by one or in arrays of lines (fewer awaits on a large file) */
      readonly events: Iterable<string | readonly string[]> | AsyncIterable<string | readonly string[]>;
    }
  | {
      /**
       * the lines of events.jsonl already checked and hashed, batch after batch in file order
       * (record-lines.ts: the CLI checks them in worker threads)
       */
      readonly checked: AsyncIterable<CheckedLines>;
    }
);

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

  // the checkpoints held from before: signed by the same key, of the same log
  const held: { readonly name: string; readonly size: number; readonly root: Uint8Array; matched?: boolean }[] = [];
  for (const { name, note } of input.held ?? []) {
    const parsed = parseCheckpointNote(note);
    if (!parsed.ok) return failed({ kind: 'bad-checkpoint', message: `the checkpoint held in \`${name}\`: ${parsed.message}` });
    if (!verifyNoteSignature(parsed.value, key.value)) return failed({ kind: 'bad-signature', message: `the checkpoint held in \`${name}\`: no valid signature of \`${key.value.name}\`` });
    const origin = checkpoints[0]?.note.checkpoint.origin;
    if (origin !== undefined && parsed.value.checkpoint.origin !== origin) {
      return failed({ kind: 'bad-checkpoint', message: `the checkpoint held in \`${name}\` is of another log \`${parsed.value.checkpoint.origin}\`, not \`${origin}\`` });
    }
    held.push({ name, size: parsed.value.checkpoint.size, root: parsed.value.checkpoint.root });
  }
  held.sort((a, b) => a.size - b.size);
  const exportHead = (c: CheckedCheckpoint): SignedCheckpoint['checkpoint'] => c.note.checkpoint;
  const heldHead = (kept: (typeof held)[number]): { readonly size: number; readonly root: Uint8Array } => kept;

  // one pass over the events: leaves into the tree, the tree head compared at every checkpoint size
  const range = new CompactRange();
  const indexes: number[] = [];
  const hints: { readonly at: number; readonly shift: number }[] = [];
  let malformed: AuditProblem | undefined;
  // the empty tree's checkpoints first (size 0), then each as the events reach its size
  let next = compareHeads(checkpoints, 0, range, exportHead);
  let nextHeld = compareHeads(held, 0, range, heldHead);
  const every = options.progressEvery ?? 10_000;
  /** takes a batch of checked lines in order; false once a line is not a record (nothing after it counts) */
  const take = (batch: CheckedLines): boolean => {
    // the first two stored hashes that are not their lines' leaves, and how far their events moved
    for (const [mismatch, shift] of [[batch.hintMismatch, batch.hintShift], [batch.nextHintMismatch, batch.nextHintShift]] as const) {
      if (mismatch < 0 || hints.length === 2) continue;
      hints.push({ at: indexes.length + mismatch, shift });
    }
    for (let i = 0; i < batch.count; i += 1) {
      indexes.push(batch.indexes[i] as number);
      range.append(batch.leaves.subarray(i * 32, i * 32 + 32));
      next = compareHeads(checkpoints, next, range, exportHead);
      nextHeld = compareHeads(held, nextHeld, range, heldHead);
      if (options.onProgress !== undefined && indexes.length % every === 0) options.onProgress(indexes.length);
    }
    if (batch.bad === undefined) return true;
    const lineNumber = indexes.length + 1;
    malformed = { kind: 'malformed', line: lineNumber, index: indexes.length, message: `line ${lineNumber}: ${describeBadLine(batch.bad)}` };
    return false;
  };
  if ('checked' in input) {
    for await (const batch of input.checked) if (!take(batch)) break;
  } else {
    for await (const item of input.events) if (!take(checkLineTexts(typeof item === 'string' ? [item] : item))) break;
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
    ...(input.held === undefined ? {} : { heldCheckpoints: held.length }),
  };
  const verdict = exportVerdict(checkpoints, indexes, hints, malformed, summary, lastSize);
  if (!verdict.ok) return verdict;
  // the export is consistent with itself; the checkpoints held from before say whether it is the log they saw
  for (const kept of held) {
    if (kept.size > events) {
      return {
        ...verdict,
        ok: false,
        problem: {
          kind: 'truncated',
          index: events,
          line: events + 1,
          message: `the export ends after ${events} events but the checkpoint held in \`${kept.name}\` signs ${kept.size}: the log was truncated or rolled back since that checkpoint was made`,
        },
      };
    }
    if (kept.matched !== true) {
      return {
        ...verdict,
        ok: false,
        problem: {
          kind: 'forked',
          message: `the export's first ${kept.size} events do not reproduce the checkpoint held in \`${kept.name}\`: the log's past was rewritten (a fork) since that checkpoint was made, though the export's own checkpoints agree with it`,
        },
      };
    }
  }
  return verdict;
}

/**
 * Compares the tree head of `range` with every checkpoint of its size among `targets` (sorted by
 * size) from `next` on, marking each `matched` or not; returns the first target not reached yet.
 */
function compareHeads<T extends { matched?: boolean }>(targets: readonly T[], next: number, range: CompactRange, headOf: (target: T) => { readonly size: number; readonly root: Uint8Array }): number {
  let at = next;
  while (at < targets.length && headOf(targets[at] as T).size <= range.size) {
    const target = targets[at] as T;
    const head = headOf(target);
    if (head.size === range.size) target.matched = equalHashes(range.root(), head.root);
    at += 1;
  }
  return at;
}

/** the verdict of the export against its own checkpoints, once every line is read */
function exportVerdict(
  checkpoints: readonly CheckedCheckpoint[],
  indexes: readonly number[],
  hints: readonly { readonly at: number; readonly shift: number }[],
  malformed: AuditProblem | undefined,
  summary: Omit<AuditVerification, 'ok' | 'problem'>,
  lastSize: number,
): AuditVerification {
  const events = indexes.length;
  // a line that is not a record stops the reading: it is the first bad event unless a signed root before it failed already
  if (malformed !== undefined && (malformed.index ?? 0) < lastSize) {
    const at = malformed.index ?? 0;
    if (!checkpoints.some((c) => c.matched !== true && c.note.checkpoint.size <= at)) return { ok: false, ...summary, problem: malformed };
  }

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
  const problem = locate(indexes, from, Math.min(badSize, events), hints, firstBad.position);
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
  hints: readonly { readonly at: number; readonly shift: number }[],
  checkpoint: number,
): AuditProblem | undefined {
  const hint = hints[0] ?? { at: undefined, shift: 0 };
  const firstHintMismatch = hint.at;
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
        // the stored hash is this very event's at another position: renumbered after rows were
        // inserted or deleted before it (the hash only points; the signed root said something is wrong here)
        if (hint.shift < 0) {
          const first = Math.max(from, p + hint.shift);
          const count = p - first;
          return {
            kind: 'inserted',
            checkpoint,
            index: first,
            line: first + 1,
            message: `line ${first + 1}: ${count === 1 ? 'an event not in the log was' : `${count} events not in the log were`} inserted at position ${first}, and the events after renumbered (the event on line ${p + 1} is logged at position ${p + hint.shift})`,
          };
        }
        if (hint.shift > 0 && hints[1]?.at === p + hint.shift && hints[1].shift === -hint.shift) {
          return { kind: 'reordered', ...at, message: `line ${p + 1}: events ${p} and ${p + hint.shift} traded places, renumbered (the event on line ${p + 1} is logged at position ${p + hint.shift}, the one on line ${p + hint.shift + 1} at ${p})` };
        }
        if (hint.shift > 0) {
          const gap = hint.shift === 1 ? `event ${p} is` : `events ${p}..${p + hint.shift - 1} are`;
          return { kind: 'missing', ...at, message: `line ${p + 1}: ${gap} missing, and the events after renumbered (the event on line ${p + 1} is logged at position ${p + hint.shift})` };
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

/**
 * Why a line is refused: not JSON, not an audit record, or an audit record not in the exported
 * canonical form (RFC 8785), with what is not canonical about it (record-lines.ts)
 */
function describeBadLine(bad: BadLine): string {
  if (bad.why === undefined) return 'empty line';
  let json: unknown;
  try {
    json = JSON.parse(bad.text);
  } catch {
    return 'not json';
  }
  const parsed = AuditRecordLine.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not an audit record: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`;
  }
  return `not in the exported canonical form (RFC 8785): ${bad.why}`;
}

function failed(problem: AuditProblem): AuditVerification {
  return { ok: false, events: 0, checkpoints: 0, verifiedSize: 0, unverifiedTail: 0, problem };
}
