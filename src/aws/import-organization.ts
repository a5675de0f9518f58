/**
 * A live organization as a configuration repository: `parapet.yaml` and one policy file per SCP
 * and RCP. Pure: the files are returned as texts (`parapet aws import` writes them).
 *
 * Names: Parapet's names are identifiers (no spaces, `/`, `:`, `,` or `*`; accounts unique in the
 * organization), AWS's are free text and may repeat. Each object gets a readable Parapet name made
 * from AWS's (lower case, words joined by `-`, a `-2` for a second of one name) and, when that
 * differs from AWS's, AWS's name as `awsName`. Units and policies keep their AWS ids (`id`), so plan
 * and apply match them by id, never by name; accounts are matched by their account ids.
 *
 * AWS's defaults: `FullAWSAccess` is a guardrail like the others (`full-access`, with its AWS id),
 * attached where AWS has it; an account whose only SCP is FullAWSAccess gets no `guardrails` of its
 * own (Parapet's way of saying the same). `RCPFullAWSAccess` is implied at every level in Parapet
 * and cannot be detached in AWS, so it is not written.
 *
 *   check the policy types → name the policies → write the policy files → name the tree → render parapet.yaml
 */
import { ParapetError } from '../policy/index.ts';
import { FULL_AWS_ACCESS_ID, RCP_FULL_AWS_ACCESS_ID, type LiveAccount, type LiveOrganization, type LivePolicy, type LiveUnit } from './live-organization.ts';

/** file texts by path relative to the repository folder */
export type ImportedFiles = ReadonlyMap<string, string>;

/** AWS Organizations' limit on an SCP's or RCP's size; a pretty-printed file must stay within it */
const POLICY_CHARACTER_LIMIT = 5120;

export function importOrganization(live: LiveOrganization): ImportedFiles {
  if (!live.enabledPolicyTypes.includes('SERVICE_CONTROL_POLICY')) {
    throw new ParapetError(
      'invalid-input',
      `aws import: service control policies are not enabled in organization \`${live.id}\`: Parapet's guardrails are SCPs; enable the policy type on the root first (Organizations console, Policies, or \`aws organizations enable-policy-type\`)`,
    );
  }
  const files = new Map<string, string>();
  const policyNames = namePolicies(live.policies);
  const policies = live.policies.filter((p) => p.id !== RCP_FULL_AWS_ACCESS_ID);
  for (const policy of policies) files.set(policyFile(policy, policyNames), policyText(policy.content));
  const accountNames = new UniqueNames();
  const lines: string[] = [
    `# Imported by \`parapet aws import\` from AWS organization ${live.id}. Units and policies keep AWS's ids`,
    '# (`id`): `parapet aws plan` matches them by id. `awsName` is AWS\'s name where it is not a valid',
    '# Parapet name. Format: docs/config-reference.md; what import reads and writes: docs/aws.md.',
    '',
    'organization:',
    `  name: ${scalar(live.id)}`,
    `  id: ${scalar(live.id)}`,
    `  managementAccount: ${quoted(live.managementAccountId)}`,
    '  root:',
    ...renderUnit(live.root, '    ', undefined, policyNames, accountNames),
    '',
    ...renderPolicies('guardrails', 'Service control policies', policies.filter((p) => p.type === 'SERVICE_CONTROL_POLICY'), policyNames),
    '',
    ...renderPolicies('resourceGuardrails', 'Resource control policies', policies.filter((p) => p.type === 'RESOURCE_CONTROL_POLICY'), policyNames),
  ];
  files.set('parapet.yaml', `${lines.join('\n')}\n`);
  return files;
}

/** the name of each policy by id: AWS's own get the names the examples use */
function namePolicies(policies: readonly LivePolicy[]): ReadonlyMap<string, string> {
  const names = new UniqueNames();
  const out = new Map<string, string>();
  // AWS's defaults first, so they keep their short names whatever else exists
  const ordered = [...policies].sort((a, b) => Number(b.awsManaged) - Number(a.awsManaged));
  for (const policy of ordered) {
    out.set(policy.id, names.take(policy.id === FULL_AWS_ACCESS_ID ? 'full-access' : policy.id === RCP_FULL_AWS_ACCESS_ID ? 'rcp-full-access' : parapetName(policy.name, policy.id)));
  }
  return out;
}

function policyFile(policy: LivePolicy, names: ReadonlyMap<string, string>): string {
  const folder = policy.type === 'SERVICE_CONTROL_POLICY' ? 'guardrails' : 'resource-guardrails';
  return `${folder}/${names.get(policy.id) ?? policy.id}.json`;
}

/** AWS's document, indented for review; as AWS has it when indenting would not fit AWS's limit or it is not JSON */
function policyText(content: string): string {
  try {
    const pretty = JSON.stringify(JSON.parse(content), null, 2);
    return pretty.length <= POLICY_CHARACTER_LIMIT ? `${pretty}\n` : content;
  } catch {
    return content;
  }
}

/** `name`: the unit's Parapet name; undefined for the root */
function renderUnit(unit: LiveUnit, indent: string, name: string | undefined, policyNames: ReadonlyMap<string, string>, accountNames: UniqueNames): string[] {
  const lines: string[] = [];
  if (name !== undefined) {
    lines.push(`name: ${scalar(name)}`);
    if (name !== unit.name) lines.push(`awsName: ${quoted(unit.name)}`);
  }
  lines.push(`id: ${scalar(unit.id)}`);
  lines.push(`guardrails: ${flowList(unit.scps.map((id) => policyNames.get(id) ?? id))}`);
  const rcps = unit.rcps.filter((id) => id !== RCP_FULL_AWS_ACCESS_ID);
  if (rcps.length > 0) lines.push(`resourceGuardrails: ${flowList(rcps.map((id) => policyNames.get(id) ?? id))}`);
  if (unit.accounts.length > 0) {
    lines.push('accounts:');
    for (const account of unit.accounts) lines.push(`  - ${renderAccount(account, policyNames, accountNames)}`);
  }
  if (unit.units.length > 0) {
    lines.push('units:');
    // names are unique among siblings in AWS too, but two AWS names can make one Parapet name
    const siblings = new UniqueNames();
    for (const child of unit.units) {
      const [first, ...rest] = renderUnit(child, '', siblings.take(parapetName(child.name, child.id)), policyNames, accountNames);
      lines.push(`  - ${first ?? ''}`, ...rest.map((line) => `    ${line}`));
    }
  }
  return lines.map((line) => `${indent}${line}`);
}

function renderAccount(account: LiveAccount, policyNames: ReadonlyMap<string, string>, names: UniqueNames): string {
  const name = names.take(parapetName(account.name, account.id));
  const fields = [`id: ${quoted(account.id)}`, `name: ${scalar(name)}`];
  if (name !== account.name) fields.push(`awsName: ${quoted(account.name)}`);
  const tags = Object.entries(account.tags);
  if (tags.length > 0) fields.push(`tags: { ${tags.map(([key, value]) => `${scalar(key)}: ${quoted(value)}`).join(', ')} }`);
  // only FullAWSAccess: no level of its own, which is what Parapet writes as no `guardrails`
  const ownLevel = !(account.scps.length === 1 && account.scps[0] === FULL_AWS_ACCESS_ID);
  if (ownLevel) fields.push(`guardrails: ${flowList(account.scps.map((id) => policyNames.get(id) ?? id))}`);
  const rcps = account.rcps.filter((id) => id !== RCP_FULL_AWS_ACCESS_ID);
  if (rcps.length > 0) fields.push(`resourceGuardrails: ${flowList(rcps.map((id) => policyNames.get(id) ?? id))}`);
  return `{ ${fields.join(', ')} }`;
}

function renderPolicies(key: string, title: string, policies: readonly LivePolicy[], names: ReadonlyMap<string, string>): string[] {
  if (policies.length === 0) return [`${key}: {}`];
  const lines = [`# ${title}, by name: the file, AWS's policy id and AWS's name where it differs`, `${key}:`];
  for (const policy of policies) {
    const name = names.get(policy.id) ?? policy.id;
    if (policy.description !== '') lines.push(`  # ${commentText(policy.description)}`);
    if (policy.awsManaged) lines.push(`  # managed by AWS (${policy.name}): attached and detached, never changed`);
    const fields = [`file: ${scalar(policyFile(policy, names))}`, `id: ${scalar(policy.id)}`];
    if (name !== policy.name) fields.push(`awsName: ${quoted(policy.name)}`);
    lines.push(`  ${scalar(name)}: { ${fields.join(', ')} }`);
  }
  return lines;
}

/**
 * A readable Parapet name from AWS's: lower case, every run of other characters than letters,
 * digits, `.`, `_`, `@`, `+`, `=` a single `-`; the id when nothing is left
 */
export function parapetName(awsName: string, id: string): string {
  const name = awsName
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._@+=]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? id : name;
}

/** hands out each name once: a second `payments` becomes `payments-2` */
class UniqueNames {
  private readonly taken = new Set<string>();
  take(name: string): string {
    let candidate = name;
    for (let n = 2; this.taken.has(candidate); n++) candidate = `${name}-${n}`;
    this.taken.add(candidate);
    return candidate;
  }
}

/** one line, no control characters: a description is free text */
function commentText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

/** a YAML plain scalar when it reads back as the same string, else a quoted one */
function scalar(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9._@+=/-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value) ? value : quoted(value);
}

/** JSON's string syntax is YAML's double-quoted scalar */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** full-access first (as the examples write it), then by name: AWS lists attachments in no useful order */
function flowList(names: readonly string[]): string {
  const sorted = [...names].sort((a, b) => Number(b === 'full-access') - Number(a === 'full-access') || (a < b ? -1 : a > b ? 1 : 0));
  return `[${sorted.map(scalar).join(', ')}]`;
}
