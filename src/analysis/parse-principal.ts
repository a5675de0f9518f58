/**
 * A principal as written on a command line or in an access test: `group:payments-devs`,
 * `user:alice@acme.example`, `service:deployer` (`serviceAccount:` and `service-account:` are
 * read too, as src/org writes them).
 */
import type { ParsedPrincipalRef, PrincipalKind } from '../org/index.ts';

const KINDS: ReadonlyMap<string, PrincipalKind> = new Map([
  ['group', 'group'],
  ['user', 'user'],
  ['service', 'serviceAccount'],
  ['serviceAccount', 'serviceAccount'],
  ['service-account', 'serviceAccount'],
]);

const WORDS: Record<PrincipalKind, string> = { group: 'group', user: 'user', serviceAccount: 'service account' };

export function parsePrincipal(text: string): ParsedPrincipalRef {
  const colon = text.indexOf(':');
  const kind = colon === -1 ? undefined : KINDS.get(text.slice(0, colon));
  if (kind === undefined) return { ok: false, message: `\`${text}\` is not a principal: write \`group:NAME\`, \`user:EMAIL\` or \`service:NAME\`` };
  const name = text.slice(colon + 1);
  if (name === '') return { ok: false, message: `\`${text}\` names no ${WORDS[kind]}` };
  return { ok: true, value: { kind, name } };
}

/** `group:x`, `user:x`, `service:x` */
export function formatPrincipal(principal: { readonly kind: PrincipalKind; readonly name: string }): string {
  return `${principal.kind === 'serviceAccount' ? 'service' : principal.kind}:${principal.name}`;
}
