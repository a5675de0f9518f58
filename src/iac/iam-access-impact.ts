/**
 * The access impact of a plan's IAM changes, in the shape and words of `parapet plan`
 * (src/analysis/plan-access-impact.ts, docs/plan.md): per IAM principal whose policies the plan
 * changes (a role, a user, a group) and per managed policy whose document it changes, the actions
 * gained and lost by service, narrowed and widened, and the flags (admin-equivalent, privilege
 * escalation), decided by the engine under the account's guardrails on the identity policies and
 * permissions boundary the principal has before and after the apply. For a role, its trust policy
 * too: who can assume it before and after.
 *
 * What the plan shows is what is seen: the policies of a principal come from the plan's resources
 * (inline policies, attachments, `managed_policy_arns`, `inline_policy` blocks), with their prior
 * values for "before" (Terraform lists every resource of the configuration, unchanged ones as
 * `no-op`). Policies attached outside Terraform are not in the plan; a managed policy whose document
 * is neither in the plan nor known here (an AWS managed policy other than AdministratorAccess) makes
 * that side's access `unknown`, never guessed.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { accessCriteria } from '../analysis/escalation-rules.ts';
import { catalogActionIndex } from '../analysis/catalog-action-index.ts';
import { evaluateEffectiveAccess, type EffectiveAccess, type EffectiveAccessCache } from '../analysis/evaluate-effective-access.ts';
import { compareAccess, type Impact } from '../analysis/plan-access-impact.ts';
import { statementStatusReader, type KnownSession } from '../analysis/statement-status-reader.ts';
import { parsePolicy, type Policy, type PolicySetInput, type PolicyVersion, type Statement } from '../policy/index.ts';
import type { PlanValue, ResourceChange, TerraformPlan } from './parse-plan.ts';
import { describeStatement } from './plan-access.ts';
import { argumentReferences, referencedChange } from './plan-addresses.ts';

/** AWS managed policies whose document is known here; any other makes the side's access unknown */
const KNOWN_MANAGED: Readonly<Record<string, object>> = {
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
  'arn:aws:iam::aws:policy/AdministratorAccess': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export type IamPrincipalKind = 'role' | 'user' | 'group' | 'policy';

/** one side of a principal: the documents in force as far as the plan shows them */
export interface IamSide {
  /** policy names: `inline NAME` or the managed policy's ARN */
  readonly policies: readonly string[];
  readonly boundary?: string;
  /** documents named but not readable here: the side's access is not fully known */
  readonly unknown: readonly string[];
}

export interface TrustChange {
  /** who may assume the role, one line per principal and condition: `AWS arn:… may sts:AssumeRole` */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly gains: readonly string[];
  readonly losses: readonly string[];
}

export interface IamAccessChange {
  /** `role:NAME`, `user:NAME`, `group:NAME`, `policy:NAME`: `aws_iam_role.x` when the name is known only after apply */
  readonly principal: string;
  readonly kind: IamPrincipalKind;
  readonly arn: string;
  readonly lifecycle: 'created' | 'deleted' | 'changed';
  /** the plan's resources the change comes from */
  readonly sources: readonly string[];
  readonly before: IamSide | undefined;
  readonly after: IamSide | undefined;
  /** gained and lost by service, in `parapet plan`'s terms; for a managed policy: whoever holds it */
  readonly impact: Impact;
  /** `admin-equivalent`, `privilege-escalation`, as `parapet plan` raises them */
  readonly flags: readonly ('admin-equivalent' | 'privilege-escalation')[];
  readonly trust?: TrustChange;
  /** the statements in force after and not before, and the other way round, in words: `Allow iam:PassRole on *` */
  readonly statements: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

const isObject = (v: unknown): v is Record<string, PlanValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: PlanValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: PlanValue | undefined): string[] => (Array.isArray(v) ? (v as PlanValue[]).filter((x): x is string => typeof x === 'string') : []);

interface Doc {
  readonly name: string;
  readonly policy?: Policy;
}

interface Building {
  kind: IamPrincipalKind;
  name: string;
  arn: string;
  sources: Set<string>;
  exists: { before: boolean; after: boolean };
  docs: { before: Doc[]; after: Doc[] };
  boundary: { before: Doc | undefined; after: Doc | undefined };
  trust: { before: PlanValue | undefined; after: PlanValue | undefined };
}

type Side = 'before' | 'after';

export interface IamImpactOptions {
  readonly account: string;
  /** the guardrails (SCP and RCP chains) of the account; identity policies are ignored */
  readonly policies: PolicySetInput;
  readonly catalog?: Catalog;
}

export function iamAccessChanges(plan: TerraformPlan, options: IamImpactOptions): IamAccessChange[] {
  const { account } = options;
  const principals = new Map<string, Building>();

  const valuesOf = (c: ResourceChange, side: Side): Record<string, PlanValue> | undefined => {
    if (side === 'before' && (c.action === 'create' || c.before === null)) return undefined;
    if (side === 'after' && (c.action === 'delete' || c.action === 'forget' || c.after === null)) return undefined;
    const v = side === 'before' ? c.before : c.after;
    return isObject(v) ? v : undefined;
  };
  /** the resource an argument refers to (`role = aws_iam_role.x.name`), in the root module */
  const referenced = (c: ResourceChange, arg: string, type: string): ResourceChange | undefined => {
    for (const r of argumentReferences(plan, c.address, arg)) {
      if (!r.startsWith(`${type}.`)) continue;
      const target = referencedChange(plan, c, r);
      if (target !== undefined) return target;
    }
    return undefined;
  };
  // the plan's principals and managed policies by name (and managed policies by ARN), for attachments that name them
  const byTypeAndName = new Map<string, ResourceChange>();
  const policyByArn = { before: new Map<string, ResourceChange>(), after: new Map<string, ResourceChange>() };
  for (const r of plan.resourceChanges) {
    if (!/^aws_iam_(role|user|group|policy)$/.test(r.type)) continue;
    const name = str(valuesOf(r, 'after')?.name) ?? str(valuesOf(r, 'before')?.name);
    if (name !== undefined && !byTypeAndName.has(`${r.type}\u0000${name}`)) byTypeAndName.set(`${r.type}\u0000${name}`, r);
  }
  const arnOf = (kind: 'role' | 'user' | 'group', name: string, path: string | undefined) => `arn:aws:iam::${account}:${kind}${path ?? '/'}${name}`;

  /** the principal a resource names in `arg` (a name), or the one it refers to */
  const principalOf = (c: ResourceChange, kind: 'role' | 'user' | 'group', arg: string, side: Side, value?: string, self = false): Building => {
    const type = `aws_iam_${kind}`;
    let name = value ?? str(valuesOf(c, side)?.[arg]) ?? str(valuesOf(c, side === 'after' ? 'before' : 'after')?.[arg]);
    let target = self ? c : referenced(c, arg, type);
    if (name === undefined && target !== undefined) name = str(valuesOf(target, 'after')?.name) ?? str(valuesOf(target, 'before')?.name);
    // a role may be named by ARN in some arguments
    if (name !== undefined && name.startsWith('arn:')) name = name.replace(/^.*:(role|user|group)\//, '').replace(/^.*\//, '');
    target ??= name === undefined ? undefined : byTypeAndName.get(`${type}\u0000${name}`);
    const key = `${kind}:${name ?? target?.address ?? `${c.address}.${arg}`}`;
    let p = principals.get(key);
    if (p === undefined) {
      const path = target === undefined ? undefined : (str(valuesOf(target, 'after')?.path) ?? str(valuesOf(target, 'before')?.path));
      p = {
        kind,
        name: name ?? `(${target?.address ?? c.address}: name known after apply)`,
        arn: arnOf(kind, name ?? '*', path),
        sources: new Set(),
        exists: { before: target === undefined || valuesOf(target, 'before') !== undefined, after: target === undefined || valuesOf(target, 'after') !== undefined },
        docs: { before: [], after: [] },
        boundary: { before: undefined, after: undefined },
        trust: { before: undefined, after: undefined },
      };
      principals.set(key, p);
    }
    return p;
  };

  const readDoc = (text: PlanValue | undefined, name: string): Doc => {
    if (typeof text !== 'string') return { name };
    const parsed = parsePolicy(text, { type: 'identity', name });
    return parsed.ok ? { name, policy: parsed.value } : { name };
  };
  /** a managed policy's document on one side: from the plan's aws_iam_policy, or a known AWS managed policy */
  const managedDoc = (c: ResourceChange, arg: string, arn: string | undefined, side: Side): Doc => {
    const inPlan =
      referenced(c, arg, 'aws_iam_policy') ??
      (arn === undefined ? undefined : policyByArn[side].get(arn));
    if (inPlan !== undefined) {
      const values = valuesOf(inPlan, side);
      const name = arn ?? managedArn(inPlan, side) ?? inPlan.address;
      return values === undefined ? { name } : readDoc(values.policy, name);
    }
    const known = arn === undefined ? undefined : KNOWN_MANAGED[arn];
    return known === undefined ? { name: arn ?? `${c.address}: ${arg} known after apply` } : readDoc(JSON.stringify(known), arn!);
  };
  const managedArn = (policy: ResourceChange, side: Side): string | undefined => {
    const v = valuesOf(policy, side);
    const name = str(v?.name);
    return str(v?.arn) ?? (name === undefined ? undefined : `arn:aws:iam::${account}:policy${str(v?.path) ?? '/'}${name}`);
  };

  for (const r of plan.resourceChanges) {
    if (r.type !== 'aws_iam_policy') continue;
    for (const side of ['before', 'after'] as const) {
      const arn = managedArn(r, side);
      if (arn !== undefined && !policyByArn[side].has(arn)) policyByArn[side].set(arn, r);
    }
  }
  for (const c of plan.resourceChanges) {
    if (c.mode !== 'managed') continue;
    for (const side of ['before', 'after'] as const) {
      const v = valuesOf(c, side);
      if (v === undefined) continue;
      switch (c.type) {
        case 'aws_iam_role':
        case 'aws_iam_user':
        case 'aws_iam_group': {
          const kind = c.type.slice('aws_iam_'.length) as 'role' | 'user' | 'group';
          const name = str(v.name) ?? str(valuesOf(c, side === 'after' ? 'before' : 'after')?.name);
          const p = principalOf(c, kind, 'name', side, name, true);
          if (name === undefined) p.arn = arnOf(kind, '*', str(v.path));
          else p.arn = arnOf(kind, name, str(v.path));
          p.exists[side] = true;
          if (valuesOf(c, side === 'before' ? 'after' : 'before') === undefined) p.exists[side === 'before' ? 'after' : 'before'] = false;
          p.sources.add(c.address);
          if (kind !== 'group') {
            const boundary = str(v.permissions_boundary);
            p.boundary[side] = boundary === undefined ? undefined : managedDoc(c, 'permissions_boundary', boundary, side);
          }
          if (kind === 'role') {
            p.trust[side] = v.assume_role_policy;
            // the role's own inline_policy blocks and managed_policy_arns (exclusive management)
            for (const block of Array.isArray(v.inline_policy) ? (v.inline_policy as PlanValue[]) : []) {
              if (isObject(block) && str(block.policy) !== undefined) p.docs[side].push(readDoc(block.policy, `inline ${str(block.name) ?? '?'} (${c.address})`));
            }
            for (const arn of strings(v.managed_policy_arns)) p.docs[side].push(managedDoc(c, 'managed_policy_arns', arn, side));
          }
          break;
        }
        case 'aws_iam_role_policy':
        case 'aws_iam_user_policy':
        case 'aws_iam_group_policy': {
          const kind = c.type.split('_')[2] as 'role' | 'user' | 'group';
          const p = principalOf(c, kind, kind, side);
          p.sources.add(c.address);
          p.docs[side].push(readDoc(v.policy, `inline ${str(v.name) ?? c.address}`));
          break;
        }
        case 'aws_iam_role_policy_attachment':
        case 'aws_iam_user_policy_attachment':
        case 'aws_iam_group_policy_attachment': {
          const kind = c.type.split('_')[2] as 'role' | 'user' | 'group';
          const p = principalOf(c, kind, kind, side);
          p.sources.add(c.address);
          p.docs[side].push(managedDoc(c, 'policy_arn', str(v.policy_arn), side));
          break;
        }
        case 'aws_iam_policy_attachment': {
          const arn = str(v.policy_arn);
          for (const [kind, arg] of [['role', 'roles'], ['user', 'users'], ['group', 'groups']] as const) {
            for (const name of strings(v[arg])) {
              const p = principalOf(c, kind, arg, side, name);
              p.sources.add(c.address);
              p.docs[side].push(managedDoc(c, 'policy_arn', arn, side));
            }
          }
          break;
        }
        case 'aws_iam_policy': {
          // a managed policy: its own impact, for whoever holds it (its holders outside the plan are not known)
          const arn = managedArn(c, side) ?? c.address;
          const key = `policy:${c.address}`;
          let p = principals.get(key);
          if (p === undefined) {
            p = { kind: 'policy', name: str(v.name) ?? c.address, arn, sources: new Set(), exists: { before: false, after: false }, docs: { before: [], after: [] }, boundary: { before: undefined, after: undefined }, trust: { before: undefined, after: undefined } };
            principals.set(key, p);
          }
          p.exists[side] = true;
          p.sources.add(c.address);
          p.docs[side].push(readDoc(v.policy, arn));
          break;
        }
        default:
          break;
      }
    }
  }

  if (principals.size === 0) return [];
  const catalog = options.catalog ?? loadCatalog();
  const index = catalogActionIndex(catalog);
  const criteria = accessCriteria(catalog);
  const reader = statementStatusReader();
  // principals with the same documents share the work that depends on them alone (evaluate-effective-access.ts)
  const cache: EffectiveAccessCache = new Map();
  const evaluated = new Map<string, EffectiveAccess>();
  const compared = new Map<string, Impact>();
  const guardrails = [...(options.policies.scps ?? []).flat(), ...(options.policies.rcps ?? []).flat()];
  const out: IamAccessChange[] = [];
  for (const [key, p] of principals) {
    const side = (s: Side): IamSide | undefined => {
      if (!p.exists[s]) return undefined;
      const unknown = [...p.docs[s], ...(p.boundary[s] !== undefined ? [p.boundary[s]] : [])].filter((d) => d.policy === undefined).map((d) => d.name);
      return { policies: p.docs[s].map((d) => d.name).sort(), ...(p.boundary[s] !== undefined ? { boundary: p.boundary[s].name } : {}), unknown };
    };
    const text = (s: Side) => JSON.stringify([p.exists[s], p.docs[s].map((d) => [d.name, d.policy?.statements]).sort(), p.boundary[s]?.policy?.statements ?? p.boundary[s]?.name ?? null, p.trust[s] ?? null]);
    if (text('before') === text('after')) continue;
    const session = sessionOf(p, account);
    const statusOf = (statement: Statement, version: PolicyVersion) => reader(statement, version, session);
    /** the documents in force and which of their conditions hold for this session: equal keys decide alike */
    const keyOf = (s: Side) => {
      // the same document attached twice allows nothing more: each distinct document once
      const distinct = new Map<string, Policy>();
      for (const d of p.exists[s] ? p.docs[s] : []) if (d.policy !== undefined) distinct.set(JSON.stringify([d.policy.version, d.policy.statements]), d.policy);
      const identity = [...distinct.values()];
      const boundary = p.exists[s] ? p.boundary[s]?.policy : undefined;
      const permissionsKey = JSON.stringify([[...distinct.keys()].sort(), boundary?.statements ?? null]);
      let statuses = '';
      for (const policy of [...identity, ...(boundary !== undefined ? [boundary] : []), ...guardrails]) {
        for (const statement of policy.statements) {
          if (statement.conditions.length === 0) continue;
          const status = statusOf(statement, policy.version);
          statuses += status.kind === 'always' ? 'a' : status.kind === 'never' ? 'n' : `u${status.keys.join(',')};`;
        }
      }
      return { identity, boundary, permissionsKey, key: `${permissionsKey}|${statuses}` };
    };
    const access = (k: ReturnType<typeof keyOf>): EffectiveAccess => {
      let found = evaluated.get(k.key);
      if (found === undefined) {
        found = evaluateEffectiveAccess(
          { identity: k.identity, permissionBoundary: k.boundary, scps: options.policies.scps ?? [], rcps: options.policies.rcps ?? [], accountId: account, managementAccount: '', statusOf, permissionsKey: k.permissionsKey },
          { catalog, watched: criteria.watched, cache },
        );
        evaluated.set(k.key, found);
      }
      return found;
    };
    const keyBefore = keyOf('before');
    const keyAfter = keyOf('after');
    const memo = `${keyBefore.key}\u0001${keyAfter.key}`;
    let impact = compared.get(memo);
    if (impact === undefined) {
      const before = access(keyBefore);
      const after = access(keyAfter);
      // the guardrails are not in the plan: nothing is lost to a guardrail change
      impact = compareAccess(index, before, after, () => after, before, criteria);
      compared.set(memo, impact);
    }
    const trust = p.kind === 'role' ? trustChange(p.trust.before, p.trust.after, p.exists) : undefined;
    const words = (s: Side) => new Set(p.exists[s] ? p.docs[s].flatMap((d) => (d.policy?.statements ?? []).map(describeStatement)) : []);
    const wordsBefore = words('before');
    const wordsAfter = words('after');
    out.push({
      principal: key.startsWith('policy:') ? `policy:${p.name}` : key,
      kind: p.kind,
      arn: p.arn,
      lifecycle: !p.exists.before ? 'created' : !p.exists.after ? 'deleted' : 'changed',
      sources: [...p.sources].sort(),
      before: side('before'),
      after: side('after'),
      impact,
      flags: [...(impact.newAdmin !== undefined ? (['admin-equivalent'] as const) : []), ...(impact.newEscalations.length > 0 && impact.newAdmin === undefined ? (['privilege-escalation'] as const) : [])],
      ...(trust !== undefined ? { trust } : {}),
      statements: { added: [...wordsAfter].filter((x) => !wordsBefore.has(x)), removed: [...wordsBefore].filter((x) => !wordsAfter.has(x)) },
    });
  }
  return out.sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0));
}

/** the session whose conditions the engine can decide: a role's session, a user, a member of a group */
function sessionOf(p: Building, account: string): KnownSession {
  const base = { 'aws:PrincipalAccount': account, 'aws:PrincipalIsAWSService': 'false' };
  if (p.kind === 'role' && !p.arn.endsWith('*')) {
    return { principal: `arn:aws:sts::${account}:assumed-role/${p.name}/parapet-preflight`, facts: { roleArn: p.arn }, context: { ...base, 'aws:PrincipalArn': p.arn, 'aws:PrincipalType': 'AssumedRole' } };
  }
  if (p.kind === 'user' && !p.arn.endsWith('*')) return { principal: p.arn, facts: {}, context: { ...base, 'aws:PrincipalArn': p.arn, 'aws:PrincipalType': 'User' } };
  // a group's members, a managed policy's holders: who they are is not known
  return { principal: `arn:aws:iam::${account}:user/parapet-preflight-holder`, facts: {}, context: base };
}

const ASSUME = /^sts:(assumerole|assumerolewithwebidentity|assumerolewithsaml|\*)$|^\*$/i;

/** who a trust policy lets assume the role, one line each */
export function trustLines(document: PlanValue | undefined): string[] | undefined {
  if (document === undefined || document === null || document === '') return [];
  if (typeof document !== 'string') return undefined;
  const parsed = parsePolicy(document, { type: 'resource', name: 'trust policy' });
  if (!parsed.ok) return undefined;
  const lines: string[] = [];
  for (const s of parsed.value.statements) {
    const actions = s.notAction ? ['every action but ' + s.actions.join(', ')] : s.actions.filter((a) => ASSUME.test(a));
    if (actions.length === 0 || s.principal === undefined) continue;
    const who = s.notPrincipal
      ? ['every principal but ' + [...s.principal.aws, ...s.principal.service, ...s.principal.federated].join(', ')]
      : s.principal.any
        ? ['anyone (*)']
        : [...s.principal.aws.map((x) => `AWS ${x}`), ...s.principal.service.map((x) => `service ${x}`), ...s.principal.federated.map((x) => `federated ${x}`), ...s.principal.canonicalUser.map((x) => `canonical user ${x}`)];
    const when = s.conditions.length > 0 ? ` when ${s.conditions.map((c) => `${c.operator} ${c.key} ${c.values.join(' or ')}`).join(' and ')}` : '';
    for (const w of who) lines.push(`${s.effect === 'Deny' ? 'not ' : ''}${w} may ${actions.join(', ')}${when}`);
  }
  return lines.sort();
}

function trustChange(before: PlanValue | undefined, after: PlanValue | undefined, exists: { before: boolean; after: boolean }): TrustChange | undefined {
  const b = exists.before ? trustLines(before) : [];
  const a = exists.after ? trustLines(after) : [];
  // a document known only after apply, or not a policy: said so, not guessed
  const was = b ?? ['(the trust policy is not readable here)'];
  const now = a ?? ['(the trust policy is known only after apply)'];
  const gains = now.filter((x) => !was.includes(x));
  const losses = was.filter((x) => !now.includes(x));
  if (gains.length === 0 && losses.length === 0) return undefined;
  return { before: was, after: now, gains, losses };
}

