/**
 * The exact policies in force when a principal uses a permission set in an account: the SCP chain
 * of the account, root first; the RCP chain of the account that owns the resource; the permission
 * set's policies and boundary; and how the principal holds it (standing, eligible, or not at all).
 * The result goes straight into the engine:
 *
 *   const access = resolveAccess(config, query);
 *   const compiled = compilePolicySet(access.value.policies, { ...access.value.compileOptions, rcpServices });
 *   explain(decide(compiled, request), access.value.explainOptions);
 *
 * A user's groups come from the directory given (by default the configuration's own groups).
 */
import type { ExplainOptions, Policy, Result } from '../policy/index.ts';
import { didYouMean } from './did-you-mean.ts';
import { findAccount } from './find-account.ts';
import { guardrailChain, resourceGuardrailChain } from './guardrail-chain.ts';
import { listPrincipalAccess, type HoldingSource } from './list-principal-access.ts';
import type { Account, OrgConfig, PermissionSet } from './org-config.ts';
import { checkPrincipal } from './check-principal.ts';
import { configDirectory } from './config-directory.ts';
import type { Directory } from './directory.ts';
import type { PrincipalRef } from './principal-ref.ts';
import type { ResolveIssue } from './resolve-issue.ts';

export interface AccessQuery {
  readonly principal: PrincipalRef;
  /** the account the principal works in, by name or id */
  readonly account: string;
  readonly permissionSet: string;
  /** the account that owns the resource (name or id), when it is not `account`: its RCPs apply */
  readonly resourceAccount?: string | undefined;
}

/** what compilePolicySet takes */
export interface ResolvedPolicies {
  readonly identity: readonly Policy[];
  readonly permissionBoundary?: Policy;
  readonly scps: readonly (readonly Policy[])[];
  readonly rcps: readonly (readonly Policy[])[];
}

export interface ResolvedAccess {
  readonly principal: PrincipalRef;
  readonly account: Account;
  readonly resourceAccount: Account;
  readonly permissionSet: PermissionSet;
  /** every way the principal holds the permission set in the account; empty when it does not */
  readonly sources: readonly HoldingSource[];
  /** held without asking (an assignment that is not `eligible`, or a service account's) */
  readonly standing: boolean;
  /** may be requested just in time (an `eligible` assignment) */
  readonly eligible: boolean;
  readonly policies: ResolvedPolicies;
  readonly compileOptions: { readonly managementAccount: string };
  readonly explainOptions: Required<ExplainOptions>;
}

export type { ResolveIssue, ResolveIssueCode } from './resolve-issue.ts';

export type ResolvedAccessResult = Result<ResolvedAccess>;

export function resolveAccess(config: OrgConfig, query: AccessQuery, directory: Directory = configDirectory(config)): ResolvedAccessResult {
  const issues: ResolveIssue[] = [];
  const principalIssue = checkPrincipal(config, query.principal, directory);
  if (principalIssue !== undefined) issues.push(principalIssue);
  const account = lookupAccount(config, query.account, issues, '$.account');
  const resourceAccount = query.resourceAccount === undefined ? account : lookupAccount(config, query.resourceAccount, issues, '$.resourceAccount');
  const permissionSet = config.permissionSets.get(query.permissionSet);
  if (permissionSet === undefined) {
    issues.push({
      code: 'unknown-permission-set',
      severity: 'error',
      path: '$.permissionSet',
      message: `unknown permission set \`${query.permissionSet}\`${didYouMean(query.permissionSet, config.permissionSets.keys())}`,
    });
  }
  if (issues.length > 0 || account === undefined || resourceAccount === undefined || permissionSet === undefined) return { ok: false, issues };

  const sources = listPrincipalAccess(config, query.principal, directory)
    .filter((entry) => entry.account === account.name && entry.permissionSet === permissionSet.name)
    .map((entry) => entry.source);
  const scps = guardrailChain(config, account);
  const rcps = resourceGuardrailChain(config, resourceAccount);
  return {
    ok: true,
    issues: [],
    value: {
      principal: query.principal,
      account,
      resourceAccount,
      permissionSet,
      sources,
      standing: sources.some((g) => g.kind === 'serviceAccount' || !g.eligible),
      eligible: sources.some((g) => g.kind === 'assignment' && g.eligible),
      policies: {
        identity: permissionSet.policies.map((p) => p.policy),
        ...(permissionSet.boundary !== undefined ? { permissionBoundary: permissionSet.boundary.policy } : {}),
        scps: scps.levels,
        rcps: rcps.levels,
      },
      compileOptions: { managementAccount: config.organization.managementAccount },
      explainOptions: { scpLevelNames: scps.levelNames, rcpLevelNames: rcps.levelNames },
    },
  };
}

function lookupAccount(config: OrgConfig, nameOrId: string, issues: ResolveIssue[], path: string): Account | undefined {
  const account = findAccount(config, nameOrId);
  if (account === undefined) issues.push({ code: 'unknown-account', severity: 'error', path, message: `unknown account \`${nameOrId}\`${didYouMean(nameOrId, config.accounts.keys())}` });
  return account;
}
