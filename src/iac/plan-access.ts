/**
 * Access impact of a plan's IAM changes: the identity policies each role has before and after the
 * apply, as far as the plan shows them (inline role policies, managed policy attachments), and
 * access checks decided on both sides under the account's guardrails. Policies the plan does not
 * touch are not in it: a role's unchanged policies are outside this view, so `before` and `after`
 * speak for the plan's own policies only.
 */
import { compilePolicySet, decidePrepared, parsePolicy, prepareRequest, type CompileOptions, type DecisionKind, type Policy, type PolicySetInput } from '../policy/index.ts';
import type { PlannedChange } from './build-requests.ts';
import type { PlanValue } from './parse-plan.ts';

/** AWS managed policies whose document is known here; any other attached managed policy makes the role's access unknown */
const KNOWN_MANAGED: Readonly<Record<string, object>> = {
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
  'arn:aws:iam::aws:policy/AdministratorAccess': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export interface RoleSide {
  readonly policies: readonly Policy[];
  /** documents the plan names but whose text is not known (an AWS managed policy, a value known after apply) */
  readonly unknown: readonly string[];
}

export interface RoleGrants {
  readonly roleArn: string;
  /** undefined: the role does not exist on that side (created or deleted by the plan) */
  readonly before: RoleSide | undefined;
  readonly after: RoleSide | undefined;
  /** the changes the policies come from */
  readonly sources: readonly string[];
}

const isObject = (v: unknown): v is Record<string, PlanValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readDocument(text: PlanValue | undefined, name: string): Policy | undefined {
  if (typeof text !== 'string') return undefined;
  const parsed = parsePolicy(text, { type: 'identity', name });
  return parsed.ok ? parsed.value : undefined;
}

const POLICY_TYPES = new Set(['aws_iam_role_policy', 'aws_iam_role_policy_attachment']);

export function planRoleGrants(planned: readonly PlannedChange[]): Map<string, RoleGrants> {
  const roles = new Map<string, { before: { policies: Policy[]; unknown: string[] } | undefined; after: { policies: Policy[]; unknown: string[] } | undefined; sources: string[] }>();
  const entry = (roleArn: string) => {
    let e = roles.get(roleArn);
    if (e === undefined) {
      e = { before: { policies: [], unknown: [] }, after: { policies: [], unknown: [] }, sources: [] };
      roles.set(roleArn, e);
    }
    return e;
  };
  // roles the plan creates have no "before"; roles it deletes have no "after"
  for (const p of planned) {
    if (p.change.type !== 'aws_iam_role') continue;
    const arn = p.requests.find((r) => r.action === 'iam:CreateRole' || r.action === 'iam:DeleteRole')?.resource;
    if (arn === undefined) continue;
    const e = entry(arn);
    if (p.change.action === 'create') e.before = undefined;
    if (p.change.action === 'delete') e.after = undefined;
  }
  for (const p of planned) {
    if (!POLICY_TYPES.has(p.change.type)) continue;
    const roleArn = p.requests[0]?.resource;
    if (roleArn === undefined || roleArn.includes('(known after apply')) continue;
    const e = entry(roleArn);
    e.sources.push(p.change.address);
    const add = (side: { policies: Policy[]; unknown: string[] } | undefined, values: PlanValue) => {
      if (side === undefined || !isObject(values)) return;
      if (p.change.type === 'aws_iam_role_policy') {
        const policy = readDocument(values.policy, p.change.address);
        if (policy !== undefined) side.policies.push(policy);
        else side.unknown.push(`${p.change.address}: policy`);
      } else {
        const arn = values.policy_arn;
        const known = typeof arn === 'string' ? KNOWN_MANAGED[arn] : undefined;
        const policy = known === undefined ? undefined : readDocument(JSON.stringify(known), `${p.change.address} (${String(arn).replace(/^.*\//, '')})`);
        if (policy !== undefined) side.policies.push(policy);
        else side.unknown.push(`${p.change.address}: ${typeof arn === 'string' ? arn : 'policy_arn'}`);
      }
    };
    if (p.change.action !== 'create') add(e.before, p.change.before);
    if (p.change.action !== 'delete') add(e.after, p.change.after);
  }
  return new Map([...roles].filter(([, e]) => e.sources.length > 0).map(([roleArn, e]) => [roleArn, { roleArn, before: e.before, after: e.after, sources: e.sources }]));
}

export interface AccessCheck {
  /** a session of the role: `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` */
  readonly principal: string;
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type AccessOutcome = DecisionKind | 'Unknown' | 'NoRole';

/**
 * One access check on both sides of the plan, under the guardrails of `input` (its identity
 * policies are replaced by the role's). KMS key requests are decided with the default key policy.
 */
export function decideAccess(grants: ReadonlyMap<string, RoleGrants>, input: PolicySetInput, check: AccessCheck, account: string, options: CompileOptions = {}): { before: AccessOutcome; after: AccessOutcome } {
  const role = grants.get(check.roleArn);
  const keyPolicy = /^kms:/i.test(check.action) && /:key\//.test(check.resource) ? defaultKeyPolicy(account) : undefined;
  const side = (s: RoleSide | undefined): AccessOutcome => {
    if (role === undefined || s === undefined) return 'NoRole';
    const compiled = compilePolicySet({ ...input, identity: s.policies, ...(keyPolicy !== undefined ? { resource: keyPolicy } : {}) }, options);
    const decision = decidePrepared(compiled, prepareRequest({ principal: check.principal, action: check.action, resource: check.resource, context: { 'aws:SecureTransport': 'true', ...check.context } }, { roleArn: check.roleArn }));
    // a document the plan names but does not show could allow (or deny) more: only a deny that it cannot lift is certain
    if (s.unknown.length > 0 && decision.decision !== 'ExplicitDeny') return 'Unknown';
    return decision.decision;
  };
  return { before: side(role?.before), after: side(role?.after) };
}

function defaultKeyPolicy(account: string): Policy | undefined {
  const parsed = parsePolicy(
    { Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] },
    { type: 'resource', name: 'default-key-policy' },
  );
  return parsed.ok ? parsed.value : undefined;
}

/** a statement in words: `Allow s3:GetObject on arn:aws:s3:::b/*` */
export function describeStatement(s: Policy['statements'][number]): string {
  const actions = `${s.notAction ? 'every action but ' : ''}${s.actions.join(', ')}`;
  const resources = s.resources === undefined ? '' : ` on ${s.notResource ? 'every resource but ' : ''}${s.resources.join(', ')}`;
  const conditions = s.conditions.length > 0 ? ` when ${s.conditions.map((c) => `${c.operator} ${c.key}`).join(' and ')}` : '';
  return `${s.effect} ${actions}${resources}${conditions}`;
}
