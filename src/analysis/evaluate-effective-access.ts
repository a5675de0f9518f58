/**
 * Everything a permission set lets a session do in an account, action by action, decided by the
 * real engine against resource `*` with the policies bounded (bound-policy.ts):
 * - `unconditional`: allowed whatever the request (the `least` bound allows it);
 * - `conditional`: allowed for some requests only (the `most` bound allows it, `least` does not),
 *   with the condition keys it depends on, and `Resource` when only some resources are granted or
 *   some are denied;
 * - absent: denied for every request.
 *
 * Only actions some identity-policy Allow names can be allowed (no resource policy takes part), so
 * only those are decided: the Allow statements' patterns expanded over the catalog (`*` and
 * `NotAction`: every action). Actions that every statement of the set matches alike (same action
 * patterns, and alike for RCPs) get the same decision, so the engine decides one action per such
 * class: a full-access permission set costs a few hundred decisions, not one per catalog action.
 */
import type { ActionInfo, Catalog } from '../catalog/catalog.ts';
import { expandActionPattern } from '../catalog/expand-action-pattern.ts';
import { compileGlob, compilePolicySet, decide, type Decision, type Policy, type PolicyType, type PolicyVersion, type Statement } from '../policy/index.ts';
import { boundPolicy, dependsOn, type PolicyBound } from './bound-policy.ts';
import type { StatementStatus } from './statement-status.ts';

export type AccessLevel = 'unconditional' | 'conditional';

export interface ActionAccess {
  readonly level: AccessLevel;
  /** for a conditional action: the condition keys it depends on, and `Resource`; sorted */
  readonly dependsOn: readonly string[];
}

export interface EffectiveAccess {
  /** every action some request could be allowed, by catalog name (`s3:GetObject`) */
  readonly actions: ReadonlyMap<string, ActionAccess>;
  /** the watched actions (see options) that some request could be allowed on every resource */
  readonly everywhere: ReadonlySet<string>;
  /** decisions the engine made */
  readonly decisions: number;
}

export interface EffectiveAccessInput {
  readonly identity: readonly Policy[];
  readonly permissionBoundary?: Policy | undefined;
  /** the account's SCP chain, root first */
  readonly scps: readonly (readonly Policy[])[];
  /** the account's RCP chain, root first (the resource is in the same account) */
  readonly rcps: readonly (readonly Policy[])[];
  readonly accountId: string;
  /** SCPs and RCPs do not apply in the management account */
  readonly managementAccount: string;
  /** whether a statement's conditions hold for this session */
  readonly statusOf: (statement: Statement, version: PolicyVersion) => StatementStatus;
}

export interface EffectiveAccessOptions {
  readonly catalog: Catalog;
  /** catalog names of actions to also decide on every resource (`everywhere`) */
  readonly watched?: ReadonlySet<string>;
}

const allActionsOf = new WeakMap<Catalog, readonly ActionInfo[]>();

function allActions(catalog: Catalog): readonly ActionInfo[] {
  let all = allActionsOf.get(catalog);
  if (all === undefined) {
    all = catalog.services().flatMap((service) => catalog.actionsOf(service));
    allActionsOf.set(catalog, all);
  }
  return all;
}

interface Located {
  readonly type: PolicyType;
  readonly level: number | undefined;
  readonly policyIndex: number;
  readonly policy: Policy;
}

function refKey(type: PolicyType, level: number | undefined, policyIndex: number, statementIndex: number): string {
  return `${type}/${level ?? ''}/${policyIndex}/${statementIndex}`;
}

export function evaluateEffectiveAccess(input: EffectiveAccessInput, options: EffectiveAccessOptions): EffectiveAccess {
  const { catalog } = options;
  const located: Located[] = [
    ...input.identity.map((policy, policyIndex): Located => ({ type: 'identity', level: undefined, policyIndex, policy })),
    ...(input.permissionBoundary !== undefined ? [{ type: 'permissionBoundary' as const, level: undefined, policyIndex: 0, policy: input.permissionBoundary }] : []),
    ...input.scps.flatMap((level, i) => level.map((policy, policyIndex): Located => ({ type: 'scp', level: i, policyIndex, policy }))),
    ...input.rcps.flatMap((level, i) => level.map((policy, policyIndex): Located => ({ type: 'rcp', level: i, policyIndex, policy }))),
  ];

  // what each uncertain statement depends on, by the place decisions name it
  const uncertain = new Map<string, readonly string[]>();
  for (const { type, level, policyIndex, policy } of located) {
    for (const statement of policy.statements) {
      const keys = dependsOn(statement, input.statusOf(statement, policy.version));
      if (keys.length > 0) uncertain.set(refKey(type, level, policyIndex, statement.index), keys);
    }
  }

  const compile = (bound: PolicyBound) => {
    const b = (policy: Policy) => boundPolicy(policy, bound, (s) => input.statusOf(s, policy.version));
    return compilePolicySet(
      {
        identity: input.identity.map(b),
        ...(input.permissionBoundary !== undefined ? { permissionBoundary: b(input.permissionBoundary) } : {}),
        scps: input.scps.map((level) => level.map(b)),
        rcps: input.rcps.map((level) => level.map(b)),
      },
      { managementAccount: input.managementAccount, rcpServices: catalog.rcpSupportedServices() },
    );
  };
  const most = compile('most');
  const least = compile('least');
  const principal = `arn:aws:sts::${input.accountId}:assumed-role/parapet-plan/parapet-plan`;
  let decisions = 0;
  const decideOn = (set: ReturnType<typeof compile>, action: string): Decision => {
    decisions++;
    return decide(set, { principal, action, resource: '*' });
  };

  const relevant = relevantActions(input.identity.map((p) => boundPolicy(p, 'most', (s) => input.statusOf(s, p.version))), catalog);
  const classes = classify(relevant, located.map((l) => l.policy), catalog.rcpSupportedServices());

  const actions = new Map<string, ActionAccess>();
  for (const members of classes) {
    const representative = members[0]!.action;
    const best = decideOn(most, representative);
    if (best.decision !== 'Allow') continue;
    const worst = decideOn(least, representative);
    let access: ActionAccess;
    if (worst.decision === 'Allow') access = { level: 'unconditional', dependsOn: [] };
    else {
      const keys = new Set<string>();
      const collect = (decision: Decision, kind: 'allow' | 'explicit-deny') => {
        for (const cause of decision.causes) {
          if (cause.kind !== kind) continue;
          const { policyType, level, policyIndex, statementIndex } = cause.statement;
          for (const key of uncertain.get(refKey(policyType, level, policyIndex, statementIndex)) ?? []) keys.add(key);
        }
      };
      collect(best, 'allow');
      collect(worst, 'explicit-deny');
      access = { level: 'conditional', dependsOn: [...keys].sort() };
    }
    for (const info of members) actions.set(info.action, access);
  }

  const everywhere = new Set<string>();
  const watched = [...(options.watched ?? [])].filter((a) => actions.has(a));
  if (watched.length > 0) {
    const broad = compile('most-everywhere');
    for (const action of watched) if (decideOn(broad, action).decision === 'Allow') everywhere.add(action);
  }
  return { actions, everywhere, decisions };
}

/** the catalog actions the identity policies' Allow statements name */
function relevantActions(identity: readonly Policy[], catalog: Catalog): readonly ActionInfo[] {
  const patterns = new Set<string>();
  for (const policy of identity) {
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue;
      if (statement.notAction) return allActions(catalog);
      for (const action of statement.actions) patterns.add(action.toLowerCase());
    }
  }
  if (patterns.has('*')) return allActions(catalog);
  const found = new Set<ActionInfo>();
  for (const pattern of patterns) for (const info of expandActionPattern(catalog, pattern)) found.add(info);
  return [...found];
}

/**
 * actions grouped by the action patterns (of every statement in the set) they match, and by
 * whether RCPs apply to their service: within a group every statement matches all or none, so
 * the decisions are the same
 */
function classify(actions: readonly ActionInfo[], policies: readonly Policy[], rcpServices: ReadonlySet<string>): ActionInfo[][] {
  type Pattern = { readonly id: number; readonly match: (action: string) => boolean };
  const seen = new Set<string>();
  const anyService: Pattern[] = [];
  const byService = new Map<string, Pattern[]>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const action of statement.actions) {
        const lower = action.toLowerCase();
        if (seen.has(lower)) continue;
        const pattern: Pattern = { id: seen.size, match: compileGlob(lower) };
        seen.add(lower);
        const colon = lower.indexOf(':');
        const service = colon === -1 ? lower : lower.slice(0, colon);
        if (colon === -1 || /[*?]/.test(service)) anyService.push(pattern);
        else {
          const list = byService.get(service);
          if (list === undefined) byService.set(service, [pattern]);
          else list.push(pattern);
        }
      }
    }
  }
  const groups = new Map<string, ActionInfo[]>();
  for (const info of actions) {
    const lower = info.action.toLowerCase();
    let signature = rcpServices.has(info.service) ? 'r' : '-';
    for (const p of anyService) if (p.match(lower)) signature += `,${p.id}`;
    for (const p of byService.get(info.service) ?? []) if (p.match(lower)) signature += `,${p.id}`;
    const group = groups.get(signature);
    if (group === undefined) groups.set(signature, [info]);
    else group.push(info);
  }
  return [...groups.values()];
}
