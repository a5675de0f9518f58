/**
 * Who asks, as the configuration knows them: a group, a user (a member of groups, by e-mail
 * address) or a service account. Written `group:payments-devs`, `user:alice@acme.example`,
 * `serviceAccount:deployer` on command lines and in access tests.
 */
export type PrincipalKind = 'group' | 'user' | 'serviceAccount';

export interface PrincipalRef {
  readonly kind: PrincipalKind;
  readonly name: string;
}

export const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['group', 'user', 'serviceAccount'];

export type ParsedPrincipalRef = { readonly ok: true; readonly value: PrincipalRef } | { readonly ok: false; readonly message: string };

export function parsePrincipalRef(text: string): ParsedPrincipalRef {
  const colon = text.indexOf(':');
  const kind = colon === -1 ? '' : text.slice(0, colon);
  const name = text.slice(colon + 1);
  const known = PRINCIPAL_KINDS.find((k) => k === kind || (k === 'serviceAccount' && kind === 'service-account'));
  if (colon === -1 || known === undefined) {
    return { ok: false, message: `\`${text}\` is not a principal: write \`group:NAME\`, \`user:EMAIL\` or \`serviceAccount:NAME\`` };
  }
  if (name === '') return { ok: false, message: `\`${text}\` names no ${known}` };
  return { ok: true, value: { kind: known, name } };
}

export function formatPrincipalRef(principal: PrincipalRef): string {
  return `${principal.kind}:${principal.name}`;
}
