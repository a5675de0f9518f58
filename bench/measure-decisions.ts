/**
 * Time decisions the way a server makes them: every decision prepares a fresh request
 * (`decider.prepareRequest`) and decides it (`decider.decidePrepared`) with one decider, as a server
 * keeps one, rotating through the scenario's requests.
 *
 * - throughput: decisions run in batches, with one `process.hrtime.bigint()` pair around each
 *   batch, so the timer costs a fraction of a nanosecond per decision; batches run in rounds of a
 *   fixed duration and the best round is reported (the machine may be shared: a round in which
 *   another process ran is slower for reasons that are not the engine's)
 * - latency: a second pass brackets every single decision with its own timer pair and subtracts
 *   the timer's measured overhead; p50/p99 are percentiles of those individual decisions (they
 *   include whatever garbage collection happened during a decision), not of batch averages
 */
import { createDecider, type CompiledPolicySet, type DecideOptions, type DecisionKind } from '../src/policy/index.ts';
import type { BenchRequest } from './scenario.ts';

export interface MeasureOptions {
  /** `sufficient`: as the decision API decides; `all`: every Allow statement and missing key, as explanations need */
  readonly causes: NonNullable<DecideOptions['causes']>;
  readonly warmupMs: number;
  /** the throughput loop runs in rounds; the best round is reported, as timeit does */
  readonly rounds: number;
  readonly roundMs: number;
  readonly latencyMs: number;
  readonly batchSize: number;
  readonly maxLatencySamples: number;
}

export interface DecisionTimings {
  readonly decisions: number;
  /** the best round's rate: interruptions by other processes removed, garbage collection kept */
  readonly decisionsPerSecond: number;
  /** over all rounds */
  readonly meanDecisionsPerSecond: number;
  readonly rounds: number;
  readonly roundMs: number;
  readonly batchSize: number;
  /** mean µs per decision within a batch: median and 99th percentile over batches */
  readonly batchP50Us: number;
  readonly batchP99Us: number;
  readonly samples: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly timerOverheadNs: number;
  /** folded from every decision so that no work can be optimized away */
  readonly checksum: number;
}

export type DecisionCounts = Record<DecisionKind, number>;

/** each request once, in order: the mix of answers the timed loops cycle through */
export function countDecisions(compiled: CompiledPolicySet, requests: readonly BenchRequest[]): DecisionCounts {
  const counts: DecisionCounts = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
  const decider = createDecider();
  for (const { request, facts } of requests) counts[decider.decidePrepared(compiled, decider.prepareRequest(request, facts)).decision]++;
  return counts;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** the median cost of an empty `hrtime.bigint()` pair, in ns */
function timerOverhead(): number {
  const runs = new Float64Array(20_000);
  for (let i = 0; i < runs.length; i++) {
    const start = process.hrtime.bigint();
    runs[i] = Number(process.hrtime.bigint() - start);
  }
  return percentile(runs.sort(), 0.5);
}

export function measureDecisions(compiled: CompiledPolicySet, requests: readonly BenchRequest[], options: MeasureOptions): DecisionTimings {
  const n = requests.length;
  const decideOptions: DecideOptions = { causes: options.causes };
  // one decider per measurement, as a server keeps one per process: its caches warm up with the rest
  const decider = createDecider();
  let next = 0;
  let checksum = 0;
  const decideNext = (): void => {
    const { request, facts } = requests[next]!;
    next = next + 1 === n ? 0 : next + 1;
    const decision = decider.decidePrepared(compiled, decider.prepareRequest(request, facts), decideOptions);
    checksum = (checksum + decision.causes.length + decision.decision.length) | 0;
  };

  // warm-up: long enough for the JIT to settle, and at least three passes over the requests
  const warmupEnd = performance.now() + options.warmupMs;
  for (let done = 0; done < 3 * n || performance.now() < warmupEnd; done++) decideNext();

  const batchSize = options.batchSize;
  const batches: number[] = [];
  const roundRates: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    let roundNs = 0;
    let roundBatches = 0;
    const roundEnd = performance.now() + options.roundMs;
    while (performance.now() < roundEnd) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < batchSize; i++) decideNext();
      const ns = Number(process.hrtime.bigint() - start);
      roundNs += ns;
      roundBatches++;
      batches.push(ns / batchSize / 1000);
    }
    roundRates.push((roundBatches * batchSize) / (roundNs / 1e9));
  }
  const decisions = batches.length * batchSize;
  const batchMeans = Float64Array.from(batches).sort();
  const totalNs = batches.reduce((sum, us) => sum + us * batchSize * 1000, 0);

  const overhead = timerOverhead();
  const samples = new Float64Array(options.maxLatencySamples);
  let count = 0;
  const latencyEnd = performance.now() + options.latencyMs;
  while (count < samples.length) {
    if ((count & 1023) === 0 && performance.now() >= latencyEnd) break;
    const start = process.hrtime.bigint();
    decideNext();
    samples[count++] = Math.max(0, Number(process.hrtime.bigint() - start) - overhead) / 1000;
  }
  const sorted = samples.subarray(0, count).sort();

  return {
    decisions,
    decisionsPerSecond: Math.max(...roundRates),
    meanDecisionsPerSecond: decisions / (totalNs / 1e9),
    rounds: options.rounds,
    roundMs: options.roundMs,
    batchSize,
    batchP50Us: percentile(batchMeans, 0.5),
    batchP99Us: percentile(batchMeans, 0.99),
    samples: count,
    p50Us: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
    maxUs: sorted[count - 1] ?? Number.NaN,
    timerOverheadNs: overhead,
    checksum,
  };
}
