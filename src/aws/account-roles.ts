/**
 * What Parapet wants in each member account, from the configuration: every permission set assigned
 * there (to a group, standing or eligible, or to a service account) as the IAM role `parapet test`
 * models, `arn:aws:iam::<account>:role/parapet/<permission set>` (src/analysis/principal-session.ts),
 * with
 * - the permission set's policies as inline role policies, named after their files, in file order
 *   while they fit AWS's 10,240 characters of inline policy per role; the rest as customer managed
 *   policies `parapet-<permission set>-<policy>` attached to it (6,144 characters each);
 * - its boundary as the customer managed policy `parapet-<permission set>-boundary`;
 * - `MaxSessionDuration` from `sessionDuration`;
 * - a trust policy for Parapet's OpenID issuer (trust-policy.ts) admitting the web identity tokens
 *   Parapet issues for this assignment (their `sub` starts with
 *   `account:<id>:permission-set:<name>:user:`, src/aws/web-identity.ts). Who holds the assignment
 *   is decided when the server issues a token, from the directory at that moment (SCIM included),
 *   so the role exists wherever the permission set is assigned, whoever its groups list now.
 * Pure.
 */
import type { OrgConfig } from '../org/org-config.ts';
import { policyDocument } from '../policy/index.ts';
import { REVOKED_SESSIONS_POLICY_NAME, ROLE_INLINE_POLICIES_MAX_CHARACTERS } from './revoked-sessions-policy.ts';

/** AWS's quotas (IAM User Guide, "IAM and AWS STS quotas": role inline policies 10,240 (ROLE_INLINE_POLICIES_MAX_CHARACTERS), managed policy 6,144 characters, white space not counted) */
export const MANAGED_POLICY_CHARACTERS = 6_144;

export interface DesiredPolicy {
  readonly name: string;
  /** the document as the engine reads it (minified JSON) */
  readonly document: string;
}

export interface DesiredRole {
  readonly permissionSet: string;
  /** the role's name: the permission set's */
  readonly name: string;
  readonly maxSessionDuration: number;
  readonly inlinePolicies: readonly DesiredPolicy[];
  /** customer managed policies attached to the role (policies that do not fit inline) */
  readonly managedPolicies: readonly DesiredPolicy[];
  readonly boundary?: DesiredPolicy;
}

export interface DesiredAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly roles: readonly DesiredRole[];
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

/** role names: letters, digits and `+=,.@_-`, up to 64 characters; policy names up to 128 (IAM API reference, CreateRole and CreatePolicy) */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

export function desiredAccounts(config: OrgConfig): DesiredAccount[] {
  // permission set → the accounts it is assigned in
  const holders = new Map<string, Set<string>>();
  const hold = (permissionSet: string, account: string) => {
    const accounts = holders.get(permissionSet) ?? new Set<string>();
    holders.set(permissionSet, accounts);
    accounts.add(account);
  };
  for (const assignment of config.assignments) {
    for (const account of assignment.accounts) hold(assignment.permissionSet, account);
  }
  for (const serviceAccount of config.serviceAccounts.values()) {
    for (const account of serviceAccount.accounts) hold(serviceAccount.permissionSet, account);
  }
  const out: DesiredAccount[] = [];
  for (const account of config.accounts.values()) {
    const roles: DesiredRole[] = [];
    const problems: string[] = [];
    const notes: string[] = [];
    const policyNames = new Map<string, string>();
    for (const [permissionSetName, accounts] of holders) {
      if (!accounts.has(account.name)) continue;
      const permissionSet = config.permissionSets.get(permissionSetName);
      if (permissionSet === undefined) continue;
      const what = `role \`parapet/${permissionSetName}\``;
      if (!ROLE_NAME.test(permissionSetName)) {
        problems.push(`${what}: an IAM role name has letters, digits and \`+=,.@_-\` only, up to 64 characters: rename the permission set`);
        continue;
      }
      const inlinePolicies: DesiredPolicy[] = [];
      const managedPolicies: DesiredPolicy[] = [];
      // the revocation's deny has its own name: a policy file of that name must not take it
      const inlineNames = new Set<string>([REVOKED_SESSIONS_POLICY_NAME]);
      let inlineCharacters = 0;
      const managed = (name: string, document: string): DesiredPolicy | undefined => {
        const owner = policyNames.get(name);
        if (owner !== undefined) {
          problems.push(`${what}: the managed policy name \`${name}\` is taken by permission set \`${owner}\`: rename a policy file`);
          return undefined;
        }
        if (!POLICY_NAME.test(name)) {
          problems.push(`${what}: \`${name}\` is not a valid IAM policy name (letters, digits and \`+=,.@_-\`, up to 128 characters)`);
          return undefined;
        }
        if (characters(document) > MANAGED_POLICY_CHARACTERS) {
          problems.push(`${what}: policy \`${name}\` is ${characters(document).toLocaleString('en-US')} characters, over AWS's limit of 6,144 for a managed policy`);
          return undefined;
        }
        policyNames.set(name, permissionSetName);
        return { name, document };
      };
      for (const file of permissionSet.policies) {
        const document = JSON.stringify(policyDocument(file.policy));
        const name = uniqueName(policyNameOf(file.file), inlineNames);
        if (inlineCharacters + characters(document) <= ROLE_INLINE_POLICIES_MAX_CHARACTERS) {
          inlineCharacters += characters(document);
          inlinePolicies.push({ name, document });
        } else {
          const made = managed(`parapet-${permissionSetName}-${name}`, document);
          if (made !== undefined) managedPolicies.push(made);
        }
      }
      const boundary = permissionSet.boundary === undefined ? undefined : managed(`parapet-${permissionSetName}-boundary`, JSON.stringify(policyDocument(permissionSet.boundary.policy)));
      if (permissionSet.boundary !== undefined && boundary === undefined) continue;
      roles.push({
        permissionSet: permissionSetName,
        name: permissionSetName,
        maxSessionDuration: permissionSet.sessionDurationSeconds,
        inlinePolicies,
        managedPolicies,
        ...(boundary !== undefined ? { boundary } : {}),
      });
    }
    out.push({ accountId: account.id, accountName: account.name, roles: roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), problems, notes });
  }
  return out;
}

/** `permission-sets/read-only.json` → `read-only` */
function policyNameOf(file: string): string {
  const base = file.split('/').at(-1) ?? file;
  return base.replace(/\.json$/i, '').replace(/[^\w+=,.@-]/g, '-').slice(0, 100) || 'policy';
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i += 1) candidate = `${name}-${i}`;
  taken.add(candidate);
  return candidate;
}

/** AWS counts a policy's characters without white space */
function characters(document: string): number {
  return [...document].length;
}
