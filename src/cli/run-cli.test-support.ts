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
