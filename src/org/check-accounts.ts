/**
 * The organization tree is a tree: each account sits in one place, account ids and names are
 * unique, and sibling units have different names. Access assigned in the management account is
 * flagged: no guardrail applies there.
 */
import type { ConfigIssue, ConfigIssueCode } from './config-issue.ts';
import type { DraftAccount, DraftConfig, DraftUnit, Ref } from './draft-config.ts';
import { describeDraftUnit, listDraftAccounts, listDraftUnits } from './list-draft-nodes.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

export function checkAccounts(draft: DraftConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (code: ConfigIssueCode, message: string, ref: { at: Ref['at']; path: string }, severity: ConfigIssue['severity'] = 'error') =>
    issues.push({ code, severity, message, source: CONFIG_FILE, line: ref.at.line, column: ref.at.column, path: ref.path });

  for (const unit of listDraftUnits(draft.root)) {
    const seen = new Map<string, DraftUnit>();
    for (const child of unit.units) {
      const first = seen.get(child.name);
      if (first !== undefined) {
        add('duplicate-unit-name', `${describeDraftUnit(unit)} has two units named \`${child.name}\` (the first at line ${first.at.line}): sibling units need different names`, child);
      } else seen.set(child.name, child);
    }
  }

  // plans against AWS match units and policies by these ids: one id names one thing
  const awsIds = new Map<string, { what: string; at: Ref['at'] }>();
  const checkAwsId = (id: Ref | undefined, what: string) => {
    if (id === undefined) return;
    const first = awsIds.get(id.name);
    if (first !== undefined) add('duplicate-aws-id', `${what}: AWS id \`${id.name}\` is also the id of ${first.what} (line ${first.at.line}): an AWS id names one thing`, id);
    else awsIds.set(id.name, { what, at: id.at });
  };
  for (const unit of listDraftUnits(draft.root)) checkAwsId(unit.awsId, describeDraftUnit(unit));
  for (const guardrail of draft.guardrails) checkAwsId(guardrail.awsId, `guardrail \`${guardrail.name}\``);
  for (const guardrail of draft.resourceGuardrails) checkAwsId(guardrail.awsId, `resource guardrail \`${guardrail.name}\``);

  const where = (account: DraftAccount) => (account.unitPath.length === 0 ? 'the root' : `\`${account.unitPath.join('/')}\``);
  const byId = new Map<string, DraftAccount>();
  const byName = new Map<string, DraftAccount>();
  for (const account of listDraftAccounts(draft.root)) {
    const { id, name } = account;
    const sameId = id !== undefined ? byId.get(id.name) : undefined;
    const sameName = name !== undefined ? byName.get(name.name) : undefined;
    if (sameId !== undefined && sameId === sameName && id !== undefined && name !== undefined) {
      add(
        'account-in-two-places',
        `account \`${name.name}\` (\`${id.name}\`) is in two places, ${where(sameId)} (line ${sameId.at.line}) and ${where(account)}: an account belongs to one unit`,
        account,
      );
      continue;
    }
    if (sameId !== undefined && id !== undefined) {
      add('duplicate-account-id', `account id \`${id.name}\` belongs to \`${sameId.name?.name ?? '?'}\` (line ${sameId.at.line}) and to \`${name?.name ?? '?'}\`: account ids are unique`, id);
    }
    if (sameName !== undefined && name !== undefined) {
      add('duplicate-account-name', `account name \`${name.name}\` is used twice, for \`${sameName.id?.name ?? '?'}\` (line ${sameName.at.line}) and \`${id?.name ?? '?'}\`: account names are unique`, name);
    }
    if (id !== undefined && sameId === undefined) byId.set(id.name, account);
    if (name !== undefined && sameName === undefined) byName.set(name.name, account);
  }

  const management = draft.managementAccount?.name;
  const managementName = management === undefined ? undefined : byId.get(management)?.name?.name;
  if (managementName !== undefined) {
    const warn = (what: string, refs: readonly Ref[]) => {
      for (const ref of refs) {
        if (ref.name !== managementName) continue;
        add(
          'assignment-to-management-account',
          `${what} gives access in \`${managementName}\`, the management account: no guardrail applies there (SCPs and RCPs do not affect the management account)`,
          ref,
          'warning',
        );
      }
    };
    for (const assignment of draft.assignments) warn(`assignment ${assignment.index}`, assignment.accounts);
    for (const serviceAccount of draft.serviceAccounts) warn(`service account \`${serviceAccount.name}\``, serviceAccount.accounts);
  }
  return issues;
}
