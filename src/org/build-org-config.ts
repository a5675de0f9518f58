/**
 * Turns a draft that passed every check into the organization model. Only called when there is no
 * error, so every name refers to something defined and every policy parsed.
 */
import type { Position } from './config-issue.ts';
import type { DraftAccount, DraftConfig, DraftGitHubTrust, DraftUnit } from './draft-config.ts';
import { documentKey, type LoadedPolicies } from './load-policy-files.ts';
import type { Account, GitHubActionsTrust, GuardrailDefinition, OrgConfig, PermissionSet, PolicyFile, ServiceAccount, SourceLocation, Unit } from './org-config.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

export function buildOrgConfig(draft: DraftConfig, loaded: LoadedPolicies): OrgConfig | undefined {
  const { name, managementAccount, root } = draft;
  if (name === undefined || managementAccount === undefined || root === undefined) return undefined;
  const at = (position: Position): SourceLocation => ({ source: CONFIG_FILE, line: position.line, column: position.column });
  const accounts = new Map<string, Account>();

  const buildAccount = (account: DraftAccount): Account | undefined => {
    if (account.id === undefined || account.name === undefined) return undefined;
    const built: Account = {
      id: account.id.name,
      name: account.name.name,
      ...(account.awsName !== undefined ? { awsName: account.awsName } : {}),
      tags: account.tags,
      units: account.unitPath,
      ...(account.guardrails !== undefined ? { guardrails: account.guardrails.map((r) => r.name) } : {}),
      ...(account.resourceGuardrails !== undefined ? { resourceGuardrails: account.resourceGuardrails.map((r) => r.name) } : {}),
      at: at(account.at),
    };
    accounts.set(built.name, built);
    return built;
  };
  const buildUnit = (unit: DraftUnit): Unit => ({
    name: unit.name,
    path: unit.unitPath,
    ...(unit.awsId !== undefined ? { awsId: unit.awsId.name } : {}),
    ...(unit.awsName !== undefined ? { awsName: unit.awsName } : {}),
    guardrails: (unit.guardrails ?? []).map((r) => r.name),
    resourceGuardrails: unit.resourceGuardrails.map((r) => r.name),
    // accounts first, so that `accounts` lists a unit's accounts before its sub-units'
    accounts: unit.accounts.flatMap((a) => buildAccount(a) ?? []),
    units: unit.units.map(buildUnit),
    at: at(unit.at),
  });
  const rootUnit = buildUnit(root);

  const guardrails = (definitions: DraftConfig['guardrails'], policies: LoadedPolicies['guardrails']) =>
    new Map(
      definitions.flatMap((d): [string, GuardrailDefinition][] => {
        const loaded = policies.get(d.name);
        if (loaded === undefined || d.file === undefined) return [];
        const aws = { ...(d.awsId !== undefined ? { awsId: d.awsId.name } : {}), ...(d.awsName !== undefined ? { awsName: d.awsName } : {}) };
        return [[d.name, { name: d.name, file: d.file.name, ...aws, policy: loaded.policy, characters: loaded.characters, at: at(d.at) }]];
      }),
    );
  const policyFile = (type: 'identity' | 'permissionBoundary', file: string): PolicyFile | undefined => {
    const policy = loaded.documents.get(documentKey(type, file));
    return policy === undefined ? undefined : { file, policy };
  };
  const permissionSets = new Map(
    draft.permissionSets.map((p): [string, PermissionSet] => {
      const boundary = p.boundary === undefined ? undefined : policyFile('permissionBoundary', p.boundary.name);
      return [
        p.name,
        {
          name: p.name,
          policies: p.policies.flatMap((ref) => policyFile('identity', ref.name) ?? []),
          ...(boundary !== undefined ? { boundary } : {}),
          sessionDuration: p.sessionDuration,
          sessionDurationSeconds: p.sessionDurationSeconds,
          at: at(p.at),
        },
      ];
    }),
  );
  return {
    organization: { name, ...(draft.organizationId !== undefined ? { id: draft.organizationId } : {}), managementAccount: managementAccount.name, root: rootUnit },
    guardrails: guardrails(draft.guardrails, loaded.guardrails),
    resourceGuardrails: guardrails(draft.resourceGuardrails, loaded.resourceGuardrails),
    permissionSets,
    groups: new Map(draft.groups.map((g) => [g.name, { name: g.name, members: g.members.map((m) => m.name), ...(g.synced === undefined ? {} : { synced: g.synced }), at: at(g.at) }])),
    assignments: draft.assignments.flatMap((a) =>
      a.group === undefined || a.permissionSet === undefined
        ? []
        : [{ index: a.index, group: a.group.name, permissionSet: a.permissionSet.name, accounts: a.accounts.map((r) => r.name), eligible: a.eligible, at: at(a.at) }],
    ),
    serviceAccounts: new Map(
      draft.serviceAccounts.flatMap((s): [string, ServiceAccount][] => {
        if (s.permissionSet === undefined) return [];
        const github = s.github === undefined ? undefined : buildGitHubTrust(s.github, at);
        const built: ServiceAccount = { name: s.name, permissionSet: s.permissionSet.name, accounts: s.accounts.map((r) => r.name), ...(github !== undefined ? { github } : {}), at: at(s.at) };
        return [[s.name, built]];
      }),
    ),
    accounts,
    ...(draft.auditReaders === undefined
      ? {}
      : { audit: { readers: { groups: [...new Set(draft.auditReaders.groups.map((r) => r.name))], serviceAccounts: [...new Set(draft.auditReaders.serviceAccounts.map((r) => r.name))] } } }),
    ...(draft.principalTags === undefined || draft.principalTags.size === 0 ? {} : { principalTags: draft.principalTags }),
  };
}

/** undefined when the repository is missing, which is an error, so the model is never built then */
function buildGitHubTrust(draft: DraftGitHubTrust, at: (position: Position) => SourceLocation): GitHubActionsTrust | undefined {
  if (draft.repository === undefined) return undefined;
  return {
    repository: draft.repository.name,
    ...(draft.refs !== undefined ? { refs: draft.refs.map((r) => r.name) } : {}),
    ...(draft.environments !== undefined ? { environments: draft.environments.map((r) => r.name) } : {}),
    ...(draft.jobWorkflowRef !== undefined ? { jobWorkflowRef: draft.jobWorkflowRef.name } : {}),
    ...(draft.audience !== undefined ? { audience: draft.audience.name } : {}),
    at: at(draft.at),
  };
}
