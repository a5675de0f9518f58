/**
 * What must change in the live organization for it to be the configuration: a pure comparison of
 * an `OrgConfig` with a `LiveOrganization`, as an ordered list of changes (docs/aws.md).
 *
 * Matching is by AWS id, never by name alone: a unit or guardrail whose id the configuration
 * records (`parapet aws import` writes them) is that object; one without is the live object Parapet
 * made for it (tagged `parapet:managed`, with its name in `parapet:name`), else a new one. The
 * exception is AWS's own FullAWSAccess, which a guardrail that says exactly what it says stands for,
 * as AWS attaches it by default. Accounts are matched by account id. Parapet deletes only what it
 * manages (the tag); what the configuration does not mention and Parapet does not manage is left
 * alone and listed in the notes.
 *
 *   check the policy types → match the policies → match the tree → move and tag the accounts →
 *   compare the attachments of every level → delete what Parapet manages and no longer has → order
 */
import type { Account, GuardrailDefinition, OrgConfig, Unit } from '../org/org-config.ts';
import { parsePolicy, policyDigest, policyDocument } from '../policy/index.ts';
import {
  FULL_AWS_ACCESS_ID,
  RCP_FULL_AWS_ACCESS_ID,
  type LiveAccount,
  type LiveOrganization,
  type LivePolicy,
  type LivePolicyType,
  type LiveUnit,
} from './live-organization.ts';
import { CHANGE_ORDER, type OrganizationChange, type OrganizationPlan, type PolicyRef, type TargetRef } from './organization-change.ts';

/** the tags Parapet puts on what it creates: only objects carrying `parapet:managed` are ever deleted */
export const MANAGED_TAG = 'parapet:managed';
export const NAME_TAG = 'parapet:name';

export function planOrganization(config: OrgConfig, live: LiveOrganization): OrganizationPlan {
  const changes: OrganizationChange[] = [];
  const problems: string[] = [];
  const notes: string[] = [];

  // the policy types
  if (!live.enabledPolicyTypes.includes('SERVICE_CONTROL_POLICY')) {
    problems.push(`service control policies are not enabled in organization \`${live.id}\`: enable them on the root first (AWS then attaches FullAWSAccess everywhere)`);
    return { format: 'parapet-aws-plan/1', organizationId: live.id, changes, problems, notes };
  }
  const usesRcps = config.resourceGuardrails.size > 0;
  if (usesRcps && !live.enabledPolicyTypes.includes('RESOURCE_CONTROL_POLICY')) changes.push({ kind: 'enable-policy-type', policyType: 'RESOURCE_CONTROL_POLICY' });

  // the policies
  const policyRefs = { scp: new Map<string, PolicyRef>(), rcp: new Map<string, PolicyRef>() };
  const matchedPolicies = new Set<string>();
  const matchPolicies = (definitions: ReadonlyMap<string, GuardrailDefinition>, type: LivePolicyType, refs: Map<string, PolicyRef>) => {
    const what = type === 'SERVICE_CONTROL_POLICY' ? 'guardrail' : 'resource guardrail';
    for (const definition of definitions.values()) {
      const awsName = definition.awsName ?? definition.name;
      const document = JSON.stringify(policyDocument(definition.policy));
      const livePolicy = findPolicy(definition, type, live.policies, matchedPolicies);
      if (livePolicy === undefined) {
        if (definition.awsId !== undefined) notes.push(`${what} \`${definition.name}\`: its AWS policy \`${definition.awsId}\` is not in the organization any more: created anew`);
        const ref: PolicyRef = { name: definition.name };
        refs.set(definition.name, ref);
        changes.push({ kind: 'create-policy', policy: ref, policyType: type, awsName, content: document });
        continue;
      }
      if (livePolicy.type !== type) {
        problems.push(`${what} \`${definition.name}\`: AWS policy \`${livePolicy.id}\` is a ${livePolicy.type}, not a ${type}`);
        continue;
      }
      matchedPolicies.add(livePolicy.id);
      const ref: PolicyRef = { id: livePolicy.id, name: definition.name };
      refs.set(definition.name, ref);
      const sameDocument = liveDigest(livePolicy) === policyDigest(definition.policy);
      if (livePolicy.awsManaged) {
        if (!sameDocument) problems.push(`${what} \`${definition.name}\`: \`${livePolicy.name}\` is managed by AWS and cannot be changed, but its file says something else`);
        continue;
      }
      if (livePolicy.name !== awsName || !sameDocument) {
        changes.push({
          kind: 'update-policy',
          policy: ref,
          ...(livePolicy.name !== awsName ? { awsName: { from: livePolicy.name, to: awsName } } : {}),
          ...(sameDocument ? {} : { content: document }),
        });
      }
    }
  };
  matchPolicies(config.guardrails, 'SERVICE_CONTROL_POLICY', policyRefs.scp);
  matchPolicies(config.resourceGuardrails, 'RESOURCE_CONTROL_POLICY', policyRefs.rcp);

  // the tree
  const liveUnits = new Map<string, { unit: LiveUnit; parent: LiveUnit | undefined }>();
  const indexUnits = (unit: LiveUnit, parent: LiveUnit | undefined) => {
    liveUnits.set(unit.id, { unit, parent });
    for (const child of unit.units) indexUnits(child, unit);
  };
  indexUnits(live.root, undefined);
  const liveAccounts = new Map<string, { account: LiveAccount; parent: LiveUnit }>();
  for (const { unit } of liveUnits.values()) for (const account of unit.accounts) liveAccounts.set(account.id, { account, parent: unit });

  const matchedUnits = new Set<string>();
  /** each level of the configuration with the live object it is, or undefined when it is created */
  const levels: { ref: TargetRef; scps: readonly PolicyRef[]; rcps: readonly PolicyRef[]; live: LiveAttachmentsOf }[] = [];
  const accountPlaces = new Map<string, { account: Account; parent: TargetRef }>();

  const refsOf = (names: readonly string[], refs: ReadonlyMap<string, PolicyRef>) => names.flatMap((name) => refs.get(name) ?? []);
  /** the configuration's label of each live unit it has */
  const unitLabels = new Map<string, string>();
  const visit = (unit: Unit, liveUnit: LiveUnit | undefined, ref: TargetRef) => {
    if (liveUnit !== undefined) {
      matchedUnits.add(liveUnit.id);
      unitLabels.set(liveUnit.id, ref.label);
    }
    // a unit AWS creates gets FullAWSAccess (Organizations user guide, "Attaching and detaching SCPs"): what it starts with
    const attached: LiveAttachmentsOf = liveUnit ?? { scps: [FULL_AWS_ACCESS_ID], rcps: [] };
    levels.push({ ref, scps: refsOf(unit.guardrails, policyRefs.scp), rcps: refsOf(unit.resourceGuardrails, policyRefs.rcp), live: attached });
    for (const account of unit.accounts) accountPlaces.set(account.id, { account, parent: ref });
    for (const child of unit.units) {
      const label = child.path.join('/');
      const awsName = child.awsName ?? child.name;
      const found = findUnit(child, awsName, liveUnit, liveUnits, problems);
      if (found === undefined) {
        const childRef: TargetRef = { label };
        changes.push({ kind: 'create-unit', unit: childRef, parent: ref, awsName });
        visit(child, undefined, childRef);
        continue;
      }
      const childRef: TargetRef = { id: found.id, label };
      const parentId = liveUnits.get(found.id)?.parent?.id;
      if (liveUnit === undefined || parentId !== liveUnit.id) {
        problems.push(`unit \`${label}\` (\`${found.id}\`) is under \`${parentId ?? '?'}\` in AWS, not under \`${ref.label}\`: AWS cannot move a unit; move its accounts to a new unit instead`);
      }
      if (found.name !== awsName) changes.push({ kind: 'rename-unit', unit: childRef, from: found.name, to: awsName });
      visit(child, found, childRef);
    }
  };
  const root = config.organization.root;
  if (root.awsId !== undefined && root.awsId !== live.root.id) {
    problems.push(`the configuration's root is \`${root.awsId}\`, the organization's \`${live.root.id}\`: this configuration is of another organization`);
  }
  visit(root, live.root, { id: live.root.id, label: 'root' });

  // the accounts
  for (const [id, { account, parent }] of accountPlaces) {
    const found = liveAccounts.get(id);
    const ref: TargetRef = { id, label: account.name };
    if (found === undefined) {
      notes.push(`account \`${account.name}\` (\`${id}\`) is not in organization \`${live.id}\`: Parapet does not create or invite accounts`);
      continue;
    }
    if (found.parent.id !== parent.id) changes.push({ kind: 'move-account', account: ref, from: { id: found.parent.id, label: unitLabels.get(found.parent.id) ?? found.parent.name }, to: parent });
    const set = Object.fromEntries(Object.entries(account.tags).filter(([key, value]) => found.account.tags[key] !== value));
    const remove = Object.keys(found.account.tags).filter((key) => !(key in account.tags));
    if (Object.keys(set).length > 0 || remove.length > 0) changes.push({ kind: 'tag-account', account: ref, set, remove });
    const scps = account.guardrails === undefined ? [{ id: FULL_AWS_ACCESS_ID, name: 'FullAWSAccess' }] : refsOf(account.guardrails, policyRefs.scp);
    levels.push({ ref, scps, rcps: refsOf(account.resourceGuardrails ?? [], policyRefs.rcp), live: found.account });
  }
  for (const [id, { account }] of liveAccounts) {
    if (!accountPlaces.has(id)) notes.push(`account \`${account.name}\` (\`${id}\`) is not in the configuration: left alone`);
  }

  // the attachments of every level: attach what is missing, detach what is not listed
  for (const level of levels) {
    for (const [listed, attached] of [
      [level.scps, level.live.scps],
      [level.rcps, level.live.rcps.filter((id) => id !== RCP_FULL_AWS_ACCESS_ID)],
    ] as const) {
      const listedIds = new Set(listed.flatMap((p) => (p.id === undefined ? [] : [p.id])));
      for (const policy of listed) {
        if (policy.id === undefined || !attached.includes(policy.id)) changes.push({ kind: 'attach-policy', policy, target: level.ref });
      }
      for (const id of attached) {
        if (!listedIds.has(id)) changes.push({ kind: 'detach-policy', policy: { id, name: policyName(id, live.policies, config) }, target: level.ref });
      }
    }
  }

  // what Parapet manages and the configuration no longer has
  const unmatched = [...liveUnits.values()].filter(({ unit }) => !matchedUnits.has(unit.id)).map(({ unit }) => unit);
  for (const unit of unmatched.reverse()) {
    if (unit.tags[MANAGED_TAG] === 'true') changes.push({ kind: 'delete-unit', unit: { id: unit.id, label: unit.name } });
    else notes.push(`unit \`${unit.name}\` (\`${unit.id}\`) is not in the configuration and not managed by Parapet: left alone`);
  }
  for (const policy of live.policies) {
    if (matchedPolicies.has(policy.id) || policy.awsManaged) continue;
    if (policy.tags[MANAGED_TAG] === 'true') changes.push({ kind: 'delete-policy', policy: { id: policy.id, name: policy.name } });
    else notes.push(`policy \`${policy.name}\` (\`${policy.id}\`) is not in the configuration and not managed by Parapet: left alone`);
  }

  // dependency order; within a kind, the order found (parents before children, deepest units deleted first)
  const rank = (change: OrganizationChange) => CHANGE_ORDER.indexOf(change.kind);
  const ordered = changes.map((change, i) => ({ change, i })).sort((a, b) => rank(a.change) - rank(b.change) || a.i - b.i).map(({ change }) => change);
  return { format: 'parapet-aws-plan/1', organizationId: live.id, changes: ordered, problems, notes };
}

interface LiveAttachmentsOf {
  readonly scps: readonly string[];
  readonly rcps: readonly string[];
}

/** by recorded id; else the policy Parapet made for it (its tags); else, for a document that is FullAWSAccess's, AWS's own */
function findPolicy(definition: GuardrailDefinition, type: LivePolicyType, policies: readonly LivePolicy[], taken: ReadonlySet<string>): LivePolicy | undefined {
  if (definition.awsId !== undefined) return policies.find((p) => p.id === definition.awsId);
  const managed = policies.find((p) => p.type === type && !taken.has(p.id) && p.tags[MANAGED_TAG] === 'true' && p.tags[NAME_TAG] === definition.name);
  if (managed !== undefined) return managed;
  const fullAccess = policies.find((p) => p.id === FULL_AWS_ACCESS_ID);
  if (type === 'SERVICE_CONTROL_POLICY' && fullAccess !== undefined && liveDigest(fullAccess) === policyDigest(definition.policy)) return fullAccess;
  return undefined;
}

/** by recorded id; else the live unit Parapet made for it under the same parent (tagged, of its AWS name) */
function findUnit(
  unit: Unit,
  awsName: string,
  parent: LiveUnit | undefined,
  liveUnits: ReadonlyMap<string, { unit: LiveUnit }>,
  problems: string[],
): LiveUnit | undefined {
  if (unit.awsId !== undefined) return liveUnits.get(unit.awsId)?.unit;
  const sameName = parent?.units.find((u) => u.name === awsName);
  if (sameName === undefined) return undefined;
  if (sameName.tags[MANAGED_TAG] === 'true') return sameName;
  // AWS refuses a second unit of one name under a parent; taking this one by its name alone could take someone else's
  problems.push(
    `unit \`${unit.path.join('/')}\`: AWS already has a unit \`${awsName}\` (\`${sameName.id}\`) there that Parapet does not manage: record its id (\`id: ${sameName.id}\`) to manage it, or choose another name`,
  );
  return sameName;
}

function liveDigest(policy: LivePolicy): string | undefined {
  const parsed = parsePolicy(policy.content, { type: policy.type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp' });
  return parsed.ok ? policyDigest(parsed.value) : undefined;
}

function policyName(id: string, policies: readonly LivePolicy[], config: OrgConfig): string {
  const configured = [...config.guardrails.values(), ...config.resourceGuardrails.values()].find((g) => g.awsId === id);
  return configured?.name ?? policies.find((p) => p.id === id)?.name ?? id;
}
