/**
 * Run access tests: each request is decided by the engine with the policies in force for its
 * (account, permission set), compiled once per pair and shared, as the role session AWS would see
 * (principal-session.ts), with the test's context on top of what AWS supplies.
 */
import { decide, type Decision, type DecisionKind, type ExplainOptions } from '../policy/index.ts';
import type { Directory, OrgConfig } from '../org/index.ts';
import { questionCompiler, type AccessCompiler } from './access-compiler.ts';
import type { AccessTest, Expectation } from './access-test.ts';
import { principalFactsOf, principalSession, sessionFactsOf, type SessionFacts } from './principal-session.ts';
import { internalError } from '../policy/index.ts';

export interface AccessTestResult {
  readonly test: AccessTest;
  readonly pass: boolean;
  readonly decision: Decision;
  /** the organization's names for the guardrail levels of the decision's causes: for `explain` */
  readonly explainOptions: Required<ExplainOptions>;
}

export interface RunAccessTestsOptions {
  readonly rcpServices?: ReadonlySet<string> | undefined;
  readonly sessionFacts?: SessionFacts | undefined;
  /** who is in which group; default: the compiler's, else the configuration's `groups` (as parseAccessTests was given) */
  readonly directory?: Directory | undefined;
  readonly compiler?: AccessCompiler | undefined;
}

export function meetsExpectation(expect: Expectation, decision: DecisionKind): boolean {
  switch (expect) {
    case 'allow':
      return decision === 'Allow';
    case 'deny':
      return decision !== 'Allow';
    case 'explicit-deny':
      return decision === 'ExplicitDeny';
    case 'implicit-deny':
      return decision === 'ImplicitDeny';
    default: {
      const never: never = expect;
      return never;
    }
  }
}

export function runAccessTests(config: OrgConfig, tests: readonly AccessTest[], options: RunAccessTestsOptions = {}): AccessTestResult[] {
  const compile = questionCompiler(config, options);
  const facts = sessionFactsOf(config, options.sessionFacts);
  return tests.map((test) => {
    const compiled = compile({
      principal: test.principal,
      account: test.account,
      permissionSet: test.permissionSet,
      resource: test.resource,
      resourceAccount: test.resourceAccount,
    });
    // parseAccessTests checked every name against the same configuration and directory
    if (!compiled.ok) throw internalError(`runAccessTests: test \`${test.name}\`: ${compiled.issues.map((i) => i.message).join('; ')}`);
    const { access, resourceAccountId } = compiled.value;
    const session = principalSession(test.principal, access.account.id, test.permissionSet, principalFactsOf(facts, test.principal, compile.directory));
    const decision = decide(
      compiled.value.compiled,
      {
        principal: session.principal,
        action: test.action,
        resource: test.resource,
        resourceAccount: resourceAccountId,
        context: { ...session.context, ...test.context },
      },
      session.facts,
    );
    const pass = meetsExpectation(test.expect, decision.decision);
    return { test, pass, decision, explainOptions: access.explainOptions };
  });
}
