/**
 * One timed step of the organization-scale benchmark, in a fresh process as a person would run
 * it: `validate DIR`, `plan FROM TO`, `plan-git REPO FROM TO` through the real CLI entry point,
 * or `breakdown FROM TO` (each phase of a plan on its own). Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import { unknownActionChecker } from '../src/catalog/unknown-action-checker.ts';
import { buildPlan } from '../src/analysis/build-plan.ts';
import { renderPlanMarkdown } from '../src/analysis/render-plan-markdown.ts';
import type { Io } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { parseConfig, readConfigDir } from '../src/org/index.ts';

const [step, ...args] = process.argv.slice(2);
const silent: Io = { out: () => undefined, err: (s) => void process.stderr.write(s) };

async function timed(run: () => Promise<number>): Promise<{ ms: number; cpuMs: number; code: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const code = await run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, code };
}

switch (step) {
  case 'validate': {
    const result = await timed(() => main(['validate', args[0]!], silent));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    break;
  }
  case 'plan': {
    const result = await timed(() => main(['plan', '--from', args[0]!, '--to', args[1]!, '--output', '/dev/null'], silent));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    break;
  }
  case 'plan-git': {
    const result = await timed(() => main(['plan', '--repo', args[0]!, '--from', args[1]!, '--to', args[2]!, '--output', '/dev/null'], silent));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    break;
  }
  case 'breakdown': {
    const phases: Record<string, number> = {};
    const phase = <T>(name: string, run: () => T): T => {
      const start = performance.now();
      const value = run();
      phases[name] = performance.now() - start;
      return value;
    };
    const catalog = phase('load the action catalog', () => loadCatalog());
    const files = phase('read both folders', () => [readConfigDir(args[0]!), readConfigDir(args[1]!)] as const);
    phase('validate one version (with unknown-action warnings)', () => parseConfig(files[0], { checkAction: unknownActionChecker(catalog) }));
    const [before, after] = phase('parse both versions (plan)', () => files.map((f) => parseConfig(f)));
    if (!before?.ok || !after?.ok) throw new Error('the generated organization is invalid');
    const plan = phase('structural and access-impact diff', () => buildPlan(before.value, after.value, { catalog, from: 'before', to: 'after' }));
    const markdown = phase('render markdown', () => renderPlanMarkdown(plan));
    process.stdout.write(`${JSON.stringify({ phases, summary: plan.summary, stats: plan.stats, markdownCharacters: markdown.length })}\n`);
    break;
  }
  default:
    process.stderr.write(`unknown step \`${step ?? ''}\`: expected validate, plan, plan-git or breakdown\n`);
    process.exitCode = 2;
}
