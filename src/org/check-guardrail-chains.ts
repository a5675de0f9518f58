/**
 * AWS evaluates SCPs level by level, root → units → account: "for a permission to be allowed for
 * a specific account, there must be an explicit Allow statement at every level from the root
 * through each OU in the direct path to the account (including the target account itself)"
 * (AWS Organizations User Guide, SCP evaluation,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
 * A level whose SCPs have no Allow statement at all denies everything below it, even to the
 * accounts' administrators. This reports each such level once, where it is written.
 *
 * SCPs do not affect the management account ("SCPs don't affect users or roles in the management
 * account", orgs_manage_policies_scps.html): a level whose only account below is the management
 * account locks nobody out, so it is a warning, not an error.
 */
import type { Policy } from '../policy/index.ts';
import type { ConfigIssue } from './config-issue.ts';
import type { DraftAccount, DraftConfig, Ref } from './draft-config.ts';
import { describeDraftAccount, describeDraftUnit, listDraftAccounts, listDraftUnits } from './list-draft-nodes.ts';
import type { LoadedGuardrail } from './load-policy-files.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

export function checkGuardrailChains(draft: DraftConfig, guardrails: ReadonlyMap<string, LoadedGuardrail>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fullAccess = [...guardrails.entries()].find(([, g]) => allowsEverything(g.policy))?.[0];
  const fix = `: AWS requires an Allow at every level from the root to the account${fullAccess !== undefined ? `: attach \`${fullAccess}\` here` : ''}`;

  const management = draft.managementAccount?.name;
  const check = (what: string, refs: readonly Ref[] | undefined, at: { line: number; column: number }, path: string, below: string, onlyManagement: boolean) => {
    const list = refs ?? [];
    // a guardrail that is unknown or invalid is reported already; its statements are not known
    const policies = list.map((ref) => guardrails.get(ref.name)?.policy);
    if (policies.some((p) => p === undefined)) return;
    if (policies.some((p) => p !== undefined && p.statements.some((s) => s.effect === 'Allow'))) return;
    const first = list[0];
    const lacking = list.length === 0 ? `${what} has no guardrails` : `${what}: no Allow statement in its guardrails (${list.map((r) => `\`${r.name}\``).join(', ')})`;
    const message = onlyManagement
      ? `${lacking}, but the only account it covers is the management account \`${management ?? ''}\`, and SCPs do not apply to the management account: nobody is locked out, and the guardrails there have no effect`
      : `${lacking}, so ${below} is locked out${fix}`;
    issues.push({
      code: onlyManagement ? 'no-allow-only-management-account' : 'no-allow-at-level',
      severity: onlyManagement ? 'warning' : 'error',
      message,
      source: CONFIG_FILE,
      line: (first?.at ?? at).line,
      column: (first?.at ?? at).column,
      path: first?.path ?? path,
    });
  };

  const isManagement = (account: DraftAccount) => management !== undefined && account.id?.name === management;
  for (const unit of listDraftUnits(draft.root)) {
    const below = listDraftAccounts(unit);
    const onlyManagement = below.length > 0 && below.every(isManagement);
    check(describeDraftUnit(unit), unit.guardrails, unit.at, unit.path, unit.unitPath.length === 0 ? 'the whole organization' : 'every account in it', onlyManagement);
  }
  for (const account of listDraftAccounts(draft.root)) {
    // an account without `guardrails` adds no level of its own (AWS attaches FullAWSAccess to it)
    if (account.guardrails === undefined) continue;
    check(describeDraftAccount(account), account.guardrails, account.at, account.path, 'everything in it', isManagement(account));
  }
  return issues;
}

/** `Allow * on *` without conditions: AWS's FullAWSAccess */
function allowsEverything(policy: Policy): boolean {
  return policy.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      !s.notAction &&
      s.actions.includes('*') &&
      !s.notResource &&
      (s.resources === undefined || s.resources.includes('*')) &&
      s.conditions.length === 0,
  );
}
