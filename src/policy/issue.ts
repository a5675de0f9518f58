/**
 * Issues: every expected failure in the code base (a mistake in a policy, a case, a configuration,
 * an access test, a question naming something the organization does not know) is a value with a
 * stable code, a severity, a message in the project's style (lower case, user input in backticks)
 * and a location. There is one shape, one list of codes and one formatter (ADR 0003); the policy
 * engine holds them because every other part of the code base imports the engine.
 */

export type IssueCode =
  // JSON text
  | 'json-syntax'
  | 'json-too-deep'
  | 'duplicate-key'
  // YAML text (parapet.yaml, access tests)
  | 'yaml-syntax'
  | 'yaml-alias-limit'
  | 'yaml-too-deep'
  // policy document shape
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
  // decision cases
  | 'bad-case'
  // configuration files (src/org): the shape of parapet.yaml
  | 'missing-config'
  | 'wrong-type'
  | 'missing-field'
  | 'unknown-field'
  | 'bad-name'
  | 'suspicious-name'
  | 'bad-account-id'
  | 'bad-organization-id'
  | 'bad-aws-id'
  | 'bad-aws-name'
  | 'bad-session-duration'
  | 'bad-path'
  | 'missing-file'
  // configuration: references between names (also a question naming what the organization does not know)
  | 'unknown-guardrail'
  | 'unknown-resource-guardrail'
  | 'unknown-permission-set'
  | 'unknown-group'
  | 'unknown-user'
  | 'unknown-service-account'
  | 'unknown-account'
  | 'duplicate-entry'
  | 'unused-definition'
  // configuration: the organization tree
  | 'account-in-two-places'
  | 'duplicate-account-id'
  | 'duplicate-account-name'
  | 'duplicate-unit-name'
  | 'duplicate-aws-id'
  | 'no-allow-at-level'
  | 'no-allow-only-management-account'
  | 'policy-too-large'
  | 'assignment-to-management-account'
  // configuration: service accounts' GitHub Actions trust (which workflow runs may act as one)
  | 'bad-github-repository'
  | 'bad-github-ref'
  | 'bad-github-environment'
  | 'bad-github-workflow-ref'
  | 'bad-audience'
  | 'ambiguous-github-trust'
  | 'unrestricted-github-trust'
  // configuration: groups synced from the directory (SCIM) and principal tags
  | 'bad-group-sync'
  | 'synced-group-with-members'
  | 'synced-group-not-loaded'
  | 'synced-group-not-found'
  | 'bad-principal-tag'
  // a directory snapshot file (`parapet directory export`)
  | 'bad-directory-snapshot'
  // credentials (src/identity): a bearer token that is refused
  | 'malformed-token'
  | 'token-algorithm-not-allowed'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'token-expired'
  | 'token-not-yet-valid'
  | 'unknown-signing-key'
  | 'bad-signature'
  | 'missing-claim'
  | 'no-matching-service-account'
  // access tests (src/analysis)
  | 'no-tests'
  | 'duplicate-name'
  | 'bad-context'
  | 'bad-expectation'
  | 'no-such-assignment'
  | 'ambiguous-permission-set'
  // Terraform plans (src/iac): `terraform show -json` output
  | 'bad-plan'
  | 'unsupported-plan-version'
  | 'unknown-change-action'
  // the preflight's policy file (enforcement, required tags, exceptions)
  | 'bad-preflight-policy'
  | 'unknown-rule'
  // a file with more issues than are reported
  | 'too-many-issues';

export type Severity = 'error' | 'warning';

export interface Issue {
  readonly code: IssueCode;
  readonly severity: Severity;
  readonly message: string;
  /** JSON path from the document's root, e.g. `$.Statement[1].Condition.StringEqualz` */
  readonly path?: string;
  /** 1-based, present when the document was read from text */
  readonly line?: number;
  readonly column?: number;
  /** the file or policy name the issue belongs to, when known (a file relative to the repository folder) */
  readonly source?: string;
}

/** an issue in a file: always a source, a position and a JSON path */
export type LocatedIssue = Issue & { readonly source: string; readonly line: number; readonly column: number; readonly path: string };

/** the outcome of every parse, resolve and compile step: a value, or the issues that prevent one */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly issues: readonly Issue[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** a `Result` whose issues are all located in files */
export type LocatedResult<T> =
  | { readonly ok: true; readonly value: T; readonly issues: readonly LocatedIssue[] }
  | { readonly ok: false; readonly issues: readonly LocatedIssue[] };

/** the engine's name for a `Result`, kept to avoid churn */
export type Parsed<T> = Result<T>;

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}

/**
 * `file:line:column: severity code: message`, or `file: $.path: ...` when there is no position, or
 * `severity code: message` when there is no location at all; the file is joined to `base` (the
 * repository folder) when given.
 */
export function formatIssue(issue: Issue, base?: string): string {
  const file = issue.source === undefined ? undefined : joinBase(base, issue.source);
  const where =
    issue.line !== undefined
      ? `${file ?? '<input>'}:${issue.line}:${issue.column ?? 1}: `
      : file !== undefined || issue.path !== undefined
        ? `${[file, issue.path].filter((part) => part !== undefined).join(': ')}: `
        : '';
  return `${where}${issue.severity} ${issue.code}: ${issue.message}`;
}

function joinBase(base: string | undefined, source: string): string {
  return base === undefined || base === '' || base === '.' ? source : `${base.replace(/[\\/]+$/, '')}/${source}`;
}

/** the messages alone, joined with `; `: for a one-line answer to a question that could not be asked */
export function issueMessages(issues: readonly Issue[]): string {
  return issues.map((issue) => issue.message).join('; ');
}
