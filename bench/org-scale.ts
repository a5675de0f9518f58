/**
 * `npm run bench:org [-- --write] [-- --quick] [-- --no-pin]`
 *
 * The organization-scale benchmark of issue 3: a generated organization of 1,000 accounts, 100
 * units, 50 permission sets, 500 groups and 5,000 assignments (bench/generate-org-config.ts),
 * written to a temporary folder as a real configuration repository, in two versions (a guardrail
 * edit and a few assignment changes) and as two commits of a git repository. Times `parapet
 * validate` (target: 2 s) and `parapet plan` between the versions (target: 10 s), each in a fresh
 * process pinned to one CPU, three runs each (the median counts); then each phase of a plan.
 * With `--write`, puts the results in bench/RESULTS.md under their own heading.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import { describeMachine } from './describe-machine.ts';
import { EDITED_GUARDRAIL, generateOrgConfig, ISSUE_SIZE } from './generate-org-config.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const args = process.argv.slice(2);
const write = args.includes('--write');
const runs = args.includes('--quick') ? 1 : 3;
const pin = !args.includes('--no-pin');

const TARGETS = { validate: 2000, plan: 10000 };
const START = '<!-- org-scale: written by `npm run bench:org -- --write` -->';
const END = '<!-- /org-scale -->';

/** the last CPU, when `taskset` can pin a process to it */
function pinnedCpu(): string | undefined {
  if (!pin || os.platform() !== 'linux') return undefined;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? String(os.cpus().length - 1) : undefined;
}

function writeRepository(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

interface StepResult {
  ms: number;
  cpuMs: number;
  code: number;
}

function step(cpu: string | undefined, name: string, stepArgs: readonly string[]): string {
  const node = [process.execPath, '--import', 'tsx', join(benchDir, 'time-org-step.ts'), name, ...stepArgs];
  const [command, ...rest] = cpu !== undefined ? ['taskset', '-c', cpu, ...node] : node;
  const child = spawnSync(command!, rest, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`step \`${name}\` failed with status ${child.status}`);
  return child.stdout.trim().split('\n').pop()!;
}

function measure(cpu: string | undefined, name: string, stepArgs: readonly string[]): StepResult[] {
  const results: StepResult[] = [];
  for (let i = 0; i < runs; i++) {
    const result = JSON.parse(step(cpu, name, stepArgs)) as StepResult;
    if (result.code !== 0) throw new Error(`\`${name}\` exited with ${result.code}`);
    results.push(result);
  }
  return results;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const cpu = pinnedCpu();
const machine = describeMachine();
process.stderr.write(`bench:org: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}${cpu !== undefined ? `, pinned to CPU ${cpu}` : ''}\n`);

const work = mkdtempSync(join(os.tmpdir(), 'parapet-bench-org-'));
try {
  const catalog = loadCatalog();
  const before = join(work, 'before');
  const after = join(work, 'after');
  process.stderr.write('bench:org: generating the organization…\n');
  const beforeFiles = generateOrgConfig(catalog, 'before');
  const afterFiles = generateOrgConfig(catalog, 'after');
  writeRepository(before, beforeFiles);
  writeRepository(after, afterFiles);
  const yamlLines = beforeFiles.get('parapet.yaml')!.split('\n').length;

  // the same two versions as commits of one repository
  const repo = join(work, 'repo');
  const git = (...gitArgs: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...gitArgs], { stdio: 'ignore' }).status === 0;
  mkdirSync(repo);
  writeRepository(repo, beforeFiles);
  let withGit = git('init', '-q', '-b', 'main') && git('add', '.') && git('commit', '-q', '-m', 'before');
  if (withGit) {
    writeRepository(repo, afterFiles);
    withGit = git('add', '.') && git('commit', '-q', '-m', 'after');
  }

  process.stderr.write('bench:org: validate…\n');
  const validate = measure(cpu, 'validate', [before]);
  process.stderr.write('bench:org: plan (folders)…\n');
  const plan = measure(cpu, 'plan', [before, after]);
  process.stderr.write(withGit ? 'bench:org: plan (git revisions)…\n' : 'bench:org: no git: skipping the git revisions\n');
  const planGit = withGit ? measure(cpu, 'plan-git', [repo, 'main~1', 'main']) : [];
  process.stderr.write('bench:org: phases of a plan…\n');
  type Breakdown = {
    phases: Record<string, number>;
    summary: { structuralChanges: number; accessChanges: number; principals: Record<string, number>; flags: Record<string, number> };
    stats: { compared: number; recomputed: number; policySetsEvaluated: number; decisions: number };
    markdownCharacters: number;
  };
  const breakdowns = Array.from({ length: runs }, () => JSON.parse(step(cpu, 'breakdown', [before, after])) as Breakdown);
  const breakdown: Breakdown = {
    ...breakdowns[0]!,
    phases: Object.fromEntries(Object.keys(breakdowns[0]!.phases).map((phase) => [phase, median(breakdowns.map((b) => b.phases[phase] ?? 0))])),
  };
  const row = (what: string, results: readonly StepResult[], target: number | undefined) => {
    const ms = median(results.map((r) => r.ms));
    const met = target === undefined ? '' : ms <= target ? `≤ ${seconds(target)}: met` : `≤ ${seconds(target)}: **missed**`;
    return `| ${what} | ${seconds(ms)} | ${seconds(Math.min(...results.map((r) => r.ms)))} | ${seconds(median(results.map((r) => r.cpuMs)))} | ${met} |`;
  };
  const { summary, stats } = breakdown;
  const date = new Date().toISOString().slice(0, 10);
  const section = [
    START,
    '## Organization scale: `parapet validate` and `parapet plan`',
    '',
    `Written by \`npm run bench:org -- --write\` on ${date}. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.platform}, Node ${machine.node} (V8 ${machine.v8}); ` +
      `load average ${machine.loadAverage.toFixed(2)} at the start${cpu !== undefined ? `; every step pinned to CPU ${cpu} with \`taskset\`` : '; not pinned'}.`,
    '',
    `The organization (bench/generate-org-config.ts, seeded): ${ISSUE_SIZE.accounts} accounts (and the management account) in ${ISSUE_SIZE.topUnits * ISSUE_SIZE.unitsPerTop} units, ` +
      `${ISSUE_SIZE.permissionSets} permission sets, ${ISSUE_SIZE.groups} groups of ${ISSUE_SIZE.users} users, ${ISSUE_SIZE.assignments} assignments, ${ISSUE_SIZE.serviceAccounts} service accounts, ` +
      `20 guardrails and 2 resource guardrails (${beforeFiles.size} files, parapet.yaml ${yamlLines} lines). The change: guardrail \`${EDITED_GUARDRAIL}\` edited (one more action denied, ` +
      'a conditional statement added), two assignments removed, two added, one made eligible.',
    '',
    `Each step is the real command in a fresh process (Node start-up and compiling TypeScript excluded), ${runs} run${runs === 1 ? '' : 's'}; the median counts.`,
    '',
    '| step | median | best | CPU (median) | target |',
    '|:--|--:|--:|--:|:--|',
    row('`parapet validate` (read, parse, validate, unknown-action warnings; loads the catalog)', validate, TARGETS.validate),
    row('`parapet plan` between two folders (markdown)', plan, TARGETS.plan),
    ...(planGit.length > 0 ? [row('`parapet plan` between two git revisions (markdown)', planGit, TARGETS.plan)] : []),
    '',
    `Phases of one plan, in one process (median of ${runs}):`,
    '',
    '| phase | time |',
    '|:--|--:|',
    ...Object.entries(breakdown.phases).map(([phase, ms]) => `| ${phase} | ${seconds(ms)} |`),
    '',
    `The plan: ${summary.structuralChanges} structural changes, ${summary.accessChanges} access changes (${summary.principals.groups} groups, ${summary.principals.users} users, ` +
      `${summary.principals.serviceAccounts} service accounts), flags: ${summary.flags['admin-equivalent']} admin-equivalent, ${summary.flags['privilege-escalation']} privilege escalation, ` +
      `${summary.flags['guardrail-lockout']} lock-outs; markdown ${breakdown.markdownCharacters} characters. Of ${stats.compared} (principal, account, mode) combinations, ` +
      `${stats.recomputed} had different policies in force and were recomputed; ${stats.policySetsEvaluated} distinct policy sets were evaluated with ${stats.decisions} engine decisions.`,
    '',
    'Where the time goes (CPU profiles of the diff): evaluating the distinct policy sets (bounding, compiling twice or three times, ' +
      'classifying the catalog\'s actions by the statements that match them, one decision per class) is about half; garbage collection ' +
      'a third, most of it from the engine\'s per-slot candidate memo (`candidatesOf` in src/policy/compile-policy-set.ts keeps an entry ' +
      'per action decided, which a set decided once per class never reuses) and from compiling statements; the rest is keying ' +
      'every (permission set, account) of both versions to find what changed. Outside the diff, parsing `parapet.yaml` with the `yaml` ' +
      'library is most of each version\'s parse (src/org/read-yaml-tree.ts), and loading the action catalog takes about 0.3 s.',
    END,
  ].join('\n');
  process.stdout.write(`\n${section}\n`);

  if (write) {
    if (runs === 1) process.stderr.write('bench:org: not writing RESULTS.md from a --quick run\n');
    else {
      const file = join(benchDir, 'RESULTS.md');
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
      const start = current.indexOf(START);
      const end = current.indexOf(END);
      const next = start !== -1 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${section}\n`;
      writeFileSync(file, next);
      process.stderr.write('bench:org: wrote bench/RESULTS.md\n');
    }
  }
  const missed = [median(validate.map((r) => r.ms)) > TARGETS.validate, median(plan.map((r) => r.ms)) > TARGETS.plan].filter(Boolean).length;
  if (missed > 0) process.stderr.write(`bench:org: ${missed} target(s) missed\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
