/**
 * The policies in force for a permission set used in an account, compiled once and shared by
 * every request that needs them (access tests, who-can, what-can). The policies depend on the
 * account, the permission set and the account that owns the resource, not on who holds the
 * permission set, so that is the cache key.
 */
import { compilePolicySet, accountOfArn, type CompiledPolicySet } from '../policy/index.ts';
import { conditionalDecider, type ConditionalDecider } from './conditional-decider.ts';
import { findAccount, resolveAccess, type Account, type OrgConfig, type PrincipalRef, type ResolvedAccess, type ResolveIssue } from '../org/index.ts';

export interface CompiledAccess {
  readonly access: ResolvedAccess;
  readonly compiled: CompiledPolicySet;
  /** decides with a partly known context (shared by every request on these policies) */
  readonly decideConditional: ConditionalDecider;
  /** the account that owns the resource: an account of the organization, or only an id outside it */
  readonly resourceAccountId: string;
}

export interface AccessCompilerOptions {
  /** services RCPs apply to (the catalog's `rcpSupportedServices`) */
  readonly rcpServices?: ReadonlySet<string> | undefined;
}

export interface AccessRequest {
  readonly principal: PrincipalRef;
  readonly account: string;
  readonly permissionSet: string;
  readonly resource: string;
  /** name or id; default: the account in the resource ARN, else `account` */
  readonly resourceAccount?: string | undefined;
}

export type CompiledAccessResult = { readonly ok: true; readonly value: CompiledAccess } | { readonly ok: false; readonly issues: readonly ResolveIssue[] };

export type AccessCompiler = (request: AccessRequest) => CompiledAccessResult;

/**
 * The account that owns a resource: given by name or id, else the account in the ARN (an id
 * outside the organization stays an id: no RCP of ours applies to it), else none (the principal's).
 */
export function resourceAccountOf(config: OrgConfig, resource: string, given: string | undefined): { account?: Account; id?: string } {
  const text = given ?? accountOfArn(resource);
  if (text === undefined) return {};
  const account = findAccount(config, text);
  return account !== undefined ? { account, id: account.id } : { id: text };
}

export function accessCompiler(config: OrgConfig, options: AccessCompilerOptions = {}): AccessCompiler {
  const cache = new Map<string, { compiled: CompiledPolicySet; decideConditional: ConditionalDecider }>();
  return (request) => {
    const owner = resourceAccountOf(config, request.resource, request.resourceAccount);
    // an account name that is not in the organization is resolveAccess's to report; an id outside it is external
    const unknownName = request.resourceAccount !== undefined && owner.account === undefined && !/^\d{12}$/.test(request.resourceAccount);
    const resourceAccount = owner.account?.name ?? (unknownName ? request.resourceAccount : undefined);
    const resolved = resolveAccess(config, {
      principal: request.principal,
      account: request.account,
      permissionSet: request.permissionSet,
      ...(resourceAccount !== undefined ? { resourceAccount } : {}),
    });
    if (!resolved.ok) return resolved;
    const access = resolved.value;
    // a resource outside the organization: its account's RCPs are not ours to know
    const external = owner.id !== undefined && owner.account === undefined;
    const resourceAccountId = owner.id ?? access.account.id;
    const key = `${access.account.name}\u0000${access.permissionSet.name}\u0000${external ? resourceAccountId : access.resourceAccount.name}`;
    let entry = cache.get(key);
    if (entry === undefined) {
      const policies = external ? { ...access.policies, rcps: [] } : access.policies;
      const compiled = compilePolicySet(policies, { ...access.compileOptions, rcpServices: options.rcpServices });
      const inForce = [...policies.identity, ...(policies.permissionBoundary !== undefined ? [policies.permissionBoundary] : []), ...policies.scps.flat(), ...policies.rcps.flat()];
      entry = { compiled, decideConditional: conditionalDecider(compiled, inForce) };
      cache.set(key, entry);
    }
    return { ok: true, value: { access, resourceAccountId, ...entry } };
  };
}
