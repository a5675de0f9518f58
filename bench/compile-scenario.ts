/**
 * Parse every policy document of a scenario (from JSON text, as from a config repository) and
 * compile the policy set, timing both. Compilation is timed cold (the first call, what a server
 * pays when configuration changes) and warm (the median of a few more, run by `recompile`).
 */
import {
  compilePolicySet,
  formatIssue,
  parsePolicy,
  type CompileOptions,
  type CompiledPolicySet,
  type Policy,
  type PolicySetInput,
  type PolicyType,
} from '../src/policy/index.ts';
import type { PolicyDocument, Scenario } from './scenario.ts';

export interface CompiledScenario {
  readonly compiled: CompiledPolicySet;
  /** the parsed policies, kept as a server keeps them (to explain decisions) */
  readonly input: PolicySetInput;
  readonly options: CompileOptions;
  readonly policies: number;
  readonly statements: number;
  readonly warnings: number;
  readonly parseMs: number;
  readonly compileColdMs: number;
}

function parseAll(documents: readonly PolicyDocument[], type: PolicyType, counts: { warnings: number }): Policy[] {
  return documents.map((document) => {
    const parsed = parsePolicy(document.text, { type, name: document.name });
    if (!parsed.ok) throw new Error(`policy \`${document.name}\` does not parse:\n${parsed.issues.map((issue) => formatIssue(issue)).join('\n')}`);
    counts.warnings += parsed.issues.length;
    return parsed.value;
  });
}

export function compileScenario(scenario: Scenario): CompiledScenario {
  const counts = { warnings: 0 };
  const parseStart = performance.now();
  const identity = parseAll(scenario.identity, 'identity', counts);
  const scps = scenario.scps.map((level) => parseAll(level, 'scp', counts));
  const parseMs = performance.now() - parseStart;

  const input: PolicySetInput = { identity, scps };
  const options: CompileOptions = scenario.managementAccount !== undefined ? { managementAccount: scenario.managementAccount } : {};
  const coldStart = performance.now();
  const compiled = compilePolicySet(input, options);
  const compileColdMs = performance.now() - coldStart;

  const all = [...identity, ...scps.flat()];
  return {
    compiled,
    input,
    options,
    policies: all.length,
    statements: all.reduce((sum, p) => sum + p.statements.length, 0),
    warnings: counts.warnings,
    parseMs,
    compileColdMs,
  };
}

/** the median time of compiling again, up to `runs` times or until `budgetMs` is spent */
export function recompile(scenario: CompiledScenario, runs: number, budgetMs: number): number {
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (times.length < runs && (times.length === 0 || performance.now() < end)) {
    const start = performance.now();
    compilePolicySet(scenario.input, scenario.options);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
