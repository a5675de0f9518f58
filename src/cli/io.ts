/** where a command writes: the real streams, or buffers in tests */
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
