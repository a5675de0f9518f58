/**
 * Questions over policy and organization: access tests kept in the repository, who can perform an
 * action, what a principal can do. Pure: files are read by the CLI and given here as values.
 * Formats and commands: docs/access-tests.md, docs/cli.md.
 */
export type { AccessTest, AccessTestIssue, AccessTestIssueCode, Expectation } from './access-test.ts';
export { EXPECTATIONS } from './access-test.ts';
export { parseAccessTests, type ParseAccessTestsOptions, type ParsedAccessTests } from './parse-access-tests.ts';
export { runAccessTests, meetsExpectation, type AccessTestResult, type RunAccessTestsOptions } from './run-access-tests.ts';
export { formatJunit } from './format-junit.ts';
export {
  ACCESS_TEST_FORMAT,
  accessTestReport,
  accessTestReportJson,
  explainResult,
  failureOf,
  renderAccessTestText,
  requestOf,
  type AccessTestReport,
  type TestSuite,
} from './access-test-report.ts';
export { accessCompiler, resourceAccountOf, type AccessCompiler, type AccessCompilerOptions, type ResourceAccessQuery, type CompiledAccess } from './access-compiler.ts';
export { conditionalDecider, type AccessStatus, type AccessVerdict, type ConditionalDecider } from './conditional-decider.ts';
export { conditionCandidates, type ConditionCandidates } from './condition-candidates.ts';
export { principalSession, sessionFactsOf, permissionSetRoleArn, type PrincipalSession, type SessionFacts } from './principal-session.ts';
export { principalHoldings, type Holding } from './principal-holdings.ts';
export { whoCan, allPrincipals, type WhoCanEntry, type WhoCanUndecided, type WhoCanOptions, type WhoCanQuery, type WhoCanResult } from './who-can.ts';
export {
  whatCan,
  candidateServices,
  type GrantedAction,
  type PermissionSetAccess,
  type ServiceAccess,
  type WhatCanOptions,
  type WhatCanQuery,
  type WhatCanResult,
} from './what-can.ts';
export { WHO_CAN_FORMAT, renderWhoCanText, whoCanReportJson, type WhoCanReport } from './who-can-report.ts';
export { WHAT_CAN_FORMAT, renderWhatCanText, whatCanReport, whatCanReportJson, type WhatCanReport } from './what-can-report.ts';
export { formatContextExample } from './format-context-example.ts';
export {
  SIMULATE_FORMAT,
  caseRunJson,
  caseTotals,
  decisionJson,
  renderCaseRunText,
  renderCaseTotalsText,
  renderDecisionText,
  type CaseRun,
  type CaseTotals,
} from './simulate-report.ts';
