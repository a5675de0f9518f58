/**
 * Runs one scenario in this process and prints its result as JSON on stdout: build the scenario,
 * parse and compile it, read memory, then time decisions. `run.ts` starts one process per scenario
 * so that no scenario's heap or JIT state colours another's numbers.
 *
 *   node --expose-gc --import tsx bench/run-scenario.ts <small|org|large> [--quick]
 */
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import type { Slot } from '../src/policy/compile-policy-set.ts';
import { buildLargeScenario } from './build-large-scenario.ts';
import { buildOrgScenario } from './build-org-scenario.ts';
import { buildSmallScenario } from './build-small-scenario.ts';
import { compileScenario, recompile } from './compile-scenario.ts';
import { countDecisions, measureDecisions, type MeasureOptions } from './measure-decisions.ts';
import type { Scenario } from './scenario.ts';
import type { IndexShape, ScenarioResult } from './scenario-result.ts';

export const SCENARIOS = ['small', 'org', 'large'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const MB = 1024 * 1024;

function buildScenario(name: ScenarioName): Scenario {
  switch (name) {
    case 'small': return buildSmallScenario();
    case 'org': return buildOrgScenario();
    case 'large': return buildLargeScenario(loadCatalog());
    default: {
      const never: never = name;
      return never;
    }
  }
}

function collectGarbage(): boolean {
  if (globalThis.gc === undefined) return false;
  globalThis.gc();
  globalThis.gc();
  return true;
}

function indexShape(slot: Slot | undefined): IndexShape | undefined {
  if (slot === undefined) return undefined;
  let patternStatements = 0;
  for (const list of slot.byService.values()) patternStatements += list.length;
  return {
    exactActions: slot.exact.size,
    patternServices: slot.byService.size,
    patternStatements,
    anyServiceStatements: slot.anyService.length,
  };
}

function measureOptions(name: ScenarioName, quick: boolean, causes: MeasureOptions['causes']): MeasureOptions {
  const scale = (quick ? 0.25 : 1) * (causes === 'all' ? 0.5 : 1);
  const long = name !== 'small';
  return {
    causes,
    warmupMs: (long ? 1500 : 1000) * scale,
    rounds: 5,
    roundMs: (long ? 1000 : 500) * scale,
    latencyMs: (long ? 2500 : 1000) * scale,
    batchSize: 256,
    maxLatencySamples: 2_000_000,
  };
}

/** build and compile, keeping only what deciding needs, so the heap reading after it is honest */
function prepare(name: ScenarioName) {
  const buildStart = performance.now();
  const scenario = buildScenario(name);
  const buildMs = performance.now() - buildStart;
  const compiled = compileScenario(scenario);
  return { buildMs, compiled, requests: scenario.requests, description: scenario.description, expectMixedDecisions: scenario.expectMixedDecisions };
}

export function runScenario(name: ScenarioName, quick: boolean): ScenarioResult {
  // every process has the catalog loaded, as the server does; only `large` reads it
  loadCatalog();
  collectGarbage();
  const before = process.memoryUsage();

  const { buildMs, compiled, requests, description, expectMixedDecisions } = prepare(name);
  const gcForced = collectGarbage();
  const after = process.memoryUsage();
  // warm compiles only after the memory reading: their garbage would inflate RSS
  const compileWarmMs = recompile(compiled, 5, 2000);
  collectGarbage();

  const counts = countDecisions(compiled.compiled, requests);
  const timings = measureDecisions(compiled.compiled, requests, measureOptions(name, quick, 'sufficient'));
  const timingsAllCauses = measureDecisions(compiled.compiled, requests, measureOptions(name, quick, 'all'));
  const actions = new Set(requests.map((r) => r.request.action.toLowerCase()));

  return {
    name,
    description,
    policies: compiled.policies,
    statements: compiled.statements,
    requests: requests.length,
    distinctActions: actions.size,
    distinctServices: new Set([...actions].map((a) => a.slice(0, a.indexOf(':')))).size,
    parseWarnings: compiled.warnings,
    buildMs,
    parseMs: compiled.parseMs,
    compileColdMs: compiled.compileColdMs,
    compileWarmMs,
    memory: {
      gcForced,
      heapUsedMB: after.heapUsed / MB,
      rssMB: after.rss / MB,
      heapDeltaMB: (after.heapUsed - before.heapUsed) / MB,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    },
    identityIndex: indexShape(compiled.compiled.identity),
    counts,
    expectMixedDecisions,
    timings,
    timingsAllCauses,
    pinnedCpus: process.env.PARAPET_BENCH_PINNED,
  };
}

function isScenarioName(value: string | undefined): value is ScenarioName {
  return SCENARIOS.some((s) => s === value);
}

const [name, ...flags] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!isScenarioName(name)) {
    process.stderr.write(`usage: run-scenario.ts <${SCENARIOS.join('|')}> [--quick]\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(runScenario(name, flags.includes('--quick')))}\n`);
}
