/**
 * `parapet audit export --format jsonl|ocsf [--out PATH]`: the audit log off the server.
 *
 * - jsonl: the export `parapet audit verify` checks, a folder of events.jsonl (the stored events
 *   verbatim, in log order), checkpoints.txt (every signed checkpoint) and public-key.txt;
 * - ocsf: the events as Open Cybersecurity Schema Framework events for a SIEM, one JSON a line
 *   (src/audit/ocsf-event.ts), to the file or to standard output.
 *
 * The checkpoints are read before the events, so every event a checkpoint covers is in the
 * export even while the log grows. On a terminal a large export gets a progress bar.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { once } from 'node:events';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { ocsfEventOf } from '../audit/index.ts';
import { AUDIT_EXPORT_SIZE_HEADER, AuditCheckpointList, AuditRecordLine } from '../contract/audit.ts';
import { ErrorBody } from '../contract/error-body.ts';
import { ParapetError } from '../policy/index.ts';
import { auditReader, type AuditReaderOptions } from './audit-reader.ts';
import { EXPORT_FILES } from './audit-verify.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { serverClient } from './server-client.ts';

/** below this many events an export is done before a bar is worth drawing */
const PROGRESS_EVENTS = 20_000;
const EXPORT_TIMEOUT_MS = 60 * 60 * 1000;

interface ExportOptions extends AuditReaderOptions {
  format: 'jsonl' | 'ocsf';
  out?: string;
  progress?: boolean;
}

export function auditExportCommand(io: Io, setExit: (outcome: CommandOutcome) => void, env: Readonly<Record<string, string | undefined>> = process.env): Command {
  return new Command('export')
    .description('export the audit log: for `parapet audit verify` (jsonl), or as OCSF events for a SIEM (ocsf)')
    .addOption(new Option('--format <format>', 'jsonl: a folder `parapet audit verify` checks; ocsf: OCSF 1.3.0 events, one a line').choices(['jsonl', 'ocsf']).makeOptionMandatory())
    .option('--out <path>', 'jsonl: the folder to create (required); ocsf: the file (default: standard output)')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--token-file <file>', 'the credential of an audit reader (else PARAPET_TOKEN, else your sign-in)')
    .addHelpText(
      'after',
      `
Only the audit log's readers (parapet.yaml \`audit.readers\`) may export it, and every export is itself recorded.

Examples:
  parapet audit export --format jsonl --out ./audit-2026-12-06 && parapet audit verify ./audit-2026-12-06
  PARAPET_TOKEN=... parapet audit export --format ocsf --out parapet-ocsf.jsonl`,
    )
    .action(async (options: ExportOptions) => {
      if (options.format === 'jsonl' && options.out === undefined) throw new ParapetError('usage', '`--format jsonl` writes a folder of three files: give it with `--out DIR`');
      const reader = auditReader(options, env);
      const client = serverClient(reader.server);
      const listed = await client.request({ method: 'GET', path: '/v1/audit/checkpoints', token: reader.token, response: AuditCheckpointList });
      let sink: LineSink;
      if (options.format === 'jsonl') {
        const dir = options.out as string;
        prepareFolder(dir);
        writeFileSync(join(dir, EXPORT_FILES.checkpoints), listed.checkpoints.map((c) => c.checkpoint).join(''));
        writeFileSync(join(dir, EXPORT_FILES.publicKey), `${listed.publicKey}\n`);
        sink = fileSink(join(dir, EXPORT_FILES.events));
      } else {
        sink = options.out === undefined ? { write: async (line) => io.out(line), close: async () => undefined } : fileSink(options.out);
      }
      const { events } = await streamExport(reader.server, reader.token, options.progress !== false, async (line) => {
        if (options.format === 'jsonl') return sink.write(`${line}\n`);
        const record = AuditRecordLine.parse(JSON.parse(line));
        return sink.write(`${JSON.stringify(ocsfEventOf(record.event, record.index))}\n`);
      });
      await sink.close();
      const where = options.out === undefined ? '' : ` to \`${options.out}\``;
      io.err(`parapet: exported ${events} audit events${where} (${options.format}); ${listed.checkpoints.length} checkpoints, the last of ${listed.checkpoints.at(-1)?.size ?? 0} events\n`);
      setExit('yes');
    });
}

interface LineSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

function fileSink(path: string): LineSink {
  let stream: WriteStream;
  try {
    stream = createWriteStream(path, { flags: 'wx' });
  } catch (error) {
    throw new ParapetError('unreadable-file', `cannot write \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path });
  }
  let failure: Error | undefined;
  stream.on('error', (error) => void (failure = error));
  return {
    async write(text) {
      if (failure !== undefined) throw new ParapetError('unreadable-file', `cannot write \`${path}\`: ${failure.message}`, { path });
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      if (!stream.closed) await once(stream, 'close');
      if (failure !== undefined) throw new ParapetError('unreadable-file', `cannot write \`${path}\`: ${failure.message}`, { path });
    },
  };
}

/** a folder that does not exist yet, or is empty: an export never mixes with other files */
function prepareFolder(dir: string): void {
  if (existsSync(dir)) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      throw new ParapetError('usage', `\`--out ${dir}\` is not a folder`, { path: dir });
    }
    if (entries.length > 0) throw new ParapetError('usage', `\`--out ${dir}\` is not empty: an export goes to a new or empty folder`, { path: dir });
    return;
  }
  mkdirSync(dir, { recursive: true });
}

/** GET /v1/audit/export, a line at a time, with a progress bar over the size the server announces */
async function streamExport(server: string, token: string, showProgress: boolean, onLine: (line: string) => Promise<void>): Promise<{ events: number }> {
  let response: Response;
  try {
    response = await fetch(`${server}/v1/audit/export`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' }, redirect: 'error', signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS) });
  } catch (error) {
    throw new ParapetError('unavailable', `cannot reach the Parapet server at ${server}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name}`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    const body = ErrorBody.safeParse(await response.json().catch(() => undefined));
    if (!body.success) throw new ParapetError('unavailable', `the server at ${server} answered ${response.status} without Parapet's error body`);
    throw new ParapetError(body.data.error.code, body.data.error.message, { details: { requestId: body.data.error.requestId, status: response.status } });
  }
  const total = Number(response.headers.get(AUDIT_EXPORT_SIZE_HEADER) ?? '0');
  const bar =
    showProgress && process.stderr.isTTY && total > PROGRESS_EVENTS
      ? new cliProgress.SingleBar({ stream: process.stderr, format: 'exporting [{bar}] {percentage}% | {value}/{total} events | eta {eta}s', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
      : undefined;
  bar?.start(total, 0);
  let events = 0;
  try {
    const lines = createInterface({ input: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      await onLine(line);
      events += 1;
      if (events % 1000 === 0) bar?.update(events);
    }
  } finally {
    bar?.stop();
  }
  if (events !== total) throw new ParapetError('unavailable', `the export ended after ${events} of ${total} events: the connection was cut; export again`);
  return { events };
}
