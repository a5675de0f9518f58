/**
 * A thread of `parapet audit verify` (audit-verify.ts): checks batches of events.jsonl's lines and
 * hashes their leaves (record-lines.ts), while the main thread reads the file and builds the tree.
 * It imports only the per-line code, so it starts in a few milliseconds.
 */
import { parentPort } from 'node:worker_threads';
import { checkLineBytes, type CheckedLines } from '../audit/record-lines.ts';

export interface CheckRequest {
  readonly id: number;
  /** the lines are bytes[start, end); the byte before `start` is the thread's to overwrite */
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

export type CheckReply = { readonly id: number; readonly ok: true; readonly checked: CheckedLines } | { readonly id: number; readonly ok: false; readonly message: string };

const port = parentPort!;
port.on('message', ({ id, bytes, start, end }: CheckRequest) => {
  try {
    const checked = checkLineBytes(bytes, start, end);
    // the results move to the main thread without a copy
    port.postMessage({ id, ok: true, checked } satisfies CheckReply, [checked.leaves.buffer as ArrayBuffer, checked.indexes.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies CheckReply);
  }
});
