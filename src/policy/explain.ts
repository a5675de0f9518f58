/**
 * Render a decision in AWS's words ("... because no service control policy allows the
 * `s3:GetObject` action"), listing every cause rather than only the first one AWS reports.
 */
import type { Cause, Decision, StatementRef } from './decision.ts';
import { POLICY_TYPE_LABELS } from './policy.ts';

export interface ExplainOptions {
  /** names for the levels of the SCP and RCP chains, root first (e.g. `root`, `workloads`, `payments-prod`) */
  readonly scpLevelNames?: readonly string[];
  readonly rcpLevelNames?: readonly string[];
}

function levelName(ref: { policyType: string; level?: number }, options: ExplainOptions): string {
  if (ref.level === undefined) return '';
  const names = ref.policyType === 'scp' ? options.scpLevelNames : ref.policyType === 'rcp' ? options.rcpLevelNames : undefined;
  const name = names?.[ref.level];
  return name !== undefined ? ` attached at \`${name}\`` : ` at level ${ref.level}${ref.level === 0 ? ' (the root)' : ''}`;
}

export function describeStatement(ref: StatementRef, options: ExplainOptions = {}): string {
  const sid = ref.sid !== undefined ? ` (\`${ref.sid}\`)` : '';
  return `${POLICY_TYPE_LABELS[ref.policyType]} \`${ref.policyName}\`${levelName(ref, options)} statement ${ref.statementIndex}${sid}`;
}

export function describeCause(cause: Cause, decision: Decision, options: ExplainOptions = {}): string {
  switch (cause.kind) {
    case 'explicit-deny':
      return `with an explicit deny in a ${describeStatement(cause.statement, options)}`;
    case 'allow':
      return `allowed by ${describeStatement(cause.statement, options)}`;
    case 'no-allow': {
      const where = cause.level !== undefined ? levelName({ policyType: cause.policyType, level: cause.level }, options) : '';
      const label = POLICY_TYPE_LABELS[cause.policyType];
      return `because no ${label}${where} allows the \`${decision.action}\` action`;
    }
    case 'no-permission-required':
      return `because \`${decision.action}\` needs no permission: every authenticated caller may perform it, and no policy, not even an explicit deny or a service control policy, can deny it`;
    default: {
      const never: never = cause;
      return never;
    }
  }
}

export function explain(decision: Decision, options: ExplainOptions = {}): string {
  const head =
    decision.decision === 'Allow'
      ? `\`${decision.principal}\` is allowed to perform \`${decision.action}\` on resource \`${decision.resource}\``
      : `\`${decision.principal}\` is not authorized to perform \`${decision.action}\` on resource \`${decision.resource}\` (${decision.decision === 'ExplicitDeny' ? 'explicit deny' : 'implicit deny'})`;
  const lines = [head];
  for (const cause of decision.causes) lines.push(`  - ${describeCause(cause, decision, options)}`);
  if (decision.decision === 'Allow' && decision.causes.length === 0) lines.push('  - as the account root user, which has full access unless a policy restricts it');
  for (const [type, reason] of Object.entries(decision.exemptions)) {
    lines.push(`  - ${type === 'scp' ? 'service control policies' : 'resource control policies'} do not apply: ${reason.replace(/-/g, ' ')}`);
  }
  if (decision.missingContextKeys.length > 0) {
    lines.push(`  - context keys the policies asked for but the request did not have: ${decision.missingContextKeys.map((k) => `\`${k}\``).join(', ')}`);
  }
  return lines.join('\n');
}
