/**
 * Whether the configuration knows a principal, with the same codes and messages as
 * `resolveAccess` (src/org), for questions that do not name an account or a permission set.
 */
import type { OrgConfig, PrincipalRef, ResolveIssue } from '../org/index.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatPrincipal } from './parse-principal.ts';

export function checkPrincipal(config: OrgConfig, principal: PrincipalRef): ResolveIssue | undefined {
  switch (principal.kind) {
    case 'group':
      return config.groups.has(principal.name)
        ? undefined
        : { code: 'unknown-group', message: `unknown group \`${principal.name}\`${didYouMean(principal.name, config.groups.keys())}` };
    case 'user': {
      const users = new Set([...config.groups.values()].flatMap((g) => g.members));
      return users.has(principal.name) ? undefined : { code: 'unknown-user', message: `\`${formatPrincipal(principal)}\` is in no group${didYouMean(principal.name, users)}` };
    }
    case 'serviceAccount':
      return config.serviceAccounts.has(principal.name)
        ? undefined
        : { code: 'unknown-service-account', message: `unknown service account \`${principal.name}\`${didYouMean(principal.name, config.serviceAccounts.keys())}` };
    default: {
      const never: never = principal.kind;
      return never;
    }
  }
}

