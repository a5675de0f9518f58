/**
 * A real server for tests: the production wiring (main.ts) on a real database (a fresh SQLite
 * file by default, or the options of test-databases.test-support.ts), with an injected clock,
 * not listening unless asked (requests through Fastify `inject`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreOptions } from '../store/index.ts';
import { startServer, type RunningServer } from './main.ts';
import { resolveServerSettings, type SettingsInput } from './server-settings.ts';

/** the key encryption key of test servers given a database: several of them may share it, so one key */
export const TEST_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestServerOptions {
  readonly database?: StoreOptions | undefined;
  readonly clock?: (() => Date) | undefined;
  readonly settings?: SettingsInput | undefined;
  readonly listen?: boolean | undefined;
}

export interface TestServer extends RunningServer {
  /** stops the server and removes its state folder */
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'parapet-server-'));
  const settings = resolveServerSettings({
    flags: {
      stateDir,
      port: 0,
      publicUrl: 'http://parapet.test',
      logLevel: 'silent',
      // servers given one database share it, so they share its key encryption key too
      ...(options.database === undefined ? {} : { keyEncryptionKey: TEST_KEY_ENCRYPTION_KEY }),
      ...(options.database?.kind === 'postgres' ? { databaseUrl: options.database.url } : {}),
      ...options.settings,
    },
    env: {},
  });
  const server = await startServer(options.database?.kind === 'sqlite' ? { ...settings, database: options.database } : settings, {
    clock: options.clock,
    logger: false,
    listen: options.listen ?? false,
  });
  return {
    ...server,
    async close() {
      await server.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
