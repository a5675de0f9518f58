/**
 * The access-impact diff between two versions of a configuration: for every principal (group,
 * user, service account) and account, what it could do before and can do now, action by action,
 * decided by the real engine (evaluate-effective-access.ts), with the changes a reviewer must
 * see flagged (escalation-rules.ts).
 *
 * A principal holds permission sets in an account `standing` (assigned, or a service account's)
 * or `eligible` (just-in-time); each mode is compared on its own. The policies in force for a
 * permission set in an account are reduced to a key (the policy documents' contents, the SCP and
 * RCP chains, and which conditions hold for the session): a principal whose keys did not change
 * is not recomputed, each key is evaluated once whoever holds it, and each pair of key sets is
 * compared once. A small change to a large organization costs what it touches.
 *
 * The result stays proportional to the change, not to the organization: users in the same groups
 * (before and now) are computed once, users whose access changed alike are one entry with a
 * count, and what changed (thousands of action names for an admin permission set) is listed once
 * in `impacts`, however many entries share it.
 *
 * Actions lost are told apart: lost to a guardrail change when the new permission sets under the
 * old guardrails (the old SCP and RCP chains of the account) would still allow them.
 *
 *   holdings of each version → users with the same groups → each group's and service account's
 *   changes → each users' class's changes → sorted, impacts numbered
 *
 * and for one holder, in each (account, mode) it holds something in (changesOfHolder):
 *
 *   policies unchanged? → keys of the policies in force → effective access (once per key) →
 *   union → comparison (once per key sets) → listed once
 */
import type { Catalog } from '../catalog/catalog.ts';
import {
  configDirectory,
  formatPrincipalRef,
  guardrailChain,
  parsePrincipalRef,
  resourceGuardrailChain,
  type Account,
  type AccessMode,
  type Directory,
  type OrgConfig,
  type PermissionSet,
  type PrincipalRefKind,
} from '../org/index.ts';
import type { Policy, PolicyVersion, Statement } from '../policy/index.ts';
import { accessCriteria, adminCriterion, ESCALATION_RULES, ruleHolds, type AccessCriteria, type AdminCriterion } from './escalation-rules.ts';
import { catalogActionIndex, type CatalogActionIndex } from './catalog-action-index.ts';
import {
  CONDITIONAL,
  DENIED,
  evaluateEffectiveAccess,
  findPosition,
  UNCONDITIONAL,
  type EffectiveAccess,
  type EffectiveAccessCache,
  type EffectiveAccessInput,
} from './evaluate-effective-access.ts';
import { permissionSetRoleArn, principalSession, sessionFactsOf } from './principal-session.ts';
import { statementStatusReader, type KnownSession, type StatementStatusReader } from './statement-status-reader.ts';
import { internalError } from '../policy/index.ts';

/** what changed for one service */
export interface ServiceChange {
  /** lower-case service prefix */
  readonly service: string;
  /** actions allowed now (conditionally or not) that were denied for every request before */
  readonly gained: readonly string[];
  /** the gained actions that are allowed only for some requests or resources */
  readonly gainedConditional: readonly string[];
  /** actions allowed before (conditionally or not) that are now denied for every request */
  readonly lost: readonly string[];
  /** the lost actions the new permission sets would still allow under the old guardrails */
  readonly lostToGuardrails: readonly string[];
  /** allowed for every request before, only for some now */
  readonly narrowed: readonly string[];
  /** allowed for some requests before, for every request now */
  readonly widened: readonly string[];
  /** what the conditional gained and narrowed actions depend on: condition keys, and `Resource` */
  readonly dependsOn: readonly string[];
}

/** what changed for a (principal, account, mode): shared by every entry that changed alike */
export interface Impact {
  readonly gained: number;
  readonly lost: number;
  readonly lostToGuardrails: number;
  readonly narrowed: number;
  readonly widened: number;
  /** by service, those with a change only */
  readonly services: readonly ServiceChange[];
  /** admin-equivalent now and not before */
  readonly newAdmin?: AdminCriterion;
  /**
   * escalation rules that hold now and did not before, by id: a report is data, a renderer that
   * describes a rule looks it up in ESCALATION_RULES
   */
  readonly newEscalations: readonly { readonly rule: string; readonly actions: readonly string[]; readonly everywhere: boolean }[];
}

interface ChangeBase {
  /** account name */
  readonly account: string;
  readonly accountId: string;
  readonly mode: AccessMode;
  /** permission sets held this way, before and now */
  readonly permissionSets: { readonly before: readonly string[]; readonly after: readonly string[] };
  /** index in `impacts` */
  readonly impact: number;
}

/** a group's or a service account's access change in one account and mode */
export interface AccessChange extends ChangeBase {
  /** `group:payments-devs`, `service:deployer` (formatPrincipalRef) */
  readonly principal: string;
  readonly principalKind: Exclude<PrincipalRefKind, 'user'>;
}

/**
 * users whose access changed alike in one account and mode, through the same groups: one entry
 * however many they are, so that a group of 20,000 gaining a permission set is one entry, not
 * 20,000
 */
export interface UserAccessChange extends ChangeBase {
  /** the groups through which these users hold permission sets in the account in this mode, in either version */
  readonly groups: readonly string[];
  /** how many users */
  readonly users: number;
  /** the first users by name, at most `USER_SAMPLE` */
  readonly sample: readonly string[];
}

/** users named per entry of `userChanges`; the rest are counted */
export const USER_SAMPLE = 10;

export interface ImpactStats {
  /** (principal, account, mode) combinations in either version */
  readonly compared: number;
  /** of those, the ones whose policies in force changed: recomputed */
  readonly recomputed: number;
  /** distinct policy sets evaluated */
  readonly policySetsEvaluated: number;
  readonly decisions: number;
}

export interface AccessImpact {
  /** each distinct change once; entries refer to it by index */
  readonly impacts: readonly Impact[];
  /** groups, then service accounts; by name, account and mode */
  readonly changes: readonly AccessChange[];
  /** by groups, account and mode */
  readonly userChanges: readonly UserAccessChange[];
  /** users with at least one change */
  readonly usersChanged: number;
  readonly stats: ImpactStats;
}

export interface AccessImpactOptions {
  readonly catalog: Catalog;
  /** called once per principal examined, with how many there are: for a progress bar */
  readonly onPrincipal?: ((done: number, total: number) => void) | undefined;
  /** who is in which group before and now; default: each configuration's `groups` */
  readonly directories?: { readonly before?: Directory | undefined; readonly after?: Directory | undefined } | undefined;
}

/** what a principal holds in one account: permission set names, by mode */
export type AccountHoldings = Record<AccessMode, Set<string>>;
/** principal → account name → permission sets held, by mode */
export type Holdings = Map<string, Map<string, AccountHoldings>>;

const MODES: readonly AccessMode[] = ['standing', 'eligible'];
const KIND_ORDER: Record<PrincipalRefKind, number> = { group: 0, serviceAccount: 1, user: 2 };

/** the users of either version, grouped by their groups before and now (sorted names) */
export function usersWithTheSameGroups(before: Directory, after: Directory): { before: string[]; after: string[]; users: string[] }[] {
  const groupsOf = (directory: Directory) => {
    const out = new Map<string, string[]>();
    for (const group of directory.listGroups()) {
      for (const member of directory.membersOf(group)) {
        const list = out.get(member);
        if (list === undefined) out.set(member, [group]);
        else list.push(group);
      }
    }
    return out;
  };
  const was = groupsOf(before);
  const now = groupsOf(after);
  const bySignature = new Map<string, { before: string[]; after: string[]; users: string[] }>();
  for (const user of new Set([...was.keys(), ...now.keys()])) {
    const oldGroups = [...new Set(was.get(user) ?? [])].sort();
    const newGroups = [...new Set(now.get(user) ?? [])].sort();
    const signature = `${oldGroups.join('\n')}\u0001${newGroups.join('\n')}`;
    const known = bySignature.get(signature);
    if (known !== undefined) known.users.push(user);
    else bySignature.set(signature, { before: oldGroups, after: newGroups, users: [user] });
  }
  return [...bySignature.values()];
}

/** what members of these groups hold: the union of the groups' holdings */
export function holdingsOfGroups(holdings: Holdings, groups: readonly string[]): Map<string, AccountHoldings> {
  const out = new Map<string, AccountHoldings>();
  for (const group of groups) {
    const held = holdings.get(formatPrincipalRef({ kind: 'group', name: group }));
    if (held === undefined) continue;
    for (const [account, holding] of held) {
      let mine = out.get(account);
      if (mine === undefined) {
        mine = { standing: new Set(), eligible: new Set() };
        out.set(account, mine);
      }
      for (const mode of MODES) for (const set of holding[mode]) mine[mode].add(set);
    }
  }
  return out;
}

/** who holds which permission sets where: groups by their assignments, service accounts standing */
export function holdingsOf(config: OrgConfig): Holdings {
  const out: Holdings = new Map();
  const hold = (principal: string, account: string, mode: AccessMode, permissionSet: string) => {
    let accounts = out.get(principal);
    if (accounts === undefined) {
      accounts = new Map();
      out.set(principal, accounts);
    }
    let holding = accounts.get(account);
    if (holding === undefined) {
      holding = { standing: new Set(), eligible: new Set() };
      accounts.set(account, holding);
    }
    holding[mode].add(permissionSet);
  };
  for (const assignment of config.assignments) {
    const mode: AccessMode = assignment.eligible ? 'eligible' : 'standing';
    for (const account of assignment.accounts) hold(formatPrincipalRef({ kind: 'group', name: assignment.group }), account, mode, assignment.permissionSet);
  }
  for (const serviceAccount of config.serviceAccounts.values()) {
    for (const account of serviceAccount.accounts) hold(formatPrincipalRef({ kind: 'serviceAccount', name: serviceAccount.name }), account, 'standing', serviceAccount.permissionSet);
  }
  return out;
}

/**
 * the session of a permission set in an account as who-can and what-can see it
 * (principal-session.ts), with the keys the engine derives from its ARN made explicit: every key
 * listed is known, any other depends on the request
 */
function knownSession(config: OrgConfig, accountId: string, permissionSet: string): KnownSession {
  const session = principalSession({ kind: 'group', name: 'parapet-plan' }, accountId, permissionSet, sessionFactsOf(config));
  const roleArn = permissionSetRoleArn(accountId, permissionSet);
  return { ...session, context: { ...session.context, 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': accountId } };
}

export interface KeyedAccess {
  /**
   * the documents in force and who the session is (account id, permission set name, organization
   * id): equal
   * between versions, nothing changed; cheap, as it needs no condition evaluated
   */
  readonly identityKey: string;
  /** the documents in force and which conditions hold for the session: equal keys decide alike */
  readonly key: string;
  readonly input: EffectiveAccessInput;
}

/** interns the policies in force into short keys; equal keys decide alike */
function accessKeys(statusReader: StatementStatusReader) {
  const policyIds = new WeakMap<Policy, number>();
  const contentIds = new Map<string, number>();
  const idOf = (policy: Policy): number => {
    let id = policyIds.get(policy);
    if (id === undefined) {
      const text = JSON.stringify([policy.type, policy.version, policy.statements]);
      id = contentIds.get(text);
      if (id === undefined) {
        id = contentIds.size;
        contentIds.set(text, id);
      }
      policyIds.set(policy, id);
    }
    return id;
  };
  const levelsText = (levels: readonly (readonly Policy[])[]) => levels.map((level) => level.map(idOf).join(',')).join(';');
  const chains = new WeakMap<Account, { scps: readonly (readonly Policy[])[]; rcps: readonly (readonly Policy[])[]; text: string }>();
  const chainOf = (config: OrgConfig, account: Account) => {
    let chain = chains.get(account);
    if (chain === undefined) {
      const scps = guardrailChain(config, account).levels;
      const rcps = resourceGuardrailChain(config, account).levels;
      chain = { scps, rcps, text: `${levelsText(scps)}|${levelsText(rcps)}` };
      chains.set(account, chain);
    }
    return chain;
  };

  /** `permissionSet` used in `account`, under the guardrails `chainConfig` puts on it */
  return (permissionSet: PermissionSet, account: Account, chainConfig: OrgConfig): KeyedAccess => {
    const chain = chainOf(chainConfig, account);
    const session = knownSession(chainConfig, account.id, permissionSet.name);
    const statusOf = (statement: Statement, version: PolicyVersion) => statusReader(statement, version, session);
    const identity = permissionSet.policies.map((p) => p.policy);
    const boundary = permissionSet.boundary?.policy;
    const management = account.id === chainConfig.organization.managementAccount;
    const permissionsKey = `${identity.map(idOf).join(',')}|${boundary === undefined ? '' : idOf(boundary)}`;
    const documents = `${permissionsKey}|${management ? 'management' : chain.text}`;
    // which conditional statements hold for this session: computed when first asked
    let key: string | undefined;
    const statusesOf = () => {
      let out = '';
      const mark = (policy: Policy) => {
        for (const statement of policy.statements) {
          if (statement.conditions.length === 0) continue;
          const status = statusOf(statement, policy.version);
          out += status.kind === 'always' ? 'a' : status.kind === 'never' ? 'n' : 'u';
        }
      };
      identity.forEach(mark);
      if (boundary !== undefined) mark(boundary);
      if (!management) for (const levels of [chain.scps, chain.rcps]) for (const level of levels) level.forEach(mark);
      return out;
    };
    return {
      identityKey: `${documents}|${account.id}|${permissionSet.name}|${chainConfig.organization.id ?? ''}`,
      get key() {
        key ??= `${documents}|${statusesOf()}`;
        return key;
      },
      input: {
        identity,
        permissionBoundary: boundary,
        scps: chain.scps,
        rcps: chain.rcps,
        accountId: account.id,
        managementAccount: chainConfig.organization.managementAccount,
        statusOf,
        permissionsKey,
      },
    };
  };
}

/**
 * the union of several permission sets' access: the more certain access wins; equal conditions merge.
 * `scratch` is a zeroed array with one entry per catalog action, left zeroed.
 */
export function unionOf(parts: readonly EffectiveAccess[], scratch: Uint32Array): EffectiveAccess {
  if (parts.length === 1) return parts[0]!;
  const table: (readonly string[])[] = [];
  const ids = new Map<string, number>();
  const idOf = (list: readonly string[]) => {
    const text = list.join('\n');
    let id = ids.get(text);
    if (id === undefined) {
      id = table.length;
      table.push(list);
      ids.set(text, id);
    }
    return id;
  };
  // scratch[i]: 0 none yet, 1 unconditional, 2 + id conditional
  const touched: number[] = [];
  const everywhere = new Set<string>();
  for (const part of parts) {
    for (const action of part.everywhere) everywhere.add(action);
    for (let at = 0; at < part.positions.length; at++) {
      const i = part.positions[at]!;
      const seen = scratch[i]!;
      if (seen === 1) continue;
      if (part.certainties[at] === UNCONDITIONAL) {
        if (seen === 0) touched.push(i);
        scratch[i] = 1;
        continue;
      }
      const own = part.dependsOnTable[part.dependsOn[at]!]!;
      if (seen === 0) {
        touched.push(i);
        scratch[i] = 2 + idOf(own);
      } else {
        const kept = table[seen - 2]!;
        if (own.some((k) => !kept.includes(k))) scratch[i] = 2 + idOf([...new Set([...kept, ...own])].sort());
      }
    }
  }
  touched.sort((a, b) => a - b);
  const positions = Uint32Array.from(touched);
  const certainties = new Uint8Array(touched.length);
  const dependsOn = new Uint16Array(touched.length);
  touched.forEach((i, at) => {
    const code = scratch[i]!;
    certainties[at] = code === 1 ? UNCONDITIONAL : CONDITIONAL;
    if (code > 1) dependsOn[at] = code - 2;
    scratch[i] = 0;
  });
  return { positions, certainties, dependsOn, dependsOnTable: table, everywhere, decisions: 0 };
}

/**
 * what changed between the access before and now, by service; `oldGuardrails` (the new permission
 * sets under the old guardrails) is evaluated only when something was lost; escalations and admin
 * are new against `flagBaseline`
 */
export function compareAccess(
  index: CatalogActionIndex,
  before: EffectiveAccess,
  after: EffectiveAccess,
  oldGuardrails: () => EffectiveAccess,
  flagBaseline: EffectiveAccess,
  criteria: AccessCriteria,
): Impact {
  type Lists = { gained: string[]; gainedConditional: string[]; lost: string[]; lostToGuardrails: string[]; narrowed: string[]; widened: string[]; dependsOn: Set<string> };
  const byService = new Map<string, Lists>();
  const lists = (i: number): Lists => {
    const service = index.actions[i]!.service;
    let found = byService.get(service);
    if (found === undefined) {
      found = { gained: [], gainedConditional: [], lost: [], lostToGuardrails: [], narrowed: [], widened: [], dependsOn: new Set() };
      byService.set(service, found);
    }
    return found;
  };
  let hybrid: EffectiveAccess | undefined;
  // both lists are sorted by catalog position: walk them together
  let b = 0;
  let a = 0;
  while (b < before.positions.length || a < after.positions.length) {
    const wasAt = b < before.positions.length ? before.positions[b]! : Infinity;
    const nowAt = a < after.positions.length ? after.positions[a]! : Infinity;
    const i = Math.min(wasAt, nowAt);
    const was = wasAt === i ? before.certainties[b++]! : DENIED;
    const nowIndex = a;
    const now = nowAt === i ? after.certainties[a++]! : DENIED;
    if (was === now) continue;
    const action = index.actions[i]!.action;
    const l = lists(i);
    const dependsOn = () => after.dependsOnTable[after.dependsOn[nowIndex]!] ?? [];
    if (was === DENIED) {
      l.gained.push(action);
      if (now === CONDITIONAL) {
        l.gainedConditional.push(action);
        for (const key of dependsOn()) l.dependsOn.add(key);
      }
    } else if (now === DENIED) {
      l.lost.push(action);
      hybrid ??= oldGuardrails();
      if (findPosition(hybrid, i) !== -1) l.lostToGuardrails.push(action);
    } else if (now === CONDITIONAL) {
      l.narrowed.push(action);
      for (const key of dependsOn()) l.dependsOn.add(key);
    } else l.widened.push(action);
  }
  // catalog order is by service, then by name: the lists come out sorted
  const services: ServiceChange[] = [...byService.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([service, l]) => ({ service, ...l, dependsOn: [...l.dependsOn].sort() }));
  const total = (pick: (s: ServiceChange) => readonly string[]) => services.reduce((sum, s) => sum + pick(s).length, 0);
  const adminBefore = adminCriterion(flagBaseline, criteria);
  const adminAfter = adminCriterion(after, criteria);
  const newEscalations = ESCALATION_RULES.filter((rule) => ruleHolds(rule, after, criteria) && !ruleHolds(rule, flagBaseline, criteria)).map((rule) => ({
    rule: rule.id,
    actions: rule.actions,
    everywhere: rule.actions.every((a) => after.everywhere.has(a)),
  }));
  return {
    gained: total((s) => s.gained),
    lost: total((s) => s.lost),
    lostToGuardrails: total((s) => s.lostToGuardrails),
    narrowed: total((s) => s.narrowed),
    widened: total((s) => s.widened),
    services,
    ...(adminAfter !== undefined && adminBefore === undefined ? { newAdmin: adminAfter } : {}),
    newEscalations,
  };
}


/** which version's permission sets and guardrails: `hybrid` is the new permission sets under the old guardrails */
export type Version = 'before' | 'after' | 'hybrid';

/**
 * the work the steps share, so that each thing is done once: the policies in force interned per
 * (version, account, permission set), each key evaluated once, each pair of key sets compared once
 */
export interface Evaluations {
  readonly before: OrgConfig;
  readonly after: OrgConfig;
  readonly catalog: Catalog;
  readonly index: CatalogActionIndex;
  readonly criteria: AccessCriteria;
  readonly keyOf: (permissionSet: PermissionSet, account: Account, chainConfig: OrgConfig) => KeyedAccess;
  /** version → account → permission set → its policies in force (undefined: not in that version) */
  readonly keyed: Record<Version, Map<string, Map<string, KeyedAccess | undefined>>>;
  /** key → its effective access */
  readonly evaluated: Map<string, EffectiveAccess>;
  readonly classifications: EffectiveAccessCache;
  /** the key sets compared → what changed */
  readonly comparisons: Map<string, Impact>;
  /** zeroed, one entry per catalog action: for unionOf */
  readonly scratch: Uint32Array;
  decisions: number;
}

export function evaluations(before: OrgConfig, after: OrgConfig, catalog: Catalog): Evaluations {
  const index = catalogActionIndex(catalog);
  return {
    before,
    after,
    catalog,
    index,
    criteria: accessCriteria(catalog),
    keyOf: accessKeys(statementStatusReader()),
    keyed: { before: new Map(), after: new Map(), hybrid: new Map() },
    evaluated: new Map(),
    classifications: new Map(),
    comparisons: new Map(),
    scratch: new Uint32Array(index.actions.length),
    decisions: 0,
  };
}

/** the policies in force for a permission set held in an account, in a version; undefined when either is missing */
export function keyedAccess(ev: Evaluations, version: Version, permissionSet: string, account: string): KeyedAccess | undefined {
  let byAccount = ev.keyed[version].get(account);
  if (byAccount === undefined) {
    byAccount = new Map();
    ev.keyed[version].set(account, byAccount);
  }
  if (byAccount.has(permissionSet)) return byAccount.get(permissionSet);
  const config = version === 'before' ? ev.before : ev.after;
  const chainConfig = version === 'after' ? ev.after : ev.before;
  const set = config.permissionSets.get(permissionSet);
  const where = chainConfig.accounts.get(account);
  const found = set === undefined || where === undefined ? undefined : ev.keyOf(set, where, chainConfig);
  byAccount.set(permissionSet, found);
  return found;
}

/** the distinct policies in force of several permission sets in an account, sorted by key */
export function keyedAccesses(ev: Evaluations, version: Version, permissionSets: Iterable<string>, account: string): KeyedAccess[] {
  const out = new Map<string, KeyedAccess>();
  for (const set of permissionSets) {
    const k = keyedAccess(ev, version, set, account);
    if (k !== undefined) out.set(k.key, k);
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** the same permission sets, each with the same policies in force: nothing to recompute */
export function policiesUnchanged(ev: Evaluations, was: ReadonlySet<string>, now: ReadonlySet<string>, account: string): boolean {
  if (was.size !== now.size) return false;
  for (const set of now) {
    if (!was.has(set)) return false;
    const a = keyedAccess(ev, 'before', set, account);
    const b = keyedAccess(ev, 'after', set, account);
    if (a === undefined || b === undefined || a.identityKey !== b.identityKey) return false;
  }
  return true;
}

/** the effective access of policies in force, evaluated once per key */
export function accessOfKey(ev: Evaluations, keyed: KeyedAccess): EffectiveAccess {
  let access = ev.evaluated.get(keyed.key);
  if (access === undefined) {
    access = evaluateEffectiveAccess(keyed.input, { catalog: ev.catalog, watched: ev.criteria.watched, cache: ev.classifications });
    ev.decisions += access.decisions;
    ev.evaluated.set(keyed.key, access);
  }
  return access;
}

const NOTHING: EffectiveAccess = { positions: new Uint32Array(0), certainties: new Uint8Array(0), dependsOn: new Uint16Array(0), dependsOnTable: [], everywhere: new Set(), decisions: 0 };

/** what holding all these permission sets allows */
export function accessOfKeys(ev: Evaluations, keys: readonly KeyedAccess[]): EffectiveAccess {
  return keys.length === 0 ? NOTHING : unionOf(keys.map((k) => accessOfKey(ev, k)), ev.scratch);
}

/** one (account, mode) a holder holds permission sets in, in either version */
export interface Held {
  readonly account: string;
  readonly mode: AccessMode;
  readonly was: AccountHoldings;
  readonly now: AccountHoldings;
}

const EMPTY: AccountHoldings = { standing: new Set(), eligible: new Set() };

/** the (account, mode) where a holder holds something before or now */
export function heldInEither(oldAccounts: ReadonlyMap<string, AccountHoldings>, newAccounts: ReadonlyMap<string, AccountHoldings>): Held[] {
  const out: Held[] = [];
  for (const account of new Set([...newAccounts.keys(), ...oldAccounts.keys()])) {
    const was = oldAccounts.get(account) ?? EMPTY;
    const now = newAccounts.get(account) ?? EMPTY;
    for (const mode of MODES) if (was[mode].size > 0 || now[mode].size > 0) out.push({ account, mode, was, now });
  }
  return out;
}

/**
 * what changed for one (account, mode): `unchanged` when the policies in force are the same, else
 * the comparison (which may find no change: different policies can allow alike)
 */
export function impactOf(ev: Evaluations, { account, mode, was, now }: Held): Impact | 'unchanged' {
  if (policiesUnchanged(ev, was[mode], now[mode], account)) return 'unchanged';
  const oldKeys = keyedAccesses(ev, 'before', was[mode], account);
  const newKeys = keyedAccesses(ev, 'after', now[mode], account);
  const text = (keys: readonly KeyedAccess[]) => keys.map((k) => k.key).join('\n');
  const oldText = text(oldKeys);
  const newText = text(newKeys);
  if (oldText === newText) return 'unchanged';
  const hybridKeys = ev.before.accounts.has(account) ? keyedAccesses(ev, 'hybrid', now[mode], account) : [];
  // eligible access is new only when the principal could not reach it before, standing or eligible
  const baselineKeys = mode === 'eligible' ? keyedAccesses(ev, 'before', [...was.standing, ...was.eligible], account) : oldKeys;
  const memo = [oldText, newText, text(hybridKeys), mode === 'eligible' ? text(baselineKeys) : ''].join('\u0001');
  let impact = ev.comparisons.get(memo);
  if (impact === undefined) {
    const accessBefore = accessOfKeys(ev, oldKeys);
    const baseline = mode === 'eligible' ? accessOfKeys(ev, baselineKeys) : accessBefore;
    impact = compareAccess(ev.index, accessBefore, accessOfKeys(ev, newKeys), () => accessOfKeys(ev, hybridKeys), baseline, ev.criteria);
    ev.comparisons.set(memo, impact);
  }
  return impact;
}

function isNoChange(impact: Impact): boolean {
  return impact.services.length === 0 && impact.newAdmin === undefined && impact.newEscalations.length === 0;
}

/** each distinct impact once: the same comparison, or different comparisons with the same content */
export interface ImpactList {
  readonly impacts: Impact[];
  readonly byIdentity: Map<Impact, number>;
  readonly byContent: Map<string, number>;
}

export function impactList(): ImpactList {
  return { impacts: [], byIdentity: new Map(), byContent: new Map() };
}

/** the impact's index in the list, added when new */
export function listImpact(list: ImpactList, impact: Impact): number {
  let at = list.byIdentity.get(impact);
  if (at === undefined) {
    // different policies in force can change access alike: listed once
    const content = JSON.stringify(impact);
    at = list.byContent.get(content);
    if (at === undefined) {
      at = list.impacts.length;
      list.impacts.push(impact);
      list.byContent.set(content, at);
    }
    list.byIdentity.set(impact, at);
  }
  return at;
}

/** how many (principal, account, mode) were compared, and recomputed */
export interface Counts {
  compared: number;
  recomputed: number;
}

/** a holder's changes: each (account, mode) where its access changed, with its impact's index */
function changesOfHolder(
  ev: Evaluations,
  list: ImpactList,
  counts: Counts,
  oldAccounts: ReadonlyMap<string, AccountHoldings>,
  newAccounts: ReadonlyMap<string, AccountHoldings>,
  weight: number,
): (Held & { readonly impact: number })[] {
  const out: (Held & { readonly impact: number })[] = [];
  for (const held of heldInEither(oldAccounts, newAccounts)) {
    counts.compared += weight;
    const impact = impactOf(ev, held);
    if (impact === 'unchanged') continue;
    counts.recomputed += weight;
    if (isNoChange(impact)) continue;
    out.push({ ...held, impact: listImpact(list, impact) });
  }
  return out;
}

const accountIdOf = (ev: Evaluations, account: string) => (ev.after.accounts.get(account) ?? ev.before.accounts.get(account))?.id ?? '';
const setsOf = ({ was, now, mode }: Held) => ({ before: [...was[mode]].sort(), after: [...now[mode]].sort() });

/** the groups' and service accounts' changes, unsorted */
function principalChanges(ev: Evaluations, list: ImpactList, counts: Counts, holdings: Record<'before' | 'after', Holdings>, progress: () => void): AccessChange[] {
  const changes: AccessChange[] = [];
  for (const principal of new Set([...holdings.after.keys(), ...holdings.before.keys()])) {
    progress();
    const ref = parsePrincipalRef(principal);
    // holdingsOf writes every principal with formatPrincipalRef, and no user
    if (!ref.ok || ref.value.kind === 'user') throw internalError(`planAccessImpact: unexpected principal \`${principal}\``);
    const principalKind = ref.value.kind;
    for (const held of changesOfHolder(ev, list, counts, holdings.before.get(principal) ?? new Map(), holdings.after.get(principal) ?? new Map(), 1)) {
      changes.push({ principal, principalKind, account: held.account, accountId: accountIdOf(ev, held.account), mode: held.mode, permissionSets: setsOf(held), impact: held.impact });
    }
  }
  return changes;
}

/** the users' changes, one entry per (groups holding, account, mode, permission sets, impact), unsorted; and how many users changed */
function userChanges(
  ev: Evaluations,
  list: ImpactList,
  counts: Counts,
  holdings: Record<'before' | 'after', Holdings>,
  memberships: ReturnType<typeof usersWithTheSameGroups>,
  progress: () => void,
): { changes: UserAccessChange[]; usersChanged: number } {
  const classes = new Map<string, { change: Omit<UserAccessChange, 'users' | 'sample'>; users: string[] }>();
  let usersChanged = 0;
  for (const { before: oldGroups, after: newGroups, users } of memberships) {
    progress();
    const found = changesOfHolder(ev, list, counts, holdingsOfGroups(holdings.before, oldGroups), holdingsOfGroups(holdings.after, newGroups), users.length);
    if (found.length > 0) usersChanged += users.length;
    for (const held of found) {
      const { account, mode, impact } = held;
      const holds = (h: Holdings, group: string) => (h.get(formatPrincipalRef({ kind: 'group', name: group }))?.get(account)?.[mode].size ?? 0) > 0;
      const groups = [...new Set([...oldGroups.filter((g) => holds(holdings.before, g)), ...newGroups.filter((g) => holds(holdings.after, g))])].sort();
      const permissionSets = setsOf(held);
      const key = JSON.stringify([groups, account, mode, permissionSets, impact]);
      const known = classes.get(key);
      if (known !== undefined) known.users.push(...users);
      else classes.set(key, { change: { groups, account, accountId: accountIdOf(ev, account), mode, permissionSets, impact }, users: [...users] });
    }
  }
  const changes = [...classes.values()].map(({ change, users }) => ({ ...change, users: users.length, sample: [...users].sort().slice(0, USER_SAMPLE) }));
  return { changes, usersChanged };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** groups, then service accounts; by name, account and mode */
export function sortChanges(changes: readonly AccessChange[]): AccessChange[] {
  return [...changes].sort(
    (a, b) =>
      KIND_ORDER[a.principalKind] - KIND_ORDER[b.principalKind] ||
      compareText(a.principal, b.principal) ||
      compareText(a.account, b.account) ||
      MODES.indexOf(a.mode) - MODES.indexOf(b.mode),
  );
}

/** by groups, account, mode and first user */
function sortUserChanges(changes: readonly UserAccessChange[]): UserAccessChange[] {
  return [...changes].sort(
    (a, b) =>
      compareText(a.groups.join('\n'), b.groups.join('\n')) ||
      compareText(a.account, b.account) ||
      MODES.indexOf(a.mode) - MODES.indexOf(b.mode) ||
      compareText(a.sample[0] ?? '', b.sample[0] ?? ''),
  );
}

/**
 * impacts numbered in the order the sorted entries first refer to them (principals', then
 * users'): the output does not depend on iteration order; an impact no entry refers to is dropped
 */
export function numberImpacts(
  impacts: readonly Impact[],
  changes: readonly AccessChange[],
  users: readonly UserAccessChange[],
): { impacts: Impact[]; changes: AccessChange[]; userChanges: UserAccessChange[] } {
  const renumbered = new Map<number, number>();
  const numberOf = (impact: number) => {
    let at = renumbered.get(impact);
    if (at === undefined) {
      at = renumbered.size;
      renumbered.set(impact, at);
    }
    return at;
  };
  const numberedChanges = changes.map((c) => ({ ...c, impact: numberOf(c.impact) }));
  const numberedUsers = users.map((c) => ({ ...c, impact: numberOf(c.impact) }));
  const ordered: Impact[] = [];
  for (const [was, at] of renumbered) ordered[at] = impacts[was]!;
  return { impacts: ordered, changes: numberedChanges, userChanges: numberedUsers };
}

export function planAccessImpact(before: OrgConfig, after: OrgConfig, options: AccessImpactOptions): AccessImpact {
  const ev = evaluations(before, after, options.catalog);
  const holdings = { before: holdingsOf(before), after: holdingsOf(after) };
  const memberships = usersWithTheSameGroups(options.directories?.before ?? configDirectory(before), options.directories?.after ?? configDirectory(after));
  const list = impactList();
  const counts: Counts = { compared: 0, recomputed: 0 };
  const total = new Set([...holdings.after.keys(), ...holdings.before.keys()]).size + memberships.length;
  let done = 0;
  const progress = () => options.onPrincipal?.(++done, total);
  const principals = principalChanges(ev, list, counts, holdings, progress);
  const users = userChanges(ev, list, counts, holdings, memberships, progress);
  const numbered = numberImpacts(list.impacts, sortChanges(principals), sortUserChanges(users.changes));
  return { ...numbered, usersChanged: users.usersChanged, stats: { ...counts, policySetsEvaluated: ev.evaluated.size, decisions: ev.decisions } };
}
