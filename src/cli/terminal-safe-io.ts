/**
 * What the CLI prints quotes the user's files: names, Sids, file names, values in messages. A
 * terminal interprets some characters as commands (ESC starts a sequence that can recolour, move
 * the cursor, retitle the window or hide the rest of a line; `\r` overwrites a line; C1 controls
 * are ESC's one-byte forms) and bidirectional controls reorder what is read. None of them reach the
 * terminal raw: each is written as a `\uXXXX` escape.
 *
 * Applied once, to everything the commands write (main.ts). It is lossless for `--json`: these
 * characters can only stand inside JSON strings, where `\uXXXX` is the same character (and
 * JSON.stringify already escapes C0 controls itself). Tab and newline are ours and pass.
 */
import type { Io } from './io.ts';

// C0 controls but tab and newline, DEL, C1 controls; the bidirectional marks, embeddings,
// overrides and isolates
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function sanitizeTerminalText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function terminalSafeIo(io: Io): Io {
  return { out: (text) => io.out(sanitizeTerminalText(text)), err: (text) => io.err(sanitizeTerminalText(text)) };
}
