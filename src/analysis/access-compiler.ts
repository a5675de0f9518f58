/**
 * The policies in force for a permission set used in an account, compiled once and shared by
 * every question that needs them (access tests, who-can, what-can). The policies depend on the
 * account, the permission set and the account that owns the resource, not on who holds the
 * permission set, so that is the cache key. Who holds what comes from the compiler's directory
 * (by default the configuration's groups): every question sharing a compiler reads the same one.
 */
import { compilePolicySet, createCompileSession, accountOfArn, internalError, isAccountId, type CompiledPolicySet, type Policy, type Result } from '../policy/index.ts';
import { conditionalDecider, policiesOf, type ConditionalDecider, type ContextMemory } from './conditional-decider.ts';
import {
  configDirectory,
  findAccount,
  guardrailChain,
  resolveAccess,
  resourceGuardrailChain,
  type AccessQuery,
  type Account,
  type Directory,
  type OrgConfig,
  type ResolvedAccess,
  type ResolvedPolicies,
} from '../org/index.ts';

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
  /** who is in which group; default: the configuration's `groups` */
  readonly directory?: Directory | undefined;
}

/** an access query about one resource: the RCPs in force are those of the account that owns it */
export interface ResourceAccessQuery extends AccessQuery {
  readonly resource: string;
  /** name or id; default: the account in the resource ARN, else `account` */
  readonly resourceAccount?: string | undefined;
}

export type CompiledAccessResult = Result<CompiledAccess>;

/** the compiled policies of an (account, permission set) pair, whoever holds it */
export type PairAccess = Pick<CompiledAccess, 'compiled' | 'decideConditional' | 'resourceAccountId'> & {
  /**
   * whether a statement in force names principals (`Principal`, `NotPrincipal`): only then can two
   * sessions of the pair, which differ only in their session name, be decided differently
   */
  readonly namesPrincipals: boolean;
};

export type AccessCompiler = ((query: ResourceAccessQuery) => CompiledAccessResult) & {
  /**
   * The same compiled policies, for a pair of the configuration, without resolving a principal:
   * resolving one lists its holdings (a scan of the assignments), and who-can asks for every pair
   * of the organization. Undefined for an unknown permission set.
   */
  readonly forPair: (account: Account, permissionSet: string, resource: string) => PairAccess | undefined;
  /** the directory principals are resolved in */
  readonly directory: Directory;
};

/**
 * The compiler a question uses: the one it was given to share, or its own over the question's
 * directory. A shared compiler resolves principals in its own directory, so a question may not
 * name another one: it would check a user in one directory and resolve its holdings in the other.
 */
export function questionCompiler(config: OrgConfig, options: AccessCompilerOptions & { readonly compiler?: AccessCompiler | undefined }): AccessCompiler {
  if (options.compiler === undefined) return accessCompiler(config, options);
  if (options.directory !== undefined && options.directory !== options.compiler.directory) {
    throw internalError('questionCompiler: the compiler given resolves principals in another directory than the question\'s');
  }
  return options.compiler;
}

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
  const directory = options.directory ?? configDirectory(config);
  type Entry = { compiled: CompiledPolicySet; decideConditional: ConditionalDecider; namesPrincipals: boolean };
  const cache = new Map<string, Entry>();
  const memory: ContextMemory = [];
  // the sets differ by an account's guardrails or a permission set: each slot is compiled once
  const compileSession = createCompileSession();
  const entryFor = (key: string, policies: ResolvedPolicies, external: boolean): Entry => {
    let entry = cache.get(key);
    if (entry === undefined) {
      const inForcePolicies = external ? { ...policies, rcps: [] } : policies;
      const compileOptions = { managementAccount: config.organization.managementAccount, rcpServices: options.rcpServices };
      const compiled = compilePolicySet(inForcePolicies, compileOptions, compileSession);
      // `"Principal": "*"` (which an RCP must have) matches every session alike
      const namesPrincipals = policiesOf(inForcePolicies).some((p) => p.statements.some((st) => st.notPrincipal || (st.principal !== undefined && !st.principal.any)));
      entry = { compiled, decideConditional: conditionalDecider(inForcePolicies, compileOptions, { compiled, memory }), namesPrincipals };
      cache.set(key, entry);
    }
    return entry;
  };
  // compiling depends only on the policies (the options are the configuration's), so pairs whose
  // policies are the same objects (accounts of one unit, with one permission set) share the
  // compiled set and its decider, and with it the contexts the decider found
  const ids = new WeakMap<Policy, number>();
  let nextId = 0;
  const idOf = (policy: Policy) => {
    let id = ids.get(policy);
    if (id === undefined) {
      id = nextId++;
      ids.set(policy, id);
    }
    return id;
  };
  const keyOf = (policies: ResolvedPolicies, external: boolean) => {
    const list = (level: readonly Policy[]) => `[${level.map(idOf).join(',')}]`;
    return [
      list(policies.identity),
      policies.permissionBoundary === undefined ? '' : idOf(policies.permissionBoundary),
      policies.scps.map(list).join(''),
      external ? '' : policies.rcps.map(list).join(''),
    ].join('|');
  };

  const compile = (query: ResourceAccessQuery): CompiledAccessResult => {
    const owner = resourceAccountOf(config, query.resource, query.resourceAccount);
    // an account name that is not in the organization is resolveAccess's to report; an id outside it is external
    const unknownName = query.resourceAccount !== undefined && owner.account === undefined && !isAccountId(query.resourceAccount);
    const resourceAccount = owner.account?.name ?? (unknownName ? query.resourceAccount : undefined);
    const resolved = resolveAccess(config, {
      principal: query.principal,
      account: query.account,
      permissionSet: query.permissionSet,
      ...(resourceAccount !== undefined ? { resourceAccount } : {}),
    }, directory);
    if (!resolved.ok) return resolved;
    const access = resolved.value;
    // a resource outside the organization: its account's RCPs are not ours to know
    const external = owner.id !== undefined && owner.account === undefined;
    const resourceAccountId = owner.id ?? access.account.id;
    const entry = entryFor(keyOf(access.policies, external), access.policies, external);
    return { ok: true, value: { access, resourceAccountId, compiled: entry.compiled, decideConditional: entry.decideConditional }, issues: [] };
  };

  const forPair = (account: Account, permissionSetName: string, resource: string): PairAccess | undefined => {
    const permissionSet = config.permissionSets.get(permissionSetName);
    if (permissionSet === undefined) return undefined;
    const owner = resourceAccountOf(config, resource, undefined);
    const external = owner.id !== undefined && owner.account === undefined;
    const resourceAccount = owner.account ?? account;
    const resourceAccountId = owner.id ?? account.id;
    // the policies resolveAccess gives for the pair: the permission set's, the account's SCP chain, the resource account's RCP chain
    const policies: ResolvedPolicies = {
      identity: permissionSet.policies.map((p) => p.policy),
      ...(permissionSet.boundary !== undefined ? { permissionBoundary: permissionSet.boundary.policy } : {}),
      scps: guardrailChain(config, account).levels,
      rcps: external ? [] : resourceGuardrailChain(config, resourceAccount).levels,
    };
    return { resourceAccountId, ...entryFor(keyOf(policies, external), policies, external) };
  };
  return Object.assign(compile, { forPair, directory });
}
