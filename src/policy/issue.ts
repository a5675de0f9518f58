/**
 * Validation issues: every mistake in a policy or a case is a value with a stable code, a message
 * in the project's style (lower case, user input in backticks) and a location.
 */

export type IssueCode =
  // JSON text
  | 'json-syntax'
  | 'json-too-deep'
  | 'duplicate-key'
  // document shape
  | 'not-an-object'
  | 'unknown-element'
  | 'missing-version'
  | 'bad-version'
  | 'missing-statement'
  | 'empty-statement'
  | 'bad-statement'
  | 'bad-sid'
  | 'duplicate-sid'
  | 'bad-effect'
  | 'missing-effect'
  // action, resource, principal
  | 'action-and-not-action'
  | 'missing-action'
  | 'bad-action'
  | 'unknown-action'
  | 'resource-and-not-resource'
  | 'missing-resource'
  | 'bad-resource'
  | 'malformed-arn'
  | 'principal-and-not-principal'
  | 'missing-principal'
  | 'principal-not-allowed'
  | 'bad-principal'
  | 'not-principal-with-allow'
  | 'rcp-allow-not-supported'
  | 'rcp-principal-must-be-star'
  | 'rcp-not-action-not-supported'
  // conditions
  | 'bad-condition'
  | 'unknown-condition-operator'
  | 'bad-condition-value'
  | 'bad-condition-key'
  | 'if-exists-with-null'
  | 'set-operator-on-single-valued-key'
  // variables
  | 'bad-variable'
  | 'unknown-variable'
  | 'variables-ignored'
  // cases
  | 'bad-case'
  // a file with more issues than are reported
  | 'too-many-issues';

export type Severity = 'error' | 'warning';

export interface Issue {
  readonly code: IssueCode;
  readonly severity: Severity;
  readonly message: string;
  /** JSON path from the document's root, e.g. `$.Statement[1].Condition.StringEqualz` */
  readonly path: string;
  /** 1-based, present when the document was read from text */
  readonly line?: number;
  readonly column?: number;
  /** the file or policy name the issue belongs to, when known */
  readonly source?: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T; readonly issues: readonly Issue[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}

/** `file:line:column: error code: message`, or the JSON path when there is no position */
export function formatIssue(issue: Issue): string {
  const where =
    issue.line !== undefined
      ? `${issue.source ?? '<input>'}:${issue.line}:${issue.column ?? 1}`
      : `${issue.source !== undefined ? `${issue.source}: ` : ''}${issue.path}`;
  return `${where}: ${issue.severity} ${issue.code}: ${issue.message}`;
}
