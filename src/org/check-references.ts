/**
 * Every name used refers to something defined: guardrails and resource guardrails attached in the
 * tree, permission sets, groups and accounts in assignments and service accounts. A near name is
 * suggested; a name of the wrong kind says where it belongs. Definitions nothing uses, and names
 * listed twice in one list, are warnings.
 */
import type { ConfigIssue, ConfigIssueCode } from './config-issue.ts';
import { didYouMean } from './did-you-mean.ts';
import type { DraftConfig, Ref } from './draft-config.ts';
import { describeDraftAccount, describeDraftUnit, listDraftAccounts, listDraftUnits } from './list-draft-nodes.ts';
import { CONFIG_FILE } from './read-config-shape.ts';
import { formatYamlPath } from './read-yaml-tree.ts';

export function checkReferences(draft: DraftConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (code: ConfigIssueCode, message: string, ref: Ref, severity: ConfigIssue['severity'] = 'error') =>
    issues.push({ code, severity, message, source: CONFIG_FILE, line: ref.at.line, column: ref.at.column, path: ref.path });

  const guardrails = new Set(draft.guardrails.map((g) => g.name));
  const resourceGuardrails = new Set(draft.resourceGuardrails.map((g) => g.name));
  const permissionSets = new Set(draft.permissionSets.map((p) => p.name));
  const groups = new Set(draft.groups.map((g) => g.name));
  const accounts = listDraftAccounts(draft.root);
  const accountNames = new Set(accounts.flatMap((a) => (a.name !== undefined ? [a.name.name] : [])));
  const accountById = new Map(accounts.flatMap((a) => (a.id !== undefined && a.name !== undefined ? [[a.id.name, a.name.name] as const] : [])));
  const used = { guardrails: new Set<string>(), resourceGuardrails: new Set<string>(), permissionSets: new Set<string>() };

  const checkList = (refs: readonly Ref[], what: string, check: (ref: Ref) => void) => {
    const seen = new Set<string>();
    for (const ref of refs) {
      if (seen.has(ref.name)) add('duplicate-entry', `${what}: \`${ref.name}\` is listed twice`, ref, 'warning');
      seen.add(ref.name);
      check(ref);
    }
  };
  const checkGuardrail = (what: string) => (ref: Ref) => {
    used.guardrails.add(ref.name);
    if (guardrails.has(ref.name)) return;
    const hint = resourceGuardrails.has(ref.name) ? `: \`${ref.name}\` is a resource guardrail: attach it under \`resourceGuardrails\`` : didYouMean(ref.name, guardrails);
    add('unknown-guardrail', `${what}: unknown guardrail \`${ref.name}\`${hint}`, ref);
  };
  const checkResourceGuardrail = (what: string) => (ref: Ref) => {
    used.resourceGuardrails.add(ref.name);
    if (resourceGuardrails.has(ref.name)) return;
    const hint = guardrails.has(ref.name) ? `: \`${ref.name}\` is a guardrail (an SCP): attach it under \`guardrails\`` : didYouMean(ref.name, resourceGuardrails);
    add('unknown-resource-guardrail', `${what}: unknown resource guardrail \`${ref.name}\`${hint}`, ref);
  };
  const checkPermissionSet = (what: string, ref: Ref | undefined) => {
    if (ref === undefined) return;
    used.permissionSets.add(ref.name);
    if (!permissionSets.has(ref.name)) add('unknown-permission-set', `${what}: unknown permission set \`${ref.name}\`${didYouMean(ref.name, permissionSets)}`, ref);
  };
  const checkAccount = (what: string) => (ref: Ref) => {
    if (accountNames.has(ref.name)) return;
    const byId = accountById.get(ref.name);
    const hint = byId !== undefined ? `: \`${ref.name}\` is the id of account \`${byId}\`: refer to accounts by name` : didYouMean(ref.name, accountNames);
    add('unknown-account', `${what}: unknown account \`${ref.name}\`${hint}`, ref);
  };

  for (const unit of listDraftUnits(draft.root)) {
    const what = describeDraftUnit(unit);
    checkList(unit.guardrails ?? [], `${what}: \`guardrails\``, checkGuardrail(what));
    checkList(unit.resourceGuardrails, `${what}: \`resourceGuardrails\``, checkResourceGuardrail(what));
  }
  for (const account of accounts) {
    const what = describeDraftAccount(account);
    checkList(account.guardrails ?? [], `${what}: \`guardrails\``, checkGuardrail(what));
    checkList(account.resourceGuardrails ?? [], `${what}: \`resourceGuardrails\``, checkResourceGuardrail(what));
  }
  for (const group of draft.groups) checkList(group.members, `group \`${group.name}\`: \`members\``, () => undefined);
  for (const assignment of draft.assignments) {
    const what = `assignment ${assignment.index}`;
    if (assignment.group !== undefined && !groups.has(assignment.group.name)) {
      add('unknown-group', `${what}: unknown group \`${assignment.group.name}\`${didYouMean(assignment.group.name, groups)}`, assignment.group);
    }
    checkPermissionSet(what, assignment.permissionSet);
    checkList(assignment.accounts, `${what}: \`accounts\``, checkAccount(what));
  }
  for (const serviceAccount of draft.serviceAccounts) {
    const what = `service account \`${serviceAccount.name}\``;
    checkPermissionSet(what, serviceAccount.permissionSet);
    checkList(serviceAccount.accounts, `${what}: \`accounts\``, checkAccount(what));
  }
  if (draft.auditReaders !== undefined) {
    const serviceAccounts = new Set(draft.serviceAccounts.map((s) => s.name));
    checkList(draft.auditReaders.groups, '`audit.readers.groups`', (ref) => {
      if (!groups.has(ref.name)) add('unknown-group', `\`audit.readers.groups\`: unknown group \`${ref.name}\`${didYouMean(ref.name, groups)}`, ref);
    });
    checkList(draft.auditReaders.serviceAccounts, '`audit.readers.serviceAccounts`', (ref) => {
      if (!serviceAccounts.has(ref.name)) add('unknown-service-account', `\`audit.readers.serviceAccounts\`: unknown service account \`${ref.name}\`${didYouMean(ref.name, serviceAccounts)}`, ref);
    });
  }

  const unused = (kind: string, definitions: readonly { name: string; at: { line: number; column: number } }[], usedNames: ReadonlySet<string>, field: string, how: string) => {
    for (const definition of definitions) {
      if (usedNames.has(definition.name)) continue;
      issues.push({
        code: 'unused-definition',
        severity: 'warning',
        message: `${kind} \`${definition.name}\` is ${how}`,
        source: CONFIG_FILE,
        line: definition.at.line,
        column: definition.at.column,
        path: formatYamlPath([field, definition.name]),
      });
    }
  };
  unused('guardrail', draft.guardrails, used.guardrails, 'guardrails', 'not attached anywhere');
  unused('resource guardrail', draft.resourceGuardrails, used.resourceGuardrails, 'resourceGuardrails', 'not attached anywhere');
  unused('permission set', draft.permissionSets, used.permissionSets, 'permissionSets', 'not assigned to any group or service account');
  return issues;
}
