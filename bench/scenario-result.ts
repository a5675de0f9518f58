/** what one scenario's run reports back to `run.ts` (as one JSON line) */
import type { DecisionCounts, DecisionTimings } from './measure-decisions.ts';

export interface MemoryAfterCompile {
  /** whether `gc()` was available (node --expose-gc) and ran before reading the numbers */
  readonly gcForced: boolean;
  readonly heapUsedMB: number;
  readonly rssMB: number;
  /** heap held by the compiled policy set and the requests: after compiling minus before building */
  readonly heapDeltaMB: number;
  /** the highest RSS of the whole run, parsing and timing included */
  readonly maxRssMB: number;
}

export interface IndexShape {
  /** action names with their own list of statements */
  readonly exactActions: number;
  /** services with statements that use a pattern (`s3:Get*`), and how many statements those are */
  readonly patternServices: number;
  readonly patternStatements: number;
  /** statements that could match any service (`*`, `NotAction`), checked for every request */
  readonly anyServiceStatements: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly policies: number;
  readonly statements: number;
  readonly requests: number;
  readonly distinctActions: number;
  readonly distinctServices: number;
  readonly parseWarnings: number;
  readonly buildMs: number;
  readonly parseMs: number;
  readonly compileColdMs: number;
  readonly compileWarmMs: number;
  readonly memory: MemoryAfterCompile;
  readonly identityIndex: IndexShape | undefined;
  readonly counts: DecisionCounts;
  readonly expectMixedDecisions: boolean;
  /** deciding as the decision API does (`causes: 'sufficient'`) */
  readonly timings: DecisionTimings;
  /** deciding with every Allow statement and missing key reported (`causes: 'all'`), as explanations do */
  readonly timingsAllCauses: DecisionTimings;
  readonly pinnedCpus: string | undefined;
}
