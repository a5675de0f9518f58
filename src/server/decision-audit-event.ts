/**
 * The audit event of one decision of the decision API: who asked (the session's person and
 * credential, the caller's address and user agent, the enforcement point when a service account
 * asked), what (action, resource, account), the answer, and the statements that determined it.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditEvent } from '../contract/audit.ts';
import type { CredentialClaims } from '../identity/credential.ts';
import type { Decision } from '../policy/index.ts';
import type { Caller } from './caller.ts';

const USER_AGENT_MAX = 1024;

export function decisionAuditEvent(input: {
  readonly request: FastifyRequest;
  readonly caller: Caller;
  readonly subject: CredentialClaims;
  readonly decision: Decision;
  readonly configVersion: number;
  readonly now: Date;
}): AuditEvent {
  const { request, caller, subject, decision } = input;
  const userAgent = request.headers['user-agent'];
  const determining = decision.causes.map((cause): Record<string, string | number> =>
    'statement' in cause
      ? { kind: cause.kind, policyType: cause.statement.policyType, policy: cause.statement.policyName, statement: cause.statement.sid ?? cause.statement.statementIndex }
      : { kind: cause.kind },
  );
  return {
    time: input.now.toISOString(),
    actor: {
      principal: subject.sub,
      session: subject.jti,
      sourceIp: request.ip,
      ...(typeof userAgent === 'string' ? { userAgent: userAgent.slice(0, USER_AGENT_MAX) } : {}),
    },
    type: 'decision',
    action: decision.action,
    resource: decision.resource,
    ...(subject.account === undefined ? {} : { account: subject.account }),
    outcome: decision.decision === 'Allow' ? 'allow' : 'deny',
    requestId: request.id,
    details: JSON.parse(
      JSON.stringify({
        decision: decision.decision,
        principalArn: decision.principal,
        permissionSet: subject.permissionSet,
        configVersion: input.configVersion,
        determining,
        ...(caller.kind === 'service-account' ? { askedBy: `service-account:${caller.name}` } : {}),
      }),
    ) as Record<string, never>,
  };
}
