/**
 * `parapet plan`'s report: the structural diff of two versions of a configuration, the
 * access-impact diff, and the flags a reviewer must not miss, with a summary. Pure: both versions
 * come parsed. The JSON form of `PlanReport` is documented in docs/plan.md.
 *
 *   structural diff → access impact → flags → summary
 */
import type { Catalog } from '../catalog/catalog.ts';
import { diffConfigs, unitPathName, type Account, type OrgConfig, type StructuralChange } from '../org/index.ts';
import type { AdminCriterion } from './escalation-rules.ts';
import { planAccessImpact, type AccessChange, type AccessMode, type ImpactStats } from './plan-access-impact.ts';

export const PLAN_FORMAT = 'parapet-plan/1';

interface FlagBase {
  readonly principal: string;
  readonly account: string;
  readonly mode: AccessMode;
}

export type PlanFlag =
  | (FlagBase & { readonly kind: 'admin-equivalent'; readonly criterion: AdminCriterion })
  | (FlagBase & {
      readonly kind: 'privilege-escalation';
      readonly rules: readonly { readonly rule: string; readonly actions: readonly string[]; readonly everywhere: boolean; readonly why: string }[];
    })
  | (FlagBase & {
      readonly kind: 'guardrail-lockout';
      /** every action lost to the guardrail change */
      readonly actions: readonly string[];
      /** the guardrail changes on the account's chain, as sentences */
      readonly causes: readonly string[];
    });

export type PlanFlagKind = PlanFlag['kind'];

export interface PlanSummary {
  readonly structuralChanges: number;
  /** principals with at least one access change, by kind */
  readonly principals: { readonly groups: number; readonly users: number; readonly serviceAccounts: number };
  /** (principal, account, mode) entries with a change */
  readonly accessChanges: number;
  readonly actionsGained: number;
  readonly actionsLost: number;
  readonly actionsLostToGuardrails: number;
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
  readonly access: readonly AccessChange[];
  readonly stats: ImpactStats;
}

export interface BuildPlanOptions {
  readonly catalog: Catalog;
  readonly from: string;
  readonly to: string;
  readonly onPrincipal?: ((done: number, total: number) => void) | undefined;
}

export function buildPlan(before: OrgConfig, after: OrgConfig, options: BuildPlanOptions): PlanReport {
  const structural = diffConfigs(before, after);
  const impact = planAccessImpact(before, after, { catalog: options.catalog, onPrincipal: options.onPrincipal });
  const flags = flagsOf(impact.changes, structural, before, after);
  return {
    format: PLAN_FORMAT,
    from: options.from,
    to: options.to,
    summary: summarize(structural, impact.changes, flags),
    flags,
    structural,
    access: impact.changes,
    stats: impact.stats,
  };
}

function flagsOf(changes: readonly AccessChange[], structural: readonly StructuralChange[], before: OrgConfig, after: OrgConfig): PlanFlag[] {
  const flags: PlanFlag[] = [];
  const causes = guardrailCauses(structural, before, after);
  for (const change of changes) {
    const base: FlagBase = { principal: change.principal, account: change.account, mode: change.mode };
    if (change.newAdmin !== undefined) flags.push({ ...base, kind: 'admin-equivalent', criterion: change.newAdmin });
    // admin-equivalent access allows every escalation: the one flag says it all
    if (change.newEscalations.length > 0 && change.newAdmin === undefined) flags.push({ ...base, kind: 'privilege-escalation', rules: change.newEscalations });
    if (change.lostToGuardrails > 0) {
      flags.push({ ...base, kind: 'guardrail-lockout', actions: change.services.flatMap((s) => s.lostToGuardrails), causes: causes(change.account) });
    }
  }
  const order: Record<PlanFlagKind, number> = { 'admin-equivalent': 0, 'privilege-escalation': 1, 'guardrail-lockout': 2 };
  // stable: within a kind, the order of the access changes
  return flags.map((flag, i) => ({ flag, i })).sort((a, b) => order[a.flag.kind] - order[b.flag.kind] || a.i - b.i).map(({ flag }) => flag);
}

/** the nodes an account's guardrails come from: the root, each unit down to its own, itself */
function nodesOf(account: Account): string[] {
  const nodes = ['root'];
  for (let i = 1; i <= account.units.length; i++) nodes.push(`unit:${unitPathName(account.units.slice(0, i))}`);
  nodes.push(`account:${account.name}`);
  return nodes;
}

/** for an account: the structural changes that changed its guardrail chains, as sentences */
function guardrailCauses(structural: readonly StructuralChange[], before: OrgConfig, after: OrgConfig): (account: string) => string[] {
  const cache = new Map<string, string[]>();
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
    const label = (kind: 'scp' | 'rcp') => (kind === 'scp' ? 'guardrail' : 'resource guardrail');
    const where = (node: { kind: string; name: string }) => (node.kind === 'root' ? 'the root' : `${node.kind} \`${node.name}\``);
    const out: string[] = [];
    for (const change of structural) {
      switch (change.kind) {
        case 'guardrail-attached':
        case 'guardrail-detached': {
          const key = change.node.kind === 'root' ? 'root' : `${change.node.kind}:${change.node.name}`;
          if (nodes.has(key)) {
            out.push(`${label(change.guardrailKind)} \`${change.guardrail}\` ${change.kind === 'guardrail-attached' ? 'attached to' : 'detached from'} ${where(change.node)}`);
          }
          break;
        }
        case 'guardrail-edited':
          if (inChain.has(`${change.guardrailKind}:${change.guardrail}`)) out.push(`${label(change.guardrailKind)} \`${change.guardrail}\` edited`);
          break;
        case 'account-moved':
          if (change.account === name) out.push(`account moved from \`${change.from}\` to \`${change.to}\``);
          break;
        default:
          break;
      }
    }
    cache.set(name, out);
    return out;
  };
}

function summarize(structural: readonly StructuralChange[], changes: readonly AccessChange[], flags: readonly PlanFlag[]): PlanSummary {
  const principals = (kind: AccessChange['principalKind']) => new Set(changes.filter((c) => c.principalKind === kind).map((c) => c.principal)).size;
  const count = (kind: PlanFlagKind) => flags.filter((f) => f.kind === kind).length;
  return {
    structuralChanges: structural.length,
    principals: { groups: principals('group'), users: principals('user'), serviceAccounts: principals('serviceAccount') },
    accessChanges: changes.length,
    actionsGained: changes.reduce((n, c) => n + c.gained, 0),
    actionsLost: changes.reduce((n, c) => n + c.lost, 0),
    actionsLostToGuardrails: changes.reduce((n, c) => n + c.lostToGuardrails, 0),
    flags: { 'admin-equivalent': count('admin-equivalent'), 'privilege-escalation': count('privilege-escalation'), 'guardrail-lockout': count('guardrail-lockout') },
  };
}
