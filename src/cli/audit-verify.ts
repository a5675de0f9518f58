/**
 * `parapet audit verify EXPORT_DIR`: checks an audit export offline (events.jsonl,
 * checkpoints.txt, public-key.txt) and names the first bad event. Nothing the server wrote is
 * trusted but the public key, which the auditor should compare with one obtained independently.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { verifyAuditExport, type AuditVerification } from '../audit/index.ts';
import { ParapetError } from '../policy/index.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';

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

/**
 * The lines of the file, an array per chunk read (64 KiB) instead of one await per line: on
 * millions of events, splitting and awaiting the lines one by one (readline) cost more than
 * checking them. A line split across two chunks is joined; a last line without a newline counts.
 */
async function* linesOf(path: string, onBytes: (bytes: number) => void): AsyncGenerator<readonly string[]> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let bytes = 0;
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    const text = decoder.write(chunk);
    // a chunk inside one long line is only appended to it: splitting the joined text again at
    // every chunk would take time quadratic in the line's length
    const batch = text.includes('\n') ? text.split('\n') : [];
    if (batch.length === 0) partial += text;
    else {
      batch[0] = partial + (batch[0] as string);
      partial = batch.pop() as string;
    }
    lines += batch.length;
    if (partial.length > MAX_LINE_BYTES) throw new ParapetError('invalid-input', `line ${lines + 1} of \`${path}\` is longer than ${MAX_LINE_BYTES} characters: not an audit record`, { path });
    onBytes(bytes);
    if (batch.length > 0) yield batch;
  }
  const last = partial + decoder.end();
  if (last !== '') yield [last];
}

export async function verifyExportDir(dir: string, showProgress: boolean): Promise<AuditVerification> {
  const publicKey = readText(join(dir, EXPORT_FILES.publicKey));
  const checkpoints = readText(join(dir, EXPORT_FILES.checkpoints));
  const eventsPath = join(dir, EXPORT_FILES.events);
  let size: number;
  try {
    size = statSync(eventsPath).size;
  } catch {
    throw new ParapetError('not-found', `\`${eventsPath}\` does not exist`, { path: eventsPath });
  }
  const bar =
    showProgress && process.stderr.isTTY && size > PROGRESS_BYTES
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: 'verifying [{bar}] {percentage}% | {events} events | eta {eta}s', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  let bytes = 0;
  bar?.start(size, 0, { events: 0 });
  try {
    return await verifyAuditExport(
      { publicKey, checkpoints, events: linesOf(eventsPath, (read) => void (bytes = read)) },
      { progressEvery: 20_000, onProgress: (events) => bar?.update(bytes, { events }) },
    );
  } finally {
    bar?.stop();
  }
}

export function formatVerification(result: AuditVerification): string {
  if (result.problem === undefined) {
    const tail = result.unverifiedTail > 0 ? `; ${result.unverifiedTail} later events are not covered by a checkpoint yet` : '';
    return `ok: ${result.events} events, ${result.checkpoints} checkpoints, all ${result.verifiedSize} signed events verified${tail}\n`;
  }
  const { problem } = result;
  const where = problem.line === undefined ? '' : ` at line ${problem.line} (event ${problem.index ?? problem.line - 1})`;
  return `first bad event${where}: ${problem.kind}: ${problem.message}\n`;
}

export function auditVerifyCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('verify')
    .description('verify an audit export offline: every event against the signed checkpoints')
    .argument('<export-dir>', `a folder with ${EXPORT_FILES.events}, ${EXPORT_FILES.checkpoints} and ${EXPORT_FILES.publicKey}`)
    .option('--json', 'the verification as JSON')
    .addHelpText(
      'after',
      `
Every leaf is recomputed from its canonical event (RFC 8785), every checkpoint's tree head from
the leaves (RFC 9162) and its Ed25519 signature checked against the public key (C2SP signed note).
Compare the public key with one you obtained from Parapet's operators independently.

Exit status: 0 when the export verifies, 1 when it does not (the first bad event is named),
2 when a file is missing.

Examples:
  parapet audit verify ./audit-2026-12-06
  parapet audit verify ./audit-2026-12-06 --json`,
    )
    .action(async (dir: string, options: { json?: boolean }) => {
      const result = await verifyExportDir(dir, options.json !== true);
      io.out(options.json === true ? `${JSON.stringify(result)}\n` : formatVerification(result));
      setExit(result.ok ? 'yes' : 'no');
    });
}
