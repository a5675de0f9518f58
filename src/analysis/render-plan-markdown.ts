/**
 * A plan as a pull-request comment: a summary table first, then the flags, the access changes as
 * a table, and the details (per principal and account, and the structural diff) folded in
 * `<details>` blocks. Long lists are cut (the JSON form has everything), so the comment stays
 * well under the 65,536 characters a GitHub comment may have.
 */
import type { AccountFieldChange, GitHubTrustValue, StatementChange, StatementDifferences, StatementOutline, StructuralChange } from '../org/index.ts';
import { appendAll, formatIssue, internalError } from '../policy/index.ts';
import type { PlanFlag, PlanReport } from './build-plan.ts';
import type { InvalidPlanReport } from './plan-json.ts';
import { htmlCode, markdownCode as code, markdownText } from './escape-markdown.ts';
import type { AccessChange, Impact, ServiceChange, UserAccessChange } from './plan-access-impact.ts';
import type { AdminCriterion } from './escalation-rules.ts';

export interface RenderPlanOptions {
  /** actions shown per list before `and N more` (default 10) */
  readonly maxActions?: number;
  /** rows per table, flags per list and detail blocks (default 50) */
  readonly maxRows?: number;
  /** detail blocks stop before the comment grows past this many characters (default 60,000) */
  readonly maxCharacters?: number;
}

const plural = (n: number, noun: string, nouns = `${noun}s`) => `${n} ${n === 1 ? noun : nouns}`;

/** names listed in one sentence before `and N more` */
const MAX_NAMES = 10;

function nameList(names: readonly string[], render: (name: string) => string = code): string {
  const shown = names.slice(0, MAX_NAMES).map(render).join(', ');
  return names.length > MAX_NAMES ? `${shown} and ${names.length - MAX_NAMES} more` : shown;
}

/** an entry of the report: a group's or service account's change, or users' */
type Entry = { readonly kind: 'principal'; readonly change: AccessChange } | { readonly kind: 'users'; readonly change: UserAccessChange };

/** who an entry is about, for a sentence or a table cell */
function who(entry: Entry, render: (name: string) => string = code): string {
  if (entry.kind === 'principal') return render(entry.change.principal);
  const { users, groups } = entry.change;
  const through = groups.length > 0 ? ` through ${nameList(groups.map((g) => `group:${g}`), render)}` : '';
  return `${plural(users, 'user')}${through}`;
}

/** no plan: the errors of the versions that are not valid, one per line */
export function renderInvalidPlanMarkdown(report: InvalidPlanReport): string {
  // issue messages quote names from the files: escaped, one per line, so none can end a block or inject
  const lines = [
    ...report.issues.from.map((issue) => `- ${markdownText(formatIssue(issue, report.from))}`),
    ...report.issues.to.map((issue) => `- ${markdownText(formatIssue(issue, report.to))}`),
  ];
  return `## Parapet plan: ${code(report.from)} → ${code(report.to)}\n\n❌ Not a valid configuration: no plan.\n\n${lines.join('\n')}\n`;
}

export function renderPlanMarkdown(plan: PlanReport, options: RenderPlanOptions = {}): string {
  const maxActions = options.maxActions ?? 10;
  const maxRows = options.maxRows ?? 50;
  const maxCharacters = options.maxCharacters ?? 60_000;
  const out: string[] = [];
  const s = plan.summary;
  out.push(`## Parapet plan: ${code(plan.from)} → ${code(plan.to)}`, '');
  if (s.structuralChanges === 0 && s.accessChanges === 0) {
    out.push('No change to the organization, its guardrails or anyone’s access.', '');
    return out.join('\n');
  }
  const { groups, users, serviceAccounts } = s.principals;
  out.push(
    '| | |',
    '|:--|--:|',
    `| structural changes | ${s.structuralChanges} |`,
    `| principals whose access changed | ${plural(groups, 'group')}, ${plural(users, 'user')}, ${plural(serviceAccounts, 'service account')} |`,
    `| access changes (principal × account × mode) | ${s.accessChanges} |`,
    `| actions gained / lost, over all access changes | +${s.actionsGained} / −${s.actionsLost} |`,
    `| ${s.flags['admin-equivalent'] > 0 ? '🚩' : '✅'} new admin-equivalent access | ${s.flags['admin-equivalent']} |`,
    `| ${s.flags['privilege-escalation'] > 0 ? '🚩' : '✅'} privilege escalation newly allowed | ${s.flags['privilege-escalation']} |`,
    `| ${s.flags['guardrail-lockout'] > 0 ? '🔒' : '✅'} locked out by a guardrail change | ${s.flags['guardrail-lockout']} |`,
    '',
  );

  const entryOf = (flag: PlanFlag): Entry => {
    if (flag.userAccess !== undefined) return { kind: 'users', change: plan.userAccess[flag.userAccess]! };
    const change = plan.access.find((c) => c.principal === flag.principal && c.account === flag.account && c.mode === flag.mode);
    // buildPlan raises a flag only for an entry of `access`
    if (change === undefined) throw internalError(`renderPlanMarkdown: no access change for the flag on \`${flag.principal}\``);
    return { kind: 'principal', change };
  };
  if (plan.flags.length > 0) {
    out.push('### Flags', '');
    const main = plan.flags.filter((f) => f.userAccess === undefined);
    const forUsers = plan.flags.filter((f) => f.userAccess !== undefined);
    out.push(...flagLines(plan, main, entryOf, maxActions, maxRows));
    if (forUsers.length > 0) {
      out.push('', `<details><summary>${plural(forUsers.length, 'flag')} for users (through their groups)</summary>`, '');
      out.push(...flagLines(plan, forUsers, entryOf, maxActions, maxRows));
      out.push('', '</details>');
    }
    out.push('');
  }

  const detailed: Entry[] = [];
  if (plan.access.length > 0 || plan.userAccess.length > 0) {
    out.push('### Access changes', '');
    const main: Entry[] = plan.access.map((change) => ({ kind: 'principal', change }));
    const forUsers: Entry[] = plan.userAccess.map((change) => ({ kind: 'users', change }));
    if (main.length > 0) out.push(...accessTable(plan.impacts, main, maxRows), '');
    if (forUsers.length > 0) {
      const count = plan.userAccess.reduce((n, c) => n + c.users, 0);
      out.push(`<details><summary>${plural(count, 'access change')} for users (through their groups)</summary>`, '', ...accessTable(plan.impacts, forUsers, maxRows), '', '</details>', '');
    }
    appendAll(detailed, main.length > 0 ? main : forUsers);
  }

  if (plan.structural.length > 0) {
    out.push('### Structural changes', '', `<details><summary>${plural(plan.structural.length, 'structural change')}</summary>`, '');
    const lines: string[] = [];
    // stop describing once the list is cut: a plan may have thousands of structural changes
    for (const change of plan.structural) {
      if (lines.length > maxRows * 4) break;
      lines.push(...describeStructuralChange(change).map((line, i) => (i === 0 ? `- ${line}` : `  - ${line}`)));
    }
    const more = lines.length > maxRows * 4 ? ` (of ${plural(plan.structural.length, 'structural change')})` : '';
    out.push(...capped(lines, maxRows * 4, (n) => `- … and ${n} more lines${more} (see \`--json\`)`), '', '</details>', '');
  }

  // the details per principal and account, as many as the comment has room for
  if (detailed.length > 0) {
    out.push('### Details', '');
    let length = out.join('\n').length;
    let shown = 0;
    for (const entry of detailed.slice(0, maxRows)) {
      const block = [...accessDetails(entry, plan.impacts[entry.change.impact]!, maxActions), ''];
      const size = block.join('\n').length + 1;
      if (length + size > maxCharacters) break;
      out.push(...block);
      length += size;
      shown++;
    }
    if (shown < detailed.length) out.push(`… and ${detailed.length - shown} more (see \`--json\`)`, '');
  }

  out.push(
    `<sub>${plural(plan.stats.compared, 'principal × account × mode', 'principal × account × mode')} compared, ${plan.stats.recomputed} recomputed, ` +
      `${plural(plan.stats.policySetsEvaluated, 'policy set')} evaluated with ${plural(plan.stats.decisions, 'decision')}. ` +
      'Conditional: allowed for some requests or resources only. Definitions: docs/plan.md.</sub>',
    '',
  );
  return out.join('\n');
}

function capped(lines: readonly string[], max: number, more: (n: number) => string): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), more(lines.length - max)];
}

function actionList(actions: readonly string[], max: number): string {
  const shown = actions.slice(0, max).map(code).join(', ');
  return actions.length > max ? `${shown} and ${actions.length - max} more` : shown;
}

/** what an admin-equivalent principal may do, in words */
export function adminWords(criterion: AdminCriterion | undefined): string {
  return criterion === 'all-actions' ? 'nearly every action of every service' : 'full control of IAM and may assume any role';
}

/** the escalation rules newly allowed, in words: `iam:PassRole + lambda:CreateFunction on every resource` */
export function escalationWords(rules: Impact['newEscalations'], render: (s: string) => string = code): string {
  return rules.map((r) => `${r.actions.map(render).join(' + ')}${r.everywhere ? ' on every resource' : ''}`).join('; ');
}

/** what a flag says, without who and where: flags that say the same are listed on one line */
export function describeFlag(plan: PlanReport, flag: PlanFlag, maxActions = 10): string {
  const impact = plan.impacts[flag.impact]!;
  switch (flag.kind) {
    case 'admin-equivalent':
      return `🚩 **admin-equivalent** now: ${adminWords(flag.criterion)}`;
    case 'privilege-escalation':
      return `🚩 **privilege escalation** newly allowed: ${escalationWords(impact.newEscalations)}`;
    case 'guardrail-lockout': {
      const causes = flag.causes.map((i) => describeStructuralChange(plan.structural[i]!)[0]!);
      return (
        `🔒 **locked out** of ${plural(flag.actions, 'action')} by guardrail changes: ${actionList(
          impact.services.flatMap((s) => s.lostToGuardrails),
          maxActions,
        )}` + (causes.length > 0 ? ` (${causes.join('; ')})` : '')
      );
    }
    default: {
      const never: never = flag;
      return never;
    }
  }
}

function flagLines(plan: PlanReport, flags: readonly PlanFlag[], entryOf: (flag: PlanFlag) => Entry, maxActions: number, maxRows: number): string[] {
  const byWhat = new Map<string, PlanFlag[]>();
  for (const flag of flags) {
    const what = describeFlag(plan, flag, maxActions);
    const list = byWhat.get(what);
    if (list === undefined) byWhat.set(what, [flag]);
    else list.push(flag);
  }
  const lines = [...byWhat].map(([what, list]) => {
    const whoAndWhere = list
      .slice(0, 10)
      .map((flag) => `${who(entryOf(flag))} in ${code(flag.account)} (${flag.mode})`)
      .join(', ');
    return `- ${what}: ${whoAndWhere}${list.length > 10 ? ` and ${list.length - 10} more` : ''}`;
  });
  return capped(lines, maxRows, (n) => `- … and ${n} more (see \`--json\`)`);
}

export function servicesCell(impact: Impact): string {
  const parts = impact.services.map((s) => {
    const bits = [s.gained.length > 0 ? `+${s.gained.length}` : '', s.lost.length > 0 ? `−${s.lost.length}` : '', s.narrowed.length + s.widened.length > 0 ? `~${s.narrowed.length + s.widened.length}` : ''];
    return `${markdownText(s.service)} ${bits.filter((b) => b !== '').join(' ')}`;
  });
  return parts.length > 6 ? `${parts.slice(0, 6).join(', ')} and ${parts.length - 6} more` : parts.join(', ');
}

function accessTable(impacts: readonly Impact[], entries: readonly Entry[], maxRows: number): string[] {
  const rows = entries.slice(0, maxRows + 1).map((entry) => {
    const c = impacts[entry.change.impact]!;
    const flags = [c.newAdmin !== undefined ? '🚩 admin' : '', c.newEscalations.length > 0 ? '🚩 escalation' : '', c.lostToGuardrails > 0 ? '🔒 lock-out' : ''].filter((f) => f !== '');
    const lost = c.lostToGuardrails > 0 ? `${c.lost} (${c.lostToGuardrails} to guardrails)` : String(c.lost);
    return `| ${who(entry)} | ${code(entry.change.account)} | ${entry.change.mode} | ${c.gained} | ${lost} | ${servicesCell(c)} | ${flags.join(' ')} |`;
  });
  const more = entries.length - maxRows;
  return [
    '| principal | account | mode | gained | lost | services (+gained −lost ~level changed) | flags |',
    '|:--|:--|:--|--:|--:|:--|:--|',
    ...(more > 0 ? [...rows.slice(0, maxRows), `| … and ${more} more (see \`--json\`) | | | | | | |`] : rows),
  ];
}

const MAX_SERVICES = 15;

function accessDetails(entry: Entry, impact: Impact, maxActions: number): string[] {
  const change = entry.change;
  const sets = (list: readonly string[]) => (list.length === 0 ? 'none' : list.map(code).join(', '));
  const before = sets(change.permissionSets.before);
  const after = sets(change.permissionSets.after);
  const out = [
    `<details><summary>${who(entry, htmlCode)} in ${htmlCode(change.account)} (${change.mode}): +${impact.gained} −${impact.lost}</summary>`,
    '',
    before === after ? `Permission sets: ${after}.` : `Permission sets: ${before} → ${after}.`,
    '',
  ];
  if (entry.kind === 'users') out.push(`Users: ${nameList(entry.change.sample)}${entry.change.users > entry.change.sample.length ? ` and ${entry.change.users - entry.change.sample.length} more` : ''}.`, '');
  const services = impact.services.slice(0, MAX_SERVICES);
  for (const service of services) out.push(...serviceLines(service, maxActions));
  if (impact.services.length > MAX_SERVICES) out.push(`- … and ${impact.services.length - MAX_SERVICES} more services`);
  out.push('', '</details>');
  return out;
}

export function serviceLines(s: ServiceChange, maxActions: number): string[] {
  const lines: string[] = [];
  const service = markdownText(s.service);
  const depends = s.dependsOn.length > 0 ? ` (depending on ${s.dependsOn.map(code).join(', ')})` : '';
  if (s.gained.length > 0) {
    const conditional = s.gainedConditional.length > 0 ? `, ${s.gainedConditional.length} of them conditional${depends}` : '';
    lines.push(`- **${service}** gained ${s.gained.length}${conditional}: ${actionList(s.gained, maxActions)}`);
  }
  if (s.lost.length > 0) {
    const guardrails = s.lostToGuardrails.length > 0 ? `, ${s.lostToGuardrails.length} of them to guardrail changes` : '';
    lines.push(`- **${service}** lost ${s.lost.length}${guardrails}: ${actionList(s.lost, maxActions)}`);
  }
  if (s.narrowed.length > 0) lines.push(`- **${service}** now only conditional${s.gained.length > 0 ? '' : depends}: ${actionList(s.narrowed, maxActions)}`);
  if (s.widened.length > 0) lines.push(`- **${service}** now unconditional: ${actionList(s.widened, maxActions)}`);
  return lines;
}

const KIND_LABEL = { scp: 'guardrail', rcp: 'resource guardrail' } as const;
const ORGANIZATION_FIELD_LABEL = { name: 'name', id: 'id', managementAccount: 'management account' } as const;

const SHOWN = 4;

/** `GitHub Actions runs of `acme/infra` on `refs/heads/main` in environment `production``, or `no workflow run` */
function describeGitHubTrust(trust: GitHubTrustValue | null): string {
  if (trust === null) return 'no workflow run';
  const parts = [`GitHub Actions runs of ${code(trust.repository)}`];
  if (trust.refs !== undefined) parts.push(`on ${nameList(trust.refs)}`);
  if (trust.environments !== undefined) parts.push(`in environment ${nameList(trust.environments)}`);
  if (trust.jobWorkflowRef !== undefined) parts.push(`of workflow ${code(trust.jobWorkflowRef)}`);
  if (trust.audience !== undefined) parts.push(`for audience ${code(trust.audience)}`);
  return parts.join(' ');
}

function listed(values: readonly string[]): string {
  const shown = values.slice(0, SHOWN).join(', ');
  return values.length > SHOWN ? `${shown} and ${values.length - SHOWN} more` : shown;
}

/** plain text, escaped by the caller: `Deny s3:DeleteBucket on *`, `actions +s3:DeleteBucket; conditions changed (aws:SourceIp)` */
export function describeStatementChange(change: StatementChange): string {
  return change.change === 'changed' ? describeDifferences(change.outline, change.differences) : describeOutline(change.outline);
}

/** `Deny s3:DeleteBucket on *` or `Allow NotAction iam:* on NotResource arn:... when aws:MultiFactorAuthPresent` */
export function describeOutline(outline: StatementOutline): string {
  const actions = `${outline.notAction ? 'NotAction ' : ''}${listed(outline.actions)}`;
  const resources = outline.resources === undefined ? '' : ` on ${outline.notResource ? 'NotResource ' : ''}${listed(outline.resources)}`;
  const when = outline.conditionKeys.length === 0 ? '' : ` when ${listed(outline.conditionKeys)}`;
  return `${outline.effect} ${actions}${resources}${when}`;
}

function describeDifferences(now: StatementOutline, d: StatementDifferences): string {
  const parts: string[] = [];
  const list = (what: string, added: readonly string[], removed: readonly string[]) => {
    if (added.length > 0) parts.push(`${what} +${listed(added)}`);
    if (removed.length > 0) parts.push(`${what} −${listed(removed)}`);
  };
  if (d.effect !== undefined) parts.push(`effect ${d.effect.from} → ${d.effect.to}`);
  if (d.notAction !== undefined) parts.push(d.notAction.to ? 'Action → NotAction' : 'NotAction → Action');
  list(now.notAction ? 'not-actions' : 'actions', d.actionsAdded, d.actionsRemoved);
  if (d.notResource !== undefined) parts.push(d.notResource.to ? 'Resource → NotResource' : 'NotResource → Resource');
  list(now.notResource ? 'not-resources' : 'resources', d.resourcesAdded, d.resourcesRemoved);
  if (d.principalChanged) parts.push('principal changed');
  if (d.conditionKeys !== undefined) parts.push(`conditions changed (${listed(d.conditionKeys)})`);
  return parts.join('; ');
}

/** `id \`1\` → \`2\``, `tag \`env\` added: \`dev\``, `tag \`env\` removed (was \`dev\`)` */
function describeAccountField(change: AccountFieldChange): string {
  const label = change.field === 'id' ? 'id' : `tag ${code(change.key)}`;
  if (change.from === undefined) return `${label} added: ${code(change.to ?? '')}`;
  if (change.to === undefined) return `${label} removed (was ${code(change.from)})`;
  return `${label} ${code(change.from)} → ${code(change.to)}`;
}

/** one line, then sub-lines for statement changes */
export function describeStructuralChange(change: StructuralChange): string[] {
  const node = (n: { kind: string; name: string }) => (n.kind === 'root' ? 'the root' : `${n.kind} ${code(n.name)}`);
  const statements = (list: readonly StatementChange[]) => list.map((st) => `${markdownText(st.statement)} ${st.change}: ${markdownText(describeStatementChange(st))}`);
  switch (change.kind) {
    case 'organization-changed': {
      const parts = change.changes.map(({ field, from, to }) => {
        const label = ORGANIZATION_FIELD_LABEL[field];
        if (from === undefined) return `${label} set: ${code(to ?? '')}`;
        if (to === undefined) return `${label} removed (was ${code(from)})`;
        return `${label} ${code(from)} → ${code(to)}`;
      });
      return [`organization: ${parts.join(', ')}`];
    }
    case 'unit-added':
      return [`unit ${code(change.unit)} added`];
    case 'unit-removed':
      return [`unit ${code(change.unit)} removed`];
    case 'unit-moved':
      return [`unit ${code(change.unit)} moved from ${code(change.from)} to ${code(change.to)}`];
    case 'account-added':
      return [`account ${code(change.account)} (${code(change.id)}) added in ${code(change.unit)}`];
    case 'account-removed':
      return [`account ${code(change.account)} (${code(change.id)}) removed from ${code(change.unit)}`];
    case 'account-moved':
      return [`account ${code(change.account)} moved from ${code(change.from)} to ${code(change.to)}`];
    case 'account-changed':
      return [`account ${code(change.account)}: ${change.changes.map(describeAccountField).join(', ')}`];
    case 'guardrail-attached':
      return [`${KIND_LABEL[change.guardrailKind]} ${code(change.guardrail)} attached to ${node(change.node)}`];
    case 'guardrail-detached':
      return [`${KIND_LABEL[change.guardrailKind]} ${code(change.guardrail)} detached from ${node(change.node)}`];
    case 'guardrail-added':
      return [`${KIND_LABEL[change.guardrailKind]} ${code(change.guardrail)} defined (${code(change.file)})`];
    case 'guardrail-removed':
      return [`${KIND_LABEL[change.guardrailKind]} ${code(change.guardrail)} no longer defined`];
    case 'guardrail-edited':
      return [`${KIND_LABEL[change.guardrailKind]} ${code(change.guardrail)} edited (${code(change.file)})`, ...statements(change.statements)];
    case 'permission-set-added':
      return [
        `permission set ${code(change.permissionSet)} added: ${change.policies.map(code).join(', ')}${change.boundary !== undefined ? `, boundary ${code(change.boundary)}` : ''}, sessions of ${markdownText(change.sessionDuration)}`,
      ];
    case 'permission-set-removed':
      return [`permission set ${code(change.permissionSet)} removed`];
    case 'permission-set-changed': {
      const parts: string[] = [];
      if (change.policiesAdded.length > 0) parts.push(`policies added: ${change.policiesAdded.map(code).join(', ')}`);
      if (change.policiesRemoved.length > 0) parts.push(`policies removed: ${change.policiesRemoved.map(code).join(', ')}`);
      if (change.sessionDuration !== undefined) parts.push(`session duration ${markdownText(change.sessionDuration.from)} → ${markdownText(change.sessionDuration.to)}`);
      const b = change.boundary;
      if (b !== undefined) parts.push(`boundary ${b.from === b.to ? `${code(b.to ?? '')} edited` : `${b.from !== undefined ? code(b.from) : 'none'} → ${b.to !== undefined ? code(b.to) : 'none'}`}`);
      const sub = [
        ...change.policiesEdited.flatMap((p) => statements(p.statements).map((line) => `${code(p.file)}: ${line}`)),
        ...(b !== undefined && b.from === b.to ? statements(b.statements).map((line) => `boundary: ${line}`) : []),
      ];
      if (change.policiesEdited.length > 0) parts.push(`policies edited: ${change.policiesEdited.map((p) => code(p.file)).join(', ')}`);
      return [`permission set ${code(change.permissionSet)} changed: ${parts.join('; ')}`, ...sub];
    }
    case 'group-added':
      return [`group ${code(change.group)} added with ${plural(change.members.length, 'member')}`];
    case 'group-removed':
      return [`group ${code(change.group)} removed (had ${plural(change.members.length, 'member')})`];
    case 'group-members-changed': {
      const parts = [change.added.length > 0 ? `added ${nameList(change.added)}` : '', change.removed.length > 0 ? `removed ${nameList(change.removed)}` : ''];
      return [`group ${code(change.group)} members: ${parts.filter((p) => p !== '').join('; ')}`];
    }
    case 'assignment-added':
      return [`${code(change.group)} gets ${code(change.permissionSet)} in ${code(change.account)} (${change.mode})`];
    case 'assignment-removed':
      return [`${code(change.group)} no longer gets ${code(change.permissionSet)} in ${code(change.account)} (${change.mode})`];
    case 'assignment-mode-changed':
      return [`${code(change.group)} holds ${code(change.permissionSet)} in ${code(change.account)} ${change.to} instead of ${change.from}`];
    case 'service-account-added':
      return [
        `service account ${code(change.serviceAccount)} added: ${code(change.permissionSet)} in ${nameList(change.accounts)}` +
          (change.github === undefined ? '' : `; acting as it: ${describeGitHubTrust(change.github)}`),
      ];
    case 'service-account-removed':
      return [`service account ${code(change.serviceAccount)} removed`];
    case 'service-account-changed': {
      const parts: string[] = [];
      if (change.permissionSet !== undefined) parts.push(`permission set ${code(change.permissionSet.from)} → ${code(change.permissionSet.to)}`);
      if (change.accountsAdded.length > 0) parts.push(`accounts added: ${nameList(change.accountsAdded)}`);
      if (change.accountsRemoved.length > 0) parts.push(`accounts removed: ${nameList(change.accountsRemoved)}`);
      if (change.github !== undefined) parts.push(`who may act as it: ${describeGitHubTrust(change.github.from)} → ${describeGitHubTrust(change.github.to)}`);
      return [`service account ${code(change.serviceAccount)}: ${parts.join('; ')}`];
    }
    default: {
      const never: never = change;
      return never;
    }
  }
}
