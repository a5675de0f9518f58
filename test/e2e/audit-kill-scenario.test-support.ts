/**
 * The audit log's crash scenario (#10), shared by the end-to-end test (a second or so of load, one
 * kill: test/e2e/audit-kill.e2e.test.ts) and the bench (longer load, more clients, several kills
 * in a row: `npm run bench -- audit-log --only=kill`).
 *
 * `parapet serve` runs as a separate process recording every decision (`auditDecisions`). Clients
 * ask for decisions concurrently; the server is killed with SIGKILL in the middle of the load (no
 * shutdown, no last checkpoint, appends in flight), restarted on the same database, and killed
 * again, `kills` times. Then it is started once more, answers one decision per client, and the
 * log is exported with `parapet audit export` and checked with `parapet audit verify`. The result
 * says which acknowledged decisions (answered 200: their event was durable first) are missing from
 * the log and which are not covered by a checkpoint the export verifies; both must be empty.
 *
 * The load's credentials are minted with the server's own keys (the same database and key
 * encryption key: exactly what a second server process would do), so no sign-in flow is needed.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.test-support.ts';
import { AuditCheckpointResponse, AuditRecordLine } from '../../src/contract/audit.ts';
import { issueCredential, type CredentialClaims } from '../../src/identity/credential.ts';
import { createStoredKeyRing } from '../../src/identity/stored-key-ring.ts';
import { openStore, type StoreOptions } from '../../src/store/index.ts';
import { freePort, startServerProcess, type ServerProcess, withEnv } from './server-process.test-support.ts';

const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));
const READ = { action: 'logs:GetLogEvents', resource: 'arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api:log-stream:web-1', context: { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': 'eu-west-1' } };
/** how long the restarted server may take to sign a checkpoint over the last decisions */
const CHECKPOINT_WAIT_MS = 15_000;

export interface AuditKillOptions {
  /** the database the server processes share: a SQLite file under `home`, or a PostgreSQL */
  readonly store: StoreOptions;
  /** a scratch folder: the settings, the state folder and the export */
  readonly home: string;
  /** concurrent clients, each waiting for its answer before asking again */
  readonly clients: number;
  /** how long each server process is under load before SIGKILL */
  readonly loadMs: number;
  /** how many times a server is killed under load, one after the other on the same database */
  readonly kills: number;
  /** every server process started, so the caller can stop them whatever happens */
  readonly processes: ServerProcess[];
  readonly onProgress?: (text: string) => void;
}

export interface AuditKillResult {
  /** decisions answered 200 before each SIGKILL */
  readonly acknowledgedPerKill: readonly number[];
  /** the request ids of every decision answered 200, before the kills and after the last restart */
  readonly acknowledged: readonly string[];
  /** events in the exported log (decisions and the server's own events) */
  readonly events: number;
  /** `parapet audit verify --json`'s exit code and answer */
  readonly verifyCode: number;
  readonly verification: { readonly ok: boolean; readonly verifiedSize: number; readonly events: number; readonly checkpoints: number };
  /** acknowledged decisions not in the log: must be none */
  readonly missing: readonly string[];
  /** acknowledged decisions in the log but past the last checkpoint the export verifies: must be none */
  readonly uncovered: readonly string[];
  /** what `parapet audit export` and `verify` printed when they failed */
  readonly problems: string;
}

/** a credential signed with the keys the server stored, as any process sharing its database can */
async function mint(store: StoreOptions, keyEncryptionKey: string, issuer: string, claims: Omit<CredentialClaims, 'iat' | 'exp' | 'jti'>): Promise<string> {
  const opened = await openStore(store);
  try {
    const keys = await createStoredKeyRing({ store: opened, keyEncryptionKey: Buffer.from(keyEncryptionKey, 'base64'), clock: () => new Date(), rotationSeconds: 7 * 24 * 3600 });
    const { token } = await issueCredential(keys, { ...claims, jti: randomBytes(8).toString('hex') }, { issuer, now: new Date(), lifetimeSeconds: 3600 });
    return token;
  } finally {
    await opened.close();
  }
}

/** decisions from `clients` concurrent clients, each asking `perClient` times at most, until `stop` is set; the request ids answered 200 */
async function load(url: string, token: string, prefix: string, clients: number, stop: { readonly now: boolean }, perClient = Infinity): Promise<string[]> {
  const acknowledged: string[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; !stop.now && i < perClient; i += 1) {
        const requestId = `${prefix}-${client}-${i}`;
        try {
          const response = await fetch(`${url}/v1/authorize`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId },
            body: JSON.stringify({ request: READ }),
          });
          const body = await response.text();
          // acknowledged: the decision was answered, so its event was durable first
          if (response.status === 200 && body.includes('"decision"')) acknowledged.push(requestId);
        } catch {
          // the server is gone: what was not answered was not acknowledged
          return;
        }
      }
    }),
  );
  return acknowledged;
}

/** whether the checkpoint of `size` events includes the newest decision (a search needs a reader) */
async function coversLastDecision(url: string, token: string, size: number): Promise<boolean> {
  const response = await fetch(`${url}/v1/audit/events?type=decision&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) return false;
  let last = -1;
  let page = (await response.json()) as { events: { index: number }[]; nextCursor?: string };
  for (;;) {
    // a search is in time order: the newest decision is the highest index, wherever it comes
    for (const event of page.events) last = Math.max(last, event.index);
    if (page.nextCursor === undefined) break;
    const next = await fetch(`${url}/v1/audit/events?type=decision&limit=1000&cursor=${page.nextCursor}`, { headers: { authorization: `Bearer ${token}` } });
    page = (await next.json()) as { events: { index: number }[]; nextCursor?: string };
  }
  return last >= 0 && last < size;
}

export async function runAuditKillScenario(options: AuditKillOptions): Promise<AuditKillResult> {
  const { store, home, clients } = options;
  const progress = options.onProgress ?? (() => undefined);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const keyEncryptionKey = randomBytes(32).toString('base64');
  const settings = join(home, 'settings.json');
  writeFileSync(settings, JSON.stringify({ auditDecisions: true }));
  const env: Record<string, string> = {
    PARAPET_PUBLIC_URL: publicUrl,
    PARAPET_KEY_ENCRYPTION_KEY: keyEncryptionKey,
    PARAPET_LOG_LEVEL: 'warn',
    ...(store.kind === 'postgres' ? { PARAPET_DATABASE_URL: store.url } : { PARAPET_STATE_DIR: join(home, 'state') }),
  };
  const args = ['--host', '127.0.0.1', '--port', String(port), '--config', ACME, '--settings', settings];
  const start = async (): Promise<ServerProcess> => {
    const server = await startServerProcess(args, env);
    options.processes.push(server);
    return server;
  };

  const acknowledged: string[] = [];
  const acknowledgedPerKill: number[] = [];
  let session: string | undefined;
  for (let kill = 0; kill < options.kills; kill += 1) {
    const server = await start();
    session ??= await mint(store, keyEncryptionKey, publicUrl, { sub: 'alice@acme.example', use: 'session', authTime: Math.floor(Date.now() / 1000), account: '400000000001', permissionSet: 'developer', parent: 'kill-test' });
    // load, then SIGKILL in the middle of it
    const stop = { now: false };
    const running = load(server.url, session, `kill${kill}`, clients, stop);
    await new Promise((resolve) => setTimeout(resolve, options.loadMs));
    await server.kill('SIGKILL');
    stop.now = true;
    const answered = await running;
    acknowledged.push(...answered);
    acknowledgedPerKill.push(answered.length);
    progress(`kill ${kill + 1} of ${options.kills}: ${answered.length} decisions acknowledged before SIGKILL`);
  }

  // restarted on the same database: one more decision per client, so a checkpoint must cover everything on disk
  const last = await start();
  acknowledged.push(...(await load(last.url, session as string, 'restarted', clients, { now: false }, 1)));
  const reader = await mint(store, keyEncryptionKey, publicUrl, { sub: 'heidi@acme.example', use: 'sign-in', authTime: Math.floor(Date.now() / 1000) });
  const deadline = Date.now() + CHECKPOINT_WAIT_MS;
  for (;;) {
    const response = await fetch(`${last.url}/v1/audit/checkpoint`, { headers: { authorization: `Bearer ${reader}` } });
    const covered = response.status === 200 ? AuditCheckpointResponse.parse(await response.json()).size : 0;
    // the recorder signs every 5 s: wait for a checkpoint past the decisions after the restart
    if (covered > 0 && (await coversLastDecision(last.url, reader, covered))) break;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const out = join(home, 'export');
  const exported = await withEnv({ PARAPET_TOKEN: reader, PARAPET_CREDENTIALS_FILE: join(home, 'credentials.json') }, () => runCli('audit', 'export', '--format', 'jsonl', '--out', out, '--server', last.url));
  if (exported.code !== 0) {
    return { acknowledgedPerKill, acknowledged, events: 0, verifyCode: exported.code, verification: { ok: false, verifiedSize: 0, events: 0, checkpoints: 0 }, missing: acknowledged, uncovered: [], problems: exported.err };
  }
  const verified = await runCli('audit', 'verify', out, '--json');
  const verification = JSON.parse(verified.out) as AuditKillResult['verification'];
  const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => AuditRecordLine.parse(JSON.parse(line)));
  const indexOf = new Map(lines.flatMap((line) => (line.event.type === 'decision' && line.event.requestId !== undefined ? [[line.event.requestId, line.index] as const] : [])));
  return {
    acknowledgedPerKill,
    acknowledged,
    events: lines.length,
    verifyCode: verified.code,
    verification,
    missing: acknowledged.filter((requestId) => !indexOf.has(requestId)),
    uncovered: acknowledged.filter((requestId) => (indexOf.get(requestId) ?? Infinity) >= verification.verifiedSize),
    problems: verified.code === 0 ? '' : verified.out,
  };
}
