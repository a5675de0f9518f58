/**
 * Validation issues of a configuration repository: the project's one `Issue` shape (ADR 0003),
 * always located in a file of the repository (file:line:column and a JSON path). Issues found in
 * policy files by the engine keep the engine's codes.
 */
import type { IssueCode, LocatedIssue } from '../policy/index.ts';

/** the codes a configuration's issues use: all of them come from the one list in src/policy/issue.ts */
export type ConfigIssueCode = IssueCode;

/** an issue in a file of the repository; `source` is relative to the repository folder, with `/` separators */
export type ConfigIssue = LocatedIssue;

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** a file of the repository as the user reaches it: `source` below the folder `base` they named */
export function repositoryPath(base: string | undefined, source: string): string {
  return base === undefined || base === '' || base === '.' ? source : `${base.replace(/[\\/]+$/, '')}/${source}`;
}
