/**
 * The policy decision engine: parse and validate policy JSON → compile → decide → explain.
 * Pure: no I/O, no clock, no randomness; the server, the CLI and the browser run the same code.
 */
export type { Issue, IssueCode, LocatedIssue, LocatedResult, Parsed, Result, Severity } from './issue.ts';
export { formatIssue, hasErrors, issueMessages } from './issue.ts';
export type { Policy, PolicyType, PolicyVersion, Statement, Condition, Effect, PrincipalSpec, BaseOperator, OperatorFamily } from './policy.ts';
export { POLICY_TYPE_LABELS, BASE_OPERATORS, OPERATOR_FAMILY } from './policy.ts';
export { parsePolicy, type ParsePolicyOptions } from './parse-policy.ts';
export { readJsonText, formatJsonPath, type JsonText, type JsonPathSegment } from './json-text.ts';
export type { DecisionRequest, CallerFacts, ContextValue, PreparedRequest, CallerKind } from './request.ts';
export { prepareRequest } from './request.ts';
export { compilePolicySet, createCompileSession, type CompileSession, type CompiledPolicySet, type PolicySetInput, type CompileOptions } from './compile-policy-set.ts';
export { createDecider, decide, decidePrepared, needsNoPermission, type DecideOptions, type Decider } from './decide.ts';
export type { Decision, DecisionKind, Cause, StatementRef, Outcome, ExemptionReason } from './decision.ts';
export { explain, describeCause, describeStatement, type ExplainOptions } from './explain.ts';
export { parseCase, type DecisionCase, type ParseCaseOptions } from './parse-case.ts';
export { splitArn, parseArn, accountOfArn, isAccountId, type Arn } from './arn.ts';
export { editDistance } from './edit-distance.ts';
export { parseDate } from './condition-values.ts';
export { closestMatch, suggestionDistance } from './closest-match.ts';
export { compileGlob, hasWildcard, matchTokens, tokenizeGlob } from './glob.ts';
export { evaluateCase, type CaseResult } from './evaluate-case.ts';
export { memoize } from './memoize.ts';
export { canonicalJson, type JsonValue } from './canonical-json.ts';
export { sha256, sha256Hex } from './sha256.ts';
export { policyDigest, policyDocument } from './policy-digest.ts';
export { globalContextKeyType, type ContextKeyTyper, type ContextValueType } from './context-key-types.ts';
export { checkContext, checkContextEntry, checkContextValueType, type ContextValueProblem } from './check-context-value.ts';
export { checkRequestAction, checkRequestResource } from './check-request-target.ts';
export { appendAll } from './append-all.ts';
export { capIssues, capIssuesPerFile, MAX_ISSUES_PER_FILE } from './cap-issues.ts';
export { ParapetError, ERROR_CODES, internalError, type ErrorCode, type ParapetErrorOptions } from './parapet-error.ts';
