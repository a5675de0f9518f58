/**
 * Access tests kept in a configuration repository (`tests/*.yaml`, docs/access-tests.md): "this
 * principal, with this permission set in this account, may (not) perform this action on this
 * resource with this context". Parsed and checked against the organization into `AccessTest`
 * values; every mistake is an `Issue` (ADR 0003) with a stable code, located in its file.
 */
import type { ContextValue, IssueCode, LocatedIssue } from '../policy/index.ts';
import type { PrincipalRef } from '../org/index.ts';

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

/** the codes an access test file's issues use: all from the one list in src/policy/issue.ts (ADR 0003) */
export type AccessTestIssueCode = IssueCode;

/** an issue in a test file: the project's one `Issue` shape, located (`$.tests[3].principal`) */
export type AccessTestIssue = LocatedIssue;
