/**
 * The structural difference between two versions of a configuration repository: the tree (units
 * and accounts added, removed, moved), guardrails attached and detached at each node, guardrail
 * and permission-set documents edited (statement by statement), groups and their members,
 * assignments (standing or eligible) and service accounts. Pure; what the changes mean for access
 * is the access-impact diff's business (src/analysis/plan-access-impact.ts).
 *
 * Units are known by their path below the root; a unit whose name occurs once in each version
 * under different parents has moved. Accounts, guardrails, permission sets, groups and service
 * accounts are known by name.
 */
import { canonicalJson, policyDigest, type Policy } from '../policy/index.ts';
import { diffPolicyStatements, samePolicyContent, type StatementChange } from './diff-policy-statements.ts';
import type { AccessMode } from './list-principal-access.ts';
import type { Account, GitHubActionsTrust, GuardrailDefinition, OrgConfig, PermissionSet, PolicyFile, Unit } from './org-config.ts';

/** `scp`: a guardrail (service control policy); `rcp`: a resource guardrail (resource control policy) */
export type GuardrailKind = 'scp' | 'rcp';

/** where a guardrail is attached: the root, a unit (by path, `workloads/prod`) or an account (by name) */
export interface NodeRef {
  readonly kind: 'root' | 'unit' | 'account';
  /** `root`, the unit path joined with `/`, or the account name */
  readonly name: string;
}

/** one of the organization's own settings (`organization.name`, `.id`, `.managementAccount`) changed */
export interface OrganizationFieldChange {
  readonly field: 'name' | 'id' | 'managementAccount';
  /** absent when the old version did not set it */
  readonly from?: string;
  /** absent when the new version does not set it */
  readonly to?: string;
}

/** one of an account's own settings changed: its id, or one tag (`from` absent: added; `to` absent: removed) */
export type AccountFieldChange =
  | { readonly field: 'id'; readonly from: string; readonly to: string }
  | { readonly field: 'tag'; readonly key: string; readonly from?: string; readonly to?: string };

export type StructuralChange =
  | { readonly kind: 'organization-changed'; readonly changes: readonly OrganizationFieldChange[] }
  | { readonly kind: 'unit-added'; readonly unit: string }
  | { readonly kind: 'unit-removed'; readonly unit: string }
  | { readonly kind: 'unit-moved'; readonly unit: string; readonly from: string; readonly to: string }
  | { readonly kind: 'account-added'; readonly account: string; readonly id: string; readonly unit: string }
  | { readonly kind: 'account-removed'; readonly account: string; readonly id: string; readonly unit: string }
  | { readonly kind: 'account-moved'; readonly account: string; readonly from: string; readonly to: string }
  | { readonly kind: 'account-changed'; readonly account: string; readonly changes: readonly AccountFieldChange[] }
  | { readonly kind: 'guardrail-attached'; readonly guardrailKind: GuardrailKind; readonly guardrail: string; readonly node: NodeRef }
  | { readonly kind: 'guardrail-detached'; readonly guardrailKind: GuardrailKind; readonly guardrail: string; readonly node: NodeRef }
  | { readonly kind: 'guardrail-added'; readonly guardrailKind: GuardrailKind; readonly guardrail: string; readonly file: string; readonly digest?: string }
  | { readonly kind: 'guardrail-removed'; readonly guardrailKind: GuardrailKind; readonly guardrail: string; readonly file: string; readonly digest?: string }
  | {
      readonly kind: 'guardrail-edited';
      readonly guardrailKind: GuardrailKind;
      readonly guardrail: string;
      readonly file: string;
      readonly statements: readonly StatementChange[];
      readonly digest?: DigestChange;
    }
  | { readonly kind: 'permission-set-added'; readonly permissionSet: string; readonly policies: readonly string[]; readonly boundary?: string; readonly sessionDuration: string }
  | { readonly kind: 'permission-set-removed'; readonly permissionSet: string }
  | {
      readonly kind: 'permission-set-changed';
      readonly permissionSet: string;
      readonly policiesAdded: readonly string[];
      readonly policiesRemoved: readonly string[];
      /** policy files kept whose content changed */
      readonly policiesEdited: readonly { readonly file: string; readonly statements: readonly StatementChange[]; readonly digest?: DigestChange }[];
      /** the boundary was added, removed, replaced or edited; files (and digests) absent when there was none */
      readonly boundary?: {
        readonly from?: string;
        readonly to?: string;
        readonly statements: readonly StatementChange[];
        readonly digest?: { readonly from?: string; readonly to?: string };
      };
      readonly sessionDuration?: { readonly from: string; readonly to: string };
    }
  | { readonly kind: 'group-added'; readonly group: string; readonly members: readonly string[] }
  | { readonly kind: 'group-removed'; readonly group: string; readonly members: readonly string[] }
  | { readonly kind: 'group-members-changed'; readonly group: string; readonly added: readonly string[]; readonly removed: readonly string[] }
  | { readonly kind: 'assignment-added'; readonly group: string; readonly permissionSet: string; readonly account: string; readonly mode: AccessMode }
  | { readonly kind: 'assignment-removed'; readonly group: string; readonly permissionSet: string; readonly account: string; readonly mode: AccessMode }
  | {
      readonly kind: 'assignment-mode-changed';
      readonly group: string;
      readonly permissionSet: string;
      readonly account: string;
      readonly from: AccessMode;
      readonly to: AccessMode;
    }
  | {
      readonly kind: 'service-account-added';
      readonly serviceAccount: string;
      readonly permissionSet: string;
      readonly accounts: readonly string[];
      /** the GitHub Actions workflow runs that may act as it, when any may */
      readonly github?: GitHubTrustValue;
    }
  | { readonly kind: 'service-account-removed'; readonly serviceAccount: string; readonly permissionSet: string; readonly accounts: readonly string[] }
  | {
      readonly kind: 'service-account-changed';
      readonly serviceAccount: string;
      readonly permissionSet?: { readonly from: string; readonly to: string };
      readonly accountsAdded: readonly string[];
      readonly accountsRemoved: readonly string[];
      /** which GitHub Actions workflow runs may act as it, when that changed; null: none may */
      readonly github?: { readonly from: GitHubTrustValue | null; readonly to: GitHubTrustValue | null };
    };

/** a service account's GitHub Actions trust, without its place in the file */
export type GitHubTrustValue = Omit<GitHubActionsTrust, 'at'>;

/**
 * the policy digests (policyDigest: `sha256:` of the canonical JSON of the parsed document) before
 * and after. `digest` fields are always set by diffConfigs; they are optional so that changes made
 * by hand (tests, reports written before digests) stay valid
 */
export interface DigestChange {
  readonly from: string;
  readonly to: string;
}

export type StructuralChangeKind = StructuralChange['kind'];

/** the order changes are listed in: the organization, the tree, guardrails, permission sets, groups, assignments, service accounts */
export const STRUCTURAL_CHANGE_KINDS: readonly StructuralChangeKind[] = [
  'organization-changed',
  'unit-added', 'unit-removed', 'unit-moved',
  'account-added', 'account-removed', 'account-moved', 'account-changed',
  'guardrail-attached', 'guardrail-detached', 'guardrail-added', 'guardrail-removed', 'guardrail-edited',
  'permission-set-added', 'permission-set-removed', 'permission-set-changed',
  'group-added', 'group-removed', 'group-members-changed',
  'assignment-added', 'assignment-removed', 'assignment-mode-changed',
  'service-account-added', 'service-account-removed', 'service-account-changed',
];

/**
 * every structural change from `before` to `after`, by kind in the order above; within a kind, in
 * the order of the new version's file (removals: the old one's)
 */
export function diffConfigs(before: OrgConfig, after: OrgConfig): StructuralChange[] {
  const changes = [
    ...diffOrganization(before, after),
    ...diffTree(before, after),
    ...diffDefinitions('scp', before.guardrails, after.guardrails),
    ...diffDefinitions('rcp', before.resourceGuardrails, after.resourceGuardrails),
    ...diffPermissionSets(before.permissionSets, after.permissionSets),
    ...diffGroups(before, after),
    ...diffAssignments(before, after),
    ...diffServiceAccounts(before, after),
  ];
  const rank = (change: StructuralChange) => STRUCTURAL_CHANGE_KINDS.indexOf(change.kind);
  return changes.map((change, i) => ({ change, i })).sort((a, b) => rank(a.change) - rank(b.change) || a.i - b.i).map(({ change }) => change);
}

/** `root` for the root, else the path below it: `workloads/prod` */
export function unitPathName(path: readonly string[]): string {
  return path.length === 0 ? 'root' : path.join('/');
}

/** the organization's own settings, in the order name, id, management account; one change or none */
function diffOrganization(before: OrgConfig, after: OrgConfig): StructuralChange[] {
  const fields: readonly OrganizationFieldChange['field'][] = ['name', 'id', 'managementAccount'];
  const changes = fields.flatMap((field): OrganizationFieldChange[] => {
    const from = before.organization[field];
    const to = after.organization[field];
    if (from === to) return [];
    return [{ field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }];
  });
  return changes.length > 0 ? [{ kind: 'organization-changed', changes }] : [];
}

function listUnits(root: Unit): Map<string, Unit> {
  const out = new Map<string, Unit>();
  const walk = (unit: Unit) => {
    out.set(unitPathName(unit.path), unit);
    unit.units.forEach(walk);
  };
  walk(root);
  return out;
}

function diffTree(before: OrgConfig, after: OrgConfig): StructuralChange[] {
  const changes: StructuralChange[] = [];
  const oldUnits = listUnits(before.organization.root);
  const newUnits = listUnits(after.organization.root);
  const removed = [...oldUnits.keys()].filter((path) => !newUnits.has(path));
  const added = [...newUnits.keys()].filter((path) => !oldUnits.has(path));
  // a unit whose name is unique in both versions and changed parents has moved, with what it holds
  const nameCount = (units: Map<string, Unit>, name: string) => [...units.values()].filter((u) => u.name === name).length;
  const moves = new Map<string, string>();
  for (const from of removed) {
    const name = oldUnits.get(from)!.name;
    const to = added.find((path) => newUnits.get(path)!.name === name);
    if (to !== undefined && nameCount(oldUnits, name) === 1 && nameCount(newUnits, name) === 1) moves.set(from, to);
  }
  const movedTo = new Set(moves.values());
  for (const path of added) if (!movedTo.has(path)) changes.push({ kind: 'unit-added', unit: path });
  for (const path of removed) if (!moves.has(path)) changes.push({ kind: 'unit-removed', unit: path });
  for (const [from, to] of moves) changes.push({ kind: 'unit-moved', unit: newUnits.get(to)!.name, from, to });

  for (const [name, account] of after.accounts) {
    const was = before.accounts.get(name);
    if (was === undefined) {
      changes.push({ kind: 'account-added', account: name, id: account.id, unit: unitPathName(account.units) });
      continue;
    }
    const from = unitPathName(was.units);
    const to = unitPathName(account.units);
    if (from !== to) changes.push({ kind: 'account-moved', account: name, from, to });
    const details = accountDetails(was, account);
    if (details.length > 0) changes.push({ kind: 'account-changed', account: name, changes: details });
  }
  for (const [name, account] of before.accounts) {
    if (!after.accounts.has(name)) changes.push({ kind: 'account-removed', account: name, id: account.id, unit: unitPathName(account.units) });
  }

  // attachments: at the root, at each unit present in both versions (followed through a move), at each account
  const attachments = (node: NodeRef, kind: GuardrailKind, was: readonly string[] | undefined, now: readonly string[] | undefined) => {
    const oldNames = new Set(was ?? []);
    const newNames = new Set(now ?? []);
    for (const guardrail of newNames) if (!oldNames.has(guardrail)) changes.push({ kind: 'guardrail-attached', guardrailKind: kind, guardrail, node });
    for (const guardrail of oldNames) if (!newNames.has(guardrail)) changes.push({ kind: 'guardrail-detached', guardrailKind: kind, guardrail, node });
  };
  for (const [path, unit] of newUnits) {
    const from = [...moves].find(([, to]) => to === path)?.[0] ?? path;
    const was = oldUnits.get(from);
    if (was === undefined) continue;
    const node: NodeRef = path === 'root' ? { kind: 'root', name: 'root' } : { kind: 'unit', name: path };
    attachments(node, 'scp', was.guardrails, unit.guardrails);
    attachments(node, 'rcp', was.resourceGuardrails, unit.resourceGuardrails);
  }
  for (const [name, account] of after.accounts) {
    const was = before.accounts.get(name);
    if (was === undefined) continue;
    const node: NodeRef = { kind: 'account', name };
    attachments(node, 'scp', was.guardrails, account.guardrails);
    attachments(node, 'rcp', was.resourceGuardrails, account.resourceGuardrails);
  }
  return changes;
}

function accountDetails(was: Account, now: Account): AccountFieldChange[] {
  const out: AccountFieldChange[] = [];
  if (was.id !== now.id) out.push({ field: 'id', from: was.id, to: now.id });
  const keys = [...new Set([...Object.keys(was.tags), ...Object.keys(now.tags)])].sort();
  for (const key of keys) {
    const a = was.tags[key];
    const b = now.tags[key];
    if (a === b) continue;
    out.push({ field: 'tag', key, ...(a !== undefined ? { from: a } : {}), ...(b !== undefined ? { to: b } : {}) });
  }
  return out;
}

function diffDefinitions(
  kind: GuardrailKind,
  before: ReadonlyMap<string, GuardrailDefinition>,
  after: ReadonlyMap<string, GuardrailDefinition>,
): StructuralChange[] {
  const changes: StructuralChange[] = [];
  for (const [name, definition] of after) {
    const was = before.get(name);
    if (was === undefined) changes.push({ kind: 'guardrail-added', guardrailKind: kind, guardrail: name, file: definition.file, digest: policyDigest(definition.policy) });
    else if (!samePolicyContent(was.policy, definition.policy)) {
      changes.push({
        kind: 'guardrail-edited',
        guardrailKind: kind,
        guardrail: name,
        file: definition.file,
        statements: diffPolicyStatements(was.policy, definition.policy),
        digest: digestChange(was.policy, definition.policy),
      });
    }
  }
  for (const [name, definition] of before) {
    if (!after.has(name)) changes.push({ kind: 'guardrail-removed', guardrailKind: kind, guardrail: name, file: definition.file, digest: policyDigest(definition.policy) });
  }
  return changes;
}

function diffPermissionSets(before: ReadonlyMap<string, PermissionSet>, after: ReadonlyMap<string, PermissionSet>): StructuralChange[] {
  const changes: StructuralChange[] = [];
  for (const [name, set] of after) {
    const was = before.get(name);
    if (was === undefined) {
      changes.push({
        kind: 'permission-set-added',
        permissionSet: name,
        policies: set.policies.map((p) => p.file),
        ...(set.boundary !== undefined ? { boundary: set.boundary.file } : {}),
        sessionDuration: set.sessionDuration,
      });
      continue;
    }
    const change = diffPermissionSet(name, was, set);
    if (change !== undefined) changes.push(change);
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push({ kind: 'permission-set-removed', permissionSet: name });
  return changes;
}

function diffPermissionSet(name: string, was: PermissionSet, now: PermissionSet): StructuralChange | undefined {
  const oldFiles = new Map(was.policies.map((p) => [p.file, p.policy]));
  const newFiles = new Map(now.policies.map((p) => [p.file, p.policy]));
  const policiesAdded = [...newFiles.keys()].filter((f) => !oldFiles.has(f));
  const policiesRemoved = [...oldFiles.keys()].filter((f) => !newFiles.has(f));
  const policiesEdited = [...newFiles].flatMap(([file, policy]) => {
    const old = oldFiles.get(file);
    return old === undefined || samePolicyContent(old, policy) ? [] : [{ file, statements: diffPolicyStatements(old, policy), digest: digestChange(old, policy) }];
  });
  const boundary = diffBoundary(was.boundary, now.boundary);
  const sessionDuration = was.sessionDurationSeconds !== now.sessionDurationSeconds ? { from: was.sessionDuration, to: now.sessionDuration } : undefined;
  if (policiesAdded.length + policiesRemoved.length + policiesEdited.length === 0 && boundary === undefined && sessionDuration === undefined) return undefined;
  return {
    kind: 'permission-set-changed',
    permissionSet: name,
    policiesAdded,
    policiesRemoved,
    policiesEdited,
    ...(boundary !== undefined ? { boundary } : {}),
    ...(sessionDuration !== undefined ? { sessionDuration } : {}),
  };
}

function diffBoundary(was: PolicyFile | undefined, now: PolicyFile | undefined) {
  if (was === undefined && now === undefined) return undefined;
  const empty: Policy = { name: '', type: 'permissionBoundary', version: '2012-10-17', statements: [] };
  if (was !== undefined && now !== undefined && was.file === now.file && samePolicyContent(was.policy, now.policy)) return undefined;
  return {
    ...(was !== undefined ? { from: was.file } : {}),
    ...(now !== undefined ? { to: now.file } : {}),
    statements: diffPolicyStatements(was?.policy ?? empty, now?.policy ?? empty),
    digest: { ...(was !== undefined ? { from: policyDigest(was.policy) } : {}), ...(now !== undefined ? { to: policyDigest(now.policy) } : {}) },
  };
}

function digestChange(from: Policy, to: Policy): DigestChange {
  return { from: policyDigest(from), to: policyDigest(to) };
}

function diffGroups(before: OrgConfig, after: OrgConfig): StructuralChange[] {
  const changes: StructuralChange[] = [];
  for (const [name, group] of after.groups) {
    const was = before.groups.get(name);
    if (was === undefined) {
      changes.push({ kind: 'group-added', group: name, members: group.members });
      continue;
    }
    const oldMembers = new Set(was.members);
    const newMembers = new Set(group.members);
    const added = group.members.filter((m) => !oldMembers.has(m));
    const removed = was.members.filter((m) => !newMembers.has(m));
    if (added.length + removed.length > 0) changes.push({ kind: 'group-members-changed', group: name, added, removed });
  }
  for (const [name, group] of before.groups) if (!after.groups.has(name)) changes.push({ kind: 'group-removed', group: name, members: group.members });
  return changes;
}

/**
 * assignments have no identity of their own (one may be split in two without changing anything):
 * they are compared as the (group, permission set, account) holdings they make
 */
function assignmentHoldingsOf(config: OrgConfig): Map<string, { group: string; permissionSet: string; account: string; modes: Set<AccessMode> }> {
  const out = new Map<string, { group: string; permissionSet: string; account: string; modes: Set<AccessMode> }>();
  for (const assignment of config.assignments) {
    for (const account of assignment.accounts) {
      const key = `${assignment.group}\u0000${assignment.permissionSet}\u0000${account}`;
      let holding = out.get(key);
      if (holding === undefined) {
        holding = { group: assignment.group, permissionSet: assignment.permissionSet, account, modes: new Set() };
        out.set(key, holding);
      }
      holding.modes.add(assignment.eligible ? 'eligible' : 'standing');
    }
  }
  return out;
}

function diffAssignments(before: OrgConfig, after: OrgConfig): StructuralChange[] {
  const changes: StructuralChange[] = [];
  const oldHoldings = assignmentHoldingsOf(before);
  const newHoldings = assignmentHoldingsOf(after);
  const modes: readonly AccessMode[] = ['standing', 'eligible'];
  for (const [key, holding] of newHoldings) {
    const was = oldHoldings.get(key);
    const { group, permissionSet, account } = holding;
    const gained = modes.filter((m) => holding.modes.has(m) && !(was?.modes.has(m) ?? false));
    const lost = modes.filter((m) => !holding.modes.has(m) && (was?.modes.has(m) ?? false));
    // one mode traded for the other is a change of mode, not an addition and a removal
    if (gained.length === 1 && lost.length === 1) {
      changes.push({ kind: 'assignment-mode-changed', group, permissionSet, account, from: lost[0]!, to: gained[0]! });
      continue;
    }
    for (const mode of gained) changes.push({ kind: 'assignment-added', group, permissionSet, account, mode });
    for (const mode of lost) changes.push({ kind: 'assignment-removed', group, permissionSet, account, mode });
  }
  for (const [key, holding] of oldHoldings) {
    if (newHoldings.has(key)) continue;
    for (const mode of modes) {
      if (holding.modes.has(mode)) changes.push({ kind: 'assignment-removed', group: holding.group, permissionSet: holding.permissionSet, account: holding.account, mode });
    }
  }
  return changes;
}

function gitHubTrustValue(trust: GitHubActionsTrust | undefined): GitHubTrustValue | null {
  if (trust === undefined) return null;
  const { at: _at, ...value } = trust;
  return value;
}

function diffServiceAccounts(before: OrgConfig, after: OrgConfig): StructuralChange[] {
  const changes: StructuralChange[] = [];
  for (const [name, serviceAccount] of after.serviceAccounts) {
    const was = before.serviceAccounts.get(name);
    if (was === undefined) {
      const github = gitHubTrustValue(serviceAccount.github);
      changes.push({ kind: 'service-account-added', serviceAccount: name, permissionSet: serviceAccount.permissionSet, accounts: serviceAccount.accounts, ...(github === null ? {} : { github }) });
      continue;
    }
    const oldAccounts = new Set(was.accounts);
    const newAccounts = new Set(serviceAccount.accounts);
    const accountsAdded = serviceAccount.accounts.filter((a) => !oldAccounts.has(a));
    const accountsRemoved = was.accounts.filter((a) => !newAccounts.has(a));
    const permissionSet = was.permissionSet !== serviceAccount.permissionSet ? { from: was.permissionSet, to: serviceAccount.permissionSet } : undefined;
    // who may act as the service account is as much its access as what it holds
    const [trustBefore, trustAfter] = [gitHubTrustValue(was.github), gitHubTrustValue(serviceAccount.github)];
    const github = canonicalJson(trustBefore) !== canonicalJson(trustAfter) ? { from: trustBefore, to: trustAfter } : undefined;
    if (accountsAdded.length + accountsRemoved.length > 0 || permissionSet !== undefined || github !== undefined) {
      changes.push({
        kind: 'service-account-changed',
        serviceAccount: name,
        ...(permissionSet !== undefined ? { permissionSet } : {}),
        accountsAdded,
        accountsRemoved,
        ...(github !== undefined ? { github } : {}),
      });
    }
  }
  for (const [name, serviceAccount] of before.serviceAccounts) {
    if (!after.serviceAccounts.has(name)) {
      changes.push({ kind: 'service-account-removed', serviceAccount: name, permissionSet: serviceAccount.permissionSet, accounts: serviceAccount.accounts });
    }
  }
  return changes;
}
