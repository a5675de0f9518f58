import type { Io } from './io.ts';
import { main } from './main.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** runs `parapet <argv>` in process, with standard output and error kept as text */
export async function runCli(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s) };
  const code = await main(argv, io);
  return { code, out, err };
}

/**
 * runs `parapet <argv>` in process and shows `onErr` what it writes to standard error as it is
 * written: for commands that print something to act on before they finish (`login` prints the URL
 * to open)
 */
export async function runCliWatching(argv: readonly string[], onErr: (text: string) => void): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => void (out += s),
    err: (s) => {
      err += s;
      onErr(s);
    },
  };
  const code = await main(argv, io);
  return { code, out, err };
}
