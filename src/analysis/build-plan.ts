/**
 * `parapet plan`'s report: the structural diff of two versions of a configuration, the
 * access-impact diff, and the flags a reviewer must not miss, with a summary. Pure: both versions
 * come parsed. The JSON form of `PlanReport` is documented in docs/plan.md.
 *
 *   structural diff → access impact → flags → summary
 */
import type { Catalog } from '../catalog/catalog.ts';
import { diffConfigs, unitPathName, type AccessMode, type Account, type OrgConfig, type StructuralChange } from '../org/index.ts';
import type { AdminCriterion } from './escalation-rules.ts';
import { planAccessImpact, type AccessChange, type AccessImpactOptions, type Impact, type ImpactStats, type UserAccessChange } from './plan-access-impact.ts';

/**
 * 2: users aggregated (`userAccess`), what changed listed once (`impacts`), flags refer to both;
 * 3: facts instead of sentences: account changes and statement changes are objects, escalation
 * rules are named without a description
 */
export const PLAN_FORMAT = 'parapet-plan/3';

/**
 * who a flag is about: a group or service account (`principal`, an entry of `access`), or the
 * users of an entry of `userAccess` (its index)
 */
type FlagBase = { readonly account: string; readonly mode: AccessMode; readonly impact: number } & (
  | { readonly principal: string; readonly userAccess?: undefined }
  | { readonly userAccess: number; readonly principal?: undefined }
);

export type PlanFlag =
  | (FlagBase & { readonly kind: 'admin-equivalent'; readonly criterion: AdminCriterion })
  | (FlagBase & {
      readonly kind: 'privilege-escalation';
      /** the escalation rules newly holding (their actions are in the impact's `newEscalations`) */
      readonly rules: readonly string[];
    })
  | (FlagBase & {
      readonly kind: 'guardrail-lockout';
      /** how many actions were lost to the guardrail change (listed in the impact's services) */
      readonly actions: number;
      /** the guardrail changes on the account's chain: indexes in `structural` */
      readonly causes: readonly number[];
    });

export type PlanFlagKind = PlanFlag['kind'];

export interface PlanSummary {
  readonly structuralChanges: number;
  /** principals with at least one access change, by kind */
  readonly principals: { readonly groups: number; readonly users: number; readonly serviceAccounts: number };
  /** (principal, account, mode) with a change, users counted one by one */
  readonly accessChanges: number;
  /** summed over the (principal, account, mode) with a change */
  readonly actionsGained: number;
  readonly actionsLost: number;
  readonly actionsLostToGuardrails: number;
  /** (principal, account, mode) flagged, users counted one by one */
  readonly flags: Readonly<Record<PlanFlagKind, number>>;
}

export interface PlanReport {
  readonly format: typeof PLAN_FORMAT;
  /** what the two versions are, as given (folders or git revisions) */
  readonly from: string;
  readonly to: string;
  readonly summary: PlanSummary;
  readonly flags: readonly PlanFlag[];
  readonly structural: readonly StructuralChange[];
  /** each distinct access change once: `access`, `userAccess` and `flags` refer to them by index */
  readonly impacts: readonly Impact[];
  /** groups' and service accounts' access changes */
  readonly access: readonly AccessChange[];
  /** users' access changes, one entry for the users who changed alike through the same groups */
  readonly userAccess: readonly UserAccessChange[];
  readonly stats: ImpactStats;
}

export interface BuildPlanOptions {
  readonly catalog: Catalog;
  readonly from: string;
  readonly to: string;
  readonly onPrincipal?: ((done: number, total: number) => void) | undefined;
  /** who is in which group before and now; default: each configuration's `groups` */
  readonly directories?: AccessImpactOptions['directories'];
}

export function buildPlan(before: OrgConfig, after: OrgConfig, options: BuildPlanOptions): PlanReport {
  const structural = diffConfigs(before, after);
  const impact = planAccessImpact(before, after, { catalog: options.catalog, onPrincipal: options.onPrincipal, directories: options.directories });
  const flags = flagsOf(impact.impacts, impact.changes, impact.userChanges, structural, before, after);
  return {
    format: PLAN_FORMAT,
    from: options.from,
    to: options.to,
    summary: summarize(structural, impact.impacts, impact.changes, impact.userChanges, impact.usersChanged, flags),
    flags,
    structural,
    impacts: impact.impacts,
    access: impact.changes,
    userAccess: impact.userChanges,
    stats: impact.stats,
  };
}

function flagsOf(
  impacts: readonly Impact[],
  changes: readonly AccessChange[],
  userChanges: readonly UserAccessChange[],
  structural: readonly StructuralChange[],
  before: OrgConfig,
  after: OrgConfig,
): PlanFlag[] {
  const flags: PlanFlag[] = [];
  const causes = guardrailCauses(structural, before, after);
  const flag = (base: FlagBase) => {
    const change = impacts[base.impact]!;
    if (change.newAdmin !== undefined) flags.push({ ...base, kind: 'admin-equivalent', criterion: change.newAdmin });
    // admin-equivalent access allows every escalation: the one flag says it all
    if (change.newEscalations.length > 0 && change.newAdmin === undefined) flags.push({ ...base, kind: 'privilege-escalation', rules: change.newEscalations.map((r) => r.rule) });
    if (change.lostToGuardrails > 0) flags.push({ ...base, kind: 'guardrail-lockout', actions: change.lostToGuardrails, causes: causes(base.account) });
  };
  for (const change of changes) flag({ principal: change.principal, account: change.account, mode: change.mode, impact: change.impact });
  userChanges.forEach((change, i) => flag({ userAccess: i, account: change.account, mode: change.mode, impact: change.impact }));
  const order: Record<PlanFlagKind, number> = { 'admin-equivalent': 0, 'privilege-escalation': 1, 'guardrail-lockout': 2 };
  // stable: within a kind, the order of the access changes, then of the users' changes
  return flags.map((flag, i) => ({ flag, i })).sort((a, b) => order[a.flag.kind] - order[b.flag.kind] || a.i - b.i).map(({ flag }) => flag);
}

/** the nodes an account's guardrails come from: the root, each unit down to its own, itself */
function nodesOf(account: Account): string[] {
  const nodes = ['root'];
  for (let i = 1; i <= account.units.length; i++) nodes.push(`unit:${unitPathName(account.units.slice(0, i))}`);
  nodes.push(`account:${account.name}`);
  return nodes;
}

/** for an account: the structural changes that changed its guardrail chains (indexes in `structural`) */
function guardrailCauses(structural: readonly StructuralChange[], before: OrgConfig, after: OrgConfig): (account: string) => number[] {
  const cache = new Map<string, number[]>();
  return (name) => {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const accounts = [before.accounts.get(name), after.accounts.get(name)].filter((a): a is Account => a !== undefined);
    const nodes = new Set(accounts.flatMap(nodesOf));
    // the guardrails attached on the way to the account, in either version
    const inChain = new Set<string>();
    for (const [config, account] of [[before, before.accounts.get(name)], [after, after.accounts.get(name)]] as const) {
      if (account === undefined) continue;
      let unit = config.organization.root;
      const add = (names: readonly string[] | undefined, kind: string) => (names ?? []).forEach((n) => inChain.add(`${kind}:${n}`));
      add(unit.guardrails, 'scp');
      add(unit.resourceGuardrails, 'rcp');
      for (const step of account.units) {
        const next = unit.units.find((u) => u.name === step);
        if (next === undefined) break;
        unit = next;
        add(unit.guardrails, 'scp');
        add(unit.resourceGuardrails, 'rcp');
      }
      add(account.guardrails, 'scp');
      add(account.resourceGuardrails, 'rcp');
    }
    const out: number[] = [];
    structural.forEach((change, i) => {
      switch (change.kind) {
        case 'guardrail-attached':
        case 'guardrail-detached':
          if (nodes.has(change.node.kind === 'root' ? 'root' : `${change.node.kind}:${change.node.name}`)) out.push(i);
          break;
        case 'guardrail-edited':
          if (inChain.has(`${change.guardrailKind}:${change.guardrail}`)) out.push(i);
          break;
        case 'account-moved':
          if (change.account === name) out.push(i);
          break;
        default:
          break;
      }
    });
    cache.set(name, out);
    return out;
  };
}

function summarize(
  structural: readonly StructuralChange[],
  impacts: readonly Impact[],
  changes: readonly AccessChange[],
  userChanges: readonly UserAccessChange[],
  usersChanged: number,
  flags: readonly PlanFlag[],
): PlanSummary {
  const principals = (kind: AccessChange['principalKind']) => new Set(changes.filter((c) => c.principalKind === kind).map((c) => c.principal)).size;
  // each entry weighs as many (principal, account, mode) as it stands for
  const weighted = [...changes.map((c) => ({ impact: impacts[c.impact]!, weight: 1 })), ...userChanges.map((c) => ({ impact: impacts[c.impact]!, weight: c.users }))];
  const sum = (pick: (impact: Impact) => number) => weighted.reduce((n, { impact, weight }) => n + pick(impact) * weight, 0);
  const count = (kind: PlanFlagKind) => flags.filter((f) => f.kind === kind).reduce((n, f) => n + (f.userAccess === undefined ? 1 : userChanges[f.userAccess]!.users), 0);
  return {
    structuralChanges: structural.length,
    principals: { groups: principals('group'), users: usersChanged, serviceAccounts: principals('serviceAccount') },
    accessChanges: weighted.reduce((n, { weight }) => n + weight, 0),
    actionsGained: sum((i) => i.gained),
    actionsLost: sum((i) => i.lost),
    actionsLostToGuardrails: sum((i) => i.lostToGuardrails),
    flags: { 'admin-equivalent': count('admin-equivalent'), 'privilege-escalation': count('privilege-escalation'), 'guardrail-lockout': count('guardrail-lockout') },
  };
}
