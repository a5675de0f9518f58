/** `parapet aws plan` as Markdown for review: the changes in apply's order, then what cannot be done, then what is left alone */
import { planChangeCount, type OrganizationChange, type OrganizationPlan, type PolicyRef, type TargetRef } from './organization-change.ts';
// names are AWS's free text: `code` keeps a backtick in one from ending the code span
import { describeAccountChange, markdownCode as code } from './render-account-change.ts';

export function renderOrganizationPlan(plan: OrganizationPlan): string {
  const lines = [`# AWS plan for organization ${code(plan.organizationId)}`, ''];
  if (plan.forced !== undefined) {
    lines.push(`**Forced** (\`--force\`), with the reason: ${plan.forced.reason}`, '', ...plan.forced.lockOuts.map((l) => `- lock-out applied anyway: ${l}`), '');
  }
  if (planChangeCount(plan) === 0) lines.push('No changes: the organization is as the configuration says.');
  else if (plan.changes.length === 0) lines.push('No changes in the organization.');
  else {
    lines.push(`${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}, in the order apply makes them:`, '');
    plan.changes.forEach((change, i) => lines.push(`${i + 1}. ${describeChange(change)}`));
  }
  if (plan.problems.length > 0) {
    lines.push('', `## Cannot be applied (${plan.problems.length})`, '');
    for (const problem of plan.problems) lines.push(`- ${problem}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', '## Left alone', '');
    for (const note of plan.notes) lines.push(`- ${note}`);
  }
  for (const account of plan.accounts ?? []) {
    if (account.changes.length === 0 && account.problems.length === 0 && account.notes.length === 0) continue;
    lines.push('', `## Account ${code(account.accountName)} (${code(account.accountId)}): IAM`, '');
    if (account.changes.length === 0) lines.push('No changes.');
    else account.changes.forEach((change, i) => lines.push(`${i + 1}. ${describeAccountChange(change)}`));
    if (account.problems.length > 0) lines.push('', 'Cannot be applied:', '', ...account.problems.map((p) => `- ${p}`));
    if (account.notes.length > 0) lines.push('', 'Left alone:', '', ...account.notes.map((n) => `- ${n}`));
  }
  return `${lines.join('\n')}\n`;
}

export function describeChange(change: OrganizationChange): string {
  switch (change.kind) {
    case 'enable-policy-type':
      return `enable ${change.policyType === 'RESOURCE_CONTROL_POLICY' ? 'resource control policies (RCPs)' : 'service control policies (SCPs)'} on the root`;
    case 'create-policy':
      return `create ${change.policyType === 'SERVICE_CONTROL_POLICY' ? 'SCP' : 'RCP'} ${policy(change.policy)}${change.awsName !== change.policy.name ? ` named ${code(change.awsName)} in AWS` : ''}`;
    case 'update-policy': {
      const what = [change.awsName !== undefined ? `rename ${code(change.awsName.from)} to ${code(change.awsName.to)}` : '', change.content !== undefined ? 'new document' : ''];
      return `update ${policy(change.policy)}: ${what.filter((w) => w !== '').join(', ')}`;
    }
    case 'create-unit':
      return `create unit ${target(change.unit)}${change.awsName !== change.unit.label.split('/').at(-1) ? ` named ${code(change.awsName)} in AWS` : ''} under ${target(change.parent)}`;
    case 'rename-unit':
      return `rename unit ${target(change.unit)} from ${code(change.from)} to ${code(change.to)}`;
    case 'move-account':
      return `move account ${target(change.account)} from ${target(change.from)} to ${target(change.to)}`;
    case 'attach-policy':
      return `attach ${policy(change.policy)} to ${target(change.target)}`;
    case 'detach-policy':
      return `detach ${policy(change.policy)} from ${target(change.target)}`;
    case 'tag-account': {
      const set = Object.entries(change.set).map(([key, value]) => `${code(key)} = ${code(value)}`);
      const remove = change.remove.map((key) => `remove ${code(key)}`);
      return `tag account ${target(change.account)}: ${[...set, ...remove].join(', ')}`;
    }
    case 'delete-unit':
      return `delete unit ${target(change.unit)} (managed by Parapet, not in the configuration)`;
    case 'delete-policy':
      return `delete ${policy(change.policy)} (managed by Parapet, not in the configuration)`;
    default: {
      const unknown: never = change;
      return String(unknown);
    }
  }
}

function target(ref: TargetRef): string {
  return ref.id === undefined ? `${code(ref.label)} (new)` : ref.id === ref.label ? code(ref.id) : `${code(ref.label)} (${code(ref.id)})`;
}

function policy(ref: PolicyRef): string {
  return ref.id === undefined ? `${code(ref.name)} (new)` : `${code(ref.name)} (${code(ref.id)})`;
}
