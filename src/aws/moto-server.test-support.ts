/**
 * A real AWS API endpoint emulator for tests: moto in server mode (`python3 -m moto.server`),
 * started on a free loopback port, with SDK clients pointed at it. Never a hand-written AWS mock
 * (DESIGN, Testing). moto belongs to the machine's Python; `.ci/run` checks it is there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createAwsClients, type AwsClientOptions, type AwsClients } from './aws-clients.ts';
import { freePort } from '../store/free-port.test-support.ts';

export interface MotoServer {
  readonly endpoint: string;
  /** what the clients are made with: the endpoint, us-east-1 and dummy credentials */
  readonly clientOptions: AwsClientOptions;
  /** clients pointed at the emulator; destroyed by `stop` */
  clients(): AwsClients;
  /** forgets every resource (moto's reset API), so each test starts from an empty AWS */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** the module imports in the machine's python3, or the error names the module and what is missing */
export function checkMotoInstalled(module = 'moto.server'): void {
  const probe = spawnSync('python3', ['-c', `import ${module}`], { encoding: 'utf8' });
  if (probe.error !== undefined) throw new Error(`cannot run \`python3\` to start the AWS emulator: ${probe.error.message}`);
  if (probe.status !== 0) {
    const reason = probe.stderr.trim().split('\n').at(-1) ?? '';
    throw new Error(`the AWS emulator needs the python module \`${module}\` (moto, with its server extra) in the machine's python3: ${reason}`);
  }
}

export async function startMotoServer(): Promise<MotoServer> {
  checkMotoInstalled();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // keep the tail only: moto logs every request
    stderr = (stderr + chunk).slice(-4000);
  });
  try {
    await waitUntilAnswering(endpoint, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const made: AwsClients[] = [];
  const clientOptions: AwsClientOptions = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 3,
  };
  return {
    endpoint,
    clientOptions,
    clients() {
      const clients = createAwsClients(clientOptions);
      made.push(clients);
      return clients;
    },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    async stop() {
      for (const clients of made) clients.destroy();
      await stopProcess(child);
    },
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`moto server exited with status ${exited} before answering: ${stderr().trim()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto server did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s: ${stderr().trim()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
