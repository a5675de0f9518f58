import type { Issue, Severity } from './issue.ts';

/**
 * A policy or a configuration file with tens of thousands of mistakes is reported by its first
 * ones: the rest repeat and only bury the report. Per file, at most this many issues, then one
 * `too-many-issues` issue saying how many more there are.
 */
export const MAX_ISSUES_PER_FILE = 100;

interface Capped {
  readonly severity: Severity;
  readonly source?: string | undefined;
}

/**
 * Keeps the first `max` issues of each file (by `source`), in order, and puts after them the issue
 * `more` makes from the first one left out, with the message and severity to give it (an error
 * when any issue left out is one).
 */
export function capIssuesPerFile<T extends Capped>(issues: readonly T[], more: (firstLeftOut: T, message: string, severity: Severity) => T, max = MAX_ISSUES_PER_FILE): T[] {
  if (issues.length <= max) return [...issues];
  const kept = new Map<string | undefined, number>();
  const leftOut = new Map<string | undefined, { first: T; count: number; errors: number; after: number }>();
  const out: T[] = [];
  for (const issue of issues) {
    const count = kept.get(issue.source) ?? 0;
    if (count < max) {
      kept.set(issue.source, count + 1);
      out.push(issue);
      continue;
    }
    const known = leftOut.get(issue.source);
    if (known === undefined) leftOut.set(issue.source, { first: issue, count: 1, errors: issue.severity === 'error' ? 1 : 0, after: out.length });
    else {
      known.count++;
      if (issue.severity === 'error') known.errors++;
    }
  }
  if (leftOut.size === 0) return out;
  // each summary goes where its file's issues stopped: positions are taken before any insertion
  const summaries = [...leftOut.values()].sort((a, b) => b.after - a.after);
  for (const { first, count, errors, after } of summaries) out.splice(after, 0, more(first, describeMoreIssues(count, errors, max), errors > 0 ? 'error' : 'warning'));
  return out;
}

/** `5,000 more issues (120 of them errors) not shown: the first 100 of the file are` */
function describeMoreIssues(count: number, errors: number, max: number): string {
  const errorsText = errors === 0 ? '' : errors === count ? ' (all errors)' : ` (${errors.toLocaleString('en-US')} of them errors)`;
  return `${count.toLocaleString('en-US')} more issue${count === 1 ? '' : 's'}${errorsText} not shown: the first ${max} of the file are`;
}

/** the engine's issues, capped per file; the summary sits where the first issue left out is */
export function capIssues(issues: readonly Issue[]): Issue[] {
  return capIssuesPerFile(issues, (first, message, severity) => ({ ...first, code: 'too-many-issues', severity, message }));
}
