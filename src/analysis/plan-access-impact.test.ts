/**
 * The steps of the access-impact plan, each on its own: who holds what, users classed by their
 * groups, unions and comparisons of effective access, what is recomputed, impacts listed once and
 * numbered. The whole plan is checked against a plain recomputation in
 * plan-access-impact.property.test.ts, and on the acme example in build-plan.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { acmeFiles, acmeVariant, parseValid } from '../org/acme-variant.test-support.ts';
import { configDirectory } from '../org/index.ts';
import { catalogActionIndex } from './catalog-action-index.ts';
import { accessCriteria, ESCALATION_RULES, ruleHolds } from './escalation-rules.ts';
import { CONDITIONAL, UNCONDITIONAL, type EffectiveAccess } from './evaluate-effective-access.ts';
import {
  accessOfKey,
  compareAccess,
  evaluations,
  heldInEither,
  holdingsOf,
  holdingsOfGroups,
  impactList,
  impactOf,
  keyedAccess,
  listImpact,
  numberImpacts,
  planAccessImpact,
  policiesUnchanged,
  sortChanges,
  unionOf,
  usersWithTheSameGroups,
  type AccessChange,
  type AccountHoldings,
  type Impact,
} from './plan-access-impact.ts';

const catalog = loadCatalog();
const index = catalogActionIndex(catalog);
const criteria = accessCriteria(catalog);
const acme = parseValid(acmeFiles);
const YAML = 'parapet.yaml';

const plain = (accounts: ReadonlyMap<string, AccountHoldings> | undefined) =>
  Object.fromEntries([...(accounts ?? new Map<string, AccountHoldings>())].map(([account, h]) => [account, { standing: [...h.standing].sort(), eligible: [...h.eligible].sort() }]));
const holding = (standing: string[], eligible: string[] = []): AccountHoldings => ({ standing: new Set(standing), eligible: new Set(eligible) });

/** effective access by hand: action → unconditional, or the keys a conditional action depends on */
function access(levels: Record<string, true | readonly string[]>, everywhere: readonly string[] = []): EffectiveAccess {
  const entries = Object.entries(levels)
    .map(([action, level]) => ({ i: index.indexOf(action)!, level }))
    .sort((a, b) => a.i - b.i);
  const table: (readonly string[])[] = [];
  return {
    positions: Uint32Array.from(entries.map((e) => e.i)),
    certainties: Uint8Array.from(entries.map((e) => (e.level === true ? UNCONDITIONAL : CONDITIONAL))),
    dependsOn: Uint16Array.from(entries.map((e) => (e.level === true ? 0 : table.push(e.level) - 1))),
    dependsOnTable: table,
    everywhere: new Set(everywhere),
    decisions: 0,
  };
}
/** effective access back to names, for comparing */
const named = (a: EffectiveAccess) => Object.fromEntries([...a.positions].map((i, at) => [index.actions[i]!.action, a.certainties[at] === UNCONDITIONAL ? true : a.dependsOnTable[a.dependsOn[at]!]]));

test('holdingsOf: groups hold their assignments, standing or eligible; service accounts standing', () => {
  const holdings = holdingsOf(acme);
  assert.deepEqual(plain(holdings.get('group:checkout-devs')), {
    'checkout-prod': { standing: ['developer'], eligible: ['admin'] },
    'checkout-staging': { standing: ['admin', 'developer'], eligible: [] },
    'sandbox-carol': { standing: ['admin'], eligible: [] },
  });
  assert.deepEqual(plain(holdings.get('service:deployer')), Object.fromEntries(['payments-prod', 'payments-staging', 'checkout-prod', 'checkout-staging'].map((a) => [a, { standing: ['deployer'], eligible: [] }])));
  // users hold nothing of their own
  assert.deepEqual([...holdings.keys()].filter((p) => !p.startsWith('group:') && !p.startsWith('service:')), []);
});

test('usersWithTheSameGroups: one class per (groups before, groups now), users of either version', () => {
  const after = acmeVariant([
    [YAML, '  auditors: { members: [heidi@acme.example] }', '  auditors: { members: [heidi@acme.example, ivan@acme.example] }'],
    [YAML, '  incident-responders: { members: [erin@acme.example, grace@acme.example] }', '  incident-responders: { members: [grace@acme.example] }'],
  ]);
  const classes = usersWithTheSameGroups(configDirectory(acme), configDirectory(after)).map((c) => `${c.before.join('+')} → ${c.after.join('+')}: ${c.users.sort().join(' ')}`);
  assert.deepEqual(classes.sort(), [
    ' → auditors: ivan@acme.example',
    'auditors → auditors: heidi@acme.example',
    'checkout-devs → checkout-devs: carol@acme.example dan@acme.example',
    'incident-responders+platform-admins → platform-admins: erin@acme.example',
    'incident-responders+security-team → incident-responders+security-team: grace@acme.example',
    'payments-devs → payments-devs: alice@acme.example bob@acme.example',
    'platform-admins → platform-admins: frank@acme.example',
  ]);
});

test('holdingsOfGroups: what members of several groups hold is the union', () => {
  const union = holdingsOfGroups(holdingsOf(acme), ['security-team', 'incident-responders', 'no-such-group']);
  assert.deepEqual(plain(union).audit, { standing: ['admin'], eligible: ['break-glass'] });
  assert.deepEqual(plain(union)['payments-prod'], { standing: ['read-only'], eligible: ['break-glass'] });
  assert.deepEqual(Object.keys(plain(union)).sort(), ['audit', 'checkout-prod', 'checkout-staging', 'log-archive', 'network', 'payments-prod', 'payments-staging', 'shared-services']);
});

test('unionOf: the more certain access wins, conditions of alike certainties merge, the scratch is left zeroed', () => {
  const scratch = new Uint32Array(index.actions.length);
  const a = access({ 's3:GetObject': ['aws:RequestedRegion'], 's3:PutObject': true, 'iam:PassRole': ['iam:PassedToService'] });
  const b = access({ 's3:GetObject': true, 's3:ListBucket': ['Resource'], 'iam:PassRole': ['Resource', 'iam:PassedToService'] });
  assert.deepEqual(named(unionOf([a, b], scratch)), {
    'iam:PassRole': ['Resource', 'iam:PassedToService'],
    's3:GetObject': true,
    's3:ListBucket': ['Resource'],
    's3:PutObject': true,
  });
  assert.ok(scratch.every((v) => v === 0));
  // one part is itself
  assert.equal(unionOf([a], scratch), a);
});

test('compareAccess: gained, lost (to guardrails when the old ones would still allow), narrowed, widened, by service', () => {
  const before = access({ 's3:GetObject': true, 's3:PutObject': true, 's3:DeleteBucket': true, 'iam:GetRole': ['Resource'] });
  const after = access({ 's3:GetObject': ['aws:RequestedRegion'], 'sqs:SendMessage': ['aws:SourceVpc'], 'iam:GetRole': true, 'iam:PassRole': true });
  const oldGuardrails = access({ 's3:DeleteBucket': true });
  const impact = compareAccess(index, before, after, () => oldGuardrails, before, criteria);
  assert.deepEqual(impact, {
    gained: 2,
    lost: 2,
    lostToGuardrails: 1,
    narrowed: 1,
    widened: 1,
    services: [
      { service: 'iam', gained: ['iam:PassRole'], gainedConditional: [], lost: [], lostToGuardrails: [], narrowed: [], widened: ['iam:GetRole'], dependsOn: [] },
      { service: 's3', gained: [], gainedConditional: [], lost: ['s3:DeleteBucket', 's3:PutObject'], lostToGuardrails: ['s3:DeleteBucket'], narrowed: ['s3:GetObject'], widened: [], dependsOn: ['aws:RequestedRegion'] },
      { service: 'sqs', gained: ['sqs:SendMessage'], gainedConditional: ['sqs:SendMessage'], lost: [], lostToGuardrails: [], narrowed: [], widened: [], dependsOn: ['aws:SourceVpc'] },
    ],
    newEscalations: [{ rule: 'pass-role', actions: ['iam:PassRole'], everywhere: false }],
  });
  // escalations are new against the baseline: one holding iam:PassRole already is not flagged again
  const baseline = access({ 'iam:PassRole': ['Resource'] });
  assert.deepEqual(compareAccess(index, before, after, () => oldGuardrails, baseline, criteria).newEscalations, []);
  // the old guardrails are evaluated only when something is lost
  assert.equal(compareAccess(index, after, after, () => assert.fail('evaluated'), after, criteria).services.length, 0);
});

test('heldInEither: each (account, mode) held in one version or both', () => {
  const held = heldInEither(new Map([['a', holding(['x'])], ['b', holding([], ['y'])]]), new Map([['a', holding(['x'], ['z'])]]));
  assert.deepEqual(
    held.map((h) => `${h.account} ${h.mode} ${[...h.was[h.mode]].join()}→${[...h.now[h.mode]].join()}`),
    ['a standing x→x', 'a eligible →z', 'b eligible y→'],
  );
});

test('policiesUnchanged: the same permission sets with the same policies in force; a guardrail edit on the chain changes them', () => {
  const edited = acmeVariant([['guardrails/protect-audit-trail.json', '"cloudtrail:StopLogging"', '"cloudtrail:StopLogging", "cloudtrail:UpdateTrail"']]);
  const ev = evaluations(acme, edited, catalog);
  const sets = new Set(['admin', 'developer']);
  assert.equal(policiesUnchanged(ev, sets, sets, 'management'), true);
  assert.equal(policiesUnchanged(ev, sets, sets, 'payments-prod'), false);
  assert.equal(policiesUnchanged(ev, sets, new Set(['admin']), 'management'), false);
  assert.equal(policiesUnchanged(ev, new Set(['admin', 'read-only']), sets, 'management'), false);
});

test('impactOf: eligible access is new only when not reachable before, standing or eligible', () => {
  const after = acmeVariant([[YAML, '  - { group: payments-devs, permissionSet: admin, accounts: [payments-staging] }', '  - { group: payments-devs, permissionSet: admin, accounts: [payments-staging] }\n  - { group: payments-devs, permissionSet: break-glass, accounts: [payments-staging], eligible: true }']]);
  const ev = evaluations(acme, after, catalog);
  const breakGlass = accessOfKey(ev, keyedAccess(ev, 'after', 'break-glass', 'payments-staging')!);
  const eligible = (standing: string[]) => impactOf(ev, { account: 'payments-staging', mode: 'eligible', was: holding(standing), now: holding(standing, ['break-glass']) });
  // with admin standing: every action break-glass allows is gained in eligible mode, but no escalation is new
  const withAdmin = eligible(['admin']);
  assert.ok(withAdmin !== 'unchanged');
  assert.equal(withAdmin.gained, breakGlass.positions.length);
  assert.deepEqual(withAdmin.newEscalations, []);
  assert.equal(withAdmin.newAdmin, undefined);
  // without: what break-glass allows is new escalation
  const alone = eligible([]);
  assert.ok(alone !== 'unchanged');
  assert.deepEqual(
    alone.newEscalations.map((e) => e.rule),
    ESCALATION_RULES.filter((r) => ruleHolds(r, breakGlass, criteria)).map((r) => r.id),
  );
  assert.ok(alone.newEscalations.length > 0);
  // the same permission sets under the same policies: not recomputed
  assert.equal(impactOf(ev, { account: 'payments-staging', mode: 'standing', was: holding(['admin']), now: holding(['admin']) }), 'unchanged');
});

const impactWith = (gained: number): Impact => ({ gained, lost: 0, lostToGuardrails: 0, narrowed: 0, widened: 0, services: [], newEscalations: [] });

test('listImpact: an impact listed once, by identity or by content', () => {
  const list = impactList();
  const one = impactWith(1);
  assert.equal(listImpact(list, one), 0);
  assert.equal(listImpact(list, impactWith(2)), 1);
  assert.equal(listImpact(list, one), 0);
  assert.equal(listImpact(list, impactWith(1)), 0);
  assert.equal(list.impacts.length, 2);
});

const change = (principal: string, account: string, mode: 'standing' | 'eligible', impact: number): AccessChange => ({
  principal,
  principalKind: principal.startsWith('group:') ? 'group' : 'serviceAccount',
  account,
  accountId: '1',
  mode,
  permissionSets: { before: [], after: [] },
  impact,
});

test('sortChanges and numberImpacts: groups before service accounts, by name, account and mode; impacts numbered by first reference, unreferenced dropped', () => {
  const sorted = sortChanges([change('service:a', 'x', 'standing', 2), change('group:b', 'y', 'eligible', 0), change('group:b', 'y', 'standing', 2), change('group:a', 'z', 'standing', 3)]);
  assert.deepEqual(
    sorted.map((c) => `${c.principal} ${c.account} ${c.mode}`),
    ['group:a z standing', 'group:b y standing', 'group:b y eligible', 'service:a x standing'],
  );
  const impacts = [impactWith(0), impactWith(1), impactWith(2), impactWith(3)];
  const numbered = numberImpacts(impacts, sorted, []);
  assert.deepEqual(numbered.changes.map((c) => c.impact), [0, 1, 2, 1]);
  assert.deepEqual(numbered.impacts.map((i) => i.gained), [3, 2, 0]);
});

test('planAccessImpact: progress once per principal and per users class', () => {
  const calls: string[] = [];
  planAccessImpact(acme, acme, { catalog, onPrincipal: (done, total) => calls.push(`${done}/${total}`) });
  const total = holdingsOf(acme).size + usersWithTheSameGroups(configDirectory(acme), configDirectory(acme)).length;
  assert.deepEqual(calls, Array.from({ length: total }, (_, i) => `${i + 1}/${total}`));
});
