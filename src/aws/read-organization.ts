/**
 * Read the live organization through the management account: the root, every unit below it, the
 * accounts with their tags, and the SCPs and RCPs with their content and where they are attached.
 * Every list call is paginated; throttling (`TooManyRequestsException`) is retried with
 * exponential backoff by the SDK's standard retry strategy (createAwsClients sets the attempts).
 *
 *   describe the organization → the root and its enabled policy types → the policies of each
 *   enabled type with their content → the tree, each node with its attachments and tags
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListPolicies,
  paginateListPoliciesForTarget,
  paginateListRoots,
  paginateListTagsForResource,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ParapetError } from '../policy/index.ts';
import { observeAwsCalls, type OnAwsCall } from './observe-aws-calls.ts';
import { POLICY_TYPES, type LiveAccount, type LiveAttachments, type LiveOrganization, type LivePolicy, type LivePolicyType, type LiveUnit } from './live-organization.ts';

export async function readOrganization(client: OrganizationsClient, options: { readonly onCall?: OnAwsCall } = {}): Promise<LiveOrganization> {
  const stop = observeAwsCalls(client, 'organizations', options.onCall);
  try {
    return await read(client);
  } finally {
    stop();
  }
}

async function read(client: OrganizationsClient): Promise<LiveOrganization> {
  const described = await client.send(new DescribeOrganizationCommand({}));
  const organization = described.Organization;
  if (organization?.Id === undefined || organization.MasterAccountId === undefined) throw new ParapetError('unavailable', 'aws: DescribeOrganization returned no organization id');
  const roots = await collect(paginateListRoots({ client }, {}), (page) => page.Roots ?? []);
  const root = roots[0];
  if (root?.Id === undefined || roots.length !== 1) throw new ParapetError('unavailable', `aws: expected one organization root, found ${roots.length}`);
  const enabledPolicyTypes = POLICY_TYPES.filter((type) => (root.PolicyTypes ?? []).some((t) => t.Type === type && t.Status === 'ENABLED'));
  const policies: LivePolicy[] = [];
  for (const type of enabledPolicyTypes) policies.push(...(await readPolicies(client, type)));
  const reader = new TreeReader(client, enabledPolicyTypes);
  const tree = await reader.unit(root.Id, root.Name ?? 'Root');
  return { id: organization.Id, managementAccountId: organization.MasterAccountId, enabledPolicyTypes, root: tree, policies: sortPolicies(policies) };
}

async function readPolicies(client: OrganizationsClient, type: LivePolicyType): Promise<LivePolicy[]> {
  const summaries = await collect(paginateListPolicies({ client }, { Filter: type }), (page) => page.Policies ?? []);
  const out: LivePolicy[] = [];
  for (const summary of summaries) {
    if (summary.Id === undefined) continue;
    const described = await client.send(new DescribePolicyCommand({ PolicyId: summary.Id }));
    const policy = described.Policy;
    out.push({
      id: summary.Id,
      name: policy?.PolicySummary?.Name ?? summary.Name ?? summary.Id,
      description: policy?.PolicySummary?.Description ?? summary.Description ?? '',
      type,
      awsManaged: policy?.PolicySummary?.AwsManaged ?? summary.AwsManaged ?? false,
      content: policy?.Content ?? '',
      tags: await readTags(client, summary.Id),
    });
  }
  return out;
}

class TreeReader {
  constructor(
    private readonly client: OrganizationsClient,
    private readonly types: readonly LivePolicyType[],
  ) {}

  async unit(id: string, name: string): Promise<LiveUnit> {
    const client = this.client;
    const children = await collect(paginateListOrganizationalUnitsForParent({ client }, { ParentId: id }), (page) => page.OrganizationalUnits ?? []);
    const units: LiveUnit[] = [];
    for (const child of children) {
      if (child.Id !== undefined) units.push(await this.unit(child.Id, child.Name ?? child.Id));
    }
    const listed = await collect(paginateListAccountsForParent({ client }, { ParentId: id }), (page) => page.Accounts ?? []);
    const accounts: LiveAccount[] = [];
    for (const account of listed) {
      if (account.Id === undefined) continue;
      accounts.push({
        id: account.Id,
        name: account.Name ?? account.Id,
        email: account.Email ?? '',
        status: account.Status ?? '',
        tags: await readTags(client, account.Id),
        ...(await this.attachments(account.Id)),
      });
    }
    return { id, name, tags: await readTags(client, id), ...(await this.attachments(id)), units: sortByName(units), accounts: sortByName(accounts) };
  }

  private async attachments(targetId: string): Promise<LiveAttachments> {
    const of = async (type: LivePolicyType) => {
      if (!this.types.includes(type)) return [];
      const client = this.client;
      const listed = await collect(paginateListPoliciesForTarget({ client }, { TargetId: targetId, Filter: type }), (page) => page.Policies ?? []);
      return listed.flatMap((p) => (p.Id === undefined ? [] : [p.Id])).sort();
    };
    return { scps: await of('SERVICE_CONTROL_POLICY'), rcps: await of('RESOURCE_CONTROL_POLICY') };
  }
}

async function readTags(client: OrganizationsClient, resourceId: string): Promise<Record<string, string>> {
  const tags = await collect(paginateListTagsForResource({ client }, { ResourceId: resourceId }), (page) => page.Tags ?? []);
  return Object.fromEntries(tags.flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])).sort(([a], [b]) => compare(a!, b!)));
}

async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => readonly Item[]): Promise<Item[]> {
  const out: Item[] = [];
  for await (const page of pages) out.push(...items(page));
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByName<T extends { readonly name: string; readonly id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
}

function sortPolicies(policies: readonly LivePolicy[]): LivePolicy[] {
  return [...policies].sort((a, b) => compare(a.type, b.type) || compare(a.name, b.name) || compare(a.id, b.id));
}
