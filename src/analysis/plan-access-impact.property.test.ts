/**
 * The plan against a plain recomputation on random small organizations (random-org.test-support.ts):
 * for every group, user and service account, every account and mode, the recomputation decides each
 * action of the vocabulary's services for each permission set held, one by one with the engine (no
 * keys, no classes of alike actions, no unions or comparisons shared), before, now, and under the
 * old guardrails, and derives what was gained, lost, narrowed and widened, and which escalation
 * rules newly hold. The plan must report exactly that: the same entries, the same changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { guardrailChain, resourceGuardrailChain, type AccessMode, type OrgConfig } from '../org/index.ts';
import { compilePolicySet, decide, needsNoPermission, type Policy } from '../policy/index.ts';
import { boundPolicy, type PolicyBound } from './bound-policy.ts';
import { catalogActionIndex } from './catalog-action-index.ts';
import { ESCALATION_RULES } from './escalation-rules.ts';
import { CONDITIONAL, DENIED, UNCONDITIONAL } from './evaluate-effective-access.ts';
import { planAccessImpact, type Impact } from './plan-access-impact.ts';
import { permissionSetRoleArn, principalSession, sessionFactsOf } from './principal-session.ts';
import { orgConfigOf, orgModelPair, VOCABULARY_SERVICES } from './random-org.test-support.ts';
import { statementStatusReader } from './statement-status-reader.ts';

const catalog = loadCatalog();
/** the vocabulary's actions in catalog order */
const ACTIONS = catalogActionIndex(catalog).actions.filter((a) => (VOCABULARY_SERVICES as readonly string[]).includes(a.service));
const MODES: readonly AccessMode[] = ['standing', 'eligible'];
type Levels = Map<string, number>;

/** a permission set of `setConfig` in an account of `chainConfig`, action by action: the engine on the most and least bounds */
function levelsOf(setConfig: OrgConfig, chainConfig: OrgConfig, setName: string, accountName: string): Levels {
  const out: Levels = new Map();
  const set = setConfig.permissionSets.get(setName);
  const account = chainConfig.accounts.get(accountName);
  if (set === undefined || account === undefined) return out;
  const read = statementStatusReader();
  const base = principalSession({ kind: 'group', name: 'x' }, account.id, setName, sessionFactsOf(chainConfig));
  const roleArn = permissionSetRoleArn(account.id, setName);
  const session = { ...base, context: { ...base.context, 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account.id } };
  const compile = (bound: PolicyBound) => {
    const b = (p: Policy) => boundPolicy(p, bound, (s) => read(s, p.version, session));
    return compilePolicySet(
      {
        identity: set.policies.map((p) => b(p.policy)),
        ...(set.boundary !== undefined ? { permissionBoundary: b(set.boundary.policy) } : {}),
        scps: guardrailChain(chainConfig, account).levels.map((l) => l.map(b)),
        rcps: resourceGuardrailChain(chainConfig, account).levels.map((l) => l.map(b)),
      },
      { managementAccount: chainConfig.organization.managementAccount, rcpServices: catalog.rcpSupportedServices() },
    );
  };
  const most = compile('most');
  const least = compile('least');
  const principal = `arn:aws:sts::${account.id}:assumed-role/${setName}/x`;
  for (const { action } of ACTIONS) {
    if (needsNoPermission(action.toLowerCase())) continue;
    if (decide(most, { principal, action, resource: '*' }).decision !== 'Allow') continue;
    out.set(action, decide(least, { principal, action, resource: '*' }).decision === 'Allow' ? UNCONDITIONAL : CONDITIONAL);
  }
  return out;
}

/** who holds which permission sets where, straight from the assignments: principal → `account mode` → sets */
function holdingsOf(config: OrgConfig): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  const hold = (principal: string, account: string, mode: AccessMode, set: string) => {
    const accounts = out.get(principal) ?? new Map<string, Set<string>>();
    out.set(principal, accounts);
    const key = `${account} ${mode}`;
    accounts.set(key, (accounts.get(key) ?? new Set()).add(set));
  };
  for (const a of config.assignments) {
    for (const account of a.accounts) {
      const mode = a.eligible ? 'eligible' : 'standing';
      hold(`group:${a.group}`, account, mode, a.permissionSet);
      for (const user of config.groups.get(a.group)?.members ?? []) hold(`user:${user}`, account, mode, a.permissionSet);
    }
  }
  for (const s of config.serviceAccounts.values()) for (const account of s.accounts) hold(`service:${s.name}`, account, 'standing', s.permissionSet);
  return out;
}

/** what the plan reports of an impact, but for what conditional actions depend on and the escalations' wording */
function essentials(impact: Impact) {
  return {
    gained: impact.gained,
    lost: impact.lost,
    lostToGuardrails: impact.lostToGuardrails,
    narrowed: impact.narrowed,
    widened: impact.widened,
    services: impact.services.map((s) => ({ service: s.service, gained: s.gained, gainedConditional: s.gainedConditional, lost: s.lost, lostToGuardrails: s.lostToGuardrails, narrowed: s.narrowed, widened: s.widened })),
    newAdmin: impact.newAdmin,
    newEscalations: impact.newEscalations.map((e) => e.rule),
  };
}

type Expected = ReturnType<typeof essentials> & { permissionSets: { readonly before: readonly string[]; readonly after: readonly string[] } };

function recompute(before: OrgConfig, after: OrgConfig): Map<string, Expected> {
  const tables = new Map<string, Levels>();
  const levels = (version: 'before' | 'after' | 'hybrid', sets: Iterable<string>, account: string): Levels => {
    const out: Levels = new Map();
    for (const set of sets) {
      const key = `${version} ${set} ${account}`;
      let table = tables.get(key);
      if (table === undefined) {
        table = levelsOf(version === 'before' ? before : after, version === 'after' ? after : before, set, account);
        tables.set(key, table);
      }
      for (const [action, level] of table) out.set(action, Math.max(level, out.get(action) ?? DENIED));
    }
    return out;
  };
  const was = holdingsOf(before);
  const now = holdingsOf(after);
  const expected = new Map<string, Expected>();
  for (const principal of new Set([...was.keys(), ...now.keys()])) {
    const accounts = new Set([...(was.get(principal)?.keys() ?? []), ...(now.get(principal)?.keys() ?? [])].map((k) => k.split(' ')[0]!));
    for (const account of accounts) {
      for (const mode of MODES) {
        const setsWas = was.get(principal)?.get(`${account} ${mode}`) ?? new Set<string>();
        const setsNow = now.get(principal)?.get(`${account} ${mode}`) ?? new Set<string>();
        const old = levels('before', setsWas, account);
        const neu = levels('after', setsNow, account);
        const hybrid = levels('hybrid', setsNow, account);
        const standing = was.get(principal)?.get(`${account} standing`) ?? new Set<string>();
        // eligible access is new only when it could not be reached before, standing or eligible
        const baseline = mode === 'eligible' ? levels('before', [...setsWas, ...standing], account) : old;
        const services = new Map<string, { service: string; gained: string[]; gainedConditional: string[]; lost: string[]; lostToGuardrails: string[]; narrowed: string[]; widened: string[] }>();
        for (const { action, service } of ACTIONS) {
          const a = old.get(action) ?? DENIED;
          const b = neu.get(action) ?? DENIED;
          if (a === b) continue;
          const l = services.get(service) ?? { service, gained: [], gainedConditional: [], lost: [], lostToGuardrails: [], narrowed: [], widened: [] };
          services.set(service, l);
          if (a === DENIED) {
            l.gained.push(action);
            if (b === CONDITIONAL) l.gainedConditional.push(action);
          } else if (b === DENIED) {
            l.lost.push(action);
            if (hybrid.has(action)) l.lostToGuardrails.push(action);
          } else if (b === CONDITIONAL) l.narrowed.push(action);
          else l.widened.push(action);
        }
        const holds = (access: Levels, actions: readonly string[]) => actions.every((a) => access.has(a));
        // no rule looking at where an action is allowed on every resource can hold: sts is out of the vocabulary
        const newEscalations = ESCALATION_RULES.filter((r) => holds(neu, r.actions) && !holds(baseline, r.actions)).map((r) => r.id);
        const list = [...services.values()].sort((x, y) => (x.service < y.service ? -1 : 1));
        if (list.length === 0 && newEscalations.length === 0) continue;
        const sum = (pick: (s: (typeof list)[number]) => readonly string[]) => list.reduce((n, s) => n + pick(s).length, 0);
        expected.set(`${principal} ${account} ${mode}`, {
          gained: sum((s) => s.gained),
          lost: sum((s) => s.lost),
          lostToGuardrails: sum((s) => s.lostToGuardrails),
          narrowed: sum((s) => s.narrowed),
          widened: sum((s) => s.widened),
          services: list,
          newAdmin: undefined,
          newEscalations,
          permissionSets: { before: [...setsWas].sort(), after: [...setsNow].sort() },
        });
      }
    }
  }
  return expected;
}

/** the plan's entries, users one by one */
function reported(before: OrgConfig, after: OrgConfig): { entries: Map<string, Expected>; usersChanged: number } {
  const plan = planAccessImpact(before, after, { catalog });
  const entries = new Map<string, Expected>();
  const add = (key: string, impact: number, permissionSets: Expected['permissionSets']) => {
    assert.ok(!entries.has(key), `${key} twice`);
    entries.set(key, { ...essentials(plan.impacts[impact]!), permissionSets: { before: [...permissionSets.before], after: [...permissionSets.after] } });
  };
  for (const c of plan.changes) add(`${c.principal} ${c.account} ${c.mode}`, c.impact, c.permissionSets);
  for (const c of plan.userChanges) {
    // the samples name every user: these organizations have four
    assert.equal(c.sample.length, c.users);
    for (const user of c.sample) add(`user:${user} ${c.account} ${c.mode}`, c.impact, c.permissionSets);
  }
  // every impact is referred to, and listed once
  const used = new Set([...plan.changes, ...plan.userChanges].map((c) => c.impact));
  assert.equal(used.size, plan.impacts.length);
  assert.equal(new Set(plan.impacts.map((i) => JSON.stringify(i))).size, plan.impacts.length);
  return { entries, usersChanged: plan.usersChanged };
}

test('the plan reports exactly what a plain recomputation, action by action, finds changed', () => {
  fc.assert(
    fc.property(orgModelPair, ([a, b]) => {
      const before = orgConfigOf(a);
      const after = orgConfigOf(b);
      const expected = recompute(before, after);
      const { entries, usersChanged } = reported(before, after);
      assert.deepEqual(Object.fromEntries([...entries].sort()), Object.fromEntries([...expected].sort()));
      assert.equal(usersChanged, new Set([...expected.keys()].filter((k) => k.startsWith('user:')).map((k) => k.split(' ')[0])).size);
    }),
    { numRuns: 50, includeErrorInReport: true },
  );
});
