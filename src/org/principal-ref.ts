/**
 * Who asks, as the configuration knows them: a group, a user (a member of groups, by e-mail
 * address) or a service account. Written `group:payments-devs`, `user:alice@acme.example`,
 * `service:deployer` on command lines, in access tests and in plans; `serviceAccount:deployer`
 * (and `service-account:`) are read too, and written `service:`.
 */
import type { Result } from '../policy/index.ts';

export type PrincipalRefKind = 'group' | 'user' | 'serviceAccount';

export interface PrincipalRef {
  readonly kind: PrincipalRefKind;
  readonly name: string;
}

export const PRINCIPAL_REF_KINDS: readonly PrincipalRefKind[] = ['group', 'user', 'serviceAccount'];

export type ParsedPrincipalRef = Result<PrincipalRef>;

/** the prefixes read, the first of each kind being the one written */
const PREFIXES: ReadonlyMap<string, PrincipalRefKind> = new Map([
  ['group', 'group'],
  ['user', 'user'],
  ['service', 'serviceAccount'],
  ['serviceAccount', 'serviceAccount'],
  ['service-account', 'serviceAccount'],
]);

const PREFIX: Record<PrincipalRefKind, string> = { group: 'group', user: 'user', serviceAccount: 'service' };
const WORDS: Record<PrincipalRefKind, string> = { group: 'group', user: 'user', serviceAccount: 'service account' };

export function parsePrincipalRef(text: string): ParsedPrincipalRef {
  const colon = text.indexOf(':');
  const kind = colon === -1 ? undefined : PREFIXES.get(text.slice(0, colon));
  if (kind === undefined) return notAPrincipal(`\`${text}\` is not a principal: write \`group:NAME\`, \`user:EMAIL\` or \`service:NAME\``);
  const name = text.slice(colon + 1);
  if (name === '') return notAPrincipal(`\`${text}\` names no ${WORDS[kind]}`);
  return { ok: true, value: { kind, name }, issues: [] };
}

function notAPrincipal(message: string): ParsedPrincipalRef {
  return { ok: false, issues: [{ code: 'bad-principal', severity: 'error', path: '$.principal', message }] };
}

/** `group:x`, `user:x`, `service:x` */
export function formatPrincipalRef(principal: PrincipalRef): string {
  return `${PREFIX[principal.kind]}:${principal.name}`;
}
