/**
 * A plan as a pull-request comment: a summary table first, then the flags, the access changes as
 * a table, and the details (per principal and account, and the structural diff) folded in
 * `<details>` blocks. Long lists are cut (the JSON form has everything), so the comment stays
 * well under the 65,536 characters a GitHub comment may have.
 */
import type { StructuralChange } from '../org/index.ts';
import { appendAll } from '../policy/index.ts';
import type { PlanFlag, PlanReport } from './build-plan.ts';
import type { AccessChange, ServiceChange } from './plan-access-impact.ts';

export interface RenderPlanOptions {
  /** actions shown per list before `and N more` (default 10) */
  readonly maxActions?: number;
  /** rows per table, flags per list and detail blocks (default 50) */
  readonly maxRows?: number;
  /** detail blocks stop before the comment grows past this many characters (default 60,000) */
  readonly maxCharacters?: number;
}

const code = (text: string) => `\`${text}\``;
const html = (text: string) => `<code>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`;
const plural = (n: number, noun: string, nouns = `${noun}s`) => `${n} ${n === 1 ? noun : nouns}`;

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

  const isUser = (principal: string) => principal.startsWith('user:');
  if (plan.flags.length > 0) {
    out.push('### Flags', '');
    const main = plan.flags.filter((f) => !isUser(f.principal));
    const forUsers = plan.flags.filter((f) => isUser(f.principal));
    out.push(...flagLines(main, maxActions, maxRows));
    if (forUsers.length > 0) {
      out.push('', `<details><summary>${plural(forUsers.length, 'flag')} for users (through their groups)</summary>`, '');
      out.push(...flagLines(forUsers, maxActions, maxRows));
      out.push('', '</details>');
    }
    out.push('');
  }

  const detailed: AccessChange[] = [];
  if (plan.access.length > 0) {
    out.push('### Access changes', '');
    const main = plan.access.filter((c) => !isUser(c.principal));
    const forUsers = plan.access.filter((c) => isUser(c.principal));
    if (main.length > 0) out.push(...accessTable(main, maxRows), '');
    if (forUsers.length > 0) {
      out.push(`<details><summary>${plural(forUsers.length, 'access change')} for users (through their groups)</summary>`, '', ...accessTable(forUsers, maxRows), '', '</details>', '');
    }
    appendAll(detailed, main.length > 0 ? main : forUsers);
  }

  if (plan.structural.length > 0) {
    out.push('### Structural changes', '', `<details><summary>${plural(plan.structural.length, 'structural change')}</summary>`, '');
    const lines = plan.structural.flatMap((c) => describeStructuralChange(c).map((line, i) => (i === 0 ? `- ${line}` : `  - ${line}`)));
    out.push(...capped(lines, maxRows * 4, (n) => `- … and ${n} more lines (see \`--json\`)`), '', '</details>', '');
  }

  // the details per principal and account, as many as the comment has room for
  if (detailed.length > 0) {
    out.push('### Details', '');
    let length = out.join('\n').length;
    let shown = 0;
    for (const change of detailed.slice(0, maxRows)) {
      const block = [...accessDetails(change, maxActions), ''];
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

function where(flag: { principal: string; account: string; mode: string }): string {
  return `${code(flag.principal)} in ${code(flag.account)} (${flag.mode})`;
}

/** what a flag says, without who and where: flags that say the same are listed on one line */
export function describeFlag(flag: PlanFlag, maxActions = 10): string {
  switch (flag.kind) {
    case 'admin-equivalent':
      return `🚩 **admin-equivalent** now: ${flag.criterion === 'all-actions' ? 'nearly every action of every service' : 'full control of IAM and may assume any role'}`;
    case 'privilege-escalation': {
      const rules = flag.rules.map((r) => `${r.actions.map(code).join(' + ')}${r.everywhere ? ' on every resource' : ''}`);
      return `🚩 **privilege escalation** newly allowed: ${rules.join('; ')}`;
    }
    case 'guardrail-lockout':
      return (
        `🔒 **locked out** of ${plural(flag.actions.length, 'action')} by guardrail changes: ${actionList(flag.actions, maxActions)}` +
        (flag.causes.length > 0 ? ` (${flag.causes.join('; ')})` : '')
      );
    default: {
      const never: never = flag;
      return never;
    }
  }
}

function flagLines(flags: readonly PlanFlag[], maxActions: number, maxRows: number): string[] {
  const byWhat = new Map<string, PlanFlag[]>();
  for (const flag of flags) {
    const what = describeFlag(flag, maxActions);
    const list = byWhat.get(what);
    if (list === undefined) byWhat.set(what, [flag]);
    else list.push(flag);
  }
  const lines = [...byWhat].map(([what, list]) => {
    const who = list.slice(0, 10).map(where).join(', ');
    return `- ${what}: ${who}${list.length > 10 ? ` and ${list.length - 10} more` : ''}`;
  });
  return capped(lines, maxRows, (n) => `- … and ${n} more (see \`--json\`)`);
}

function servicesCell(change: AccessChange): string {
  const parts = change.services.map((s) => {
    const bits = [s.gained.length > 0 ? `+${s.gained.length}` : '', s.lost.length > 0 ? `−${s.lost.length}` : '', s.narrowed.length + s.widened.length > 0 ? `~${s.narrowed.length + s.widened.length}` : ''];
    return `${s.service} ${bits.filter((b) => b !== '').join(' ')}`;
  });
  return parts.length > 6 ? `${parts.slice(0, 6).join(', ')} and ${parts.length - 6} more` : parts.join(', ');
}

function accessTable(changes: readonly AccessChange[], maxRows: number): string[] {
  const rows = changes.map((c) => {
    const flags = [c.newAdmin !== undefined ? '🚩 admin' : '', c.newEscalations.length > 0 ? '🚩 escalation' : '', c.lostToGuardrails > 0 ? '🔒 lock-out' : ''].filter((f) => f !== '');
    const lost = c.lostToGuardrails > 0 ? `${c.lost} (${c.lostToGuardrails} to guardrails)` : String(c.lost);
    return `| ${code(c.principal)} | ${code(c.account)} | ${c.mode} | ${c.gained} | ${lost} | ${servicesCell(c)} | ${flags.join(' ')} |`;
  });
  return ['| principal | account | mode | gained | lost | services (+gained −lost ~level changed) | flags |', '|:--|:--|:--|--:|--:|:--|:--|', ...capped(rows, maxRows, (n) => `| … and ${n} more (see \`--json\`) | | | | | | |`)];
}

const MAX_SERVICES = 15;

function accessDetails(change: AccessChange, maxActions: number): string[] {
  const sets = (list: readonly string[]) => (list.length === 0 ? 'none' : list.map(code).join(', '));
  const before = sets(change.permissionSets.before);
  const after = sets(change.permissionSets.after);
  const out = [
    `<details><summary>${html(change.principal)} in ${html(change.account)} (${change.mode}): +${change.gained} −${change.lost}</summary>`,
    '',
    before === after ? `Permission sets: ${after}.` : `Permission sets: ${before} → ${after}.`,
    '',
  ];
  const services = change.services.slice(0, MAX_SERVICES);
  for (const service of services) out.push(...serviceLines(service, maxActions));
  if (change.services.length > MAX_SERVICES) out.push(`- … and ${change.services.length - MAX_SERVICES} more services`);
  out.push('', '</details>');
  return out;
}

function serviceLines(s: ServiceChange, maxActions: number): string[] {
  const lines: string[] = [];
  const depends = s.dependsOn.length > 0 ? ` (depending on ${s.dependsOn.map(code).join(', ')})` : '';
  if (s.gained.length > 0) {
    const conditional = s.gainedConditional.length > 0 ? `, ${s.gainedConditional.length} of them conditional${depends}` : '';
    lines.push(`- **${s.service}** gained ${s.gained.length}${conditional}: ${actionList(s.gained, maxActions)}`);
  }
  if (s.lost.length > 0) {
    const guardrails = s.lostToGuardrails.length > 0 ? `, ${s.lostToGuardrails.length} of them to guardrail changes` : '';
    lines.push(`- **${s.service}** lost ${s.lost.length}${guardrails}: ${actionList(s.lost, maxActions)}`);
  }
  if (s.narrowed.length > 0) lines.push(`- **${s.service}** now only conditional${s.gained.length > 0 ? '' : depends}: ${actionList(s.narrowed, maxActions)}`);
  if (s.widened.length > 0) lines.push(`- **${s.service}** now unconditional: ${actionList(s.widened, maxActions)}`);
  return lines;
}

const KIND_LABEL = { scp: 'guardrail', rcp: 'resource guardrail' } as const;
const ORGANIZATION_FIELD_LABEL = { name: 'name', id: 'id', managementAccount: 'management account' } as const;

/** one line, then sub-lines for statement changes */
export function describeStructuralChange(change: StructuralChange): string[] {
  const node = (n: { kind: string; name: string }) => (n.kind === 'root' ? 'the root' : `${n.kind} ${code(n.name)}`);
  const statements = (list: readonly { change: string; statement: string; summary: string }[]) => list.map((st) => `${st.statement} ${st.change}: ${st.summary}`);
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
      return [`account ${code(change.account)}: ${change.changes.join(', ')}`];
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
        `permission set ${code(change.permissionSet)} added: ${change.policies.map(code).join(', ')}${change.boundary !== undefined ? `, boundary ${code(change.boundary)}` : ''}, sessions of ${change.sessionDuration}`,
      ];
    case 'permission-set-removed':
      return [`permission set ${code(change.permissionSet)} removed`];
    case 'permission-set-changed': {
      const parts: string[] = [];
      if (change.policiesAdded.length > 0) parts.push(`policies added: ${change.policiesAdded.map(code).join(', ')}`);
      if (change.policiesRemoved.length > 0) parts.push(`policies removed: ${change.policiesRemoved.map(code).join(', ')}`);
      if (change.sessionDuration !== undefined) parts.push(`session duration ${change.sessionDuration.from} → ${change.sessionDuration.to}`);
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
      const parts = [change.added.length > 0 ? `added ${change.added.map(code).join(', ')}` : '', change.removed.length > 0 ? `removed ${change.removed.map(code).join(', ')}` : ''];
      return [`group ${code(change.group)} members: ${parts.filter((p) => p !== '').join('; ')}`];
    }
    case 'assignment-added':
      return [`${code(change.group)} gets ${code(change.permissionSet)} in ${code(change.account)} (${change.mode})`];
    case 'assignment-removed':
      return [`${code(change.group)} no longer gets ${code(change.permissionSet)} in ${code(change.account)} (${change.mode})`];
    case 'assignment-mode-changed':
      return [`${code(change.group)} holds ${code(change.permissionSet)} in ${code(change.account)} ${change.to} instead of ${change.from}`];
    case 'service-account-added':
      return [`service account ${code(change.serviceAccount)} added: ${code(change.permissionSet)} in ${change.accounts.map(code).join(', ')}`];
    case 'service-account-removed':
      return [`service account ${code(change.serviceAccount)} removed`];
    case 'service-account-changed': {
      const parts: string[] = [];
      if (change.permissionSet !== undefined) parts.push(`permission set ${code(change.permissionSet.from)} → ${code(change.permissionSet.to)}`);
      if (change.accountsAdded.length > 0) parts.push(`accounts added: ${change.accountsAdded.map(code).join(', ')}`);
      if (change.accountsRemoved.length > 0) parts.push(`accounts removed: ${change.accountsRemoved.map(code).join(', ')}`);
      return [`service account ${code(change.serviceAccount)}: ${parts.join('; ')}`];
    }
    default: {
      const never: never = change;
      return never;
    }
  }
}
