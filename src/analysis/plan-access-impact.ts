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
 */
import type { Catalog } from '../catalog/catalog.ts';
import {
  configDirectory,
  formatPrincipalRef,
  guardrailChain,
  parsePrincipalRef,
  resourceGuardrailChain,
  type Account,
  type Directory,
  type OrgConfig,
  type PermissionSet,
  type PrincipalKind,
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

export type AccessMode = 'standing' | 'eligible';

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
  /** escalation rules that hold now and did not before */
  readonly newEscalations: readonly { readonly rule: string; readonly actions: readonly string[]; readonly everywhere: boolean; readonly why: string }[];
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
  readonly principalKind: Exclude<PrincipalKind, 'user'>;
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

type Holding = Record<AccessMode, Set<string>>;
/** principal → account name → permission sets held, by mode */
type Holdings = Map<string, Map<string, Holding>>;

const MODES: readonly AccessMode[] = ['standing', 'eligible'];
const KIND_ORDER: Record<PrincipalKind, number> = { group: 0, serviceAccount: 1, user: 2 };

/** the users of either version, grouped by their groups before and now (sorted names) */
function usersWithTheSameGroups(before: Directory, after: Directory): { before: string[]; after: string[]; users: string[] }[] {
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
function holdingsOfGroups(holdings: Holdings, groups: readonly string[]): Map<string, Holding> {
  const out = new Map<string, Holding>();
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


function holdingsOf(config: OrgConfig): Holdings {
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

interface KeyedAccess {
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
 * the union of several permission sets' access: the better level wins; equal conditions merge.
 * `scratch` is a zeroed array with one entry per catalog action, left zeroed.
 */
function unionOf(parts: readonly EffectiveAccess[], scratch: Uint32Array): EffectiveAccess {
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
      if (part.levels[at] === UNCONDITIONAL) {
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
  const levels = new Uint8Array(touched.length);
  const dependsOn = new Uint16Array(touched.length);
  touched.forEach((i, at) => {
    const code = scratch[i]!;
    levels[at] = code === 1 ? UNCONDITIONAL : CONDITIONAL;
    if (code > 1) dependsOn[at] = code - 2;
    scratch[i] = 0;
  });
  return { positions, levels, dependsOn, dependsOnTable: table, everywhere, decisions: 0 };
}

type Comparison = Impact;

function compare(
  index: CatalogActionIndex,
  before: EffectiveAccess,
  after: EffectiveAccess,
  oldGuardrails: () => EffectiveAccess,
  flagBaseline: EffectiveAccess,
  criteria: AccessCriteria,
): Comparison {
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
    const was = wasAt === i ? before.levels[b++]! : DENIED;
    const nowIndex = a;
    const now = nowAt === i ? after.levels[a++]! : DENIED;
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
    why: rule.why,
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

export function planAccessImpact(before: OrgConfig, after: OrgConfig, options: AccessImpactOptions): AccessImpact {
  const { catalog } = options;
  const index = catalogActionIndex(catalog);
  const criteria = accessCriteria(catalog);
  const nothing: EffectiveAccess = { positions: new Uint32Array(0), levels: new Uint8Array(0), dependsOn: new Uint16Array(0), dependsOnTable: [], everywhere: new Set(), decisions: 0 };
  const scratch = new Uint32Array(index.actions.length);
  const unionOfKeys = (keys: readonly KeyedAccess[]) => (keys.length === 0 ? nothing : unionOf(keys.map(accessOf), scratch));
  const keyOf = accessKeys(statementStatusReader());
  const evaluated = new Map<string, EffectiveAccess>();
  const classifications: EffectiveAccessCache = new Map();
  let decisions = 0;
  const accessOf = (keyed: KeyedAccess): EffectiveAccess => {
    let access = evaluated.get(keyed.key);
    if (access === undefined) {
      access = evaluateEffectiveAccess(keyed.input, { catalog, watched: criteria.watched, cache: classifications });
      decisions += access.decisions;
      evaluated.set(keyed.key, access);
    }
    return access;
  };

  /** the key of a permission set held in an account: before, after, or after under the old guardrails */
  type Tag = 'before' | 'after' | 'hybrid';
  const keyCache: Record<Tag, Map<string, Map<string, KeyedAccess | undefined>>> = { before: new Map(), after: new Map(), hybrid: new Map() };
  const keyed = (tag: Tag, permissionSet: string, account: string): KeyedAccess | undefined => {
    let byAccount = keyCache[tag].get(account);
    if (byAccount === undefined) {
      byAccount = new Map();
      keyCache[tag].set(account, byAccount);
    }
    if (byAccount.has(permissionSet)) return byAccount.get(permissionSet);
    const config = tag === 'before' ? before : after;
    const chainConfig = tag === 'after' ? after : before;
    const set = config.permissionSets.get(permissionSet);
    const where = chainConfig.accounts.get(account);
    const found = set === undefined || where === undefined ? undefined : keyOf(set, where, chainConfig);
    byAccount.set(permissionSet, found);
    return found;
  };
  const keysOf = (tag: Tag, sets: Iterable<string>, account: string): KeyedAccess[] => {
    const out = new Map<string, KeyedAccess>();
    for (const set of sets) {
      const k = keyed(tag, set, account);
      if (k !== undefined) out.set(k.key, k);
    }
    return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };
  /** the same permission sets, each with the same policies in force: nothing to recompute */
  const unchanged = (was: ReadonlySet<string>, now: ReadonlySet<string>, account: string): boolean => {
    if (was.size !== now.size) return false;
    for (const set of now) {
      if (!was.has(set)) return false;
      const a = keyed('before', set, account);
      const b = keyed('after', set, account);
      if (a === undefined || b === undefined || a.identityKey !== b.identityKey) return false;
    }
    return true;
  };

  const oldHoldings = holdingsOf(before);
  const newHoldings = holdingsOf(after);
  const comparisons = new Map<string, Comparison>();
  const impacts: Impact[] = [];
  const impactIndex = new Map<Comparison, number>();
  const impactByContent = new Map<string, number>();
  let compared = 0;
  let recomputed = 0;
  const empty: Holding = { standing: new Set(), eligible: new Set() };

  /**
   * every (account, mode) of one holder whose access changed, with what changed; `weight` is how
   * many principals the holder stands for (users with the same groups), for the stats
   */
  const changesOf = (oldAccounts: ReadonlyMap<string, Holding>, newAccounts: ReadonlyMap<string, Holding>, weight: number, found: (account: string, mode: AccessMode, was: Holding, now: Holding, impact: number) => void) => {
    for (const account of new Set([...newAccounts.keys(), ...oldAccounts.keys()])) {
      const was = oldAccounts.get(account) ?? empty;
      const now = newAccounts.get(account) ?? empty;
      for (const mode of MODES) {
        if (was[mode].size === 0 && now[mode].size === 0) continue;
        compared += weight;
        if (unchanged(was[mode], now[mode], account)) continue;
        const oldKeys = keysOf('before', was[mode], account);
        const newKeys = keysOf('after', now[mode], account);
        const oldText = oldKeys.map((k) => k.key).join('\n');
        const newText = newKeys.map((k) => k.key).join('\n');
        if (oldText === newText) continue;
        recomputed += weight;
        const hasOldChain = before.accounts.has(account);
        const hybridKeys = hasOldChain ? keysOf('hybrid', now[mode], account) : [];
        // eligible access is new only when the principal could not reach it before, standing or eligible
        const baselineKeys = mode === 'eligible' ? keysOf('before', [...was.standing, ...was.eligible], account) : oldKeys;
        const text = (keys: readonly KeyedAccess[]) => keys.map((k) => k.key).join('\n');
        const memo = [oldText, newText, text(hybridKeys), mode === 'eligible' ? text(baselineKeys) : ''].join('\u0001');
        let comparison = comparisons.get(memo);
        if (comparison === undefined) {
          const accessBefore = unionOfKeys(oldKeys);
          const baseline = mode === 'eligible' ? unionOfKeys(baselineKeys) : accessBefore;
          comparison = compare(index, accessBefore, unionOfKeys(newKeys), () => unionOfKeys(hybridKeys), baseline, criteria);
          comparisons.set(memo, comparison);
        }
        if (comparison.services.length === 0 && comparison.newAdmin === undefined && comparison.newEscalations.length === 0) continue;
        let at = impactIndex.get(comparison);
        if (at === undefined) {
          // different policies in force can change access alike: listed once
          const content = JSON.stringify(comparison);
          at = impactByContent.get(content);
          if (at === undefined) {
            at = impacts.length;
            impacts.push(comparison);
            impactByContent.set(content, at);
          }
          impactIndex.set(comparison, at);
        }
        found(account, mode, was, now, at);
      }
    }
  };
  const accountIdOf = (account: string) => (after.accounts.get(account) ?? before.accounts.get(account))?.id ?? '';
  const setsOf = (was: Holding, now: Holding, mode: AccessMode) => ({ before: [...was[mode]].sort(), after: [...now[mode]].sort() });

  // users hold what their groups hold: users in the same groups (before and now) are one holder
  const memberships = usersWithTheSameGroups(options.directories?.before ?? configDirectory(before), options.directories?.after ?? configDirectory(after));
  const principals = new Set([...newHoldings.keys(), ...oldHoldings.keys()]);
  const total = principals.size + memberships.length;
  let done = 0;
  const changes: AccessChange[] = [];
  for (const principal of principals) {
    options.onPrincipal?.(++done, total);
    const ref = parsePrincipalRef(principal);
    // holdingsOf writes every principal with formatPrincipalRef, and no user
    if (!ref.ok || ref.value.kind === 'user') throw internalError(`planAccessImpact: unexpected principal \`${principal}\``);
    const principalKind = ref.value.kind;
    changesOf(oldHoldings.get(principal) ?? new Map(), newHoldings.get(principal) ?? new Map(), 1, (account, mode, was, now, impact) => {
      changes.push({ principal, principalKind, account, accountId: accountIdOf(account), mode, permissionSets: setsOf(was, now, mode), impact });
    });
  }

  const userClasses = new Map<string, { change: Omit<UserAccessChange, 'users' | 'sample'>; users: string[] }>();
  let usersChanged = 0;
  for (const { before: oldGroups, after: newGroups, users } of memberships) {
    options.onPrincipal?.(++done, total);
    const oldAccounts = holdingsOfGroups(oldHoldings, oldGroups);
    const newAccounts = holdingsOfGroups(newHoldings, newGroups);
    let changed = false;
    changesOf(oldAccounts, newAccounts, users.length, (account, mode, was, now, impact) => {
      changed = true;
      const holds = (holdings: Holdings, group: string) => (holdings.get(formatPrincipalRef({ kind: 'group', name: group }))?.get(account)?.[mode].size ?? 0) > 0;
      const groups = [...new Set([...oldGroups.filter((g) => holds(oldHoldings, g)), ...newGroups.filter((g) => holds(newHoldings, g))])].sort();
      const permissionSets = setsOf(was, now, mode);
      const key = JSON.stringify([groups, account, mode, permissionSets, impact]);
      const known = userClasses.get(key);
      if (known !== undefined) known.users.push(...users);
      else userClasses.set(key, { change: { groups, account, accountId: accountIdOf(account), mode, permissionSets, impact }, users: [...users] });
    });
    if (changed) usersChanged += users.length;
  }
  const userChanges: UserAccessChange[] = [...userClasses.values()].map(({ change, users }) => ({
    ...change,
    users: users.length,
    sample: [...users].sort().slice(0, USER_SAMPLE),
  }));
  const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  userChanges.sort(
    (a, b) =>
      compareText(a.groups.join('\n'), b.groups.join('\n')) ||
      compareText(a.account, b.account) ||
      MODES.indexOf(a.mode) - MODES.indexOf(b.mode) ||
      compareText(a.sample[0] ?? '', b.sample[0] ?? ''),
  );
  changes.sort(
    (a, b) =>
      KIND_ORDER[a.principalKind] - KIND_ORDER[b.principalKind] ||
      (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0) ||
      (a.account < b.account ? -1 : a.account > b.account ? 1 : 0) ||
      MODES.indexOf(a.mode) - MODES.indexOf(b.mode),
  );
  // impacts numbered in the order the sorted entries first refer to them: the output does not depend on iteration order
  const renumbered = new Map<number, number>();
  const numberOf = (impact: number) => {
    let at = renumbered.get(impact);
    if (at === undefined) {
      at = renumbered.size;
      renumbered.set(impact, at);
    }
    return at;
  };
  const access = changes.map((c) => ({ ...c, impact: numberOf(c.impact) }));
  const users = userChanges.map((c) => ({ ...c, impact: numberOf(c.impact) }));
  const ordered: Impact[] = [];
  for (const [was, at] of renumbered) ordered[at] = impacts[was]!;
  return { impacts: ordered, changes: access, userChanges: users, usersChanged, stats: { compared, recomputed, policySetsEvaluated: evaluated.size, decisions } };
}
