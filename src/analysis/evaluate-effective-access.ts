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
import type { Catalog } from '../catalog/catalog.ts';
import { compileGlob, compilePolicySet, decide, type Decision, type Policy, type PolicyType, type PolicyVersion, type Statement } from '../policy/index.ts';
import { boundPolicy, dependsOn, type PolicyBound } from './bound-policy.ts';
import { catalogActionIndex, type CatalogActionIndex } from './catalog-action-index.ts';
import type { StatementStatus } from './statement-status.ts';

export type AccessLevel = 'unconditional' | 'conditional';

/** per action, in catalogActionIndex order */
export const DENIED = 0;
export const CONDITIONAL = 1;
export const UNCONDITIONAL = 2;

export interface EffectiveAccess {
  /** per catalog action (catalogActionIndex order): DENIED, CONDITIONAL or UNCONDITIONAL */
  readonly levels: Uint8Array;
  /** per catalog action: for a conditional one, its entry in `dependsOnTable` */
  readonly dependsOn: Uint16Array;
  /** what conditional actions depend on: condition keys, and `Resource`; sorted lists */
  readonly dependsOnTable: readonly (readonly string[])[];
  /** how many actions some request could be allowed */
  readonly allowed: number;
  /** the watched actions (see options) that some request could be allowed on every resource */
  readonly everywhere: ReadonlySet<string>;
  /** decisions the engine made */
  readonly decisions: number;
}

export interface ActionAccess {
  readonly level: AccessLevel;
  readonly dependsOn: readonly string[];
}

/** one action's access, by catalog name; undefined when denied for every request */
export function actionAccess(access: EffectiveAccess, catalog: Catalog, action: string): ActionAccess | undefined {
  const i = catalogActionIndex(catalog).indexOf(action);
  if (i === undefined || access.levels[i] === DENIED) return undefined;
  return access.levels[i] === UNCONDITIONAL ? { level: 'unconditional', dependsOn: [] } : { level: 'conditional', dependsOn: access.dependsOnTable[access.dependsOn[i]!] ?? [] };
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
  const index = catalogActionIndex(catalog);
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

  const identity = input.identity.map((p) => boundPolicy(p, 'most', (s) => input.statusOf(s, p.version)));
  const classes = classify(index, identity, located.map((l) => l.policy), catalog.rcpSupportedServices());

  const n = index.actions.length;
  const levels = new Uint8Array(n);
  const dependsOnOf = new Uint16Array(n);
  const dependsOnTable: (readonly string[])[] = [];
  const tableIds = new Map<string, number>();
  const classLevel = new Uint8Array(classes.count);
  const classDepends = new Uint16Array(classes.count);
  for (let c = 0; c < classes.count; c++) {
    const representative = index.actions[classes.representatives[c]!]!.action;
    const best = decideOn(most, representative);
    if (best.decision !== 'Allow') continue;
    const worst = decideOn(least, representative);
    if (worst.decision === 'Allow') {
      classLevel[c] = UNCONDITIONAL;
      continue;
    }
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
    const list = [...keys].sort();
    const text = list.join('\n');
    let id = tableIds.get(text);
    if (id === undefined) {
      id = dependsOnTable.length;
      dependsOnTable.push(list);
      tableIds.set(text, id);
    }
    classLevel[c] = CONDITIONAL;
    classDepends[c] = id;
  }
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const c = classes.of[i]!;
    if (c < 0) continue;
    const level = classLevel[c]!;
    if (level === DENIED) continue;
    levels[i] = level;
    dependsOnOf[i] = classDepends[c]!;
    allowed++;
  }

  const everywhere = new Set<string>();
  const watched = [...(options.watched ?? [])].filter((a) => {
    const i = index.indexOf(a);
    return i !== undefined && levels[i] !== DENIED;
  });
  if (watched.length > 0) {
    const broad = compile('most-everywhere');
    for (const action of watched) if (decideOn(broad, action).decision === 'Allow') everywhere.add(action);
  }
  return { levels, dependsOn: dependsOnOf, dependsOnTable, allowed, everywhere, decisions };
}

interface Classes {
  /** per catalog action: its class, or -1 when no identity Allow names it (denied) */
  readonly of: Int32Array;
  readonly count: number;
  /** per class: one of its actions */
  readonly representatives: readonly number[];
}

function serviceOfPattern(pattern: string): string | undefined {
  const colon = pattern.indexOf(':');
  const service = colon === -1 ? pattern : pattern.slice(0, colon);
  return colon === -1 || /[*?]/.test(service) ? undefined : service;
}

/**
 * Only actions some identity-policy Allow names can be allowed: those are classified, by
 * splitting classes with each action pattern of the set in turn. Two actions end in one class
 * when every pattern matches both or neither, and RCPs apply to both services or neither: every
 * statement then matches both or neither, so the engine decides them alike.
 */
function classify(index: CatalogActionIndex, identity: readonly Policy[], policies: readonly Policy[], rcpServices: ReadonlySet<string>): Classes {
  const n = index.actions.length;
  const of = new Int32Array(n).fill(-1);
  const rangeOf = (service: string | undefined): readonly [number, number] => (service === undefined ? [0, n] : (index.services.get(service) ?? [0, 0]));

  // 1. the actions an Allow names: class 0, or 1 when RCPs apply to the service
  const mark = (start: number, end: number, match?: (action: string) => boolean) => {
    for (let i = start; i < end; i++) if (of[i] === -1 && (match === undefined || match(index.lower[i]!))) of[i] = rcpServices.has(index.actions[i]!.service) ? 1 : 0;
  };
  for (const policy of identity) {
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue;
      if (statement.notAction) mark(0, n);
      else {
        for (const action of statement.actions) {
          const lower = action.toLowerCase();
          const [start, end] = rangeOf(serviceOfPattern(lower));
          mark(start, end, lower === '*' ? undefined : compileGlob(lower));
        }
      }
    }
  }
  // 2. split by every pattern of the set
  let count = 2;
  const seen = new Set<string>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const action of statement.actions) {
        const lower = action.toLowerCase();
        // `*` matches every action: it splits no class
        if (seen.has(lower) || lower === '*') continue;
        seen.add(lower);
        const match = compileGlob(lower);
        const [start, end] = rangeOf(serviceOfPattern(lower));
        const moved = new Map<number, number>();
        for (let i = start; i < end; i++) {
          const c = of[i]!;
          if (c < 0 || !match(index.lower[i]!)) continue;
          let to = moved.get(c);
          if (to === undefined) {
            to = count++;
            moved.set(c, to);
          }
          of[i] = to;
        }
      }
    }
  }
  // 3. number the classes that have members, one representative each
  const renumber = new Map<number, number>();
  const representatives: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = of[i]!;
    if (c < 0) continue;
    let to = renumber.get(c);
    if (to === undefined) {
      to = representatives.length;
      renumber.set(c, to);
      representatives.push(i);
    }
    of[i] = to;
  }
  return { of, count: representatives.length, representatives };
}
