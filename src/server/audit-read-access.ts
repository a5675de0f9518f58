/**
 * Who may read the audit log, and the record of every read (#10). The readers are configuration
 * (parapet.yaml `audit.readers`: groups, whose members read as people, and service accounts); with
 * none configured, or no configuration in force, nobody reads it. Every route under `/v1/audit/`
 * is a read of the log (search, export, checkpoints, inclusion and consistency proofs, and any
 * route added there later: unknown means guarded), except `/v1/audit/checkpoint`, the latest tree
 * head and the public key, which every authenticated caller may fetch to check what they hold.
 *
 * Each read is recorded before it is answered, with its outcome: `allow`, or `deny` for a caller
 * who is not a reader (then 403). A read the log cannot record is not answered (503, and why).
 */
import type { FastifyRequest } from 'fastify';
import { ParapetError } from '../policy/index.ts';
import type { ActiveConfiguration } from './active-config.ts';
import type { Caller } from './caller.ts';
import { auditPrincipalOf, recordAuditEvent } from './record-audit-event.ts';
import type { ServerContext } from './server-context.ts';

const AUDIT_PREFIX = '/v1/audit/';
/** open to every authenticated caller: the signed tree head and the key, no event */
const OPEN_ROUTES = new Set(['/v1/audit/checkpoint']);

/** the action an audit read is recorded as, by route */
const READ_ACTIONS: Readonly<Record<string, string>> = {
  '/v1/audit/events': 'search',
  '/v1/audit/export': 'export',
  '/v1/audit/checkpoints': 'list-checkpoints',
  '/v1/audit/proof/:index': 'inclusion-proof',
  '/v1/audit/consistency': 'consistency-proof',
};

export function isAuditReadRoute(routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && routeUrl.startsWith(AUDIT_PREFIX) && !OPEN_ROUTES.has(routeUrl);
}

/** whether the caller is one of the configured readers, and if not, why not */
export function auditReaderDecision(active: ActiveConfiguration | undefined, caller: Caller): { readonly allowed: true } | { readonly allowed: false; readonly reason: string } {
  const readers = active?.config.audit?.readers;
  if (readers === undefined) return { allowed: false, reason: 'the configuration names no audit log readers (`audit.readers` in parapet.yaml)' };
  switch (caller.kind) {
    case 'user': {
      const groups = active?.directory.groupsOf(caller.user) ?? [];
      if (readers.groups.some((group) => groups.includes(group))) return { allowed: true };
      return { allowed: false, reason: `\`${caller.user}\` is in none of the audit log's reader groups (\`audit.readers.groups\`)` };
    }
    case 'service-account':
      if (readers.serviceAccounts.includes(caller.name)) return { allowed: true };
      return { allowed: false, reason: `service account \`${caller.name}\` is not an audit log reader (\`audit.readers.serviceAccounts\`)` };
    case 'bootstrap':
      return { allowed: false, reason: 'the bootstrap token may only apply the first configuration' };
    case 'scim-client':
      return { allowed: false, reason: 'a SCIM token authenticates only /scim/v2' };
    default: {
      const never: never = caller;
      return never;
    }
  }
}

/** the check and the record, before the handler (a preHandler: the query is validated by then) */
export async function guardAuditRead(context: ServerContext, request: FastifyRequest, caller: Caller): Promise<void> {
  const route = request.routeOptions.url ?? request.url;
  const decision = auditReaderDecision(context.config.current(), caller);
  const fields = {
    type: 'audit-read',
    action: READ_ACTIONS[route] ?? 'read',
    outcome: decision.allowed ? 'allow' : 'deny',
    resource: route,
    details: { query: request.query ?? {}, params: request.params ?? {}, ...(decision.allowed ? {} : { reason: decision.reason }) },
  } as const;
  if (decision.allowed) {
    await recordAuditEvent(context, auditPrincipalOf(caller), request, fields);
    return;
  }
  // refused either way: a refusal the log cannot hold is still a refusal
  await recordAuditEvent(context, auditPrincipalOf(caller), request, fields).catch((error: unknown) => request.log.error({ err: error }, 'cannot record a refused audit read'));
  throw new ParapetError('forbidden', `not an audit log reader: ${decision.reason}`);
}
