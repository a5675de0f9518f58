/** where a command writes: the real streams, or buffers in tests */
import { writeFileSync } from 'node:fs';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** a command failed for a reason the user can fix; the message is printed, the exit status is `exitCode` */
export class UsageError extends Error {
  readonly code = 'usage';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** writes an output file the user named (`--output`, `--junit`); a failure is one line naming the file */
export function writeOutputFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? String(error));
    throw new UsageError(`cannot write \`${path}\`: ${reason}`);
  }
}
