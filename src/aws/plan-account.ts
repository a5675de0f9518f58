/**
 * What must change in IAM of one member account for it to hold the roles the configuration
 * describes (account-roles.ts): a pure comparison, as an ordered list of changes (docs/aws.md).
 *
 * Parapet's objects are those under the `/parapet/` path or tagged `parapet:managed`: only they
 * are changed or deleted. A role or managed policy of the name Parapet needs that is not Parapet's
 * is a problem, never taken over. The inline policy `parapet-revoked-sessions` (the revocation of
 * sessions writes it) is left as it is, and goes only with its role. An OpenID Connect provider
 * for Parapet's issuer that exists is used (IAM has one per URL), and gets Parapet's audience added;
 * it is deleted only when Parapet made it and no Parapet role needs it.
 *
 *   the provider → the managed policies → each role (create, or compare every property) →
 *   delete the roles, policies and providers Parapet manages and no longer needs → order
 */
import { canonicalJson, parsePolicy, policyDigest, type JsonValue, type PolicyType } from '../policy/index.ts';
import { ACCOUNT_CHANGE_ORDER, type AccountChange, type AccountPlan } from './account-change.ts';
import type { DesiredAccount, DesiredPolicy } from './account-roles.ts';
import { PARAPET_PATH, type LiveAccountIam, type LiveRole } from './live-account.ts';
import { REVOKED_SESSIONS_POLICY_NAME } from './revoked-sessions-policy.ts';
import { MANAGED_TAG } from './plan-organization.ts';
import { webIdentitySubjectPrefix } from './web-identity.ts';
import { TRUST_POLICY_CHARACTERS, providerArnOf, providerHostOf, trustPolicyOf, type TrustSettings } from './trust-policy.ts';

export const PERMISSION_SET_TAG = 'parapet:permission-set';

/** AWS keeps at most five versions of a managed policy (IAM quotas) */
const POLICY_VERSIONS = 5;

export function planAccount(desired: DesiredAccount, live: LiveAccountIam, trust: TrustSettings | undefined): AccountPlan {
  const changes: AccountChange[] = [];
  const problems = [...desired.problems];
  const notes = [...desired.notes];
  const account = desired.accountId;
  const partition = partitionOf(live);
  const policyArn = (name: string) => `arn:${partition}:iam::${account}:policy${PARAPET_PATH}${name}`;
  const plan = (): AccountPlan => ({ accountId: account, accountName: desired.accountName, changes: order(changes), problems, notes });

  // the provider
  const host = trust === undefined ? undefined : providerHostOf(trust.issuer);
  const roles = desired.roles;
  let providerArn: string | undefined;
  if (roles.length > 0) {
    if (trust === undefined || host === undefined) {
      problems.push(
        trust === undefined
          ? `the roles need Parapet's OpenID issuer (the server's public URL): give it with \`--issuer\``
          : `the issuer \`${trust.issuer}\` is not an https URL without query or fragment, as IAM requires of an OpenID Connect provider`,
      );
      return plan();
    }
    const existing = live.oidcProviders.find((p) => p.url.replace(/\/+$/, '') === host);
    providerArn = existing?.arn ?? providerArnOf(partition, account, host);
    if (existing === undefined) changes.push({ kind: 'create-oidc-provider', provider: providerArn, url: `https://${host}`, audiences: [trust.audience] });
    else if (!existing.clientIds.includes(trust.audience)) changes.push({ kind: 'add-oidc-audience', provider: existing.arn, audience: trust.audience });
  }

  // the managed policies
  const wantedPolicies = new Map<string, { policy: DesiredPolicy; permissionSet: string }>();
  for (const role of roles) for (const policy of [...role.managedPolicies, ...(role.boundary !== undefined ? [role.boundary] : [])]) wantedPolicies.set(policy.name, { policy, permissionSet: role.permissionSet });
  for (const [name, { policy, permissionSet }] of wantedPolicies) {
    const found = live.policies.find((p) => p.name === name);
    const otherPath = live.otherPolicies[name];
    if (found === undefined && otherPath !== undefined) {
      problems.push(`managed policy \`${name}\` exists at path \`${otherPath}\` and Parapet does not manage it: rename or delete it`);
      continue;
    }
    if (found === undefined) {
      changes.push({ kind: 'create-managed-policy', policy: policyArn(name), name, permissionSet, document: policy.document });
      continue;
    }
    if (found.path !== PARAPET_PATH) {
      problems.push(`managed policy \`${name}\` is Parapet's but at path \`${found.path}\`, not \`${PARAPET_PATH}\`: delete it, and apply again`);
      continue;
    }
    if (!sameDocument(found.document, policy.document, 'identity')) {
      const full = found.otherVersionIds.length + 1 >= POLICY_VERSIONS;
      changes.push({ kind: 'update-managed-policy', policy: found.arn, document: policy.document, ...(full ? { deleteVersion: found.otherVersionIds[0] ?? '' } : {}) });
    }
  }
  const arnOfWanted = (name: string) => live.policies.find((p) => p.name === name && p.path === PARAPET_PATH)?.arn ?? policyArn(name);

  // the roles
  const wantedRoles = new Set(roles.map((r) => r.name));
  for (const role of roles) {
    const what = `role \`parapet/${role.name}\``;
    const trustPolicy = trustPolicyOf(providerArn ?? '', host ?? '', trust?.audience ?? '', `${webIdentitySubjectPrefix(account, role.permissionSet)}*`);
    if ([...trustPolicy].length > TRUST_POLICY_CHARACTERS) {
      problems.push(`${what}: its trust policy is ${[...trustPolicy].length.toLocaleString('en-US')} characters, over AWS's default limit of 2,048 (a long issuer URL or permission set name): shorten it, or raise the quota and apply again`);
      continue;
    }
    const boundary = role.boundary === undefined ? undefined : arnOfWanted(role.boundary.name);
    const found = live.roles.find((r) => r.name === role.name);
    const otherPath = live.otherRoles[role.name];
    if (found === undefined && otherPath !== undefined) {
      problems.push(`${what}: a role \`${role.name}\` exists at path \`${otherPath}\` and Parapet does not manage it (a role name is unique in an account): rename or delete it`);
      continue;
    }
    if (found !== undefined && found.path !== PARAPET_PATH) {
      problems.push(`${what}: the role \`${role.name}\` Parapet manages is at path \`${found.path}\`, not \`${PARAPET_PATH}\` (AWS cannot move a role): delete it, and apply again`);
      continue;
    }
    if (found === undefined) {
      changes.push({
        kind: 'create-role',
        role: role.name,
        permissionSet: role.permissionSet,
        trustPolicy,
        maxSessionDuration: role.maxSessionDuration,
        ...(boundary !== undefined ? { boundary } : {}),
      });
      for (const policy of role.inlinePolicies) changes.push({ kind: 'put-inline-policy', role: role.name, name: policy.name, document: policy.document, isNew: true });
      for (const policy of role.managedPolicies) changes.push({ kind: 'attach-managed-policy', role: role.name, policy: arnOfWanted(policy.name) });
      continue;
    }
    const tags = roleTags(role.permissionSet);
    const missingTags = Object.fromEntries(Object.entries(tags).filter(([key, value]) => found.tags[key] !== value));
    if (Object.keys(missingTags).length > 0) changes.push({ kind: 'tag-role', role: role.name, tags: missingTags });
    if (!sameDocument(found.trustPolicy, trustPolicy, 'resource')) changes.push({ kind: 'update-trust-policy', role: role.name, trustPolicy });
    if (found.maxSessionDuration !== role.maxSessionDuration) changes.push({ kind: 'update-session-duration', role: role.name, from: found.maxSessionDuration, to: role.maxSessionDuration });
    if (boundary !== undefined && found.boundaryArn !== boundary) changes.push({ kind: 'set-boundary', role: role.name, boundary, ...(found.boundaryArn !== undefined ? { from: found.boundaryArn } : {}) });
    if (boundary === undefined && found.boundaryArn !== undefined) changes.push({ kind: 'remove-boundary', role: role.name, boundary: found.boundaryArn });
    const inline = new Map(role.inlinePolicies.map((p) => [p.name, p.document]));
    for (const [name, document] of inline) {
      const was = found.inlinePolicies[name];
      if (was === undefined || !sameDocument(was, document, 'identity')) changes.push({ kind: 'put-inline-policy', role: role.name, name, document, isNew: was === undefined });
    }
    for (const name of Object.keys(found.inlinePolicies)) {
      if (!inline.has(name) && name !== REVOKED_SESSIONS_POLICY_NAME) changes.push({ kind: 'delete-inline-policy', role: role.name, name });
    }
    const attached = new Set(role.managedPolicies.map((p) => arnOfWanted(p.name)));
    for (const arn of attached) if (!found.attachedPolicies.includes(arn)) changes.push({ kind: 'attach-managed-policy', role: role.name, policy: arn });
    // the role is Parapet's: a policy attached by hand would make AWS allow what `parapet test` does not
    for (const arn of found.attachedPolicies) if (!attached.has(arn)) changes.push({ kind: 'detach-managed-policy', role: role.name, policy: arn });
  }

  // what Parapet manages and no longer needs
  for (const role of live.roles) {
    if (wantedRoles.has(role.name) || !isParapets(role)) continue;
    for (const arn of role.attachedPolicies) changes.push({ kind: 'detach-managed-policy', role: role.name, policy: arn });
    // the revocation deny goes with its role: a deleted role has no session left to deny
    for (const name of Object.keys(role.inlinePolicies)) changes.push({ kind: 'delete-inline-policy', role: role.name, name });
    changes.push({ kind: 'delete-role', role: role.name });
  }
  for (const policy of live.policies) {
    if (wantedPolicies.has(policy.name) && policy.path === PARAPET_PATH) continue;
    // still attached to, or bounding, something that is not a Parapet role: deleting it would change what is not Parapet's (and AWS refuses)
    const parapetAttached = live.roles.filter((r) => r.attachedPolicies.includes(policy.arn)).length;
    const parapetBounded = live.roles.filter((r) => r.boundaryArn === policy.arn).length;
    const others = policy.attachmentCount - parapetAttached + Math.max(0, (policy.boundaryUsageCount ?? parapetBounded) - parapetBounded);
    if (others > 0) {
      notes.push(`managed policy \`${policy.name}\` is no longer needed but is still used by ${others} ${others === 1 ? 'user, group or role' : 'users, groups or roles'} Parapet does not manage: not deleted`);
      continue;
    }
    changes.push({ kind: 'delete-managed-policy', policy: policy.arn, versions: policy.otherVersionIds });
  }
  for (const provider of live.oidcProviders) {
    if (provider.arn === providerArn) continue;
    if (provider.tags[MANAGED_TAG] === 'true') changes.push({ kind: 'delete-oidc-provider', provider: provider.arn });
  }
  return plan();
}

export function roleTags(permissionSet: string): Record<string, string> {
  return { [MANAGED_TAG]: 'true', [PERMISSION_SET_TAG]: permissionSet };
}

function isParapets(role: LiveRole): boolean {
  return role.path.startsWith(PARAPET_PATH) || role.tags[MANAGED_TAG] === 'true';
}

/** the partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`), `aws` when it has none yet */
function partitionOf(live: LiveAccountIam): string {
  const arn = live.roles[0]?.arn ?? live.policies[0]?.arn ?? live.oidcProviders[0]?.arn;
  return arn?.split(':')[1] ?? 'aws';
}

/** two documents that say the same (white space, member order, a value or a list of one) are the same */
export function sameDocument(live: string, wanted: string, type: PolicyType): boolean {
  const a = parsePolicy(live, { type });
  const b = parsePolicy(wanted, { type });
  if (a.ok && b.ok) return policyDigest(a.value) === policyDigest(b.value);
  return canonical(live) === canonical(wanted);
}

function canonical(text: string): string {
  try {
    return canonicalJson(JSON.parse(text) as JsonValue);
  } catch {
    return `not json: ${text}`;
  }
}

function order(changes: readonly AccountChange[]): AccountChange[] {
  const rank = (change: AccountChange) => ACCOUNT_CHANGE_ORDER.indexOf(change.kind);
  return changes.map((change, i) => ({ change, i })).sort((a, b) => rank(a.change) - rank(b.change) || a.i - b.i).map(({ change }) => change);
}
