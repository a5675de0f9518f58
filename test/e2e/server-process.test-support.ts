/**
 * `parapet serve` as a real, separate process for the end-to-end tests: started from the sources
 * with the settings in its environment, ready once it prints where it serves, stopped with
 * SIGTERM (its graceful shutdown). What it prints on standard error is kept, for the bootstrap
 * token and for a failing test's message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export { freePort } from '../../src/store/free-port.test-support.ts';

const ENTRY = fileURLToPath(new URL('./parapet.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  readonly url: string;
  /** what the process wrote to standard error so far */
  stderr(): string;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
  /** sends `signal` (SIGKILL: a crash, no shutdown) and waits for the exit */
  kill(signal: NodeJS.Signals): Promise<void>;
}


export async function startServerProcess(args: readonly string[], env: Readonly<Record<string, string>>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`parapet serve did not start within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)), START_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /serving at (\S+)/.exec(stderr);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`parapet serve exited with ${code} before serving:\n${stderr}`));
    });
  });
  return {
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** runs `body` with these environment variables set for the in-process CLI */
export async function withEnv<T>(env: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
