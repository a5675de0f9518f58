/** where a command writes: the real streams, or buffers in tests */
import { writeFileSync } from 'node:fs';
import { ParapetError, type ErrorCode } from '../policy/index.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** writes an output file the user named (`--output`, `--junit`); a failure is one line naming the file */
export function writeOutputFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const [errorCode, reason]: [ErrorCode, string] =
      code === 'ENOENT'
        ? ['not-found', 'its folder does not exist']
        : code === 'EACCES' || code === 'EPERM'
          ? ['permission-denied', 'permission denied']
          : code === 'EISDIR'
            ? ['is-a-folder', 'it is a folder']
            : ['unwritable-file', code ?? String(error)];
    throw new ParapetError(errorCode, `cannot write \`${path}\`: ${reason}`, { path });
  }
}
