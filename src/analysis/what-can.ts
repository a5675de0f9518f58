/**
 * What a principal can do: for each (account, permission set) it holds, the catalog's actions the
 * engine allows, grouped by service. Wildcards are expanded by deciding every catalog action of
 * the services the permission set's policies could grant (every service when one of them uses
 * `*`, a wildcard service or `NotAction`), on resource `*` and, for an action a statement grants
 * only on some resources, on each of those resource patterns: those of the identity policies'
 * Allows, and of the boundary's and the guardrails' Allows, which may be all that limits an
 * identity Allow on `*` (what both allow is allowed:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
 */
import type { AccessLevel, ActionInfo, Catalog } from '../catalog/catalog.ts';
import { compileActionPattern } from '../catalog/compile-action-pattern.ts';
import { accountOfArn, internalError, needsNoPermission, type ContextValue, type Policy, type Result, type Statement } from '../policy/index.ts';
import { checkPrincipal, type OrgConfig, type PrincipalRef } from '../org/index.ts';
import { questionCompiler, type CompiledAccess } from './access-compiler.ts';
import { policiesOf, type AccessVerdict } from './conditional-decider.ts';
import { accountFilter, type AccessQuestionOptions } from './account-filter.ts';
import { principalHoldings } from './principal-holdings.ts';
import { principalFactsOf, principalSession, sessionFactsOf } from './principal-session.ts';

export interface WhatCanQuery {
  readonly principal: PrincipalRef;
  /** only this account (name or id) */
  readonly account?: string | undefined;
  /** context the caller is known to send; the rest remains a condition */
  readonly context?: Readonly<Record<string, ContextValue>> | undefined;
}

export type WhatCanOptions = AccessQuestionOptions;

export interface GrantedAction {
  readonly action: string;
  readonly accessLevel: AccessLevel;
  readonly status: 'allowed' | 'conditional';
  /** `*`, or the resource patterns it is granted on when not on every resource */
  readonly resources: readonly string[];
  /**
   * the condition keys it depends on; `Resource` when a Deny names some resources
   * (`deniedResources`), with the keys of the Deny's condition when it has one
   */
  readonly conditionKeys: readonly string[];
  /** for `conditional`: a context that allows it (keys it does not list are absent) */
  readonly example: Readonly<Record<string, ContextValue>>;
  /** for `conditional`: the conditions comparing a key with a policy variable, which the example meets */
  readonly relations: readonly string[];
  /**
   * resource patterns a Deny in force names for the action, on which it is denied, for every
   * request or under the Deny's condition, while allowed on `*` (`"Resource": "arn:aws:s3:::payroll"`
   * in a Deny, `"Resource": "*"` in the Allow): the action is then conditional on the resource
   * (and on the keys of that condition)
   */
  readonly deniedResources: readonly string[];
}

export interface ServiceAccess {
  /** the service prefix: `s3` */
  readonly service: string;
  readonly serviceName: string;
  /** the service's actions in the catalog */
  readonly catalogActions: number;
  readonly granted: readonly GrantedAction[];
  /** how many of `granted` are conditional */
  readonly conditional: number;
}

export interface PermissionSetAccess {
  readonly account: string;
  readonly accountId: string;
  readonly permissionSet: string;
  readonly via: 'standing' | 'eligible';
  readonly groups: readonly string[];
  /** services with at least one granted action, by prefix */
  readonly services: readonly ServiceAccess[];
  /** granted actions, all services together */
  readonly granted: number;
  readonly conditional: number;
  /** catalog actions decided */
  readonly decided: number;
  /**
   * actions not listed because the search for an allowing context ran out of budget
   * (conditional-decider.ts): when not empty the answer is incomplete, they may be allowed
   */
  readonly undecided: readonly string[];
}

export interface WhatCanResult {
  readonly principal: PrincipalRef;
  readonly access: readonly PermissionSetAccess[];
}

export function whatCan(config: OrgConfig, catalog: Catalog, query: WhatCanQuery, options: WhatCanOptions = {}): Result<WhatCanResult> {
  const compile = questionCompiler(config, options);
  const filter = accountFilter(config, query.account);
  if (!filter.ok) return filter;
  const unknown = checkPrincipal(config, query.principal, compile.directory);
  if (unknown !== undefined) return { ok: false, issues: [unknown] };
  const holdings = principalHoldings(config, query.principal, compile.directory);
  const facts = principalFactsOf(sessionFactsOf(config, options.sessionFacts), query.principal, compile.directory);
  const access: PermissionSetAccess[] = [];
  for (const holding of holdings) {
    if (filter.value !== undefined && holding.account.name !== filter.value) continue;
    const base = compile({ principal: query.principal, account: holding.account.name, permissionSet: holding.permissionSet, resource: '*' });
    if (!base.ok) throw internalError(`whatCan: ${base.issues.map((i) => i.message).join('; ')}`);
    const session = principalSession(query.principal, holding.account.id, holding.permissionSet, facts);
    const compiledFor = (resource: string): CompiledAccess => {
      if (accountOfArn(resource) === undefined) return base.value;
      const other = compile({ principal: query.principal, account: holding.account.name, permissionSet: holding.permissionSet, resource });
      if (!other.ok) throw internalError(`whatCan: ${other.issues.map((i) => i.message).join('; ')}`);
      return other.value;
    };
    const decideOn = (action: string, resource: string): AccessVerdict => {
      const target = compiledFor(resource);
      return target.decideConditional(
        { principal: session.principal, action, resource, resourceAccount: target.resourceAccountId, context: { ...session.context, ...query.context } },
        session.facts,
      );
    };
    const identity = base.value.access.policies.identity;
    const allowing = allowingPolicies(base.value);
    const signatureOf = actionSignature(base.value, options.rcpServices);
    const everywhere = new Map<string, AccessVerdict>();
    const decideEverywhere = (info: ActionInfo): AccessVerdict => {
      const signature = signatureOf(info);
      let verdict = everywhere.get(signature);
      if (verdict === undefined) {
        verdict = decideOn(info.action, '*');
        everywhere.set(signature, verdict);
      }
      return verdict;
    };
    // Denies that name some resources only: the action may be allowed on `*` and denied on them
    const resourceDenies = resourceScopedDenies(base.value);
    const deniedByClass = new Map<string, DeniedResources>();
    const deniedResourcesOf = (info: ActionInfo): DeniedResources => {
      const named = resourceDenies.filter((d) => d.names(info.action));
      if (named.length === 0) return NONE_DENIED;
      // on a resource ARN the engine also looks at the action for sts:AssumeRole* and kms (resourcePolicyRequired)
      const key = `${signatureOf(info)}|${info.service === 'sts' || info.service === 'kms' ? info.action : ''}`;
      let denied = deniedByClass.get(key);
      if (denied === undefined) {
        // a resource not allowed for every request: denied always, or in some contexts (a Deny under a condition)
        const resources: string[] = [];
        const keys = new Set<string>();
        for (const resource of new Set(named.flatMap((d) => d.resources))) {
          const verdict = decideOn(info.action, resource);
          if (verdict.status === 'allowed') continue;
          resources.push(resource);
          if (verdict.status === 'conditional') for (const k of verdict.conditionKeys) keys.add(k);
        }
        denied = { resources, conditionKeys: [...keys] };
        deniedByClass.set(key, denied);
      }
      return denied;
    };
    const grantedByService = new Map<string, GrantedAction[]>();
    const undecided: string[] = [];
    let decided = 0;
    for (const service of candidateServices(identity, catalog)) {
      for (const info of catalog.actionsOf(service)) {
        decided++;
        // what needs no permission (sts:GetCallerIdentity) is open to everyone, granted by no policy
        if (needsNoPermission(info.action.toLowerCase())) continue;
        const granted = grantOf(info, allowing, decideEverywhere, decideOn, deniedResourcesOf, () => undecided.push(info.action));
        if (granted === undefined) continue;
        const list = grantedByService.get(info.service);
        if (list === undefined) grantedByService.set(info.service, [granted]);
        else list.push(granted);
      }
    }
    const services = [...grantedByService]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([service, granted]) => ({
        service,
        serviceName: catalog.serviceName(service) ?? service,
        catalogActions: catalog.actionsOf(service).length,
        granted,
        conditional: granted.filter((g) => g.status === 'conditional').length,
      }));
    access.push({
      account: holding.account.name,
      accountId: holding.account.id,
      permissionSet: holding.permissionSet,
      via: holding.standing ? 'standing' : 'eligible',
      groups: holding.groups,
      services,
      granted: services.reduce((n, s) => n + s.granted.length, 0),
      conditional: services.reduce((n, s) => n + s.conditional, 0),
      decided,
      undecided,
    });
  }
  return { ok: true, value: { principal: query.principal, access }, issues: [] };
}

/**
 * The services an identity policy could grant: an Allow must name the action, so the services of
 * the Allow statements are the only ones to decide, unless one of them names every service
 */
export function candidateServices(identity: readonly Policy[], catalog: Catalog): readonly string[] {
  const services = new Set<string>();
  for (const policy of identity) {
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue;
      if (statement.notAction) return catalog.services();
      for (const action of statement.actions) {
        const colon = action.indexOf(':');
        const service = colon === -1 ? action : action.slice(0, colon);
        if (colon === -1 || /[*?]/.test(service)) return catalog.services();
        services.add(service.toLowerCase());
      }
    }
  }
  return [...services].filter((s) => catalog.isKnownService(s)).sort();
}

/**
 * Which statements of the policies in force name an action, and whether RCPs cover its service:
 * on one resource with one context, two actions with the same signature get the same answer
 * (the engine looks at nothing else of the action), so over a catalog of ~22,000 actions only a
 * few hundred distinct requests are decided.
 */
function actionSignature(compiled: CompiledAccess, rcpServices: ReadonlySet<string> | undefined): (info: ActionInfo) => string {
  const matchers = policiesOf(compiled.access.policies).flatMap((policy) => policy.statements.map(namesActionOf));
  // the engine lower-cases the service prefix; resourcePolicyRequired looks at sts:AssumeRole* and kms, never on `*`
  return (info) => {
    let signature = rcpServices === undefined || rcpServices.has(info.service) ? 'r' : '-';
    for (let i = 0; i < matchers.length; i++) if (matchers[i]!(info.action)) signature += `,${i}`;
    return signature;
  };
}

/**
 * The policies whose Allows may limit the resources: the identity policies, the boundary and the
 * guardrails (RCPs only deny). Where an identity Allow names `*` and the boundary some resources,
 * the action is allowed on those only, so they are the patterns to try.
 */
function allowingPolicies(compiled: CompiledAccess): readonly Policy[] {
  const { policies } = compiled.access;
  return [...policies.identity, ...(policies.permissionBoundary !== undefined ? [policies.permissionBoundary] : []), ...policies.scps.flat()];
}

/** whether a statement's `Action` (or `NotAction`) names an action */
function namesActionOf(statement: Statement): (action: string) => boolean {
  const patterns = statement.actions.map((a) => compileActionPattern(a));
  return statement.notAction ? (action) => !patterns.some((m) => m(action)) : (action) => patterns.some((m) => m(action));
}

/** the resource patterns other than `*` that Allow statements naming the action grant it on */
function resourcePatterns(info: ActionInfo, allowing: readonly Policy[]): string[] {
  const out = new Set<string>();
  for (const policy of allowing) {
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || statement.notResource || statement.resources === undefined) continue;
      if (statement.resources.includes('*')) continue;
      if (!namesActionOf(statement)(info.action)) continue;
      for (const resource of statement.resources) out.add(resource);
    }
  }
  return [...out];
}

/** Deny statements in force whose `Resource` names some resources, not `*` */
function resourceScopedDenies(compiled: CompiledAccess): { readonly names: (action: string) => boolean; readonly resources: readonly string[] }[] {
  return policiesOf(compiled.access.policies).flatMap((policy) =>
    policy.statements
      .filter((s) => s.effect === 'Deny' && !s.notResource && s.resources !== undefined && !s.resources.includes('*'))
      .map((statement) => ({ names: namesActionOf(statement), resources: statement.resources ?? [] })),
  );
}

/** the resources a Deny in force names on which the action is not allowed for every request, and the keys it then depends on */
interface DeniedResources {
  readonly resources: readonly string[];
  readonly conditionKeys: readonly string[];
}

const NONE_DENIED: DeniedResources = { resources: [], conditionKeys: [] };

function grantOf(
  info: ActionInfo,
  allowing: readonly Policy[],
  decideEverywhere: (info: ActionInfo) => AccessVerdict,
  decideOn: (action: string, resource: string) => AccessVerdict,
  deniedResourcesOf: (info: ActionInfo) => DeniedResources,
  undecided: () => void,
): GrantedAction | undefined {
  const everywhere = decideEverywhere(info);
  if (everywhere.status !== 'denied') return granted(info, [everywhere], ['*'], deniedResourcesOf(info));
  let exhausted = everywhere.searchExhausted;
  const verdicts: AccessVerdict[] = [];
  const resources: string[] = [];
  for (const resource of resourcePatterns(info, allowing)) {
    const verdict = decideOn(info.action, resource);
    if (verdict.status === 'denied') {
      exhausted ||= verdict.searchExhausted;
      continue;
    }
    verdicts.push(verdict);
    resources.push(resource);
  }
  if (resources.length === 0) {
    if (exhausted) undecided();
    return undefined;
  }
  return granted(info, verdicts, resources, NONE_DENIED);
}

function granted(info: ActionInfo, verdicts: readonly AccessVerdict[], resources: readonly string[], denied: DeniedResources): GrantedAction {
  const conditional = verdicts.filter((v) => v.status === 'conditional');
  const onContext = conditional.length === verdicts.length;
  const keys = new Set(onContext ? conditional.flatMap((v) => (v.status === 'conditional' ? v.conditionKeys : [])) : []);
  if (denied.resources.length > 0) {
    keys.add('Resource');
    for (const k of denied.conditionKeys) keys.add(k);
  }
  const first = conditional[0];
  return {
    action: info.action,
    accessLevel: info.accessLevel,
    status: keys.size > 0 ? 'conditional' : 'allowed',
    resources,
    conditionKeys: [...keys].sort(),
    example: onContext && first?.status === 'conditional' ? first.example : {},
    relations: onContext && first?.status === 'conditional' ? first.relations : [],
    deniedResources: denied.resources,
  };
}
