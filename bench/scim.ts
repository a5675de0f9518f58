/**
 * `npm run bench -- scim [--write] [--quick] [--no-postgres]`: SCIM (/scim/v2) over HTTP.
 *
 * The real server (`startServer`, production wiring) runs in a child process on SQLite, then on
 * PostgreSQL (an embedded one, as the tests start it); it is seeded with 100,000 users (each with a
 * name, a work email, a display name and an enterprise department, written as the SCIM store writes
 * them, in batches, so seeding takes seconds) and 10 groups of 10,000 members. This process drives
 * it with autocannon over keep-alive connections:
 * - filtered lists, one connection (one request at a time: the latency of one list): userName eq,
 *   sw and co, a value path on emails, a deep page of the unfiltered list, groups listed with
 *   `excludedAttributes=members` (as Entra lists them), a group by displayName, the groups of a member;
 * - users created per second: `POST /Users` with distinct userNames, 8 connections.
 * With `--write`, the section between the `scim` markers of bench/RESULTS.md is replaced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql, type Insertable } from 'kysely';
import type { Database } from '../src/store/database.ts';
import type { ScimValueRow } from '../src/store/index.ts';
import { describeMachine } from './describe-machine.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const script = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const START = '<!-- scim: written by `npm run bench -- scim --write` -->';
const END = '<!-- /scim -->';
const USERS = Number(args.find((a) => a.startsWith('--users='))?.slice('--users='.length) ?? 100_000);
const GROUPS = 10;
const MEMBERS = 10_000;
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface Ready {
  readonly url: string;
  readonly token: string;
  readonly memberId: string;
  readonly seedSeconds: number;
}

function userName(i: number): string {
  return `user${String(i).padStart(6, '0')}@example.com`;
}

// ---------------------------------------------------------------- the server (child process)

async function serve(database: 'sqlite' | 'postgres'): Promise<void> {
  const { startServer } = await import('../src/server/main.ts');
  const { resolveServerSettings } = await import('../src/server/server-settings.ts');
  const { storeScimToken, scimValueRows } = await import('../src/store/index.ts');
  const { newScimToken, scimTokenHash } = await import('../src/server/scim-token-authenticator.ts');
  const { startTestDatabases } = await import('../src/store/test-databases.test-support.ts');
  const stateDir = mkdtempSync(join(tmpdir(), 'parapet-bench-scim-'));
  const databases = database === 'postgres' ? await startTestDatabases() : [];
  const postgres = databases.find((d) => d.name === 'postgres');
  const databaseUrl = postgres === undefined ? undefined : ((await postgres.fresh()) as { url: string }).url;
  const settings = resolveServerSettings({ flags: { stateDir, host: '127.0.0.1', port: 0, publicUrl: 'http://parapet.bench', logLevel: 'warn', ...(databaseUrl === undefined ? {} : { databaseUrl, keyEncryptionKey: randomBytes(32).toString('base64') }) }, env: {} });
  const server = await startServer(settings);
  const db = server.context.store.db;
  const token = newScimToken();
  await storeScimToken(server.context.store, { id: 'bench-token', name: 'bench', tokenHash: scimTokenHash(token), at: new Date() });

  // seeding: the rows createScimUser writes (the user, its values for filters), a thousand per transaction
  const seedStart = performance.now();
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const BATCH = 1000;
  for (let from = 0; from < USERS; from += BATCH) {
    const users: Insertable<Database['scim_users']>[] = [];
    const values: ScimValueRow[] = [];
    for (let i = from; i < Math.min(USERS, from + BATCH); i += 1) {
      const id = `u-${String(i).padStart(6, '0')}`;
      const document = {
        name: { givenName: `Given${i}`, familyName: `Family${i % 997}` },
        displayName: `Given${i} Family${i % 997}`,
        emails: [{ value: userName(i), type: 'work', primary: true }],
        [ENTERPRISE]: { department: `dept-${i % 50}` },
      };
      const at = new Date(base + i * 1000).toISOString();
      users.push({ id, external_id: `ext-${i}`, user_name: userName(i), user_name_key: userName(i), active: 1, document: JSON.stringify(document), version: 1, created_at: at, modified_at: at });
      values.push(...scimValueRows(id, document));
    }
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('scim_users').values(users).execute();
      for (let i = 0; i < values.length; i += 500) await tx.insertInto('scim_user_values').values(values.slice(i, i + 500)).execute();
    });
  }
  for (let g = 0; g < GROUPS; g += 1) {
    const id = `g-${g}`;
    const at = new Date(base + g * 1000).toISOString();
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('scim_groups').values({ id, external_id: null, display_name: `group-${g}`, display_name_key: `group-${g}`, document: '{}', version: 1, created_at: at, modified_at: at }).execute();
      for (let i = 0; i < MEMBERS; i += 1000) {
        const rows = [];
        for (let j = i; j < i + 1000; j += 1) rows.push({ group_id: id, user_id: `u-${String((g * MEMBERS + j) % USERS).padStart(6, '0')}` });
        await tx.insertInto('scim_memberships').values(rows).execute();
      }
    });
  }
  // the statistics the planner would have after a while in production (SQLite: sqlite_stat1; PostgreSQL: autovacuum's analyze)
  await sql`analyze`.execute(db);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  process.send!({ url: server.url!, token, memberId: `u-${String(3 * MEMBERS + 17).padStart(6, '0')}`, seedSeconds } satisfies Ready);
  // the parent asks for the server's CPU time around each measured run
  process.on('message', () => process.send!(process.cpuUsage()));
  process.on('disconnect', () => {
    void server
      .stop()
      .then(async () => {
        for (const d of databases) await d.stop();
      })
      .finally(() => {
        rmSync(stateDir, { recursive: true, force: true });
        process.exit(0);
      });
  });
}

// ---------------------------------------------------------------- the load (this process)

interface ListScenario {
  readonly name: string;
  readonly path: (ready: Ready) => string;
  /** how many resources the answer's totalResults must say (a wrong answer fast is no result) */
  readonly total: number;
  /** held to the issue's target: a filtered list on 100,000 users within 50 ms */
  readonly target: boolean;
}

const q = (filter: string) => encodeURIComponent(filter);

const LISTS: readonly ListScenario[] = [
  { name: '`userName eq "user050000@example.com"`', path: () => `/scim/v2/Users?filter=${q(`userName eq "${userName(50_000)}"`)}`, total: 1, target: true },
  { name: '`userName eq` in another case (caseExact false)', path: () => `/scim/v2/Users?filter=${q(`userName eq "${userName(50_000).toUpperCase()}"`)}`, total: 1, target: true },
  { name: '`userName sw "user0500"` (100 users)', path: () => `/scim/v2/Users?filter=${q('userName sw "user0500"')}`, total: 100, target: true },
  { name: '`userName co "9999@"` (10 users; every userName scanned)', path: () => `/scim/v2/Users?filter=${q('userName co "9999@"')}`, total: 10, target: true },
  { name: '`externalId eq "ext-77777"`', path: () => `/scim/v2/Users?filter=${q('externalId eq "ext-77777"')}`, total: 1, target: true },
  { name: '`emails[type eq "work" and value eq "user012345@example.com"]`', path: () => `/scim/v2/Users?filter=${q(`emails[type eq "work" and value eq "${userName(12_345)}"]`)}`, total: 1, target: true },
  { name: '`name.familyName eq "Family42"` (~100 users, first page of 100)', path: () => `/scim/v2/Users?filter=${q('name.familyName eq "Family42"')}`, total: Math.ceil(USERS / 997), target: false },
  { name: 'no filter, `startIndex=50000&count=100` (a deep page, totalResults counted)', path: () => '/scim/v2/Users?startIndex=50000&count=100', total: USERS, target: false },
  { name: `Groups, \`excludedAttributes=members\` (${GROUPS} groups of ${MEMBERS.toLocaleString('en-US')})`, path: () => '/scim/v2/Groups?excludedAttributes=members', total: GROUPS, target: true },
  { name: 'Groups, `displayName eq "group-3"&excludedAttributes=members`', path: () => `/scim/v2/Groups?filter=${q('displayName eq "group-3"')}&excludedAttributes=members`, total: 1, target: true },
  { name: 'Groups, `members[value eq "…"]` (the groups of a user)', path: (ready) => `/scim/v2/Groups?filter=${q(`members[value eq "${ready.memberId}"]`)}&excludedAttributes=members`, total: 1, target: true },
];

interface ListResult {
  readonly scenario: ListScenario;
  readonly requests: number;
  /** the server process's CPU time per request (user + system), ms: the cost whatever else runs on the machine */
  readonly cpuMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly ok: boolean;
}

interface CreateResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

interface DatabaseResult {
  readonly database: string;
  readonly seedSeconds: number;
  readonly lists: readonly ListResult[];
  readonly create: CreateResult;
}

function startChild(database: 'sqlite' | 'postgres'): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--serve', `--database=${database}`, `--users=${USERS}`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
  });
}

async function checkTotal(ready: Ready, scenario: ListScenario): Promise<boolean> {
  const response = await fetch(`${ready.url}${scenario.path(ready)}`, { headers: { authorization: `Bearer ${ready.token}` } });
  const body = (await response.json()) as { totalResults?: number };
  if (response.status !== 200 || body.totalResults !== scenario.total) {
    process.stderr.write(`bench:scim: ${scenario.name}: status ${response.status}, totalResults ${body.totalResults}, expected ${scenario.total}\n`);
    return false;
  }
  return true;
}

async function measureDatabase(database: 'sqlite' | 'postgres', seconds: number): Promise<DatabaseResult> {
  const { child, ready } = await startChild(database);
  process.stdout.write(`${database}: seeded ${USERS.toLocaleString('en-US')} users and ${GROUPS} groups in ${ready.seedSeconds.toFixed(1)} s\n`);
  try {
    const lists: ListResult[] = [];
    for (const scenario of LISTS) {
      const ok = await checkTotal(ready, scenario);
      const run = (duration: number) =>
        autocannon({ url: `${ready.url}${scenario.path(ready)}`, method: 'GET', connections: 1, pipelining: 1, duration, headers: { authorization: `Bearer ${ready.token}` } });
      await run(1); // warm-up
      const before = await cpuOf(child);
      const result = await run(seconds);
      const after = await cpuOf(child);
      const cpuMs = (after.user + after.system - before.user - before.system) / 1000 / Math.max(1, result.requests.total);
      lists.push({ scenario, requests: result.requests.total, cpuMs, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, ok: ok && result.non2xx === 0 && result.errors === 0 });
      const last = lists.at(-1)!;
      process.stdout.write(`${database}: ${scenario.name}: p50 ${last.p50} ms, p99 ${last.p99} ms, max ${last.max} ms, server CPU ${cpuMs.toFixed(2)} ms/request (${last.requests} requests)${last.ok ? '' : ' WRONG ANSWER OR ERRORS'}\n`);
    }
    let next = 0;
    const prefix = `c${Date.now().toString(36)}`;
    const created = await autocannon({
      url: `${ready.url}/scim/v2/Users`,
      method: 'POST',
      connections: 8,
      pipelining: 1,
      duration: seconds,
      headers: { 'content-type': 'application/scim+json', authorization: `Bearer ${ready.token}` },
      requests: [
        {
          setupRequest: (request) => {
            next += 1;
            const name = `${prefix}-${next}@example.com`;
            return {
              ...request,
              body: JSON.stringify({ schemas: [USER_SCHEMA, ENTERPRISE], userName: name, name: { givenName: 'New', familyName: `User${next}` }, emails: [{ value: name, type: 'work', primary: true }], active: true, [ENTERPRISE]: { department: 'bench' } }),
            };
          },
        },
      ],
    });
    const create: CreateResult = { perSecond: created.requests.total / (created.duration || seconds), p50: created.latency.p50, p99: created.latency.p99, errors: created.errors + created.timeouts + created.non2xx };
    process.stdout.write(`${database}: POST /Users: ${Math.round(create.perSecond)} users/s, p50 ${create.p50} ms, p99 ${create.p99} ms, errors ${create.errors}\n`);
    const seedSeconds = ready.seedSeconds;
    return { database, seedSeconds, lists, create };
  } finally {
    child.disconnect();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function cpuOf(child: ChildProcess): Promise<NodeJS.CpuUsage> {
  return new Promise((resolve) => {
    child.once('message', (usage) => resolve(usage as NodeJS.CpuUsage));
    child.send('cpu');
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const quick = args.includes('--quick');
  const write = args.includes('--write');
  const machine = describeMachine();
  const seconds = quick ? 2 : 5;
  const results: DatabaseResult[] = [await measureDatabase('sqlite', seconds)];
  if (!args.includes('--no-postgres')) results.push(await measureDatabase('postgres', seconds));
  const targets = results.flatMap((r) =>
    r.lists.filter((l) => l.scenario.target).map((l) => ({ text: `${r.database}: ${l.scenario.name}: p50 ≤ 50 ms`, value: `p50 ${l.p50} ms (p99 ${l.p99} ms, server CPU ${l.cpuMs.toFixed(1)} ms)`, met: l.p50 <= 50 && l.ok })),
  );
  const section = [
    START,
    '## SCIM over HTTP',
    '',
    `Written by \`npm run bench -- scim --write\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.platform}, Node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at the start (other engineers' test runs share the machine).`,
    '',
    `The real server (\`startServer\`) on loopback, seeded with ${fmt(USERS)} users (name, work email, display name, enterprise department) and ${GROUPS} groups of ${fmt(MEMBERS)} members; PostgreSQL is an embedded one on the same machine. Lists: autocannon with one connection (one list at a time) for ${seconds} s after a warm-up, each answer's totalResults checked first; filters run in SQL (src/store/scim-query.ts). Creates: \`POST /Users\` with distinct userNames, 8 connections, ${seconds} s, each a transaction with its audit record.`,
    '',
    '| database | request | p50 ms | p99 ms | max ms | server CPU ms/request | requests |',
    '|:--|:--|--:|--:|--:|--:|--:|',
    ...results.flatMap((r) => r.lists.map((l) => `| ${r.database} | ${l.scenario.name}${l.ok ? '' : ' (WRONG ANSWER OR ERRORS)'} | ${l.p50} | ${l.p99} | ${l.max} | ${l.cpuMs.toFixed(2)} | ${fmt(l.requests)} |`)),
    '',
    '| database | users created per second (`POST /Users`) | p50 ms | p99 ms | errors | seeding 100,000 users (s) |',
    '|:--|--:|--:|--:|--:|--:|',
    ...results.map((r) => `| ${r.database} | ${fmt(r.create.perSecond)} | ${r.create.p50} | ${r.create.p99} | ${r.create.errors} | ${r.seedSeconds.toFixed(1)} |`),
    '',
    '### Targets',
    '',
    'The issue asks a filtered list on 100,000 users within 50 ms: held here to the median latency of one list at a time. The p99 and max columns move with whatever else the machine runs (on PostgreSQL the database server competes for the same two cores); the server CPU column (the Parapet process\'s user + system time over the run, per request; PostgreSQL\'s own CPU not included) does not.',
    '',
    ...targets.map((t) => `- ${t.text}: ${t.value} — ${t.met ? 'met' : 'MISSED'}`),
    END,
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  if (results.some((r) => r.lists.some((l) => !l.ok) || r.create.errors > 0)) process.exitCode = 1;
  if (write) {
    if (quick) process.stderr.write('bench:scim: not writing RESULTS.md from a --quick run\n');
    else {
      const file = join(benchDir, 'RESULTS.md');
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
      const start = current.indexOf(START);
      const end = current.indexOf(END);
      writeFileSync(file, start !== -1 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${section}\n`);
      process.stderr.write('bench:scim: wrote bench/RESULTS.md\n');
    }
  }
  const missed = targets.filter((t) => !t.met);
  if (missed.length > 0) process.stderr.write(`bench:scim: ${missed.length} target(s) missed\n`);
}

if (args.includes('--serve')) await serve((args.find((a) => a.startsWith('--database='))?.slice('--database='.length) ?? 'sqlite') as 'sqlite' | 'postgres');
else await main();
