/**
 * A plain reference evaluator, for checking the engine against (engine-matches-reference.test.ts).
 * It reads parsed policies statement by statement, straight from AWS's documented evaluation
 * logic as docs/semantics.md states it, with no index, memo, interning or compiled matchers:
 * every decision walks every statement of every policy. Wildcards, variables, principals and
 * condition operators are its own simple code; only value parsing (numbers, dates, IP addresses,
 * ARN splitting) is the engine's, since rewriting it would copy it.
 *
 * Pages (docs.aws.amazon.com): IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 * ..._policy-eval-denyallow.html, ...-cross-account.html, access_policies_boundaries.html,
 * organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html and
 * orgs_manage_policies_rcps_evaluation.html, reference_policies_elements_condition_operators.html,
 * reference_policies_elements_resource.html, reference_policies_variables.html,
 * reference_policies_elements_notprincipal.html.
 */
import { isAccountId, splitArn } from './arn.ts';
import { addressInCidr, parseAddress, parseCidr, parseDate, parseNumber } from './condition-values.ts';
import { statementRefOf, type DecisionKind, type StatementRef } from './decision.ts';
import { NEGATED_OPERATORS, type BaseOperator, type Condition, type Policy, type PolicyType, type Statement } from './policy.ts';
import type { PolicySetInput, CallerFacts, DecisionRequest } from './index.ts';

export interface ReferenceOptions {
  readonly managementAccount?: string;
  readonly rcpServices?: ReadonlySet<string>;
}

export interface ReferenceDecision {
  readonly decision: DecisionKind;
  /** ExplicitDeny: every applying Deny; Allow: the Allow statements of every side that granted */
  readonly statements: readonly StatementRef[];
}

// ---------------------------------------------------------------------------------------------
// wildcards: `*` any run of characters, `?` exactly one; text substituted from a variable is literal

type Token = { readonly literal: string } | { readonly star: true; crossesColon: boolean } | { readonly one: true };

function patternTokens(text: string): Token[] {
  const out: Token[] = [];
  for (const ch of text) out.push(ch === '*' ? { star: true, crossesColon: true } : ch === '?' ? { one: true } : { literal: ch });
  return out;
}

function literalTokens(text: string): Token[] {
  return [...text].map((ch) => ({ literal: ch }));
}

/** dynamic programming over (token, character): can tokens[i..] match chars[j..] */
function matches(tokens: readonly Token[], text: string): boolean {
  const chars = [...text];
  let next: boolean[] = new Array<boolean>(chars.length + 1).fill(false);
  next[chars.length] = true;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    const row: boolean[] = new Array<boolean>(chars.length + 1).fill(false);
    for (let j = chars.length; j >= 0; j--) {
      const ch = chars[j];
      if ('star' in token) row[j] = next[j]! || (ch !== undefined && (token.crossesColon || ch !== ':') && row[j + 1]!);
      else if ('one' in token) row[j] = ch !== undefined && next[j + 1]!;
      else row[j] = ch === token.literal && next[j + 1]!;
    }
    next = row;
  }
  return next[0]!;
}

/**
 * Resource ARNs: "If the * wildcard is the last character of a resource ARN segment, it can expand
 * to match beyond colon boundaries"; any other `*` stays within its segment
 * (reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards)
 */
function segmentedStars(tokens: Token[]): Token[] {
  tokens.forEach((token, i) => {
    if (!('star' in token)) return;
    const after = tokens[i + 1];
    token.crossesColon = after === undefined || ('literal' in after && after.literal === ':') || 'star' in after;
  });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// policy variables (reference_policies_variables.html): only under Version 2012-10-17

type Context = ReadonlyMap<string, string | readonly string[]>;

/** pattern tokens with variables replaced by literal text; undefined when one has no value */
function resolve(text: string, policy: Policy, context: Context): Token[] | undefined {
  if (policy.version !== '2012-10-17') return patternTokens(text);
  const out: Token[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf('${');
    const close = open < 0 ? -1 : rest.indexOf('}', open);
    if (close < 0) return [...out, ...patternTokens(rest)];
    out.push(...patternTokens(rest.slice(0, open)));
    const inner = rest.slice(open + 2, close).trim();
    if (inner === '*' || inner === '?' || inner === '$') out.push({ literal: inner });
    else {
      const m = /^([^,'\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
      if (m === null) return patternTokens(text);
      const value = context.get(m[1]!.toLowerCase());
      const text2 = typeof value === 'string' ? value : m[2];
      if (text2 === undefined) return undefined;
      out.push(...literalTokens(text2));
    }
    rest = rest.slice(close + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// the caller

type Kind = 'root' | 'user' | 'role' | 'role-session' | 'federated-user' | 'service' | 'web-identity' | 'anonymous';

interface Caller {
  readonly arn: string;
  readonly kind: Kind;
  readonly account: string | undefined;
  readonly roleArn: string | undefined;
  readonly serviceLinked: boolean;
}

function callerOf(principal: string, facts: CallerFacts): Caller {
  let kind: Kind = 'anonymous';
  let account: string | undefined;
  let roleArn: string | undefined;
  const parts = splitArn(principal);
  if (isAccountId(principal)) [kind, account] = ['root', principal];
  else if (parts !== undefined) {
    const [, partition, service, , acct, resource] = parts;
    account = isAccountId(acct) ? acct : undefined;
    if (service === 'iam' && resource === 'root') kind = 'root';
    else if (service === 'iam' && resource.startsWith('user/')) kind = 'user';
    else if (service === 'iam' && resource.startsWith('role/')) [kind, roleArn] = ['role', principal];
    else if (service === 'sts' && resource.startsWith('assumed-role/')) {
      kind = 'role-session';
      roleArn = facts.roleArn ?? `arn:${partition}:iam::${acct}:role/${resource.split('/')[1]}`;
    } else if (service === 'sts' && resource.startsWith('federated-user/')) kind = 'federated-user';
    else if (service === 'iam' && /^(saml|oidc)-provider\//.test(resource)) [kind, account] = ['web-identity', undefined];
  } else if (principal.endsWith('.amazonaws.com')) kind = 'service';
  else if (principal.includes('.')) kind = 'web-identity';
  const serviceLinked = facts.serviceLinkedRole === true || (roleArn?.includes(':role/aws-service-role/') ?? false);
  return { arn: principal, kind, account, roleArn, serviceLinked };
}

/** the keys AWS always sets (docs/semantics.md, Policy variables), overridden by the request's */
function contextOf(request: DecisionRequest, caller: Caller): Map<string, string | readonly string[]> {
  const context = new Map<string, string | readonly string[]>();
  if (caller.account !== undefined && caller.kind !== 'service' && caller.kind !== 'anonymous') {
    context.set('aws:principalarn', caller.kind === 'root' ? `arn:aws:iam::${caller.account}:root` : (caller.roleArn ?? caller.arn));
    context.set('aws:principalaccount', caller.account);
  }
  if (caller.kind === 'user') context.set('aws:username', caller.arn.slice(caller.arn.lastIndexOf('/') + 1));
  for (const [key, value] of Object.entries(request.context ?? {})) context.set(key.toLowerCase(), value);
  return context;
}

// ---------------------------------------------------------------------------------------------
// Principal and NotPrincipal: how a statement names the caller

/** the caller itself, the role behind its session, or only its account */
type NamedAs = 'caller' | 'role' | 'account';

const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** does one `AWS` principal value name this identity of the caller */
function awsValueNames(value: string, identity: NamedAs, caller: Caller): boolean {
  const account = caller.account;
  if (identity === 'account' || caller.kind === 'root') return value === account || value === `arn:aws:iam::${account}:root`;
  const parts = splitArn(value);
  if (parts === undefined) return false;
  const [, , service, , acct, resource] = parts;
  if (identity === 'role') return service === 'iam' && acct === account && resource.startsWith('role/') && nameOf(resource) === nameOf(caller.roleArn ?? '');
  // users and roles are named by account and name, whatever the path (docs/semantics.md, Matching)
  if (caller.kind === 'user') return service === 'iam' && acct === account && resource.startsWith('user/') && nameOf(resource) === nameOf(caller.arn);
  if (caller.kind === 'role') return service === 'iam' && acct === account && resource.startsWith('role/') && nameOf(resource) === nameOf(caller.arn);
  return value === caller.arn;
}

/** the identities a caller acts as, strongest first (a role session: its session, its role, its account) */
function identitiesOf(caller: Caller): NamedAs[] {
  switch (caller.kind) {
    case 'role-session':
      return ['caller', 'role', 'account'];
    case 'user':
    case 'role':
    case 'federated-user':
      return ['caller', 'account'];
    default:
      return ['caller'];
  }
}

function names(statement: Statement, identity: NamedAs, caller: Caller): boolean {
  const spec = statement.principal!;
  if (spec.any) return true;
  switch (caller.kind) {
    case 'service':
      return spec.service.includes(caller.arn);
    case 'web-identity':
      return spec.federated.includes(caller.arn);
    case 'anonymous':
      return false;
    default:
      return spec.aws.some((value) => awsValueNames(value, identity, caller));
  }
}

/** undefined: the statement does not apply to the caller */
function namedAsOf(statement: Statement, caller: Caller, hasBoundary: boolean): NamedAs | undefined | 'none' {
  if (statement.principal === undefined) return 'none';
  const identities = identitiesOf(caller);
  if (!statement.notPrincipal) return identities.find((id) => names(statement, id, caller));
  // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
  // permissions boundary policy attached" (access_policies_boundaries.html)
  if (statement.effect === 'Deny' && hasBoundary) return 'caller';
  // a Deny with NotPrincipal excludes the caller only when every identity it acts as is listed
  return statement.principal.any ? undefined : identities.find((id) => !names(statement, id, caller));
}

// ---------------------------------------------------------------------------------------------
// conditions (reference_policies_elements_condition_operators.html)

function arnMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const valueParts = splitArn(value);
  if (valueParts === undefined) return false;
  const parts = splitArn(pattern);
  if (parts === undefined) return pattern.startsWith('arn:') && matches(patternTokens(pattern), value);
  return parts.every((p, i) => matches(patternTokens(p), valueParts[i]!));
}

/** does the request value match this policy value under the operator's positive form */
function valueMatches(base: BaseOperator, policyTokens: Token[], value: string): boolean {
  const policyValue = policyTokens.map((t) => ('literal' in t ? t.literal : 'star' in t ? '*' : '?')).join('');
  const compare = (parse: (t: string) => number | undefined, op: string): boolean => {
    const a = parse(value);
    const b = parse(policyValue);
    if (a === undefined || b === undefined) return false;
    if (op.endsWith('LessThanEquals')) return a <= b;
    if (op.endsWith('LessThan')) return a < b;
    if (op.endsWith('GreaterThanEquals')) return a >= b;
    if (op.endsWith('GreaterThan')) return a > b;
    return a === b;
  };
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
    case 'BinaryEquals':
      return value === policyValue;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
    case 'Bool':
      return value.toLowerCase() === policyValue.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return matches(policyTokens, value);
    case 'IpAddress':
    case 'NotIpAddress': {
      const address = parseAddress(value);
      const block = parseCidr(policyValue);
      return address !== undefined && block !== undefined && addressInCidr(address, block);
    }
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnMatches(policyValue, value);
    case 'Null':
      return false;
    default:
      return base.startsWith('Numeric') ? compare(parseNumber, base) : compare(parseDate, base);
  }
}

function conditionHolds(condition: Condition, policy: Policy, context: Context): boolean {
  const raw = context.get(condition.key.toLowerCase());
  const values: readonly string[] = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  if (condition.base === 'Null') {
    // Null tests whether the key is present: "true" means it must be absent
    const absent = values.length === 0;
    return condition.values.some((v) => (v === 'true' ? absent : !absent));
  }
  const negated = NEGATED_OPERATORS.has(condition.base);
  // ForAllValues is true on a missing key, an empty set or an empty string; ForAnyValue false;
  // ...IfExists true; a plain operator false, a negated one true
  if (values.length === 0 || (condition.set !== undefined && values.length === 1 && values[0] === '')) {
    if (condition.ifExists || condition.set === 'ForAllValues') return true;
    if (condition.set === 'ForAnyValue') return false;
    return negated;
  }
  // a policy value whose variable has no value matches nothing
  const policyValues = condition.values.map((v) => resolve(v, policy, context)).filter((v) => v !== undefined);
  const positive = (value: string) => policyValues.some((p) => valueMatches(condition.base, p, value));
  const holdsFor = (value: string) => positive(value) !== negated;
  switch (condition.set) {
    case 'ForAllValues':
      return values.every(holdsFor);
    case 'ForAnyValue':
      return values.some(holdsFor);
    default:
      // several request values: the positive operator matches when any one does
      return negated ? !values.some(positive) : values.some(positive);
  }
}

// ---------------------------------------------------------------------------------------------
// one statement

interface Applied {
  readonly ref: StatementRef;
  readonly effect: 'Allow' | 'Deny';
  readonly namedAs: NamedAs | 'none';
}

function statementApplies(policy: Policy, statement: Statement, request: DecisionRequest, caller: Caller, context: Context, hasBoundary: boolean): NamedAs | 'none' | undefined {
  const action = request.action.toLowerCase();
  const actionHit = statement.actions.some((a) => matches(patternTokens(a.toLowerCase()), action));
  if (actionHit === statement.notAction) return undefined;
  if (statement.resources !== undefined) {
    let hit = false;
    for (const pattern of statement.resources) {
      const tokens = resolve(pattern, policy, context);
      // an entry whose variable has no value "will not match any resource" (reference_policies_variables.html):
      // that entry alone matches nothing, in Resource and NotResource alike
      if (tokens === undefined) continue;
      if (matches(segmentedStars(tokens), request.resource)) hit = true;
    }
    if (hit === statement.notResource) return undefined;
  }
  const namedAs = namedAsOf(statement, caller, hasBoundary);
  if (namedAs === undefined) return undefined;
  if (!statement.conditions.every((c) => conditionHolds(c, policy, context))) return undefined;
  return namedAs;
}

function applying(type: PolicyType, policies: readonly Policy[], request: DecisionRequest, caller: Caller, context: Context, hasBoundary: boolean, level?: number): Applied[] {
  const out: Applied[] = [];
  policies.forEach((policy, policyIndex) => {
    for (const statement of policy.statements) {
      const namedAs = statementApplies(policy, statement, request, caller, context, hasBoundary);
      if (namedAs === undefined) continue;
      const ref = statementRefOf(type, policy, policyIndex, statement, level);
      out.push({ ref, effect: statement.effect, namedAs });
    }
  });
  return out;
}

const allows = (list: readonly Applied[]) => list.filter((a) => a.effect === 'Allow');

// ---------------------------------------------------------------------------------------------
// the decision (docs/semantics.md, "The flow", steps 1 to 6)

export function referenceDecide(set: PolicySetInput, request: DecisionRequest, facts: CallerFacts = {}, options: ReferenceOptions = {}): ReferenceDecision {
  const caller = callerOf(request.principal, facts);
  const context = contextOf(request, caller);
  const accountInArn = splitArn(request.resource)?.[4];
  const resourceAccount = request.resourceAccount ?? (accountInArn !== undefined && isAccountId(accountInArn) ? accountInArn : caller.account);
  const service = request.action.slice(0, request.action.indexOf(':')).toLowerCase();
  const hasBoundary = set.permissionBoundary !== undefined;
  const evaluate = (type: PolicyType, policies: readonly Policy[] | undefined, level?: number) =>
    policies === undefined ? undefined : applying(type, policies, request, caller, context, hasBoundary, level);

  // 3. RCPs: not for resources of the management account, service-linked roles, uncovered services
  const inManagementAccount = (account: string | undefined) => options.managementAccount !== undefined && account === options.managementAccount;
  const rcpsApply = !inManagementAccount(resourceAccount) && !caller.serviceLinked && (options.rcpServices?.has(service) ?? true);
  // 4. SCPs: IAM principals (and the root user) of member accounts, not service-linked roles
  const iamPrincipal = caller.account !== undefined && caller.kind !== 'web-identity' && caller.kind !== 'service' && caller.kind !== 'anonymous';
  // sts:GetCallerIdentity needs no permission and cannot be denied (STS API reference, GetCallerIdentity)
  if (iamPrincipal && request.action.toLowerCase() === 'sts:getcalleridentity') return { decision: 'Allow', statements: [] };
  const scpsApply = iamPrincipal && !inManagementAccount(caller.account) && !caller.serviceLinked;
  const rcps = rcpsApply ? (set.rcps ?? []).map((level, i) => evaluate('rcp', level, i)!) : [];
  const scps = scpsApply ? (set.scps ?? []).map((level, i) => evaluate('scp', level, i)!) : [];
  const identity = evaluate('identity', set.identity);
  const boundary = evaluate('permissionBoundary', set.permissionBoundary && [set.permissionBoundary]);
  const session = evaluate('session', set.session && [set.session]);
  const resource = evaluate('resource', set.resource && [set.resource]);

  // 2. an explicit Deny anywhere decides
  const everyDeny = [...rcps.flat(), ...scps.flat(), ...(resource ?? []), ...(identity ?? []), ...(boundary ?? []), ...(session ?? [])].filter((a) => a.effect === 'Deny');
  if (everyDeny.length > 0) return { decision: 'ExplicitDeny', statements: everyDeny.map((a) => a.ref) };

  // 4. every SCP level needs an Allow (RCPFullAWSAccess makes every RCP level allow)
  if (scps.some((level) => allows(level).length === 0)) return { decision: 'ImplicitDeny', statements: [] };

  // 5. the principal's side: identity (the root user's always allows), boundary, session policy
  const identityAllows = caller.kind === 'root' || allows(identity ?? []).length > 0;
  const boundaryAllows = boundary === undefined || allows(boundary).length > 0;
  const sessionAllows = session === undefined || allows(session).length > 0;
  const principalSide = iamPrincipal && identityAllows && boundaryAllows && sessionAllows;

  // 6. the resource's side: the strongest way an applying Allow names the caller
  const resourceAllows = allows(resource ?? []);
  const namings = new Set(resourceAllows.map((a) => a.namedAs));
  const namedAs: NamedAs | undefined = namings.has('caller') ? 'caller' : namings.has('role') ? 'role' : namings.has('account') ? 'account' : undefined;
  // the same-account table: naming the user, the session, the federated user or `*` grants alone;
  // naming the role (the caller is the role or a session of it) is capped by the boundary and the
  // session policy; naming the account delegates to the account's identity policies. A request
  // made as a role itself is read as the role ARN row.
  const cappedByPrincipalPolicies = namedAs === 'role' || (namedAs === 'caller' && caller.kind === 'role');
  const grantsAlone = namedAs !== undefined && namedAs !== 'account' && (!cappedByPrincipalPolicies || (boundaryAllows && sessionAllows));
  // role trust policies and KMS key policies must allow
  const action = request.action.toLowerCase();
  const trustOrKeyPolicy =
    (/^sts:(?:assumerole|tagsession$|setsourceidentity$|setcontext$)/.test(action) && /^arn:[^:]+:iam::[^:]*:role\//.test(request.resource)) ||
    (service === 'kms' && /^arn:[^:]+:kms:[^:]*:[^:]*:key\//.test(request.resource));

  let principalGrants: boolean;
  let resourceGrants: boolean;
  if (!iamPrincipal) {
    // a service, an identity provider or an anonymous caller has only the resource policy
    [principalGrants, resourceGrants] = [false, namedAs === 'caller'];
  } else if (resourceAccount !== caller.account) {
    // across accounts both sides must allow
    principalGrants = resourceGrants = namedAs !== undefined && principalSide;
  } else if (trustOrKeyPolicy) {
    // the trust or key policy must allow; naming the account delegates to the identity policies
    principalGrants = namedAs === 'account' && principalSide;
    resourceGrants = grantsAlone || principalGrants;
  } else {
    [principalGrants, resourceGrants] = [principalSide, grantsAlone];
  }
  if (!principalGrants && !resourceGrants) return { decision: 'ImplicitDeny', statements: [] };
  const used = [
    ...scps.flatMap(allows),
    ...(resourceGrants ? resourceAllows : []),
    ...(principalGrants ? [...allows(identity ?? []), ...allows(boundary ?? []), ...allows(session ?? [])] : []),
  ];
  return { decision: 'Allow', statements: used.map((a) => a.ref) };
}
