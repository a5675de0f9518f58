/**
 * `npm run bench [-- --write] [-- --quick] [-- small org large] [-- --no-pin]`
 *
 * Runs each scenario in its own Node process (pinned to one CPU with `taskset` when it is
 * available), prints a markdown table, checks that each scenario's answers are a real mix of
 * Allow, ExplicitDeny and ImplicitDeny, and with `--write` records the results, the date and the
 * machine in bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './describe-machine.ts';
import { formatDetails, formatResultsFile, formatTable, formatTargets, METHOD, TARGETS } from './format-results.ts';
import type { ScenarioResult } from './scenario-result.ts';
import { SCENARIOS, type ScenarioName } from './run-scenario.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);

const args = process.argv.slice(2);
const write = args.includes('--write');
const quick = args.includes('--quick');
const pin = !args.includes('--no-pin');
const chosen = args.filter((a) => !a.startsWith('--'));
for (const name of chosen) {
  if (!SCENARIOS.some((s) => s === name)) {
    process.stderr.write(`unknown scenario \`${name}\`: expected ${SCENARIOS.join(', ')}\n`);
    process.exit(2);
  }
}
const names: readonly ScenarioName[] = chosen.length > 0 ? SCENARIOS.filter((s) => chosen.includes(s)) : SCENARIOS;

/** the last CPU, when `taskset` can pin a process to it: the timing loop is single-threaded */
function pinnedCpu(): string | undefined {
  if (!pin || os.platform() !== 'linux') return undefined;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? String(os.cpus().length - 1) : undefined;
}

function runOne(name: ScenarioName, cpu: string | undefined): ScenarioResult {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', join(benchDir, 'run-scenario.ts'), name, ...(quick ? ['--quick'] : [])];
  const [command, ...rest] = cpu !== undefined ? ['taskset', '-c', cpu, ...node] : node;
  const child = spawnSync(command!, rest, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(cpu !== undefined ? { PARAPET_BENCH_PINNED: cpu } : {}) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`scenario \`${name}\` failed with status ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ScenarioResult;
}

/** a benchmark whose answers are all alike measures a shortcut, not the engine */
function checkMix(result: ScenarioResult): string | undefined {
  const { Allow, ExplicitDeny, ImplicitDeny } = result.counts;
  const total = Allow + ExplicitDeny + ImplicitDeny;
  if (!result.expectMixedDecisions) return undefined;
  const kinds = [Allow, ExplicitDeny, ImplicitDeny];
  if (kinds.some((n) => n === 0)) return `\`${result.name}\`: not every kind of decision occurs (${Allow} / ${ExplicitDeny} / ${ImplicitDeny})`;
  if (kinds.some((n) => n > 0.8 * total)) return `\`${result.name}\`: one kind of decision is more than 80% of all (${Allow} / ${ExplicitDeny} / ${ImplicitDeny})`;
  return undefined;
}

const cpu = pinnedCpu();
const machine = describeMachine();
process.stderr.write(`bench: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}${cpu !== undefined ? `, pinned to CPU ${cpu}` : ''}${quick ? ', quick' : ''}\n`);
const results: ScenarioResult[] = [];
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  results.push(runOne(name, cpu));
}

const problems = results.map(checkMix).filter((p) => p !== undefined);
process.stdout.write(`\n${formatTable(results)}\n\n${formatTargets(results)}\n\n${formatDetails(results)}\n\n${METHOD}\n`);
for (const r of results) {
  const { Allow, ExplicitDeny, ImplicitDeny } = r.counts;
  const note = r.expectMixedDecisions ? '' : ' (one request by design)';
  process.stdout.write(`decision mix \`${r.name}\`: Allow ${Allow}, ExplicitDeny ${ExplicitDeny}, ImplicitDeny ${ImplicitDeny}${note}\n`);
}
for (const problem of problems) process.stderr.write(`bench: sanity check failed: ${problem}\n`);

if (write) {
  if (quick || names.length !== SCENARIOS.length) {
    process.stderr.write('bench: not writing RESULTS.md from a --quick or partial run\n');
  } else {
    const date = new Date().toISOString().slice(0, 10);
    const file = join(benchDir, 'RESULTS.md');
    // keep the organization-scale section (bench/org-scale.ts writes it between these markers)
    const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const orgScale = /<!-- org-scale[\s\S]*<!-- \/org-scale -->\n?/.exec(previous)?.[0];
    // and the decision API's (bench/http-authorize.ts)
    const httpAuthorize = /<!-- http-authorize[\s\S]*<!-- \/http-authorize -->\n?/.exec(previous)?.[0];
    writeFileSync(file, formatResultsFile(results, machine, date, cpu) + (orgScale !== undefined ? `\n${orgScale}` : '') + (httpAuthorize !== undefined ? `\n${httpAuthorize}` : ''));
    process.stderr.write('bench: wrote bench/RESULTS.md\n');
  }
}
const missed = TARGETS.filter((t) => {
  const r = results.find((x) => x.name === t.scenario);
  return r !== undefined && !t.met(r);
});
if (missed.length > 0) process.stderr.write(`bench: ${missed.length} target(s) missed\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
