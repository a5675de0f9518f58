/** the results as markdown: one table, the decision mix, targets, and how the numbers were taken */
import type { Machine } from './describe-machine.ts';
import type { ScenarioResult } from './scenario-result.ts';

export interface Target {
  readonly scenario: string;
  readonly what: string;
  readonly met: (result: ScenarioResult) => boolean;
  readonly actual: (result: ScenarioResult) => string;
}

export const TARGETS: readonly Target[] = [
  { scenario: 'org', what: '≥ 200,000 decisions/s', met: (r) => r.timings.decisionsPerSecond >= 200_000, actual: (r) => `${formatInt(r.timings.decisionsPerSecond)}/s` },
  { scenario: 'large', what: '≥ 50,000 decisions/s', met: (r) => r.timings.decisionsPerSecond >= 50_000, actual: (r) => `${formatInt(r.timings.decisionsPerSecond)}/s` },
  { scenario: 'large', what: '< 200 MB heap after compile', met: (r) => r.memory.heapUsedMB < 200, actual: (r) => `${r.memory.heapUsedMB.toFixed(0)} MB` },
  { scenario: 'large', what: '< 200 MB RSS after compile', met: (r) => r.memory.rssMB < 200, actual: (r) => `${r.memory.rssMB.toFixed(0)} MB` },
];

function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'policies', 'statements', 'requests', 'decisions/s', 'p50 µs', 'p99 µs', 'all causes: decisions/s (p50 µs)', 'parse ms', 'compile ms (cold / warm)', 'heap MB (Δ)', 'RSS MB', 'Allow / ExplicitDeny / ImplicitDeny'];
  const lines = [row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:')))];
  for (const r of results) {
    lines.push(
      row([
        `\`${r.name}\``,
        formatInt(r.policies),
        formatInt(r.statements),
        formatInt(r.requests),
        formatInt(r.timings.decisionsPerSecond),
        fixed(r.timings.p50Us, 2),
        fixed(r.timings.p99Us, 2),
        `${formatInt(r.timingsAllCauses.decisionsPerSecond)} (${fixed(r.timingsAllCauses.p50Us, 2)})`,
        fixed(r.parseMs, 1),
        `${fixed(r.compileColdMs, 1)} / ${fixed(r.compileWarmMs, 1)}`,
        `${fixed(r.memory.heapUsedMB, 1)} (${fixed(r.memory.heapDeltaMB, 1)})`,
        fixed(r.memory.rssMB, 0),
        `${r.counts.Allow} / ${r.counts.ExplicitDeny} / ${r.counts.ImplicitDeny}`,
      ]),
    );
  }
  return lines.join('\n');
}

export function formatTargets(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const target of TARGETS) {
    const result = results.find((r) => r.name === target.scenario);
    if (result === undefined) continue;
    lines.push(`- \`${target.scenario}\` ${target.what}: ${target.actual(result)} — ${target.met(result) ? 'met' : '**missed**'}`);
  }
  return lines.join('\n');
}

export function formatDetails(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const t = r.timings;
    const index = r.identityIndex;
    lines.push(`- \`${r.name}\`: ${r.description}.`);
    lines.push(
      `  ${formatInt(t.decisions)} timed decisions in ${t.rounds} rounds of ${t.roundMs / 1000} s, batches of ${t.batchSize}: best round ${formatInt(t.decisionsPerSecond)}/s, all rounds ${formatInt(t.meanDecisionsPerSecond)}/s ` +
        `(batch mean µs/decision: p50 ${fixed(t.batchP50Us, 2)}, p99 ${fixed(t.batchP99Us, 2)}); ` +
        `${formatInt(t.samples)} individually timed decisions (max ${fixed(t.maxUs, 0)} µs, timer overhead ${t.timerOverheadNs} ns subtracted).`,
    );
    lines.push(`  Requests cover ${r.distinctActions} actions in ${r.distinctServices} services. Scenario built in ${fixed(r.buildMs, 0)} ms; peak RSS of the run ${fixed(r.memory.maxRssMB, 0)} MB.`);
    if (index !== undefined) {
      lines.push(
        `  Identity index: ${formatInt(index.exactActions)} exact action keys, ${formatInt(index.patternStatements)} pattern statements under ${index.patternServices} services, ` +
          `${index.anyServiceStatements} statements checked for every request.`,
      );
    }
  }
  return lines.join('\n');
}

export const METHOD = [
  '- Each scenario runs in its own Node process (`bench/run-scenario.ts`), started with `--expose-gc`, so heap and JIT state do not carry over.',
  '- Every timed decision is `decider.decidePrepared(compiled, decider.prepareRequest(request), { causes })`, with one decider (`createDecider()`) per measurement: preparing a fresh request is part of the cost. Requests rotate through the scenario\'s list.',
  "- Two modes, the same decisions: `decisions/s`, p50 and p99 decide as the decision API does (`causes: 'sufficient'`: every Deny is found, a policy type stops at the first Allow that settles it); the `all causes` column reports every Allow statement and every missing context key, as `parapet simulate` and explanations do. The targets are for the first.",
  '- Warm-up first (at least three passes over the requests, and 1–1.5 s), then the throughput loop: 5 rounds of batches of 256 decisions, one `process.hrtime.bigint()` pair per batch. decisions/s is the best round (decisions / summed batch time), which keeps garbage collection but drops rounds slowed by other processes on a shared machine; the rate over all rounds is listed per scenario.',
  '- p50/p99: a separate pass times every decision on its own with `process.hrtime.bigint()` and subtracts the median cost of an empty timer pair; percentiles are over those individual decisions (GC pauses included), not over batch averages.',
  '- Memory: `process.memoryUsage()` after parsing and compiling, after a forced `gc()`; Δ is the heap the scenario added (parsed policies, kept as a server keeps them to explain decisions, + compiled policy set + requests) over a baseline taken after loading the service catalog, which every process loads. RSS is the whole process (Node, tsx, the catalog).',
  '- Compile: cold is the first `compilePolicySet` call; warm is the median of 5 more. Parse is `parsePolicy` of every document from JSON text.',
  '- The loop is single-threaded: decisions/s is the throughput of one core.',
].join('\n');

export function formatResultsFile(results: readonly ScenarioResult[], machine: Machine, date: string, pinned: string | undefined): string {
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench -- --write`. The decision engine (`src/policy`) on three scenarios; see `bench/run.ts`.',
    '',
    `- Date: ${date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, ${machine.platform}`,
    `- Node ${machine.node} (V8 ${machine.v8})${pinned !== undefined ? `, each scenario pinned to CPU ${pinned} with \`taskset\`` : ''}`,
    `- Load average when the run started: ${machine.loadAverage.toFixed(2)}`,
    '',
    formatTable(results),
    '',
    '## Targets',
    '',
    formatTargets(results),
    '',
    '## Scenarios',
    '',
    formatDetails(results),
    '',
    '## How the numbers are taken',
    '',
    METHOD,
    '',
  ].join('\n');
}
