/**
 * Random small organizations for property tests of the analyses: a management account and three
 * accounts placed at the root or in two nested units, two deny guardrails and a resource
 * guardrail attached here and there, three permission sets (one maybe with a boundary), three
 * groups of up to four users, assignments and a service account. The policies use a small action
 * vocabulary (`VOCABULARY_SERVICES`), so that a test can decide every action they could grant one
 * by one. A second version differs from the first by random edits: each part of the model is
 * kept or replaced by a random other.
 *
 * The vocabulary leaves out `sts`: `assume-any-role` and `identity-control` look at where
 * `sts:AssumeRole` is allowed on every resource, which a plain recomputation on resource `*` does
 * not see; without it, those two never hold, in either version.
 */
import fc from 'fast-check';
import type { OrgConfig } from '../org/index.ts';
import { parseValid, policyText } from '../org/acme-variant.test-support.ts';

/** the services whose actions the random policies name: every other action is denied for every request */
export const VOCABULARY_SERVICES = ['iam', 'sns', 'sqs'] as const;

const ACTIONS = ['sqs:*', 'sqs:SendMessage', 'sqs:Get*', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:Get*', 'iam:*', 'sns:Publish', 'sns:*'];
const RESOURCES = ['*', 'arn:aws:sqs:*:*:queue-a', 'arn:aws:iam::*:role/app-*'];
const MANAGEMENT = '100000000001';
export const ACCOUNTS = [
  { name: 'management', id: MANAGEMENT },
  { name: 'a1', id: '200000000001' },
  { name: 'a2', id: '200000000002' },
  { name: 'a3', id: '200000000003' },
] as const;
const CONDITIONS: readonly (Record<string, Record<string, string>> | undefined)[] = [
  undefined,
  // depends on the request
  { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  // known for the session: holds in one account, for one permission set, never
  { StringEquals: { 'aws:PrincipalAccount': '200000000001' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/parapet/ps1' } },
  { StringNotEquals: { 'aws:PrincipalOrgID': 'o-rand0example' } },
];
/** every context of the keys the conditions read that depend on the request (absent, or each value that tells them apart) */
export const REQUEST_CONTEXTS: readonly Readonly<Record<string, string>>[] = [undefined, 'eu-west-1', 'us-east-1'].flatMap((region) =>
  [undefined, 'true', 'false'].map((mfa) => ({ ...(region !== undefined ? { 'aws:RequestedRegion': region } : {}), ...(mfa !== undefined ? { 'aws:MultiFactorAuthPresent': mfa } : {}) })),
);
/** one resource of each kind the resource patterns tell apart, in an account: the queue, an `app-` role, neither */
export function resourceSamples(accountId: string): readonly string[] {
  return [`arn:aws:sqs:eu-west-1:${accountId}:queue-a`, `arn:aws:iam::${accountId}:role/app-x`, `arn:aws:sns:eu-west-1:${accountId}:topic-z`];
}
const GROUPS = ['g0', 'g1', 'g2'];
const USERS = ['u0@x.example', 'u1@x.example', 'u2@x.example', 'u3@x.example'];
const SETS = ['ps0', 'ps1', 'ps2'];
/** where guardrails attach: the root, unit `u1`, unit `u1/u2`, and the three accounts */
const NODES = ['root', 'u1', 'u2', 'a1', 'a2', 'a3'] as const;
type Node = (typeof NODES)[number];

interface StatementModel {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly condition: number;
}

export interface OrgModel {
  /** permission sets' policies */
  readonly sets: readonly (readonly StatementModel[])[];
  /** the statements of ps0's boundary, when it has one */
  readonly boundary: readonly StatementModel[] | undefined;
  /** two deny SCPs */
  readonly scps: readonly (readonly StatementModel[])[];
  readonly rcp: readonly StatementModel[];
  /** per node: which deny SCPs are attached (next to full-access, always: AWS requires an Allow at every level), RCP attached */
  readonly attached: Readonly<Record<Node, { readonly scps: readonly boolean[]; readonly rcp: boolean }>>;
  /** where a1, a2, a3 are */
  readonly placement: readonly ('root' | 'u1' | 'u2')[];
  readonly members: readonly (readonly string[])[];
  readonly assignments: readonly { readonly group: string; readonly set: string; readonly accounts: readonly string[]; readonly eligible: boolean }[];
  readonly serviceAccount: { readonly set: string; readonly accounts: readonly string[] };
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const someOf = <T>(values: readonly T[], min = 1) => fc.subarray([...values], { minLength: min });

const statement = (effects: readonly ('Allow' | 'Deny')[], notAction = true): fc.Arbitrary<StatementModel> =>
  fc.record({ effect: pick(effects), actions: someOf(ACTIONS), resources: someOf(RESOURCES), condition: fc.nat({ max: CONDITIONS.length - 1 }), notAction: fc.boolean() }).map((s) => ({
    ...s,
    // an Allow with NotAction grants the whole catalog: out of the vocabulary
    notAction: notAction && s.effect === 'Deny' && s.notAction && s.actions.length === 1,
  }));
const statements = (effects: readonly ('Allow' | 'Deny')[], max: number, notAction = true) => fc.array(statement(effects, notAction), { minLength: 1, maxLength: max });

const accountNames = ACCOUNTS.map((a) => a.name);

/** the model's parts, each an arbitrary: a second version replaces some of them */
const PARTS = {
  sets: fc.tuple(statements(['Allow', 'Allow', 'Deny'], 3), statements(['Allow', 'Allow', 'Deny'], 3), statements(['Allow', 'Allow', 'Deny'], 3)),
  boundary: fc.option(statements(['Allow'], 2), { nil: undefined }),
  scps: fc.tuple(statements(['Deny'], 2), statements(['Deny'], 2)),
  // RCPs do not support NotAction
  rcp: statements(['Deny'], 2, false),
  attached: fc.record(
    Object.fromEntries(NODES.map((n) => [n, fc.record({ scps: fc.tuple(fc.boolean(), fc.boolean()), rcp: fc.boolean() })])) as Record<
      Node,
      fc.Arbitrary<{ scps: [boolean, boolean]; rcp: boolean }>
    >,
  ),
  placement: fc.tuple(pick(['root', 'u1', 'u2'] as const), pick(['root', 'u1', 'u2'] as const), pick(['root', 'u1', 'u2'] as const)),
  members: fc.tuple(someOf(USERS, 0), someOf(USERS, 0), someOf(USERS, 0)),
  assignments: fc.array(fc.record({ group: pick(GROUPS), set: pick(SETS), accounts: someOf(accountNames), eligible: fc.boolean() }), { maxLength: 5 }),
  serviceAccount: fc.record({ set: pick(SETS), accounts: someOf(accountNames) }),
};

export const orgModel: fc.Arbitrary<OrgModel> = fc.record(PARTS);

/** two versions: the second keeps each part of the first or replaces it (at least one part replaced, mostly) */
export const orgModelPair: fc.Arbitrary<readonly [OrgModel, OrgModel]> = fc
  .tuple(orgModel, orgModel, fc.array(fc.boolean(), { minLength: Object.keys(PARTS).length, maxLength: Object.keys(PARTS).length }))
  .map(([before, other, replace]) => {
    const after = Object.fromEntries(Object.keys(PARTS).map((part, i) => [part, (replace[i] ? other : before)[part as keyof OrgModel]])) as unknown as OrgModel;
    return [before, after] as const;
  });

function policyOf(model: readonly StatementModel[], principal: boolean): string {
  return policyText(
    model.map((s) => ({
      Effect: s.effect,
      ...(principal ? { Principal: '*' } : {}),
      [s.notAction ? 'NotAction' : 'Action']: s.actions,
      Resource: s.resources,
      ...(CONDITIONS[s.condition] !== undefined ? { Condition: CONDITIONS[s.condition] } : {}),
    })),
  );
}

/** the model as a configuration's files */
export function orgFiles(model: OrgModel): Map<string, string> {
  const guardrails = (node: Node) => {
    const a = model.attached[node];
    return ['full-access', ...a.scps.flatMap((on, i) => (on ? [`deny-${i}`] : []))];
  };
  const rcps = (node: Node) => (model.attached[node].rcp ? ['perimeter'] : []);
  const list = (names: readonly string[]) => `[${names.join(', ')}]`;
  const accountsAt = (where: 'root' | 'u1' | 'u2', indent: string) =>
    ACCOUNTS.slice(1)
      .filter((_, i) => model.placement[i] === where)
      .map((a) => `${indent}- { id: "${a.id}", name: ${a.name}, guardrails: ${list(guardrails(a.name as Node))}, resourceGuardrails: ${list(rcps(a.name as Node))} }\n`)
      .join('');
  const accounts = (where: 'root' | 'u1' | 'u2', indent: string, first = '') => {
    const text = `${first}${accountsAt(where, `${indent}  `)}`.trimEnd();
    return text === '' ? `${indent}accounts: []` : `${indent}accounts:\n${text}`;
  };
  const yaml = [
    'organization:',
    '  name: random',
    '  id: o-rand0example',
    `  managementAccount: "${MANAGEMENT}"`,
    '  root:',
    `    guardrails: ${list(guardrails('root'))}`,
    `    resourceGuardrails: ${list(rcps('root'))}`,
    accounts('root', '    ', `      - { id: "${MANAGEMENT}", name: management }\n`),
    '    units:',
    '      - name: u1',
    `        guardrails: ${list(guardrails('u1'))}`,
    `        resourceGuardrails: ${list(rcps('u1'))}`,
    accounts('u1', '        '),
    '        units:',
    '          - name: u2',
    `            guardrails: ${list(guardrails('u2'))}`,
    `            resourceGuardrails: ${list(rcps('u2'))}`,
    accounts('u2', '            '),
    'guardrails:',
    '  full-access: guardrails/full-access.json',
    '  deny-0: guardrails/deny-0.json',
    '  deny-1: guardrails/deny-1.json',
    'resourceGuardrails:',
    '  perimeter: resource-guardrails/perimeter.json',
    'permissionSets:',
    ...SETS.flatMap((name, i) => [`  ${name}:`, `    policies: [permission-sets/${name}.json]`, ...(i === 0 && model.boundary !== undefined ? ['    boundary: boundaries/ps0.json'] : [])]),
    'groups:',
    ...GROUPS.map((g, i) => `  ${g}: { members: ${list(model.members[i]!)} }`),
    'assignments:',
    ...model.assignments.map((a) => `  - { group: ${a.group}, permissionSet: ${a.set}, accounts: ${list(a.accounts)}${a.eligible ? ', eligible: true' : ''} }`),
    'serviceAccounts:',
    `  robot: { permissionSet: ${model.serviceAccount.set}, accounts: ${list(model.serviceAccount.accounts)} }`,
  ]
    .join('\n');
  const files = new Map<string, string>([
    ['parapet.yaml', `${yaml}\n`],
    ['guardrails/full-access.json', policyText([{ Effect: 'Allow', Action: '*', Resource: '*' }])],
    ['guardrails/deny-0.json', policyOf(model.scps[0]!, false)],
    ['guardrails/deny-1.json', policyOf(model.scps[1]!, false)],
    ['resource-guardrails/perimeter.json', policyOf(model.rcp, true)],
    ...SETS.map((name, i) => [`permission-sets/${name}.json`, policyOf(model.sets[i]!, false)] as const),
  ]);
  if (model.boundary !== undefined) files.set('boundaries/ps0.json', policyOf(model.boundary, false));
  return files;
}

export function orgConfigOf(model: OrgModel): OrgConfig {
  return parseValid(orgFiles(model));
}
