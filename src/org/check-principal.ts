/**
 * Whether the organization knows a principal: a group or a user of the directory (by default the
 * configuration's, where a user is known as a member of a group), a defined service account. The
 * issue `resolveAccess` reports, and questions that name no account or permission set (who-can,
 * what-can, access tests) report the same way.
 */
import { configDirectory } from './config-directory.ts';
import { didYouMean } from './did-you-mean.ts';
import type { Directory } from './directory.ts';
import type { OrgConfig } from './org-config.ts';
import { formatPrincipalRef, type PrincipalRef } from './principal-ref.ts';
import type { ResolveIssue } from './resolve-issue.ts';

export function checkPrincipal(config: OrgConfig, principal: PrincipalRef, directory: Directory = configDirectory(config)): ResolveIssue | undefined {
  switch (principal.kind) {
    case 'group':
      return directory.hasGroup(principal.name)
        ? undefined
        : { code: 'unknown-group', severity: 'error', path: '$.principal', message: `unknown group \`${principal.name}\`${didYouMean(principal.name, directory.listGroups())}` };
    case 'user':
      return directory.hasUser(principal.name)
        ? undefined
        : { code: 'unknown-user', severity: 'error', path: '$.principal', message: `\`${formatPrincipalRef(principal)}\` is in no group${didYouMean(principal.name, directory.listUsers())}` };
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
