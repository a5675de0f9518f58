/**
 * Validation issues of a configuration repository: every mistake is a value with a stable code, a
 * message in the project's style and a location (file:line:column in the repository). Issues found
 * in policy files by the engine keep the engine's codes.
 */
import type { IssueCode, Severity } from '../policy/index.ts';

export type ConfigIssueCode =
  // files and syntax
  | 'missing-config'
  | 'yaml-syntax'
  | 'yaml-alias-limit'
  | 'yaml-too-deep'
  | 'duplicate-key'
  // the shape of parapet.yaml
  | 'wrong-type'
  | 'missing-field'
  | 'unknown-field'
  | 'bad-name'
  | 'suspicious-name'
  | 'bad-account-id'
  | 'bad-organization-id'
  | 'bad-session-duration'
  | 'bad-path'
  | 'missing-file'
  // references between names
  | 'unknown-guardrail'
  | 'unknown-resource-guardrail'
  | 'unknown-permission-set'
  | 'unknown-group'
  | 'unknown-account'
  | 'duplicate-entry'
  | 'unused-definition'
  // the organization tree
  | 'account-in-two-places'
  | 'duplicate-account-id'
  | 'duplicate-account-name'
  | 'duplicate-unit-name'
  | 'no-allow-at-level'
  | 'no-allow-only-management-account'
  | 'policy-too-large'
  | 'assignment-to-management-account';

export interface ConfigIssue {
  /** one of ours, or the policy engine's for a mistake inside a policy file */
  readonly code: ConfigIssueCode | IssueCode;
  readonly severity: Severity;
  readonly message: string;
  /** the file, relative to the repository folder, with `/` separators */
  readonly source: string;
  /** 1-based */
  readonly line: number;
  readonly column: number;
  /** where in the document: `$.organization.root.units[0].name` or a policy's JSON path */
  readonly path: string;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** `file:line:column: severity code: message`, the file joined to `base` when given */
/** a file of the repository as the user reaches it: `source` below the folder `base` they named */
export function repositoryPath(base: string | undefined, source: string): string {
  return base === undefined || base === '' || base === '.' ? source : `${base.replace(/[\\/]+$/, '')}/${source}`;
}

export function formatConfigIssue(issue: ConfigIssue, base?: string): string {
  const file = repositoryPath(base, issue.source);
  return `${file}:${issue.line}:${issue.column}: ${issue.severity} ${issue.code}: ${issue.message}`;
}

export function hasConfigErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
