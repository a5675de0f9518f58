/**
 * Access tests kept in a configuration repository (`tests/*.yaml`, docs/access-tests.md): "this
 * principal, with this permission set in this account, may (not) perform this action on this
 * resource with this context". Parsed and checked against the organization into `AccessTest`
 * values; every mistake is an `AccessTestIssue` with a stable code, located in its file.
 */
import type { ContextValue } from '../policy/index.ts';
import { repositoryPath, type PrincipalRef } from '../org/index.ts';

export type Expectation = 'allow' | 'deny' | 'explicit-deny' | 'implicit-deny';

export const EXPECTATIONS: readonly Expectation[] = ['allow', 'deny', 'explicit-deny', 'implicit-deny'];

export interface AccessTest {
  readonly name: string;
  /** the test file, relative to the repository folder */
  readonly source: string;
  /** where the test starts, 1-based */
  readonly line: number;
  readonly column: number;
  readonly principal: PrincipalRef;
  /** account name */
  readonly account: string;
  readonly permissionSet: string;
  /** tests the access after a just-in-time elevation: eligible assignments count */
  readonly eligible: boolean;
  readonly action: string;
  readonly resource: string;
  /** name, or an id outside the organization */
  readonly resourceAccount?: string;
  readonly context: Readonly<Record<string, ContextValue>>;
  readonly expect: Expectation;
}

export type AccessTestIssueCode =
  // files and syntax
  | 'yaml-syntax'
  | 'yaml-alias-limit'
  | 'yaml-too-deep'
  | 'duplicate-key'
  | 'no-tests'
  // the shape of a test file
  | 'wrong-type'
  | 'missing-field'
  | 'unknown-field'
  | 'duplicate-name'
  | 'suspicious-name'
  // what a test says
  | 'bad-principal'
  | 'bad-action'
  | 'unknown-action'
  | 'bad-resource'
  | 'bad-context'
  | 'bad-expectation'
  // names the organization must know
  | 'unknown-group'
  | 'unknown-user'
  | 'unknown-service-account'
  | 'unknown-account'
  | 'unknown-permission-set'
  | 'no-such-assignment'
  | 'ambiguous-permission-set'
  // a file with more issues than are reported
  | 'too-many-issues';

export interface AccessTestIssue {
  readonly code: AccessTestIssueCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** the test file, relative to the repository folder */
  readonly source: string;
  readonly line: number;
  readonly column: number;
  /** `$.tests[3].principal` */
  readonly path: string;
}

/** `file:line:column: severity code: message`, the file joined to `base` when given */
export function formatAccessTestIssue(issue: AccessTestIssue, base?: string): string {
  const file = repositoryPath(base, issue.source);
  return `${file}:${issue.line}:${issue.column}: ${issue.severity} ${issue.code}: ${issue.message}`;
}
