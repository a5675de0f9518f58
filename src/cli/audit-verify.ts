/**
 * `parapet audit verify EXPORT_DIR`: checks an audit export offline (events.jsonl,
 * checkpoints.txt, public-key.txt) and names the first bad event. Nothing the server wrote is
 * trusted but the public key, which the auditor should compare with one obtained independently.
 */
import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { checkLineBytes, endOfLastLine, verifyAuditExport, type AuditVerification, type CheckedLines } from '../audit/index.ts';
import { ParapetError } from '../policy/index.ts';
import { startModuleWorker, WorkerCalls } from '../server/module-worker.ts';
import type { CheckReply, CheckRequest } from './audit-verify-worker.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';

/**
 * threads checking lines at most. The main thread reads the file, builds the tree and checks
 * lines too while it waits, so it counts as one checker: one thread per other core
 */
const MAX_WORKERS = 3;

/** below this an export verifies faster than a bar is worth drawing */
const PROGRESS_BYTES = 8 * 1024 * 1024;

export const EXPORT_FILES = { events: 'events.jsonl', checkpoints: 'checkpoints.txt', publicKey: 'public-key.txt' } as const;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ParapetError('not-found', `\`${path}\` does not exist`, { path });
    if (code === 'EISDIR') throw new ParapetError('is-a-folder', `\`${path}\` is a folder`, { path });
    throw new ParapetError('unreadable-file', `cannot read \`${path}\`: ${code ?? String(error)}`, { path });
  }
}

/** a line longer than this is refused before it is held whole: an audit record is far smaller */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** room before each read for the end of the line the previous read cut (a longer one is copied) */
const ROOM = 64 * 1024;

/** how much of the file one batch of lines is read from: a thousand-odd events, a few ms of work */
const CHUNK_BYTES = 1024 * 1024;

/** from this size the lines are checked in worker threads: below, starting them costs more than it saves */
const PARALLEL_BYTES = 16 * 1024 * 1024;

export interface VerifyDirOptions {
  readonly showProgress?: boolean;
  /** threads that check and hash the lines; 0: in this thread only. By default one per core but one (MAX_WORKERS at most), from PARALLEL_BYTES */
  readonly workers?: number;
  /** bytes read per batch of lines (tests make it small to cut an export into many batches) */
  readonly chunkBytes?: number;
  /** false: every batch goes to the threads, none is checked here while waiting for them (tests) */
  readonly checkWhileWaiting?: boolean;
  /** the verifier key from elsewhere than the export's public-key.txt (which the server wrote) */
  readonly publicKeyFile?: string;
  /** files of checkpoints kept from before (`parapet audit checkpoint --out`): the export must reproduce each */
  readonly heldFiles?: readonly string[];
}

/** worker threads that check batches of lines (audit-verify-worker.ts), handed out in turn */
class LineCheckers {
  private readonly threads: WorkerCalls<CheckReply>[];
  private next = 0;

  constructor(count: number) {
    this.threads = Array.from({ length: count }, () => new WorkerCalls<CheckReply>(startModuleWorker(import.meta.url, 'audit-verify-worker'), () => new ParapetError('internal', 'a thread checking the events stopped')));
  }

  /** the bytes move to the thread (not copied) and are not usable here afterwards */
  async check(bytes: Uint8Array, start: number, end: number): Promise<CheckedLines> {
    const thread = this.threads[this.next++ % this.threads.length] as WorkerCalls<CheckReply>;
    const reply = await thread.call((id) => ({ id, bytes, start, end }) satisfies CheckRequest, [bytes.buffer as ArrayBuffer]);
    if (!reply.ok) throw new ParapetError('internal', `checking the events failed: ${reply.message}`);
    return reply.checked;
  }

  async close(): Promise<void> {
    for (const thread of this.threads) thread.fail(new ParapetError('internal', 'the threads checking the events were stopped'));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }
}

/**
 * The lines of events.jsonl, checked and hashed batch by batch in file order (record-lines.ts).
 * The file is read in chunks of bytes cut after their last newline (a line split between two
 * reads is carried whole into the next batch); each batch goes to a worker thread, or is checked
 * here, while the next ones are read; results come back in order, so the first bad line is the
 * first one found in file order, whichever thread saw it. The caller stopping early (a bad line)
 * stops the reading and the threads.
 */
async function* checkedLinesOf(path: string, options: { workers: number; chunkBytes: number; checkWhileWaiting: boolean; onBytes: (bytes: number) => void }): AsyncGenerator<CheckedLines> {
  const file = await open(path, 'r');
  const checkers = options.workers > 0 ? new LineCheckers(options.workers) : undefined;
  // Each read lands after ROOM spare bytes, where the end of the line the previous read cut is
  // put back in front of it, with one byte more before the lines for the checker (the leaf's
  // prefix): no chunk is copied. The next read is under way while a batch is checked.
  let carried = new Uint8Array(0);
  let read = 0;
  let ended = false;
  const startRead = (size: number): Promise<{ buffer: Uint8Array; bytesRead: number }> => {
    const buffer = new Uint8Array(ROOM + size);
    return file.read(buffer, ROOM, size, null).then(({ bytesRead }) => ({ buffer, bytesRead }));
  };
  let ahead: Promise<{ buffer: Uint8Array; bytesRead: number }> | undefined;
  const tooLong = (bytes: Uint8Array): boolean => bytes.length > MAX_LINE_BYTES && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8').length > MAX_LINE_BYTES;
  /** the next batch of whole lines (bytes[start, end)), undefined at the end, 'too-long' for a line longer than MAX_LINE_BYTES */
  const nextBatch = async (): Promise<{ bytes: Uint8Array; start: number; end: number } | 'too-long' | undefined> => {
    for (;;) {
      if (ended) {
        if (carried.length === 0) return undefined;
        // the last line, without a newline after it
        const bytes = new Uint8Array(1 + carried.length);
        bytes.set(carried, 1);
        carried = new Uint8Array(0);
        return { bytes, start: 1, end: bytes.length };
      }
      // a line longer than a chunk doubles the read, so that carrying it costs linear time
      const { buffer, bytesRead } = await (ahead ?? startRead(Math.max(options.chunkBytes, carried.length)));
      ahead = undefined;
      if (bytesRead === 0) {
        ended = true;
        continue;
      }
      read += bytesRead;
      options.onBytes(read);
      const filled = ROOM + bytesRead;
      const end = endOfLastLine(buffer, ROOM, filled);
      if (end === -1) {
        const joined = new Uint8Array(carried.length + bytesRead);
        joined.set(carried);
        joined.set(buffer.subarray(ROOM, filled), carried.length);
        carried = joined;
        if (tooLong(carried)) return 'too-long';
        continue;
      }
      let batch: { bytes: Uint8Array; start: number; end: number };
      if (carried.length < ROOM) {
        buffer.set(carried, ROOM - carried.length);
        batch = { bytes: buffer, start: ROOM - carried.length, end };
      } else {
        const bytes = new Uint8Array(1 + carried.length + (end - ROOM));
        bytes.set(carried, 1);
        bytes.set(buffer.subarray(ROOM, end), 1 + carried.length);
        batch = { bytes, start: 1, end: bytes.length };
      }
      carried = buffer.slice(end, filled);
      if (tooLong(carried)) return 'too-long';
      ahead = startRead(Math.max(options.chunkBytes, carried.length));
      return batch;
    }
  };
  // Each thread gets two batches ahead; while the first result is not back (the threads are
  // starting, or busy), this thread checks the next batches itself rather than wait.
  const pending: ({ readonly checked: Promise<CheckedLines>; done: boolean } | 'too-long')[] = [];
  const maxPending = 4 * options.workers + 2;
  let inWorkers = 0;
  let reading = true;
  let lines = 0;
  /** reads the next batch and hands it to a thread or checks it here; false at the end */
  const readAndCheck = async (here: boolean): Promise<boolean> => {
    const batch = await nextBatch();
    if (batch === undefined || batch === 'too-long') {
      reading = false;
      if (batch === 'too-long') pending.push(batch);
      return false;
    }
    if (here || checkers === undefined) {
      pending.push({ checked: Promise.resolve(checkLineBytes(batch.bytes, batch.start, batch.end)), done: true });
      return true;
    }
    inWorkers += 1;
    const entry = { checked: checkers.check(batch.bytes, batch.start, batch.end), done: false };
    const settle = (): void => {
      entry.done = true;
      inWorkers -= 1;
    };
    // a batch after a bad line is never awaited: its failure (the threads stopped) is no one's
    entry.checked.then(settle, settle);
    pending.push(entry);
    return true;
  };
  try {
    for (;;) {
      const headDone = (): boolean => pending[0] !== undefined && (pending[0] === 'too-long' || pending[0].done);
      while (reading && pending.length < maxPending) {
        if (inWorkers < 2 * options.workers) await readAndCheck(false);
        else if ((options.workers === 0 || options.checkWhileWaiting) && !headDone()) await readAndCheck(true);
        else break;
      }
      const head = pending.shift();
      if (head === undefined) return;
      if (head === 'too-long') throw new ParapetError('invalid-input', `line ${lines + 1} of \`${path}\` is longer than ${MAX_LINE_BYTES} characters: not an audit record`, { path });
      const checked = await head.checked;
      lines += checked.count;
      yield checked;
    }
  } finally {
    await checkers?.close();
    // a read under way when the caller stopped early: nobody wants its bytes, and its failure is no one's
    await ahead?.catch(() => undefined);
    await file.close();
  }
}

export async function verifyExportDir(dir: string, options: VerifyDirOptions = {}): Promise<AuditVerification> {
  const publicKey = readText(options.publicKeyFile ?? join(dir, EXPORT_FILES.publicKey));
  const checkpoints = readText(join(dir, EXPORT_FILES.checkpoints));
  const held = (options.heldFiles ?? []).map((file) => ({ name: file, note: readText(file) }));
  const eventsPath = join(dir, EXPORT_FILES.events);
  let size: number;
  try {
    size = statSync(eventsPath).size;
  } catch {
    throw new ParapetError('not-found', `\`${eventsPath}\` does not exist`, { path: eventsPath });
  }
  const bar =
    options.showProgress === true && process.stderr.isTTY && size > PROGRESS_BYTES
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: 'verifying [{bar}] {percentage}% | {events} events | eta {eta}s', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const workers = options.workers ?? (size >= PARALLEL_BYTES ? Math.min(MAX_WORKERS, availableParallelism() - 1) : 0);
  let bytes = 0;
  bar?.start(size, 0, { events: 0 });
  try {
    return await verifyAuditExport(
      { publicKey, checkpoints, ...(options.heldFiles === undefined ? {} : { held }), checked: checkedLinesOf(eventsPath, { workers, chunkBytes: options.chunkBytes ?? CHUNK_BYTES, checkWhileWaiting: options.checkWhileWaiting ?? true, onBytes: (read) => void (bytes = read) }) },
      { progressEvery: 20_000, onProgress: (events) => bar?.update(bytes, { events }) },
    );
  } finally {
    bar?.stop();
  }
}

export function formatVerification(result: AuditVerification): string {
  if (result.problem === undefined) {
    const tail = result.unverifiedTail > 0 ? `; ${result.unverifiedTail} later events are not covered by a checkpoint yet` : '';
    const held = result.heldCheckpoints === undefined ? '' : `, and the ${result.heldCheckpoints === 1 ? 'checkpoint' : `${result.heldCheckpoints} checkpoints`} held reproduced`;
    return `ok: ${result.events} events, ${result.checkpoints} checkpoints, all ${result.verifiedSize} signed events verified${held}${tail}\n`;
  }
  const { problem } = result;
  const where = problem.line === undefined ? '' : ` at line ${problem.line} (event ${problem.index ?? problem.line - 1})`;
  return `first bad event${where}: ${problem.kind}: ${problem.message}\n`;
}

export function auditVerifyCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('verify')
    .description('verify an audit export offline: every event against the signed checkpoints')
    .argument('<export-dir>', `a folder with ${EXPORT_FILES.events}, ${EXPORT_FILES.checkpoints} and ${EXPORT_FILES.publicKey}`)
    .option('--public-key <file>', `the log's verifier key, obtained independently (default: the export's ${EXPORT_FILES.publicKey}, which the server wrote)`)
    .option('--checkpoint <file>', 'a checkpoint kept from before (`parapet audit checkpoint --out`); the export must reproduce it (repeatable)', (file: string, files: string[]) => [...files, file], [] as string[])
    .option('--json', 'the verification as JSON')
    .addHelpText(
      'after',
      `
Every leaf is recomputed from its canonical event (RFC 8785), every checkpoint's tree head from
the leaves (RFC 9162) and its Ed25519 signature checked against the public key (C2SP signed note).
Compare the public key with one you obtained from Parapet's operators independently, or give
that one with --public-key.

An export is checked against its own checkpoints, which the server signed when it made them. A
log rewritten or rolled back by whoever holds the database and the key is consistent with itself;
checkpoints kept from before (--checkpoint) expose it: the export must reproduce each of them.

Exit status: 0 when the export verifies, 1 when it does not (the first bad event is named),
2 when a file is missing.

Examples:
  parapet audit verify ./audit-2026-12-06
  parapet audit verify ./audit-2026-12-06 --public-key audit-key.txt --checkpoint held-2026-11-30.txt
  parapet audit verify ./audit-2026-12-06 --json`,
    )
    .action(async (dir: string, options: { json?: boolean; publicKey?: string; checkpoint: string[] }) => {
      const result = await verifyExportDir(dir, {
        showProgress: options.json !== true,
        ...(options.publicKey === undefined ? {} : { publicKeyFile: options.publicKey }),
        ...(options.checkpoint.length === 0 ? {} : { heldFiles: options.checkpoint }),
      });
      io.out(options.json === true ? `${JSON.stringify(result)}\n` : formatVerification(result));
      setExit(result.ok ? 'yes' : 'no');
    });
}
