/**
 * The decision core of the decision API: a verified session credential and a request → the
 * engine's decision for that session's policies in force, exactly as `parapet test` decides
 * (src/analysis/run-access-tests.ts): the same compiled policies (access-compiler.ts), the same
 * session principal (principal-session.ts), the caller's context with the keys AWS would supply
 * on top. Three named steps, each cached where it can be:
 *
 *   subjectOf       claims → the session's (user, account, permission set) in the active
 *                   configuration, checked to still exist and be held; once per (version, user,
 *                   account, permission set)
 *   checkRequest    the request's shape: one known action, an ARN, context values of their keys'
 *                   types, no server-filled key; invalid input is never decided
 *   decideRequest   the compiled policies for (subject, resource account), once per pair, and the
 *                   engine's decision with the server-filled keys
 *
 * Server-filled keys are refused in the caller's context rather than replaced: a caller sending
 * `aws:MultiFactorAuthPresent` believes something about the subject the server does not, and
 * saying so is clearer than silently answering another question (docs/decision-api.md).
 */
import { actionChecker, contextKeyType, rcpServices } from '../catalog/installed-catalog-checks.ts';
import type { CredentialClaims } from '../identity/credential.ts';
import { accessCompiler, type AccessCompiler, type CompiledAccess } from '../analysis/access-compiler.ts';
import { principalFactsOf, principalSession, sessionFactsOf, type PrincipalSession } from '../analysis/principal-session.ts';
import type { Account, PrincipalRef } from '../org/index.ts';
import {
  accountOfArn,
  checkContext,
  checkRequestAction,
  checkRequestResource,
  createDecider,
  explain,
  memoize,
  ParapetError,
  type ContextValue,
  type Decider,
  type Decision,
  type ExplainOptions,
} from '../policy/index.ts';
import type { RequestIssue } from '../contract/error-body.ts';
import type { ActiveConfigSource, ActiveConfiguration } from './active-config.ts';

/** a request as the API takes it (src/contract/authorize.ts), already of the right JSON types */
export interface AuthorizeInput {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, ContextValue>> | undefined;
  readonly resourceAccount?: string | undefined;
}

export type CausesMode = 'all' | 'sufficient';

/**
 * The keys the server fills from what it knows of the session (lower-cased): the principal, its
 * organization and tags, MFA, the credential's issue time and the time of the request. A caller
 * value for any of them is `invalid-input`. `aws:PrincipalOrgPaths`, `aws:userid` and the service
 * keys are not filled (the configuration does not know the units' AWS ids nor the role's unique
 * id) but are refused all the same: the caller cannot know them better than the server.
 */
export const SERVER_FILLED_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalType',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList',
    'aws:userid',
    'aws:username',
    'aws:MultiFactorAuthPresent',
    'aws:MultiFactorAuthAge',
    'aws:TokenIssueTime',
    'aws:CurrentTime',
    'aws:EpochTime',
  ].map((key) => key.toLowerCase()),
);
export const SERVER_FILLED_PREFIXES: readonly string[] = ['aws:principaltag/'];

export function isServerFilledKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SERVER_FILLED_KEYS.has(lower) || SERVER_FILLED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** a session of the active configuration: who, where, with what, compiled per resource account */
export interface SessionSubject {
  readonly configVersion: number;
  readonly principal: PrincipalRef;
  readonly account: Account;
  readonly permissionSet: string;
  readonly session: PrincipalSession;
  /** the compiler of the configuration version the subject was resolved in */
  readonly compiler: AccessCompiler;
  /** compiled policies by the resource account the request names (or the ARN's), '' for none */
  readonly accesses: Map<string, CompiledAccess>;
}

/** a subject with the credential it came from: MFA and issue time are the credential's */
export interface AuthorizeSubject {
  readonly subject: SessionSubject;
  readonly claims: CredentialClaims;
}

export interface DecidedRequest {
  readonly decision: Decision;
  readonly explainOptions: Required<ExplainOptions>;
}

export interface Authorizer {
  /** the configuration decisions are made with now; `unavailable` before the first apply */
  active(): ActiveConfiguration;
  /** the session a verified `session` credential stands for; `forbidden` when the configuration no longer has it */
  subjectOf(active: ActiveConfiguration, claims: CredentialClaims): AuthorizeSubject;
  /** the decision, or `invalid-input` with issues located under `path` (`body.request`, `body.requests[3]`) */
  decide(subject: AuthorizeSubject, request: AuthorizeInput, options: { readonly now: Date; readonly path: string; readonly causes: CausesMode }): DecidedRequest;
}

/** subjects and resource accounts remembered per configuration version; callers choose the strings, so both are bounded */
const MAX_SUBJECTS = 10_000;
const MAX_ACCESSES_PER_SUBJECT = 256;

interface VersionState {
  readonly active: ActiveConfiguration;
  readonly compiler: AccessCompiler;
  readonly subjects: Map<string, SessionSubject>;
}

export function createAuthorizer(config: ActiveConfigSource): Authorizer {
  // one per configuration version: a new version starts with new caches, the old ones are dropped with it
  let state: VersionState | undefined;
  // deciding is synchronous: one decider (and its bounded caches) serves the process
  const decider: Decider = createDecider();
  const stateOf = (active: ActiveConfiguration): VersionState => {
    if (state?.active !== active) state = { active, compiler: accessCompiler(active.config, { rcpServices: rcpServices(), directory: active.directory }), subjects: new Map() };
    return state;
  };
  return {
    active() {
      const active = config.current();
      if (active === undefined) throw new ParapetError('unavailable', 'no configuration is applied yet: nothing can be decided (apply one with `parapet apply`)');
      return active;
    },
    subjectOf(active, claims) {
      return { subject: sessionSubjectOf(stateOf(active), claims), claims };
    },
    decide(subject, request, options) {
      return decideRequest(decider, subject, request, options);
    },
  };
}

/** step 1: the session in the configuration, or `forbidden` saying what is gone */
function sessionSubjectOf(state: VersionState, claims: CredentialClaims): SessionSubject {
  if (claims.use !== 'session' || claims.account === undefined || claims.permissionSet === undefined) {
    throw new ParapetError('forbidden', `a \`${claims.use}\` credential has no policies to decide with: assume a permission set first (\`parapet assume ACCOUNT PERMISSION_SET\`)`);
  }
  const key = `${claims.sub}\u0000${claims.account}\u0000${claims.permissionSet}`;
  const known = state.subjects.get(key);
  if (known !== undefined) return known;
  const { config, directory } = state.active;
  const principal: PrincipalRef = { kind: 'user', name: claims.sub };
  const resolved = state.compiler({ principal, account: claims.account, permissionSet: claims.permissionSet, resource: '*' });
  const version = `configuration version ${state.active.version}`;
  if (!resolved.ok) {
    throw new ParapetError('forbidden', `the session is not valid in ${version}: ${resolved.issues.map((issue) => issue.message).join('; ')}`, {
      details: { account: claims.account, permissionSet: claims.permissionSet, configVersion: state.active.version },
    });
  }
  const { access } = resolved.value;
  const attributes = directory.attributesOf(claims.sub);
  if (attributes !== undefined && !attributes.active) throw new ParapetError('forbidden', `user \`${claims.sub}\` is deactivated in the directory`);
  // standing holdings only, as POST /v1/sessions issues them: an assignment made eligible since
  // needs just-in-time elevation, which a session issued before cannot stand for
  if (!access.standing) {
    const how = access.eligible ? 'is only eligible for' : 'no longer holds';
    throw new ParapetError('forbidden', `user \`${claims.sub}\` ${how} permission set \`${claims.permissionSet}\` in account \`${access.account.name}\` (${version})`, {
      details: { account: claims.account, permissionSet: claims.permissionSet, configVersion: state.active.version },
    });
  }
  // the user's directory tags become aws:PrincipalTag/<key>, exactly as `parapet test --directory` gives them
  const facts = principalFactsOf(sessionFactsOf(config), principal, directory);
  const subject: SessionSubject = {
    configVersion: state.active.version,
    principal,
    account: access.account,
    permissionSet: claims.permissionSet,
    session: principalSession(principal, access.account.id, claims.permissionSet, facts),
    compiler: state.compiler,
    // a request naming no other account is decided with these: the resource is the session account's
    accesses: new Map([['', resolved.value]]),
  };
  if (state.subjects.size >= MAX_SUBJECTS) state.subjects.delete(state.subjects.keys().next().value!);
  state.subjects.set(key, subject);
  return subject;
}

/** step 2: every problem of the request's shape, located; empty when it may be decided */
// actions, resources and keys repeat from request to request: each is checked once (bounded memos)
const actionProblemOf = memoize((action: string) => checkRequestAction(action) ?? actionChecker()(action));
const resourceProblemOf = memoize(checkRequestResource);
const keyProblemOf = memoize((key: string): string | undefined => {
  if (isServerFilledKey(key)) return `context key \`${key}\` is filled by the server from the subject's session and cannot be given`;
  if (!key.includes(':')) return `\`${key}\` is not a condition key: expected \`service:Key\`, such as \`aws:SourceIp\``;
  return undefined;
});

export function checkRequest(request: AuthorizeInput, path: string): RequestIssue[] {
  const issues: RequestIssue[] = [];
  const actionProblem = actionProblemOf(request.action);
  if (actionProblem !== undefined) issues.push({ path: `${path}.action`, message: actionProblem });
  const resourceProblem = resourceProblemOf(request.resource);
  if (resourceProblem !== undefined) issues.push({ path: `${path}.resource`, message: resourceProblem });
  const context = request.context;
  if (context === undefined) return issues;
  for (const key in context) {
    const problem = keyProblemOf(key);
    if (problem !== undefined) issues.push({ path: `${path}.context.${key}`, message: problem });
  }
  // a refused key's value is not checked: it is not going to be read
  for (const problem of checkContext(context, contextKeyType())) {
    if (isServerFilledKey(problem.key)) continue;
    issues.push({ path: `${path}.context.${problem.key}${problem.index === undefined ? '' : `[${problem.index}]`}`, message: problem.message });
  }
  return issues;
}

/** the keys AWS puts in a request of this session at `now` (reference_policies_condition-keys.html) */
export function serverFilledContext(claims: CredentialClaims, now: Date): Record<string, string> {
  const seconds = Math.floor(now.getTime() / 1000);
  const context: Record<string, string> = {
    'aws:CurrentTime': currentTime(seconds),
    'aws:EpochTime': String(seconds),
    'aws:TokenIssueTime': tokenIssueTime(claims),
    // present for every request with temporary credentials: false when the sign-in had no second factor
    'aws:MultiFactorAuthPresent': claims.mfaTime === undefined ? 'false' : 'true',
  };
  // absent without MFA, as AWS leaves it out: a `...IfExists` condition on it then applies
  if (claims.mfaTime !== undefined) context['aws:MultiFactorAuthAge'] = String(Math.max(0, seconds - claims.mfaTime));
  return context;
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

// thousands of decisions a second share their second and their credential: format each once
let lastSecond = -1;
let lastSecondText = '';
function currentTime(seconds: number): string {
  if (seconds !== lastSecond) {
    lastSecond = seconds;
    lastSecondText = isoSeconds(seconds);
  }
  return lastSecondText;
}

// the verified-credential cache hands out the same claims object for a token, so this is per credential
const issueTimes = new WeakMap<CredentialClaims, string>();
function tokenIssueTime(claims: CredentialClaims): string {
  let text = issueTimes.get(claims);
  if (text === undefined) {
    text = isoSeconds(claims.iat);
    issueTimes.set(claims, text);
  }
  return text;
}

/** step 3: the compiled policies of the pair (once per resource account) and the engine's decision */
function decideRequest(
  decider: Decider,
  asked: AuthorizeSubject,
  request: AuthorizeInput,
  options: { readonly now: Date; readonly path: string; readonly causes: CausesMode },
): DecidedRequest {
  const { subject } = asked;
  const issues = checkRequest(request, options.path);
  if (issues.length > 0) throw invalidRequest(issues);
  const owner = request.resourceAccount ?? accountOfArn(request.resource) ?? '';
  let access = subject.accesses.get(owner);
  if (access === undefined) {
    const compiled = subject.compiler({
      principal: subject.principal,
      account: subject.account.id,
      permissionSet: subject.permissionSet,
      resource: request.resource,
      resourceAccount: request.resourceAccount,
    });
    if (!compiled.ok) {
      // the subject was resolved already: what remains is the resource account the request names
      throw invalidRequest(compiled.issues.map((issue) => ({ path: `${options.path}.resourceAccount`, message: issue.message })));
    }
    access = compiled.value;
    if (subject.accesses.size >= MAX_ACCESSES_PER_SUBJECT) subject.accesses.clear();
    subject.accesses.set(owner, access);
  }
  // no key of the request's is one of the base's: checkRequest refused them
  const base = baseContextOf(asked, options.now);
  const context = request.context === undefined ? base : { ...base, ...request.context };
  const decision = decider.decide(
    access.compiled,
    { principal: subject.session.principal, action: request.action, resource: request.resource, resourceAccount: access.resourceAccountId, context },
    subject.session.facts,
    { causes: options.causes },
  );
  return { decision, explainOptions: access.access.explainOptions };
}

/**
 * The session's keys and the server-filled ones, shared by every request of one credential in one
 * second (a batch, or a tool asking again and again): the verified-credential cache hands out the
 * same claims object for a token, and the subject changes with the configuration version.
 */
const bases = new WeakMap<CredentialClaims, { readonly subject: SessionSubject; readonly seconds: number; readonly context: Readonly<Record<string, ContextValue>> }>();
function baseContextOf(asked: AuthorizeSubject, now: Date): Readonly<Record<string, ContextValue>> {
  const seconds = Math.floor(now.getTime() / 1000);
  const known = bases.get(asked.claims);
  if (known !== undefined && known.seconds === seconds && known.subject === asked.subject) return known.context;
  const context = Object.freeze({ ...asked.subject.session.context, ...serverFilledContext(asked.claims, now) });
  bases.set(asked.claims, { subject: asked.subject, seconds, context });
  return context;
}

function invalidRequest(issues: RequestIssue[]): ParapetError {
  return new ParapetError('invalid-input', `the request is not valid: ${issues.map((issue) => issue.message).join('; ')}`, { details: { issues } });
}

export function explainDecision(decided: DecidedRequest): string {
  return explain(decided.decision, decided.explainOptions);
}
