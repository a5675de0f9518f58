/**
 * Whether the configuration knows a principal: a defined group, a user who is a member of one, a
 * defined service account. The issue `resolveAccess` reports, and questions that name no account
 * or permission set (who-can, what-can, access tests) report the same way.
 */
import { didYouMean } from './did-you-mean.ts';
import { groupsOfUser } from './list-principal-access.ts';
import type { OrgConfig } from './org-config.ts';
import { formatPrincipalRef, type PrincipalRef } from './principal-ref.ts';
import type { ResolveIssue } from './resolve-issue.ts';

export function checkPrincipal(config: OrgConfig, principal: PrincipalRef): ResolveIssue | undefined {
  switch (principal.kind) {
    case 'group':
      return config.groups.has(principal.name)
        ? undefined
        : { code: 'unknown-group', severity: 'error', path: '$.principal', message: `unknown group \`${principal.name}\`${didYouMean(principal.name, config.groups.keys())}` };
    case 'user': {
      if (groupsOfUser(config, principal.name).length > 0) return undefined;
      const users = new Set([...config.groups.values()].flatMap((g) => g.members));
      return { code: 'unknown-user', severity: 'error', path: '$.principal', message: `\`${formatPrincipalRef(principal)}\` is in no group${didYouMean(principal.name, users)}` };
    }
    case 'serviceAccount':
      return config.serviceAccounts.has(principal.name)
        ? undefined
        : { code: 'unknown-service-account', severity: 'error', path: '$.principal', message: `unknown service account \`${principal.name}\`${didYouMean(principal.name, config.serviceAccounts.keys())}` };
    default: {
      const never: never = principal.kind;
      return never;
    }
  }
}
