/**
 * A request as the engine sees it: who asks, for which action on which resource, with which
 * context. `prepareRequest` classifies the principal, lower-cases context keys (condition keys are
 * case-insensitive) and supplies the keys AWS always sets. `DecisionRequest`, not `Request`: the
 * server's code will also see the web's `Request`, and an access request is a person asking for
 * elevation (docs/glossary.md).
 */
import { accountOfArn, isAccountId, isOriginAccessIdentity, splitArn } from './arn.ts';
import { memoize } from './memoize.ts';
import type { ContextLookup } from './variables.ts';

export type ContextValue = string | readonly string[];

export interface DecisionRequest {
  /** IAM user, role, role session, federated user, account root ARN, service principal, or `*` (anonymous) */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** the account that owns the resource; default: the account in the resource ARN, else the principal's */
  readonly resourceAccount?: string;
  readonly context?: Readonly<Record<string, ContextValue>>;
}

/** what the caller's ARN does not show (the engine's caller; the organization's principals are `PrincipalRef`s) */
export interface CallerFacts {
  /** the role behind a role session (with its path) */
  readonly roleArn?: string;
  readonly serviceLinkedRole?: boolean;
}

/** what the caller is, read from its ARN or name */
export type CallerKind =
  | 'root'
  | 'user'
  | 'role'
  | 'role-session'
  | 'federated-user'
  | 'service'
  | 'anonymous'
  | 'web-identity'
  | 'canonical-user'
  | 'origin-access-identity';

export interface PreparedRequest {
  readonly principal: string;
  readonly kind: CallerKind;
  readonly principalAccount: string | undefined;
  /** for a role or role session: the role's ARN */
  readonly roleArn: string | undefined;
  readonly serviceLinkedRole: boolean;
  readonly action: string;
  readonly actionLower: string;
  /** lower-cased service prefix of the action */
  readonly service: string;
  readonly resource: string;
  readonly resourceAccount: string | undefined;
  /** the context by lower-cased key, with the keys AWS supplies */
  readonly context: ReadonlyMap<string, ContextValue> & ContextLookup;
}

/**
 * identity providers run by AWS whose names look like service principals; trust policies name them
 * with `Federated` (reference_policies_elements_principal.html, web identity session principals)
 */
const WEB_IDENTITY_PROVIDERS_OF_AWS: ReadonlySet<string> = new Set(['cognito-identity.amazonaws.com', 'www.amazon.com']);

function classify(principal: string): { kind: CallerKind; account: string | undefined } {
  if (principal === '*' || principal === '') return { kind: 'anonymous', account: undefined };
  if (isAccountId(principal)) return { kind: 'root', account: principal };
  // CloudFront's identity in no account: only a bucket policy naming it can let it in
  if (isOriginAccessIdentity(principal)) return { kind: 'origin-access-identity', account: undefined };
  const parts = splitArn(principal);
  if (parts !== undefined) {
    const [, , service, , account, resource] = parts;
    const acct = isAccountId(account) ? account : undefined;
    if (service === 'iam') {
      if (resource === 'root') return { kind: 'root', account: acct };
      if (resource.startsWith('user/')) return { kind: 'user', account: acct };
      if (resource.startsWith('role/')) return { kind: 'role', account: acct };
      if (resource.startsWith('saml-provider/') || resource.startsWith('oidc-provider/')) return { kind: 'web-identity', account: acct };
    }
    if (service === 'sts') {
      if (resource.startsWith('assumed-role/')) return { kind: 'role-session', account: acct };
      if (resource.startsWith('federated-user/')) return { kind: 'federated-user', account: acct };
    }
    return { kind: 'anonymous', account: acct };
  }
  if (/^[0-9a-f]{64}$/i.test(principal)) return { kind: 'canonical-user', account: undefined };
  if (WEB_IDENTITY_PROVIDERS_OF_AWS.has(principal)) return { kind: 'web-identity', account: undefined };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(principal)) {
    // identity providers (accounts.google.com, graph.facebook.com) are named with Federated,
    // services (cloudtrail.amazonaws.com) with Service; both match by their exact name
    return { kind: principal.endsWith('.amazonaws.com') || principal.endsWith('.amazonaws.com.cn') ? 'service' : 'web-identity', account: undefined };
  }
  return { kind: 'anonymous', account: undefined };
}

/** the role ARN behind `arn:aws:sts::A:assumed-role/R/S`, without the path AWS does not show */
function roleOfSession(sessionArn: string): string | undefined {
  const parts = splitArn(sessionArn);
  if (parts === undefined) return undefined;
  const [, partition, , , account, resource] = parts;
  const role = resource.split('/')[1];
  return role === undefined ? undefined : `arn:${partition}:iam::${account}:role/${role}`;
}

export interface Classified {
  readonly kind: CallerKind;
  readonly account: string | undefined;
  /** the role behind a session as its ARN shows it, or the role itself */
  readonly roleArn: string | undefined;
}

function classifyWithRole(principal: string): Classified {
  const { kind, account } = classify(principal);
  return { kind, account, roleArn: kind === 'role-session' ? roleOfSession(principal) : kind === 'role' ? principal : undefined };
}

function lowerCase(text: string): string {
  return text.toLowerCase();
}

/**
 * What preparing requests remembers: principals, context keys and actions repeat from request to
 * request. Owned by a decider (see `createDecider`), bounded because the strings come from callers.
 */
export interface RequestCaches {
  readonly classify: (principal: string) => Classified;
  readonly lower: (text: string) => string;
}

export function createRequestCaches(): RequestCaches {
  return { classify: memoize(classifyWithRole, 10_000), lower: memoize(lowerCase, 10_000) };
}

/** for a caller that prepares a request now and then: nothing remembered */
const UNCACHED: RequestCaches = { classify: classifyWithRole, lower: lowerCase };

export function prepareRequest(request: DecisionRequest, facts: CallerFacts = {}, caches: RequestCaches = UNCACHED): PreparedRequest {
  const { lower } = caches;
  const { kind, account, roleArn: shownRoleArn } = caches.classify(request.principal);
  const roleArn = kind === 'role-session' ? (facts.roleArn ?? shownRoleArn) : shownRoleArn;
  const serviceLinkedRole = facts.serviceLinkedRole === true || (roleArn !== undefined && roleArn.includes(':role/aws-service-role/'));
  const context = new Map<string, ContextValue>();
  // supplied first so a value in the request always wins
  if (kind === 'root' || kind === 'user' || kind === 'role' || kind === 'role-session' || kind === 'federated-user') {
    const principalArn = kind === 'root' && isAccountId(request.principal) ? `arn:aws:iam::${request.principal}:root` : (roleArn ?? request.principal);
    context.set('aws:principalarn', principalArn);
    if (account !== undefined) context.set('aws:principalaccount', account);
    if (kind === 'user') context.set('aws:username', request.principal.slice(request.principal.lastIndexOf('/') + 1));
  }
  const given = request.context;
  if (given !== undefined) for (const key in given) context.set(lower(key), given[key]!);
  const actionLower = lower(request.action);
  const colon = actionLower.indexOf(':');
  return {
    principal: request.principal,
    kind,
    principalAccount: account,
    roleArn,
    serviceLinkedRole,
    action: request.action,
    actionLower,
    service: colon > 0 ? actionLower.slice(0, colon) : actionLower,
    resource: request.resource,
    resourceAccount: request.resourceAccount ?? accountOfArn(request.resource) ?? account,
    context,
  };
}
