/**
 * The engine's invariants (DESIGN.md, "Conventions"), as named property tests (fast-check) over
 * generated policies and requests. Each property compares the engine with itself under a change
 * whose effect AWS documents (reference_policies_evaluation-logic.html and the pages it links):
 * adding a Deny, reordering, duplicating, adding a guardrail, breaking a document.
 * On a failure, fast-check prints the seed and the shrunk counterexample: scenario (principal,
 * request, policy documents) first, then the change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compilePolicySet,
  decide,
  decidePrepared,
  explain,
  hasErrors,
  parseCase,
  parsePolicy,
  prepareRequest,
  type Decision,
  type DecisionCase,
  type DecisionKind,
  type Issue,
  type IssueCode,
  type Policy,
  type PolicySetInput,
  type PolicyType,
  type DecisionRequest,
} from './index.ts';
import {
  type Json,
  type JsonObject,
  ACCOUNT,
  MANAGEMENT_ACCOUNT,
  type Who,
  PRINCIPALS,
  denyOnly,
  statementArb,
  policyArb,
  FULL_ACCESS,
  scpLevelArb,
  rcpLevelArb,
  type PolicyDocs,
  type Scenario,
  requestArb,
  scenarioArb,
  parseDocs,
  compileScenario,
  scenarioDecision,
} from './policy-scenarios.test-support.ts';

// What AWS documents about who each kind of policy applies to, stated independently of the engine
// (FORMAT.md: the resource account defaults to the ARN's account, else the principal's).

function resourceAccountOf(s: Scenario): string | undefined {
  if (s.request.resourceAccount !== undefined) return s.request.resourceAccount;
  const account = s.request.resource.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : s.who.account;
}

/** SCPs restrict IAM principals and root users of member accounts, except service-linked roles */
function scpsApply(s: Scenario): boolean {
  return s.who.account !== undefined && s.who.account !== s.managementAccount && !s.who.serviceLinked;
}

/** RCPs restrict requests to resources outside the management account, except from service-linked roles */
function rcpsApply(s: Scenario): boolean {
  return resourceAccountOf(s) !== s.managementAccount && !s.who.serviceLinked;
}

/**
 * role trust policies and KMS key policies must allow, whoever asks: an identity policy, or being
 * the root user, never suffices (id_roles_compare-resource-policies.html, kms key-policies.html)
 */
function needsResourcePolicy(request: DecisionRequest): boolean {
  const action = request.action.toLowerCase();
  if (action.startsWith('sts:assumerole')) return /^arn:aws:iam::\d{12}:role\//.test(request.resource);
  return action.startsWith('kms:') && /^arn:aws:kms:[^:]*:\d{12}:key\//.test(request.resource);
}

/**
 * the root user's documented exception: full access in its own account unless something restricts
 * it (for resources whose own policy must allow, that policy restricts it)
 */
function rootHasFullAccess(s: Scenario): boolean {
  return s.who.root && resourceAccountOf(s) === s.who.account && !needsResourcePolicy(s.request);
}

// ---------------------------------------------------------------------------------------------
// editing documents

function statementsOf(doc: JsonObject): JsonObject[] {
  const raw = doc.Statement;
  return (Array.isArray(raw) ? raw : [raw]) as JsonObject[];
}

function withStatements(doc: JsonObject, statements: JsonObject[]): JsonObject {
  return { ...doc, Statement: statements };
}

/** a small deterministic generator, so a shuffle is reproduced (and shrunk) from its seed */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** every document in the set, with a function that puts a replacement back */
function docSlots(docs: PolicyDocs): { doc: JsonObject; type: PolicyType; replace: (doc: JsonObject) => PolicyDocs }[] {
  const out: { doc: JsonObject; type: PolicyType; replace: (doc: JsonObject) => PolicyDocs }[] = [];
  const replaceAt = <T>(list: readonly T[], i: number, value: T): T[] => list.map((x, j) => (j === i ? value : x));
  docs.identity?.forEach((doc, i) => out.push({ doc, type: 'identity', replace: (d) => ({ ...docs, identity: replaceAt(docs.identity!, i, d) }) }));
  for (const key of ['permissionBoundary', 'session', 'resource'] as const) {
    const doc = docs[key];
    if (doc !== undefined) out.push({ doc, type: key, replace: (d) => ({ ...docs, [key]: d }) });
  }
  for (const [key, type] of [['scps', 'scp'], ['rcps', 'rcp']] as const) {
    docs[key]?.forEach((level, l) =>
      level.forEach((doc, i) => out.push({ doc, type, replace: (d) => ({ ...docs, [key]: replaceAt(docs[key]!, l, replaceAt(level, i, d)) }) })),
    );
  }
  return out;
}

// =============================================================================================
// The properties' helpers
// =============================================================================================

const DECISION_KINDS: readonly DecisionKind[] = ['Allow', 'ExplicitDeny', 'ImplicitDeny'];

// ---------------------------------------------------------------------------------------------
// 1. explicit deny wins

type Target = 'identity' | 'permissionBoundary' | 'session' | 'resource' | 'scp' | 'rcp';

/** the policy types that apply to the scenario's request, per AWS's documentation */
function applicableTargets(s: Scenario): Target[] {
  const targets: Target[] = ['resource'];
  if (s.who.iamIdentity) targets.push('identity', 'permissionBoundary');
  if (s.who.session) targets.push('session');
  if (scpsApply(s)) targets.push('scp');
  if (rcpsApply(s)) targets.push('rcp');
  return targets;
}

/**
 * ways to write "deny everything": `*`, a NotAction or NotResource that excludes nothing the
 * vocabulary uses, and conditions that hold on a key no request has (negated operators,
 * `...IfExists`, `ForAllValues:` and `Null` are true on a missing key:
 * reference_policies_elements_condition_operators.html, ..._condition-single-vs-multi-valued-context-keys.html)
 */
const DENY_EVERYTHING: readonly JsonObject[] = [
  { Effect: 'Deny', Action: '*', Resource: '*' },
  { Effect: 'Deny', NotAction: 'nothing:DoesNotExist', Resource: '*' },
  { Effect: 'Deny', Action: ['*:*'], Resource: ['*'] },
  { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:nothing:::none' },
  { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:NoSuchKey': 'true' } } },
  { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:NoSuchKey': 'x' } } },
  { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:NoSuchKey': 'x' }, BoolIfExists: { 'aws:NoSuchFlag': false } } },
  { Effect: 'Deny', Action: '*', Resource: '*', Condition: { 'ForAllValues:StringLike': { 'aws:NoSuchTags': 'x*' } } },
  { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:NoSuchIp': '10.0.0.0/8' }, ArnNotLike: { 'aws:NoSuchArn': 'arn:aws:iam::*:role/x' } } },
];

/**
 * Principal (or NotPrincipal) elements with which a resource-policy Deny reaches the caller: "*",
 * its account, itself, its role; or a NotPrincipal that lists someone else
 * (reference_policies_elements_principal.html, reference_policies_elements_notprincipal.html)
 */
function principalsNaming(who: Who): { readonly key: 'Principal' | 'NotPrincipal'; readonly value: Json }[] {
  const names: Json[] = ['*', { AWS: '*' }];
  const iamCaller = who.account !== undefined;
  if (iamCaller) names.push({ AWS: who.account! }, { AWS: `arn:aws:iam::${who.account}:root` });
  if (who.label === 'service') names.push({ Service: who.principal });
  if (who.label === 'web-identity') names.push({ Federated: who.principal });
  if (!who.root && iamCaller) names.push({ AWS: who.principal });
  if (who.facts.roleArn !== undefined) names.push({ AWS: who.facts.roleArn });
  const others: Json[] = [{ AWS: '333333333333' }, { AWS: 'arn:aws:iam::333333333333:role/elsewhere' }, { Service: 'cloudtrail.amazonaws.com' }];
  return [...names.map((value) => ({ key: 'Principal' as const, value })), ...others.map((value) => ({ key: 'NotPrincipal' as const, value }))];
}

function insertAt<T>(list: readonly T[], at: number, item: T): T[] {
  const i = at % (list.length + 1);
  return [...list.slice(0, i), item, ...list.slice(i)];
}

function withStatementAt(doc: JsonObject, at: number, statement: JsonObject): JsonObject {
  return withStatements(doc, insertAt(statementsOf(doc), at, statement));
}

/** add the statement to a policy of the target type: into an existing policy, or as a new one */
function addStatement(docs: PolicyDocs, target: Target, statement: JsonObject, pick: number, asNewPolicy: boolean): PolicyDocs {
  const alone: JsonObject = { Version: '2012-10-17', Statement: [statement] };
  const intoList = (list: readonly JsonObject[]): JsonObject[] =>
    asNewPolicy || list.length === 0 ? insertAt(list, pick, alone) : list.map((doc, i) => (i === pick % list.length ? withStatementAt(doc, pick, statement) : doc));
  switch (target) {
    case 'identity':
      return { ...docs, identity: intoList(docs.identity ?? []) };
    case 'permissionBoundary':
    case 'session':
    case 'resource': {
      const doc = docs[target];
      return { ...docs, [target]: doc === undefined ? alone : withStatementAt(doc, pick, statement) };
    }
    case 'scp':
    case 'rcp': {
      const key = target === 'scp' ? 'scps' : 'rcps';
      const levels = docs[key] ?? [];
      if (levels.length === 0) return { ...docs, [key]: [[alone]] };
      const level = pick % levels.length;
      return { ...docs, [key]: levels.map((policies, l) => (l === level ? intoList(policies) : policies)) };
    }
    default: {
      const never: never = target;
      return never;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 3. order and duplication

type Rearrangement =
  | { readonly kind: 'shuffle-identity-policies'; readonly seed: number }
  | { readonly kind: 'shuffle-statements'; readonly seed: number }
  | { readonly kind: 'shuffle-element-lists'; readonly seed: number }
  | { readonly kind: 'shuffle-chain-levels'; readonly seed: number }
  | { readonly kind: 'shuffle-policies-in-levels'; readonly seed: number }
  | { readonly kind: 'duplicate-policy'; readonly pick: number }
  | { readonly kind: 'duplicate-statement'; readonly pick: number; readonly sid: 'drop' | 'fresh' };

const rearrangementArb: fc.Arbitrary<Rearrangement> = fc.oneof(
  fc.record({ kind: fc.constant('shuffle-identity-policies' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle-statements' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle-element-lists' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle-chain-levels' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle-policies-in-levels' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-policy' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-statement' as const), pick: fc.nat(), sid: fc.constantFrom('drop' as const, 'fresh' as const) }),
);

function mapDocs(docs: PolicyDocs, f: (doc: JsonObject, index: number) => JsonObject): PolicyDocs {
  let out = docs;
  docSlots(docs).forEach((slot, i) => {
    // docSlots of the current value, so that replacements accumulate
    out = docSlots(out)[i]!.replace(f(slot.doc, i));
  });
  return out;
}

/** the order of Action, Resource, Principal lists and of condition operators and keys */
function shuffleElementLists(statement: JsonObject, seed: number): JsonObject {
  const list = (value: Json | undefined, salt: number): Json | undefined => (Array.isArray(value) ? shuffled(value, seed + salt) : value);
  const out: JsonObject = {};
  for (const [key, value] of shuffled(Object.entries(statement), seed)) {
    if (key === 'Condition' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(
        shuffled(Object.entries(value), seed + 1).map(([op, block]) => [
          op,
          Object.fromEntries(shuffled(Object.entries(block as JsonObject), seed + 2).map(([k, v]) => [k, list(v, 3)!])),
        ]),
      );
    } else if ((key === 'Principal' || key === 'NotPrincipal') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, list(v, 4)!]));
    } else out[key] = list(value, 5)!;
  }
  return out;
}

/** apply the `step`-th rearrangement (the step number keeps fresh Sids unique) */
function rearrange(docs: PolicyDocs, r: Rearrangement, step: number): PolicyDocs {
  switch (r.kind) {
    case 'shuffle-identity-policies':
      return docs.identity === undefined ? docs : { ...docs, identity: shuffled(docs.identity, r.seed) };
    case 'shuffle-statements':
      return mapDocs(docs, (doc, i) => withStatements(doc, shuffled(statementsOf(doc), r.seed + i)));
    case 'shuffle-element-lists':
      return mapDocs(docs, (doc, i) => withStatements(doc, statementsOf(doc).map((s, j) => shuffleElementLists(s, r.seed + i * 31 + j))));
    case 'shuffle-chain-levels':
      return {
        ...docs,
        ...(docs.scps !== undefined ? { scps: shuffled(docs.scps, r.seed) } : {}),
        ...(docs.rcps !== undefined ? { rcps: shuffled(docs.rcps, r.seed + 1) } : {}),
      };
    case 'shuffle-policies-in-levels':
      return {
        ...docs,
        ...(docs.scps !== undefined ? { scps: docs.scps.map((level, l) => shuffled(level, r.seed + l)) } : {}),
        ...(docs.rcps !== undefined ? { rcps: docs.rcps.map((level, l) => shuffled(level, r.seed + 7 * l)) } : {}),
      };
    case 'duplicate-policy': {
      // a policy attached twice: to the identity list or to one level of a chain
      const lists: ('identity' | ['scps' | 'rcps', number])[] = [];
      if (docs.identity !== undefined && docs.identity.length > 0) lists.push('identity');
      docs.scps?.forEach((level, l) => level.length > 0 && lists.push(['scps', l]));
      docs.rcps?.forEach((level, l) => level.length > 0 && lists.push(['rcps', l]));
      if (lists.length === 0) return docs;
      const where = lists[r.pick % lists.length]!;
      if (where === 'identity') return { ...docs, identity: insertAt(docs.identity!, r.pick, docs.identity![r.pick % docs.identity!.length]!) };
      const [key, l] = where;
      const levels = docs[key]!;
      return { ...docs, [key]: levels.map((level, i) => (i === l ? insertAt(level, r.pick, level[r.pick % level.length]!) : level)) };
    }
    case 'duplicate-statement': {
      const slots = docSlots(docs);
      if (slots.length === 0) return docs;
      const slot = slots[r.pick % slots.length]!;
      const statements = statementsOf(slot.doc);
      const { Sid: _sid, ...copy } = statements[r.pick % statements.length]!;
      const duplicate = r.sid === 'fresh' ? { Sid: `Copy${step}`, ...copy } : copy;
      return slot.replace(withStatements(slot.doc, insertAt(statements, r.pick >> 3, duplicate)));
    }
    default: {
      const never: never = r;
      return never;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 4. guardrails

type Guardrail =
  | { readonly kind: 'scp-level'; readonly at: number; readonly level: JsonObject[] }
  | { readonly kind: 'deny-only-scp'; readonly at: number; readonly policy: JsonObject }
  | { readonly kind: 'rcp-level'; readonly at: number; readonly level: JsonObject[] }
  | { readonly kind: 'rcp'; readonly at: number; readonly policy: JsonObject }
  | { readonly kind: 'boundary'; readonly policy: JsonObject }
  | { readonly kind: 'session'; readonly policy: JsonObject }
  | { readonly kind: 'deny-statement'; readonly at: number; readonly statement: JsonObject; readonly rcpStatement: JsonObject };

const guardrailArb: fc.Arbitrary<Guardrail> = fc.oneof(
  fc.record({ kind: fc.constant('scp-level' as const), at: fc.nat(), level: scpLevelArb() }),
  fc.record({ kind: fc.constant('deny-only-scp' as const), at: fc.nat(), policy: policyArb('scp', denyOnly) }),
  fc.record({ kind: fc.constant('rcp-level' as const), at: fc.nat(), level: rcpLevelArb() }),
  fc.record({ kind: fc.constant('rcp' as const), at: fc.nat(), policy: policyArb('rcp', denyOnly) }),
  fc.record({ kind: fc.constant('boundary' as const), policy: policyArb('permissionBoundary') }),
  fc.record({ kind: fc.constant('session' as const), policy: policyArb('session') }),
  fc.record({ kind: fc.constant('deny-statement' as const), at: fc.nat(), statement: statementArb('scp', denyOnly), rcpStatement: statementArb('rcp', denyOnly) }),
);

/**
 * add a guardrail the principal can have: a new SCP or RCP level, a deny-only policy at an existing
 * level, a boundary or a session policy where there was none, a Deny in an existing guardrail.
 * (Another policy with Allows at an existing SCP level is not among them: it widens that level.)
 */
function addGuardrail(docs: PolicyDocs, who: Who, g: Guardrail): PolicyDocs {
  const atLevel = (levels: readonly (readonly JsonObject[])[] | undefined, at: number, policy: JsonObject) =>
    levels === undefined || levels.length === 0 ? [[policy]] : levels.map((level, l) => (l === at % levels.length ? insertAt(level, at, policy) : level));
  switch (g.kind) {
    case 'scp-level':
      return { ...docs, scps: insertAt(docs.scps ?? [], g.at, g.level) };
    case 'deny-only-scp':
      return { ...docs, scps: atLevel(docs.scps, g.at, g.policy) };
    case 'rcp-level':
      return { ...docs, rcps: insertAt(docs.rcps ?? [], g.at, g.level) };
    case 'rcp':
      return { ...docs, rcps: atLevel(docs.rcps, g.at, g.policy) };
    case 'boundary':
      return who.iamIdentity && docs.permissionBoundary === undefined ? { ...docs, permissionBoundary: g.policy } : docs;
    case 'session':
      return who.session && docs.session === undefined ? { ...docs, session: g.policy } : docs;
    case 'deny-statement': {
      const guardrails = docSlots(docs).filter((slot) => slot.type !== 'identity' && slot.type !== 'resource');
      if (guardrails.length === 0) return docs;
      const slot = guardrails[g.at % guardrails.length]!;
      return slot.replace(withStatementAt(slot.doc, g.at, slot.type === 'rcp' ? g.rcpStatement : g.statement));
    }
    default: {
      const never: never = g;
      return never;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. malformed input

/**
 * a change that makes a valid document invalid, and the issue codes (any one of them) it must
 * produce for a policy type; undefined where the change is not a mistake for that type
 */
interface Breakage {
  readonly name: string;
  readonly apply: (doc: JsonObject, type: PolicyType, at: number) => Json;
  readonly codes: (type: PolicyType) => readonly IssueCode[] | undefined;
}

const always = (...codes: IssueCode[]) => () => codes;
const principalTypes = (type: PolicyType) => type === 'resource' || type === 'rcp';

function onStatement(f: (statement: JsonObject, type: PolicyType) => JsonObject): (doc: JsonObject, type: PolicyType, at: number) => Json {
  return (doc, type, at) => {
    const statements = statementsOf(doc);
    return withStatements(doc, statements.map((s, i) => (i === at % statements.length ? f(s, type) : s)));
  };
}

function withCondition(statement: JsonObject, operator: string, block: JsonObject): JsonObject {
  const existing = statement.Condition;
  const conditions = existing !== undefined && existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
  return { ...statement, Condition: { ...conditions, [operator]: block } };
}

const without = (object: JsonObject, ...keys: string[]): JsonObject => Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
const actionKey = (s: JsonObject) => ('Action' in s ? 'Action' : 'NotAction');

const breakageArb: fc.Arbitrary<Breakage> = fc.oneof(
  fc.constantFrom<Json>('2012-10-18', '2012-10-17 ', 20121017, null, '2025-01-01', ['2012-10-17']).map(
    (v): Breakage => ({ name: `Version ${JSON.stringify(v)}`, codes: always('bad-version'), apply: (doc) => ({ ...doc, Version: v }) }),
  ),
  fc.constant<Breakage>({ name: 'Action and NotAction', codes: always('action-and-not-action'), apply: onStatement((s) => ({ ...s, Action: 's3:*', NotAction: 'iam:*' })) }),
  fc.constant<Breakage>({
    name: 'Resource and NotResource',
    codes: always('resource-and-not-resource'),
    apply: onStatement((s) => ({ ...s, Resource: '*', NotResource: 'arn:aws:s3:::bucket-a' })),
  }),
  fc.constant<Breakage>({ name: 'no Resource', codes: (type) => (type === 'resource' ? undefined : ['missing-resource']), apply: onStatement((s) => without(s, 'Resource', 'NotResource')) }),
  fc
    .constantFrom('StringEqualz', 'ForSomeValues:StringLike', 'StringEqualsIfExist', 'stringequals', 'NumericLessThen', 'IpAddressIfExistsIfExists', 'ForAnyValue:', '')
    .map(
      (op): Breakage => ({
        name: `operator \`${op}\``,
        codes: always('unknown-condition-operator'),
        apply: onStatement((s) => withCondition(s, op, { 'aws:RequestedRegion': 'us-east-1' })),
      }),
    ),
  fc.constant<Breakage>({ name: 'NullIfExists', codes: always('if-exists-with-null'), apply: onStatement((s) => withCondition(s, 'NullIfExists', { 'aws:TagKeys': 'true' })) }),
  fc.constantFrom('nokey', 'aws:', ':x', 'aws: SourceIp').map(
    (key): Breakage => ({ name: `condition key \`${key}\``, codes: always('bad-condition-key'), apply: onStatement((s) => withCondition(s, 'StringEquals', { [key]: 'x' })) }),
  ),
  fc
    .constantFrom<[string, Json]>(['NumericLessThan', 'ten'], ['Bool', 'yes'], ['IpAddress', '10.0.0.300/8'], ['DateLessThan', 'tomorrow'], ['NumericEquals', []], ['StringEquals', { a: 1 }], ['BinaryEquals', 'abc'])
    .map(
      ([op, v]): Breakage => ({
        name: `${op} ${JSON.stringify(v)}`,
        codes: always('bad-condition-value'),
        apply: onStatement((s) => withCondition(s, op, { 'aws:SomeKey': v })),
      }),
    ),
  fc.constantFrom<Json>('x', 42, [], null).map((v): Breakage => ({ name: `Condition ${JSON.stringify(v)}`, codes: always('bad-condition'), apply: onStatement((s) => ({ ...s, Condition: v })) })),
  fc.constantFrom<Json>('allow', 'Permit', 1, true, null, ['Allow'], '').map(
    (v): Breakage => ({ name: `Effect ${JSON.stringify(v)}`, codes: always('bad-effect'), apply: onStatement((s) => ({ ...s, Effect: v })) }),
  ),
  fc.constant<Breakage>({ name: 'no Effect', codes: always('missing-effect'), apply: onStatement((s) => without(s, 'Effect')) }),
  fc.constantFrom<Json>(42, {}, [], ['s3:GetObject', 7], 's3 GetObject', 'GetObject', 's3:Get/Object').map(
    (v): Breakage => ({ name: `Action ${JSON.stringify(v)}`, codes: always('bad-action'), apply: onStatement((s) => ({ ...s, [actionKey(s)]: v })) }),
  ),
  fc.constant<Breakage>({ name: 'no Action', codes: always('missing-action'), apply: onStatement((s) => without(s, 'Action', 'NotAction')) }),
  fc.constantFrom<Json>(42, [], {}, [null], true).map(
    (v): Breakage => ({ name: `Resource ${JSON.stringify(v)}`, codes: always('bad-resource'), apply: onStatement((s) => ({ ...without(s, 'NotResource'), Resource: v })) }),
  ),
  fc.constantFrom('bucket-a', 'arn:aws', 's3:::bucket', 'arn::s3:::bucket-a').map(
    (v): Breakage => ({ name: `Resource \`${v}\``, codes: always('malformed-arn'), apply: onStatement((s) => ({ ...without(s, 'NotResource'), Resource: ['*', v] })) }),
  ),
  fc.constant<Breakage>({
    name: 'unterminated variable',
    codes: always('bad-variable'),
    apply: (doc, type, at) => onStatement((s) => ({ ...without(s, 'NotResource'), Resource: 'arn:aws:s3:::bucket-a/${aws:username' }))({ ...doc, Version: '2012-10-17' }, type, at),
  }),
  fc.constantFrom<Json>('x', 42, null, true).map((v): Breakage => ({ name: `Statement ${JSON.stringify(v)}`, codes: always('bad-statement'), apply: (doc) => ({ ...doc, Statement: v }) })),
  fc.constantFrom<Json>('x', 42, null, []).map(
    (v): Breakage => ({ name: `statement ${JSON.stringify(v)}`, codes: always('bad-statement'), apply: (doc) => ({ ...doc, Statement: [...statementsOf(doc), v] }) }),
  ),
  fc.constant<Breakage>({ name: 'Statement []', codes: always('empty-statement'), apply: (doc) => ({ ...doc, Statement: [] }) }),
  fc.constant<Breakage>({ name: 'no Statement', codes: always('missing-statement'), apply: (doc) => without(doc, 'Statement') }),
  fc.constantFrom('Acton', 'effect', 'Resources', 'Condtion').map(
    (k): Breakage => ({ name: `element ${k}`, codes: always('unknown-element'), apply: onStatement((s) => ({ ...s, [k]: 's3:*' })) }),
  ),
  fc.constantFrom('Statements', 'version', 'Comment').map((k): Breakage => ({ name: `document element ${k}`, codes: always('unknown-element'), apply: (doc) => ({ ...doc, [k]: [] }) })),
  fc.constantFrom<Json>(5, true, null, ['S1']).map((v): Breakage => ({ name: `Sid ${JSON.stringify(v)}`, codes: always('bad-sid'), apply: onStatement((s) => ({ ...s, Sid: v })) })),
  fc.constant<Breakage>({
    name: 'one Sid twice',
    codes: always('duplicate-sid'),
    apply: (doc) => {
      const [first, ...rest] = statementsOf(doc);
      return { ...doc, Statement: [{ ...first!, Sid: 'Twice' }, ...rest, { ...first!, Sid: 'Twice' }] };
    },
  }),
  // (not a string: parsePolicy reads a string as JSON text)
  fc.constantFrom<Json>(42, [], null, true).map(
    (v): Breakage => ({ name: `document ${JSON.stringify(v)}`, codes: always('not-an-object'), apply: (doc) => (Array.isArray(v) ? [doc] : v) }),
  ),
  // the policy-type rules: where a Principal belongs, and what an RCP may say
  fc.constant<Breakage>({
    name: 'Principal where it does not belong, or none where it must be',
    codes: (type) => (principalTypes(type) ? ['missing-principal'] : ['principal-not-allowed']),
    apply: onStatement((s, type) => (principalTypes(type) ? without(s, 'Principal', 'NotPrincipal') : { ...s, Principal: '*' })),
  }),
  fc.constant<Breakage>({
    name: 'Principal and NotPrincipal',
    codes: always('principal-and-not-principal'),
    apply: onStatement((s) => ({ ...s, Principal: '*', NotPrincipal: { AWS: ACCOUNT } })),
  }),
  fc.constantFrom<Json>('arn:aws:iam::*:root', 42, { User: 'alice' }, { AWS: 'alice' }, { AWS: [] }, { Service: '*' }).map(
    (v): Breakage => ({
      name: `Principal ${JSON.stringify(v)}`,
      codes: (type) => (principalTypes(type) ? ['bad-principal'] : ['principal-not-allowed']),
      apply: onStatement((s) => ({ ...without(s, 'NotPrincipal'), Principal: v })),
    }),
  ),
  fc.constant<Breakage>({ name: 'RCP Allow', codes: (type) => (type === 'rcp' ? ['rcp-allow-not-supported'] : undefined), apply: onStatement((s) => ({ ...s, Effect: 'Allow' })) }),
  fc.constant<Breakage>({
    name: 'RCP naming a principal',
    codes: (type) => (type === 'rcp' ? ['rcp-principal-must-be-star'] : undefined),
    apply: onStatement((s) => ({ ...s, Principal: { AWS: ACCOUNT } })),
  }),
);

type TextEdit =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'swap'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly char: string }
  | { readonly kind: 'replace'; readonly at: number; readonly char: string }
  | { readonly kind: 'duplicate-key'; readonly at: number; readonly key: 'Effect' | 'Action' | 'Statement' | 'Version' };

const textEditArb: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', ' ', '\n', 'x', '1', '\\', '*', '\u0000') }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.constantFrom('{', '}', '"', ',', ':', 'x', '0', '?', '*', 'A') }),
  fc.record({ kind: fc.constant('duplicate-key' as const), at: fc.nat(), key: fc.constantFrom('Effect' as const, 'Action' as const, 'Statement' as const, 'Version' as const) }),
);

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && text.startsWith('{') && text.endsWith('}');
  } catch {
    return false;
  }
}

/** the edited text, and the code the edit must produce when it is certain to produce one */
function editText(text: string, edit: TextEdit): { text: string; code?: IssueCode } {
  const at = edit.at % text.length;
  // only an edit of valid text has a certain outcome
  const valid = isJsonObjectText(text);
  switch (edit.kind) {
    case 'truncate':
      // an object cut short is never valid JSON
      return valid ? { text: text.slice(0, at), code: 'json-syntax' } : { text: text.slice(0, at) };
    case 'delete':
      return { text: text.slice(0, at) + text.slice(at + 1) };
    case 'swap':
      return at + 1 < text.length ? { text: text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2) } : { text };
    case 'insert':
      return { text: text.slice(0, at) + edit.char + text.slice(at) };
    case 'replace':
      return { text: text.slice(0, at) + edit.char + text.slice(at + 1) };
    case 'duplicate-key': {
      // repeat a member inside the same object: JSON.parse would silently keep the last one
      const members = [...text.matchAll(new RegExp(`"${edit.key}":`, 'g'))];
      if (members.length === 0) return { text };
      const index = members[edit.at % members.length]!.index;
      const duplicate = edit.key === 'Statement' ? '"Statement": [], ' : edit.key === 'Version' ? '"Version": "2012-10-17", ' : `"${edit.key}": "Allow", `;
      return valid ? { text: text.slice(0, index) + duplicate + text.slice(index), code: 'duplicate-key' } : { text: text.slice(0, index) + duplicate + text.slice(index) };
    }
    default: {
      const never: never = edit;
      return never;
    }
  }
}

const KNOWN_CODES = new Set<IssueCode>([
  'json-syntax', 'duplicate-key', 'not-an-object', 'unknown-element', 'missing-version', 'bad-version', 'missing-statement', 'empty-statement',
  'bad-statement', 'bad-sid', 'duplicate-sid', 'bad-effect', 'missing-effect', 'action-and-not-action', 'missing-action', 'bad-action',
  'unknown-action', 'resource-and-not-resource', 'missing-resource', 'bad-resource', 'malformed-arn', 'principal-and-not-principal',
  'missing-principal', 'principal-not-allowed', 'bad-principal', 'not-principal-with-allow', 'rcp-allow-not-supported', 'rcp-not-action-not-supported', 'unknown-variable',
  'rcp-principal-must-be-star', 'bad-condition', 'unknown-condition-operator', 'bad-condition-value', 'bad-condition-key',
  'if-exists-with-null', 'set-operator-on-single-valued-key', 'bad-variable', 'variables-ignored', 'bad-case',
]);

/** the parse result's contract: ok exactly when there is no error, every issue coded and located */
function assertWellFormedResult(result: ReturnType<typeof parsePolicy>, text?: string): void {
  assert.equal(result.ok, !hasErrors(result.issues), 'ok must mean: no error issue');
  if (!result.ok) assert.ok(result.issues.some((i) => i.severity === 'error'), 'a failed parse carries at least one error');
  const lines = text?.split('\n');
  for (const issue of result.issues) assertLocatedIssue(issue, lines);
}

function assertLocatedIssue(issue: Issue, lines: readonly string[] | undefined): void {
  assert.ok(KNOWN_CODES.has(issue.code), `unknown issue code \`${issue.code}\``);
  assert.ok(issue.severity === 'error' || issue.severity === 'warning');
  assert.equal(typeof issue.message, 'string');
  assert.ok(issue.message.length > 0);
  assert.ok(issue.path !== undefined, 'an engine issue always has a JSON path');
  assert.match(issue.path, /^\$/);
  if (lines === undefined) return;
  // read from text: every issue points at a line and column inside it
  assert.ok(Number.isInteger(issue.line) && issue.line! >= 1 && issue.line! <= lines.length, `line ${issue.line} outside the text`);
  assert.ok(Number.isInteger(issue.column) && issue.column! >= 1 && issue.column! <= lines[issue.line! - 1]!.length + 1, `column ${issue.column} outside line ${issue.line}`);
}

const policyTypeArb = fc.constantFrom<PolicyType>('identity', 'scp', 'rcp', 'resource', 'permissionBoundary', 'session');

const typedPolicyArb: fc.Arbitrary<{ type: PolicyType; doc: JsonObject }> = policyTypeArb.chain((type) => fc.record({ type: fc.constant(type), doc: policyArb(type) }));

/** write a document as a person would (indented, so issues land on several lines) or compactly */
const formatArb = fc.constantFrom<(doc: Json) => string>(
  (doc) => JSON.stringify(doc, null, 2),
  (doc) => JSON.stringify(doc),
  (doc) => JSON.stringify(doc, null, '\t'),
);

function replaceAt(value: Json, path: readonly (string | number)[], replacement: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  if (value !== null && typeof value === 'object') return { ...value, [head]: replaceAt(value[head]!, rest, replacement) };
  return value;
}

/** a decision case document (conformance/FORMAT.md) for the scenario, with its policies as given */
function caseText(s: Scenario, policies: string): string {
  const request = JSON.stringify(s.request);
  const principal = JSON.stringify(s.who.facts);
  const organization = s.managementAccount !== undefined ? `"organization": ${JSON.stringify({ managementAccount: s.managementAccount })},\n` : '';
  return `{"name": "generated", "request": ${request}, "principal": ${principal},\n${organization}"policies": ${policies}}`;
}

/** the case's policies as JSON text, with the document at `slot` replaced by `replacement` text */
function policiesText(docs: PolicyDocs, slot: number, replacement: string): string {
  const marker: JsonObject = { __replaced__: true };
  const text = JSON.stringify(docSlots(docs)[slot]!.replace(marker));
  return text.replace(JSON.stringify(marker), replacement);
}

const SAMPLE_REQUESTS = PRINCIPALS.filter((w) => ['user', 'role-session', 'root', 'anonymous'].includes(w.label)).flatMap((who) =>
  fc.sample(requestArb(who), { numRuns: 3, seed: 42 }).map((request) => ({ request, facts: who.facts })),
);

/** compile a parsed policy in the slot its type belongs to and decide a few requests: nothing throws */
function evaluatesNormally(policy: Policy): void {
  const input: PolicySetInput = (() => {
    switch (policy.type) {
      case 'scp':
        return { scps: [[policy]] };
      case 'rcp':
        return { rcps: [[policy]] };
      case 'identity':
        return { identity: [policy] };
      case 'permissionBoundary':
      case 'session':
      case 'resource':
        return { [policy.type]: policy };
      default: {
        const never: never = policy.type;
        return never;
      }
    }
  })();
  const compiled = compilePolicySet(input);
  for (const { request, facts } of SAMPLE_REQUESTS) assert.ok(DECISION_KINDS.includes(decide(compiled, request, facts).decision));
}

function evaluateParsedCase(c: DecisionCase): Decision {
  return decide(compilePolicySet(c.policies, c.options), c.request, c.principal);
}

// ---------------------------------------------------------------------------------------------
// 6. purity

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** a structural picture of a value, Maps and Sets included; functions by identity */
function fingerprint(value: unknown, ids: Map<unknown, number> = new Map(), seen: Set<unknown> = new Set()): string {
  if (typeof value === 'function') {
    if (!ids.has(value)) ids.set(value, ids.size);
    return `fn#${ids.get(value)}`;
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  let out: string;
  if (value instanceof Map) out = `Map{${[...value].map(([k, v]) => `${fingerprint(k, ids, seen)}=>${fingerprint(v, ids, seen)}`).join(',')}}`;
  else if (value instanceof Set) out = `Set{${[...value].map((v) => fingerprint(v, ids, seen)).join(',')}}`;
  else if (Array.isArray(value)) out = `[${value.map((v) => fingerprint(v, ids, seen)).join(',')}]`;
  else out = `{${Object.entries(value).map(([k, v]) => `${k}:${fingerprint(v, ids, seen)}`).join(',')}}`;
  seen.delete(value);
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('policy decision invariants', () => {
  it('explicit deny wins', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.nat(), fc.nat(), fc.boolean(), fc.nat(), (s, targetPick, pick, asNewPolicy, form) => {
        const targets = applicableTargets(s);
        const target = targets[targetPick % targets.length]!;
        // resource control policies do not support NotAction
        const forms = target === 'rcp' ? DENY_EVERYTHING.filter((d) => !('NotAction' in d)) : DENY_EVERYTHING;
        const denyAll = forms[form % forms.length]!;
        const names = principalsNaming(s.who);
        const { key, value } = target === 'rcp' ? { key: 'Principal', value: '*' } : names[(form >> 4) % names.length]!;
        const deny = target === 'resource' || target === 'rcp' ? { ...denyAll, [key]: value } : denyAll;
        const decision = scenarioDecision(s, addStatement(s.docs, target, deny, pick, asNewPolicy));
        assert.equal(decision.decision, 'ExplicitDeny', `a Deny of everything in the ${target} policy`);
        assert.ok(
          decision.causes.some((c) => c.kind === 'explicit-deny' && c.statement.policyType === target),
          `the ${target} Deny is among the causes`,
        );
      }),
      { numRuns: 1000 },
    );
  });

  describe('default deny', () => {
    it('without an Allow in any identity or resource policy, only the root user in its own account is allowed', () => {
      fc.assert(
        fc.property(scenarioArb({ identityEffect: denyOnly, resourceEffect: denyOnly }), (s) => {
          const decision = scenarioDecision(s);
          if (!rootHasFullAccess(s)) {
            assert.notEqual(decision.decision, 'Allow');
            return;
          }
          // AWS's documented exception: the root user has full access unless something restricts it
          if (decision.decision === 'Allow') {
            assert.ok(decision.causes.every((c) => c.kind === 'allow' && c.statement.policyType === 'scp'), 'only SCP Allows can explain the root user\'s Allow');
          }
        }),
        { numRuns: 800 },
      );
    });

    it('with no policies at all: ImplicitDeny, except the root user in its own account (Allow)', () => {
      fc.assert(
        fc.property(scenarioArb({ kinds: [] }), (s) => {
          const decision = scenarioDecision(s);
          assert.equal(decision.decision, rootHasFullAccess(s) ? 'Allow' : 'ImplicitDeny');
        }),
        { numRuns: 300 },
      );
    });

    it('the root user in its own account is restricted by an SCP level without an Allow', () => {
      const roots = PRINCIPALS.filter((w) => w.root && w.account === ACCOUNT);
      fc.assert(
        fc.property(
          fc.constantFrom(...roots).chain((who) => fc.record({ who: fc.constant(who), request: requestArb(who) })),
          fc.array(fc.array(policyArb('scp', denyOnly), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }),
          fc.nat(),
          ({ who, request }, denyOnlyLevels, seed) => {
            fc.pre(!needsResourcePolicy(request));
            const s: Scenario = { who, request: { ...request, resourceAccount: ACCOUNT }, managementAccount: MANAGEMENT_ACCOUNT, docs: {} };
            // one level (the first before shuffling) has no Allow
            const scps = shuffled(denyOnlyLevels.map((level, l) => (l === 0 ? level : [FULL_ACCESS, ...level])), seed);
            assert.equal(scenarioDecision(s).decision, 'Allow');
            assert.notEqual(scenarioDecision(s, { scps }).decision, 'Allow');
            assert.equal(scenarioDecision({ ...s, managementAccount: ACCOUNT }, { scps }).decision, 'Allow', 'SCPs do not restrict the management account');
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  it('order and duplication of policies and statements do not matter', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.array(rearrangementArb, { minLength: 1, maxLength: 4 }), (s, rearrangements) => {
        const before = scenarioDecision(s);
        const docs = rearrangements.reduce(rearrange, s.docs);
        const after = scenarioDecision(s, docs);
        assert.equal(after.decision, before.decision);
        assert.deepEqual(after.missingContextKeys, before.missingContextKeys);
      }),
      { numRuns: 1000 },
    );
  });

  describe('a guardrail, boundary or session policy never grants on its own', () => {
    it('SCPs, RCPs, a boundary and a session policy without identity or resource policies never allow', () => {
      fc.assert(
        fc.property(scenarioArb({ kinds: ['scps', 'rcps', 'permissionBoundary', 'session'], who: (w) => !w.root }), (s) => {
          assert.notEqual(scenarioDecision(s).decision, 'Allow');
        }),
        { numRuns: 600 },
      );
    });

    it('adding a guardrail can turn an Allow into a deny, never a deny into an Allow', () => {
      fc.assert(
        fc.property(scenarioArb(), fc.array(guardrailArb, { minLength: 1, maxLength: 3 }), (s, guardrails) => {
          const before = scenarioDecision(s).decision;
          const after = scenarioDecision(s, guardrails.reduce((docs, g) => addGuardrail(docs, s.who, g), s.docs)).decision;
          if (before !== 'Allow') assert.notEqual(after, 'Allow', `was ${before}`);
          if (before === 'ExplicitDeny') assert.equal(after, 'ExplicitDeny');
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('malformed input never allows', () => {
    it('parsePolicy never throws, whatever it is given', () => {
      const anything = fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true, withBigInt: true, withSparseArray: true });
      fc.assert(
        fc.property(policyTypeArb, fc.oneof(anything, fc.string(), fc.json(), fc.string({ unit: 'binary' })), (type, input) => {
          const result = parsePolicy(input, { type });
          assertWellFormedResult(result, typeof input === 'string' ? input : undefined);
        }),
        { numRuns: 1000 },
      );
    });

    it('a policy with any element replaced by any JSON value parses to issues or to a policy that evaluates', () => {
      fc.assert(
        fc.property(typedPolicyArb, fc.nat(), fc.jsonValue({ maxDepth: 2 }), formatArb, (policy, pick, replacement, format) => {
          const paths: (string | number)[][] = [];
          const walk = (value: Json, path: (string | number)[]) => {
            paths.push(path);
            if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
            else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
          };
          walk(policy.doc, []);
          const doc = replaceAt(policy.doc, paths[pick % paths.length]!, replacement as Json);
          const text = format(doc);
          const result = parsePolicy(text, { type: policy.type });
          assertWellFormedResult(result, text);
          if (result.ok) evaluatesNormally(result.value);
        }),
        { numRuns: 600 },
      );
    });

    it('a broken document fails to parse with the issue that names the mistake, located', () => {
      fc.assert(
        fc.property(typedPolicyArb, breakageArb, fc.nat(), formatArb, (policy, breakage, at, format) => {
          const codes = breakage.codes(policy.type);
          fc.pre(codes !== undefined);
          const broken = breakage.apply(policy.doc, policy.type, at);
          for (const [input, text] of [[broken, undefined], [format(broken), format(broken)]] as const) {
            const result = parsePolicy(input, { type: policy.type });
            assertWellFormedResult(result, text);
            assert.equal(result.ok, false, `${breakage.name} in a ${policy.type} policy must not parse`);
            assert.ok(
              result.issues.some((i) => codes.includes(i.code) && i.severity === 'error'),
              `${breakage.name}: expected ${codes.join(' or ')}, got ${result.issues.map((i) => i.code).join(', ')}`,
            );
          }
        }),
        { numRuns: 600 },
      );
    });

    it('edited policy text parses to located issues, or to a policy that evaluates', () => {
      fc.assert(
        fc.property(typedPolicyArb, fc.array(textEditArb, { minLength: 1, maxLength: 3 }), formatArb, (policy, edits, format) => {
          let text = format(policy.doc);
          let code: IssueCode | undefined;
          for (const edit of edits) {
            if (text.length === 0) break;
            const edited = editText(text, edit);
            text = edited.text;
            // a later edit may repair the text: only the last edit's expectation holds
            code = edited.code;
          }
          const result = parsePolicy(text, { type: policy.type });
          assertWellFormedResult(result, text);
          if (code !== undefined) {
            assert.equal(result.ok, false);
            assert.ok(result.issues.some((i) => i.code === code), `expected ${code}, got ${result.issues.map((i) => i.code).join(', ')}`);
          }
          if (result.ok) evaluatesNormally(result.value);
        }),
        { numRuns: 800 },
      );
    });

    it('a case with a policy that fails to parse is not evaluated, so it never allows', () => {
      fc.assert(
        fc.property(
          scenarioArb().filter((s) => docSlots(s.docs).length > 0),
          fc.nat(),
          fc.oneof(breakageArb.map((b) => ({ breakage: b })), fc.array(textEditArb, { minLength: 1, maxLength: 2 }).map((e) => ({ edits: e }))),
          (s, pick, change) => {
            const slots = docSlots(s.docs);
            const slot = pick % slots.length;
            const { doc, type } = slots[slot]!;
            let text: string;
            if ('breakage' in change) {
              fc.pre(change.breakage.codes(type) !== undefined);
              text = JSON.stringify(change.breakage.apply(doc, type, pick), null, 2);
            } else {
              text = change.edits.reduce((t, e) => (t.length === 0 ? t : editText(t, e).text), JSON.stringify(doc, null, 2));
            }
            // blank text would not be a broken policy in the case but no policy at all
            fc.pre(text.trim() !== '');
            const alone = parsePolicy(text, { type });
            const parsed = parseCase(caseText(s, policiesText(s.docs, slot, text)));
            if (alone.ok) return;
            // `simulate --case` reports an invalid case and decides nothing (exit status 2); ad hoc,
            // `simulate` stops on any error issue, which a failed parse always has (assertWellFormedResult).
            // Dropping the broken policy and deciding with the rest could turn a Deny into an Allow.
            assert.equal(parsed.ok, false, 'a case holding an invalid policy is itself invalid');
            assert.ok(parsed.issues.some((i) => i.severity === 'error'));
          },
        ),
        { numRuns: 500 },
      );
    });

    it('a valid case decides as the engine does', () => {
      fc.assert(
        fc.property(scenarioArb(), (s) => {
          const parsed = parseCase(caseText(s, JSON.stringify(s.docs)));
          assert.ok(parsed.ok, parsed.ok ? '' : parsed.issues.map((i) => `${i.code} ${i.path} ${i.message}`).join('; '));
          assert.equal(evaluateParsedCase(parsed.value).decision, scenarioDecision(s).decision);
        }),
        { numRuns: 300 },
      );
    });
  });

  it('decisions are deterministic and pure', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.constantFrom(...PRINCIPALS).chain((who) => fc.record({ who: fc.constant(who), request: requestArb(who) })), (s, other) => {
        const docsText = JSON.stringify(s.docs);
        // frozen, so that any write by the engine throws (modules run in strict mode)
        const policies = deepFreeze(parseDocs(deepFreeze(structuredClone(s.docs))));
        const options = s.managementAccount !== undefined ? { managementAccount: s.managementAccount } : {};
        const compiled = compilePolicySet(policies, options);
        const compiledBefore = fingerprint(compiled);
        const request = deepFreeze(structuredClone(s.request));
        const facts = deepFreeze({ ...s.who.facts });
        const requestText = JSON.stringify(request);

        const first = decide(compiled, request, facts);
        const second = decide(compiled, request, facts);
        decide(compiled, other.request, other.who.facts);
        const third = decide(compiled, request, facts);
        assert.deepEqual(second, first);
        assert.deepEqual(third, first);
        assert.deepEqual(decidePrepared(compiled, prepareRequest(request, facts)), first);
        assert.deepEqual(decide(compilePolicySet(policies, options), request, facts), first);
        assert.deepEqual(decide(compileScenario(s), request, facts), first);
        assert.equal(explain(third), explain(first));
        // a decision is a plain value: it survives JSON unchanged (the CLI and the audit log print it)
        assert.deepEqual(JSON.parse(JSON.stringify(first)), first);

        assert.equal(fingerprint(compiled), compiledBefore, 'the compiled set is unchanged');
        assert.equal(JSON.stringify(request), requestText, 'the request is unchanged');
        assert.equal(JSON.stringify(s.docs), docsText, 'the documents are unchanged');
        assert.ok(DECISION_KINDS.includes(first.decision));
      }),
      { numRuns: 400 },
    );
  });

  it("causes: 'sufficient' decides the same, with a subset of the causes and every explicit deny", () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const compiled = compileScenario(s);
        const all = decide(compiled, s.request, s.who.facts);
        const sufficient = decide(compiled, s.request, s.who.facts, { causes: 'sufficient' });
        assert.equal(sufficient.decision, all.decision);
        assert.deepEqual(sufficient.outcomes, all.outcomes);
        const key = (c: (typeof all.causes)[number]) => JSON.stringify(c);
        const allKeys = new Set(all.causes.map(key));
        for (const cause of sufficient.causes) assert.ok(allKeys.has(key(cause)), `${key(cause)} is a cause in the full answer too`);
        const denies = (d: Decision) => d.causes.filter((c) => c.kind !== 'allow').map(key).sort();
        assert.deepEqual(denies(sufficient), denies(all));
        for (const k of sufficient.missingContextKeys) assert.ok(all.missingContextKeys.includes(k));
      }),
      { numRuns: 1000 },
    );
  });
});
