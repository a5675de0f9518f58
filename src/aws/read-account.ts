/**
 * Read IAM in one account as Parapet's plan needs it (live-account.ts): every role and customer
 * managed policy by name and path, and in full those Parapet manages; the OpenID Connect
 * providers. Every listing is paginated; throttling is retried by the SDK (aws-clients.ts).
 *
 *   list the roles → read Parapet's in full (tags, boundary, inline and attached policies) →
 *   list the customer managed policies → read Parapet's (default version, other versions, tags) →
 *   the OpenID Connect providers with their audiences and tags
 */
import {
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListOpenIDConnectProvidersCommand,
  ListPolicyVersionsCommand,
  paginateListAttachedRolePolicies,
  paginateListPolicies,
  paginateListRolePolicies,
  paginateListRoles,
  type IAMClient,
  type Tag,
} from '@aws-sdk/client-iam';
import { ParapetError } from '../policy/index.ts';
import { PARAPET_PATH, decodePolicyDocument, type LiveAccountIam, type LiveManagedPolicy, type LiveOidcProvider, type LiveRole } from './live-account.ts';
import { MANAGED_TAG } from './plan-organization.ts';

/**
 * the names Parapet needs in the account: a role or policy of such a name outside `/parapet/` is
 * read in full too (its tags say whether it is Parapet's); other roles and policies outside
 * `/parapet/` are only listed, so an account of a thousand roles costs a few listings, not a
 * thousand calls
 */
export interface WantedNames {
  readonly roles: ReadonlySet<string>;
  readonly policies: ReadonlySet<string>;
}

export async function readAccountIam(client: IAMClient, accountId: string, wanted: WantedNames = { roles: new Set(), policies: new Set() }): Promise<LiveAccountIam> {
  const roles: LiveRole[] = [];
  const otherRoles: Record<string, string> = {};
  for await (const page of paginateListRoles({ client }, {})) {
    for (const listed of page.Roles ?? []) {
      if (listed.RoleName === undefined) continue;
      const path = listed.Path ?? '/';
      const role = path.startsWith(PARAPET_PATH) || wanted.roles.has(listed.RoleName) ? await readRoleIfParapets(client, listed.RoleName, path) : undefined;
      if (role === undefined) otherRoles[listed.RoleName] = listed.Path ?? '/';
      else roles.push(role);
    }
  }
  const policies: LiveManagedPolicy[] = [];
  const otherPolicies: Record<string, string> = {};
  for await (const page of paginateListPolicies({ client }, { Scope: 'Local' })) {
    for (const listed of page.Policies ?? []) {
      if (listed.Arn === undefined || listed.PolicyName === undefined) continue;
      const policy = (listed.Path ?? '/').startsWith(PARAPET_PATH) || wanted.policies.has(listed.PolicyName) ? await readPolicyIfParapets(client, listed.Arn) : undefined;
      if (policy === undefined) otherPolicies[listed.PolicyName] = listed.Path ?? '/';
      else policies.push(policy);
    }
  }
  const oidcProviders: LiveOidcProvider[] = [];
  const listedProviders = await client.send(new ListOpenIDConnectProvidersCommand({}));
  for (const { Arn: arn } of listedProviders.OpenIDConnectProviderList ?? []) {
    if (arn === undefined) continue;
    const provider = await client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    oidcProviders.push({ arn, url: provider.Url ?? '', clientIds: [...(provider.ClientIDList ?? [])].sort(), tags: tagsOf(provider.Tags) });
  }
  const byName = <T extends { readonly name: string }>(items: T[]) => items.sort((a, b) => compare(a.name, b.name));
  return { accountId, roles: byName(roles), otherRoles, policies: byName(policies), otherPolicies, oidcProviders: oidcProviders.sort((a, b) => compare(a.url, b.url)) };
}

async function readRoleIfParapets(client: IAMClient, name: string, path: string): Promise<LiveRole | undefined> {
  const role = (await client.send(new GetRoleCommand({ RoleName: name }))).Role;
  if (role?.Arn === undefined) throw new ParapetError('unavailable', `aws: GetRole \`${name}\` returned no role`);
  const tags = tagsOf(role.Tags);
  if (!path.startsWith(PARAPET_PATH) && tags[MANAGED_TAG] !== 'true') return undefined;
  const inlinePolicies: Record<string, string> = {};
  for await (const page of paginateListRolePolicies({ client }, { RoleName: name })) {
    for (const policyName of page.PolicyNames ?? []) {
      const got = await client.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
      inlinePolicies[policyName] = decodePolicyDocument(got.PolicyDocument);
    }
  }
  const attachedPolicies: string[] = [];
  for await (const page of paginateListAttachedRolePolicies({ client }, { RoleName: name })) {
    for (const attached of page.AttachedPolicies ?? []) if (attached.PolicyArn !== undefined) attachedPolicies.push(attached.PolicyArn);
  }
  return {
    name,
    path,
    arn: role.Arn,
    trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument),
    maxSessionDuration: role.MaxSessionDuration ?? 3600,
    ...(role.PermissionsBoundary?.PermissionsBoundaryArn !== undefined ? { boundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    tags,
    inlinePolicies: Object.fromEntries(Object.entries(inlinePolicies).sort(([a], [b]) => compare(a, b))),
    attachedPolicies: attachedPolicies.sort(),
  };
}

async function readPolicyIfParapets(client: IAMClient, arn: string): Promise<LiveManagedPolicy | undefined> {
  const policy = (await client.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
  const tags = tagsOf(policy?.Tags);
  const path = policy?.Path ?? '/';
  if (policy?.PolicyName === undefined || policy.DefaultVersionId === undefined) throw new ParapetError('unavailable', `aws: GetPolicy \`${arn}\` returned no policy`);
  if (!path.startsWith(PARAPET_PATH) && tags[MANAGED_TAG] !== 'true') return undefined;
  const version = await client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId }));
  const versions = await client.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
  const otherVersionIds = (versions.Versions ?? [])
    .filter((v) => v.VersionId !== undefined && !v.IsDefaultVersion)
    .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0) || compare(a.VersionId ?? '', b.VersionId ?? ''))
    .map((v) => v.VersionId ?? '');
  return {
    name: policy.PolicyName,
    path,
    arn,
    document: decodePolicyDocument(version.PolicyVersion?.Document),
    defaultVersionId: policy.DefaultVersionId,
    otherVersionIds,
    tags,
    attachmentCount: policy.AttachmentCount ?? 0,
    ...(policy.PermissionsBoundaryUsageCount !== undefined ? { boundaryUsageCount: policy.PermissionsBoundaryUsageCount } : {}),
  };
}

function tagsOf(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])).sort(([a], [b]) => compare(a ?? '', b ?? '')));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
