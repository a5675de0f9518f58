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
import { compileGlob, compilePolicySet, decidePrepared, needsNoPermission, prepareRequest, type Decision, type Policy, type PolicyType, type PolicyVersion, type Statement } from '../policy/index.ts';
import { boundPolicy, dependsOn, type PolicyBound } from './bound-policy.ts';
import { catalogActionIndex, type CatalogActionIndex } from './catalog-action-index.ts';
import type { StatementStatus } from './statement-status-reader.ts';

/**
 * whether an allowed action is allowed whatever the request, or only for some (not the catalog's
 * `AccessLevel`, AWS's List/Read/Write classes of actions)
 */
export type AccessCertainty = 'unconditional' | 'conditional';

/** per action, in catalogActionIndex order */
export const DENIED = 0;
export const CONDITIONAL = 1;
export const UNCONDITIONAL = 2;

/**
 * Only the actions some request could be allowed, as parallel arrays sorted by catalog position
 * (catalogActionIndex): most permission sets allow a small part of the catalog.
 */
export interface EffectiveAccess {
  /** catalog positions, ascending */
  readonly positions: Uint32Array;
  /** per position: UNCONDITIONAL, or CONDITIONAL */
  readonly certainties: Uint8Array;
  /** per position, for a conditional action: its entry in `dependsOnTable` */
  readonly dependsOn: Uint16Array;
  /** what conditional actions depend on: condition keys, and `Resource`; sorted lists */
  readonly dependsOnTable: readonly (readonly string[])[];
  /** the watched actions (see options) that some request could be allowed on every resource */
  readonly everywhere: ReadonlySet<string>;
  /** decisions the engine made */
  readonly decisions: number;
}

/** where catalog position `i` is in `access.positions`, or -1 */
export function findPosition(access: EffectiveAccess, i: number): number {
  let low = 0;
  let high = access.positions.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = access.positions[middle]!;
    if (at === i) return middle;
    if (at < i) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

export interface ActionAccess {
  readonly certainty: AccessCertainty;
  readonly dependsOn: readonly string[];
}

/** one action's access, by catalog name; undefined when denied for every request */
export function actionAccess(access: EffectiveAccess, catalog: Catalog, action: string): ActionAccess | undefined {
  const i = catalogActionIndex(catalog).indexOf(action);
  const at = i === undefined ? -1 : findPosition(access, i);
  if (at === -1) return undefined;
  return access.certainties[at] === UNCONDITIONAL ? { certainty: 'unconditional', dependsOn: [] } : { certainty: 'conditional', dependsOn: access.dependsOnTable[access.dependsOn[at]!] ?? [] };
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
  /**
   * names the identity policies and boundary by content: evaluations with the same name share the
   * work that depends on them alone (with `options.cache`)
   */
  readonly permissionsKey?: string | undefined;
}

/** work shared between evaluations, by `permissionsKey` */
export type EffectiveAccessCache = Map<string, { readonly of: Int32Array; readonly count: number }>;

export interface EffectiveAccessOptions {
  readonly catalog: Catalog;
  /** actions to also decide on every resource (`everywhere`): catalog name → catalogActionIndex position */
  readonly watched?: ReadonlyMap<string, number>;
  readonly cache?: EffectiveAccessCache;
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
  // after bounding no condition remains: one prepared request serves every action
  const prepared = prepareRequest({ principal: `arn:aws:sts::${input.accountId}:assumed-role/parapet-plan/parapet-plan`, action: 'parapet:Plan', resource: '*' });
  let decisions = 0;
  const decideOn = (set: ReturnType<typeof compile>, action: string): Decision => {
    decisions++;
    const lower = action.toLowerCase();
    return decidePrepared(set, { ...prepared, action, actionLower: lower, service: lower.slice(0, lower.indexOf(':')) });
  };

  const own = [...input.identity, ...(input.permissionBoundary !== undefined ? [input.permissionBoundary] : [])];
  const guardrails = [...input.scps.flat(), ...input.rcps.flat()];
  const classes = classify(index, own, guardrails, rcpCoveredOf(catalog, index), input.permissionsKey !== undefined ? { cache: options.cache, key: input.permissionsKey } : undefined);

  const n = index.actions.length;
  const dependsOnTable: (readonly string[])[] = [];
  const tableIds = new Map<string, number>();
  const classCertainty = new Uint8Array(classes.count);
  const classDepends = new Uint16Array(classes.count);
  for (let c = 0; c < classes.count; c++) {
    const representative = index.actions[classes.representatives[c]!]!.action;
    const best = decideOn(most, representative);
    if (best.decision !== 'Allow') continue;
    const worst = decideOn(least, representative);
    if (worst.decision === 'Allow') {
      classCertainty[c] = UNCONDITIONAL;
      continue;
    }
    // what it depends on: the uncertain Denies that apply in the worst case, and the uncertain
    // Allows of each policy type (or SCP level) that has no Allow left in the worst case
    const keys = new Set<string>();
    const add = (ref: { policyType: PolicyType; level?: number; policyIndex: number; statementIndex: number }) => {
      for (const key of uncertain.get(refKey(ref.policyType, ref.level, ref.policyIndex, ref.statementIndex)) ?? []) keys.add(key);
    };
    const gaps = new Set<string>();
    for (const cause of worst.causes) {
      if (cause.kind === 'explicit-deny') add(cause.statement);
      else if (cause.kind === 'no-allow') gaps.add(`${cause.policyType}/${cause.level ?? ''}`);
    }
    for (const cause of best.causes) {
      if (cause.kind === 'allow' && gaps.has(`${cause.statement.policyType}/${cause.statement.level ?? ''}`)) add(cause.statement);
    }
    const list = [...keys].sort();
    const text = list.join('\n');
    let id = tableIds.get(text);
    if (id === undefined) {
      id = dependsOnTable.length;
      dependsOnTable.push(list);
      tableIds.set(text, id);
    }
    classCertainty[c] = CONDITIONAL;
    classDepends[c] = id;
  }
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const c = classes.of[i]!;
    if (c >= 0 && classCertainty[c] !== DENIED) allowed++;
  }
  const positions = new Uint32Array(allowed);
  const certainties = new Uint8Array(allowed);
  const dependsOnOf = new Uint16Array(allowed);
  for (let i = 0, at = 0; i < n; i++) {
    const c = classes.of[i]!;
    if (c < 0 || classCertainty[c] === DENIED) continue;
    positions[at] = i;
    certainties[at] = classCertainty[c]!;
    dependsOnOf[at] = classDepends[c]!;
    at++;
  }
  const access: EffectiveAccess = { positions, certainties, dependsOn: dependsOnOf, dependsOnTable, everywhere: new Set(), decisions: 0 };

  const everywhere = new Set<string>();
  const watched = [...(options.watched ?? [])].filter(([, i]) => findPosition(access, i) !== -1).map(([action]) => action);
  if (watched.length > 0) {
    const broad = compile('most-everywhere');
    for (const action of watched) if (decideOn(broad, action).decision === 'Allow') everywhere.add(action);
  }
  return { ...access, everywhere, decisions };
}

const rcpCovered = new WeakMap<Catalog, Uint8Array>();

/** per catalog action: 1 when RCPs apply to its service */
function rcpCoveredOf(catalog: Catalog, index: CatalogActionIndex): Uint8Array {
  let covered = rcpCovered.get(catalog);
  if (covered === undefined) {
    const services = catalog.rcpSupportedServices();
    covered = Uint8Array.from(index.actions, (a) => (services.has(a.service) ? 1 : 0));
    rcpCovered.set(catalog, covered);
  }
  return covered;
}

/** classify's working arrays, one set per catalog: evaluation is synchronous, so they are never shared */
const scratch = new WeakMap<CatalogActionIndex, { readonly of: Int32Array; readonly hit: Uint8Array }>();

interface Classes {
  /** per catalog action: its class, or -1 when no identity Allow names it (denied); valid until the next call */
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
 * splitting the classes with each statement of the set in turn (the actions it matches, and the
 * others). Two actions end in one class when every statement matches both or neither, and RCPs
 * apply to both services or neither: the engine then decides them alike. The split by the
 * permission set's own policies (identity and boundary) is kept in the cache, if any, and the
 * guardrails' statements split it further.
 */
function classify(
  index: CatalogActionIndex,
  own: readonly Policy[],
  guardrails: readonly Policy[],
  rcpCovered: Uint8Array,
  shared: { cache: EffectiveAccessCache | undefined; key: string } | undefined,
): Classes {
  const n = index.actions.length;
  let work = scratch.get(index);
  if (work === undefined) {
    work = { of: new Int32Array(n), hit: new Uint8Array(n) };
    scratch.set(index, work);
  }
  const { of, hit } = work;
  const rangeOf = (service: string | undefined): readonly [number, number] => (service === undefined ? [0, n] : (index.services.get(service) ?? [0, 0]));
  let count = 2;
  const seen = new Set<string>();
  /** split by every statement of the policies: by the actions its patterns match (for NotAction, the complement: the same split) */
  const split = (policies: readonly Policy[]) => {
    for (const policy of policies) {
      for (const statement of policy.statements) {
        const patterns = statement.actions.map((a) => a.toLowerCase());
        // `*` matches every action (or, with NotAction, none): it splits no class
        if (patterns.includes('*')) continue;
        const text = patterns.join('\n');
        if (seen.has(text)) continue;
        seen.add(text);
        const hits: number[] = [];
        for (const pattern of patterns) {
          const match = compileGlob(pattern);
          const [start, end] = rangeOf(serviceOfPattern(pattern));
          for (let i = start; i < end; i++) {
            if (of[i]! < 0 || hit[i] === 1 || !match(index.lower[i]!)) continue;
            hit[i] = 1;
            hits.push(i);
          }
        }
        const moved = new Map<number, number>();
        for (const i of hits) {
          hit[i] = 0;
          const c = of[i]!;
          let to = moved.get(c);
          if (to === undefined) {
            to = count++;
            moved.set(c, to);
          }
          of[i] = to;
        }
      }
    }
  };

  const cached = shared === undefined ? undefined : shared.cache?.get(shared.key);
  if (cached !== undefined) {
    of.set(cached.of);
    count = cached.count;
  } else {
    // 1. the actions an Allow names (whatever its conditions): class 0, or 1 when RCPs apply to the service
    of.fill(-1);
    const mark = (start: number, end: number, match?: (action: string) => boolean) => {
      for (let i = start; i < end; i++) if (of[i] === -1 && (match === undefined || match(index.lower[i]!))) of[i] = rcpCovered[i]!;
    };
    for (const policy of own) {
      if (policy.type !== 'identity') continue;
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
    // 2. split by the permission set's own statements
    split(own);
    if (shared?.cache !== undefined) shared.cache.set(shared.key, { of: of.slice(), count });
  }
  // 3. and by the guardrails'
  split(guardrails);
  // an action that needs no permission (sts:GetCallerIdentity) is open to every principal whatever
  // the configuration says: no policy grants it and no change can take it away, so effective access
  // (what the policies grant) leaves it out rather than list it for everyone
  for (let i = 0; i < n; i++) if (needsNoPermission(index.lower[i]!)) of[i] = -1;
  // 4. number the classes that have members, one representative each
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
