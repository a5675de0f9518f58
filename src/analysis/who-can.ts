/**
 * Who can perform an action on a resource: every group, user and service account of the
 * configuration, through each (account, permission set) it holds, decided by the engine with the
 * policies in force. Access that holds only for some values of the request context (a region, MFA,
 * TLS) is `conditional`, with the keys that remain and one context that allows it. A triple whose
 * search ran out of budget is listed apart (`undecided`): the answer is then incomplete.
 */
import { internalError, type ContextValue, type Result } from '../policy/index.ts';
import { configDirectory, type Directory, type OrgConfig, type PrincipalRef } from '../org/index.ts';
import { questionCompiler, type PairAccess } from './access-compiler.ts';
import type { AccessVerdict } from './conditional-decider.ts';
import { accountFilter, type AccessQuestionOptions } from './account-filter.ts';
import { holdingIndex } from './principal-holdings.ts';
import { principalFactsOf, principalSession, sessionFactsOf } from './principal-session.ts';

export interface WhoCanQuery {
  readonly action: string;
  readonly resource: string;
  /** only principals working in this account (name or id) */
  readonly account?: string | undefined;
  /** context the caller is known to send; the rest remains a condition */
  readonly context?: Readonly<Record<string, ContextValue>> | undefined;
}

export type WhoCanOptions = AccessQuestionOptions;

export interface WhoCanEntry {
  readonly principal: PrincipalRef;
  /** account name and id */
  readonly account: string;
  readonly accountId: string;
  readonly permissionSet: string;
  /** `standing` when held without asking; `eligible` when only just in time */
  readonly via: 'standing' | 'eligible';
  /** the groups the access comes through (for a user, its groups that hold it) */
  readonly groups: readonly string[];
  readonly status: 'allowed' | 'conditional';
  /** the condition keys the answer depends on */
  readonly conditionKeys: readonly string[];
  /** for `conditional`: a context that allows it (keys it does not list are absent) */
  readonly example: Readonly<Record<string, ContextValue>>;
  /**
   * for `conditional`: the conditions comparing a key with a policy variable (`aws:ResourceTag/team
   * StringEquals ${aws:PrincipalTag/team}`), which the example meets with one value of many
   */
  readonly relations: readonly string[];
  readonly verdict: AccessVerdict;
}

/** a (principal, account, permission set) whose search for an allowing context ran out of budget */
export interface WhoCanUndecided {
  readonly principal: PrincipalRef;
  readonly account: string;
  readonly accountId: string;
  readonly permissionSet: string;
  readonly via: 'standing' | 'eligible';
  /** the condition keys the answer depends on */
  readonly conditionKeys: readonly string[];
}

export interface WhoCanResult {
  readonly entries: readonly WhoCanEntry[];
  /** (principal, account, permission set) triples decided */
  readonly checked: number;
  /** verdicts the engine searched for: one per (account, permission set) unless a statement names principals */
  readonly searched: number;
  /**
   * triples not listed because the search ran out of budget before finding an allowing context
   * (conditional-decider.ts): when not empty the answer is incomplete, they may be allowed
   */
  readonly undecided: readonly WhoCanUndecided[];
}

/** every principal the organization knows: the directory's groups, then its users, then service accounts */
export function allPrincipals(config: OrgConfig, directory: Directory = configDirectory(config)): PrincipalRef[] {
  return [
    ...directory.listGroups().map((name): PrincipalRef => ({ kind: 'group', name })),
    ...directory.listUsers().map((name): PrincipalRef => ({ kind: 'user', name })),
    ...[...config.serviceAccounts.keys()].map((name): PrincipalRef => ({ kind: 'serviceAccount', name })),
  ];
}

export function whoCan(config: OrgConfig, query: WhoCanQuery, options: WhoCanOptions = {}): Result<WhoCanResult> {
  const filter = accountFilter(config, query.account);
  if (!filter.ok) return filter;
  const compile = questionCompiler(config, options);
  const facts = sessionFactsOf(config, options.sessionFacts);
  const entries: WhoCanEntry[] = [];
  const undecided: WhoCanUndecided[] = [];
  let checked = 0;
  let searched = 0;
  const holdingsOfPrincipal = holdingIndex(config, compile.directory);
  // the policies in force depend on the account and the permission set, not on who holds them:
  // compiled once per pair, without resolving each principal again (that scans the configuration)
  const compiledByPair = new Map<string, PairAccess>();
  // the sessions of one pair differ only in their session name (the context comes from the
  // organization's facts): unless a statement names principals, they get one verdict, decided once
  const verdictByPair = new Map<string, AccessVerdict>();
  for (const principal of allPrincipals(config, compile.directory)) {
    // a user's directory tags are part of the context: sessions with other tags are other questions
    const principalFacts = principalFactsOf(facts, principal, compile.directory);
    const tagsKey = principalFacts === facts ? '' : `\u0000${JSON.stringify(principalFacts.principalTags)}`;
    for (const holding of holdingsOfPrincipal(principal)) {
      if (filter.value !== undefined && holding.account.name !== filter.value) continue;
      const pair = `${holding.account.name}\u0000${holding.permissionSet}`;
      let compiled = compiledByPair.get(pair);
      if (compiled === undefined) {
        compiled = compile.forPair(holding.account, holding.permissionSet, query.resource);
        // every name in a holding comes from the validated configuration
        if (compiled === undefined) throw internalError(`whoCan: unknown permission set \`${holding.permissionSet}\``);
        compiledByPair.set(pair, compiled);
      }
      const session = principalSession(principal, holding.account.id, holding.permissionSet, principalFacts);
      const verdictKey = `${pair}${tagsKey}`;
      checked++;
      const shared = compiled.namesPrincipals ? undefined : verdictByPair.get(verdictKey);
      if (shared === undefined) searched++;
      const verdict = shared ?? compiled.decideConditional(
        {
          principal: session.principal,
          action: query.action,
          resource: query.resource,
          resourceAccount: compiled.resourceAccountId,
          context: { ...session.context, ...query.context },
        },
        session.facts,
      );
      if (!compiled.namesPrincipals) verdictByPair.set(verdictKey, verdict);
      const via = holding.standing ? 'standing' : 'eligible';
      if (verdict.status === 'denied') {
        if (verdict.searchExhausted) {
          undecided.push({ principal, account: holding.account.name, accountId: holding.account.id, permissionSet: holding.permissionSet, via, conditionKeys: verdict.conditionKeys });
        }
        continue;
      }
      entries.push({
        principal,
        account: holding.account.name,
        accountId: holding.account.id,
        permissionSet: holding.permissionSet,
        via,
        groups: holding.groups,
        status: verdict.status,
        conditionKeys: verdict.status === 'conditional' ? verdict.conditionKeys : [],
        example: verdict.status === 'conditional' ? verdict.example : {},
        relations: verdict.status === 'conditional' ? verdict.relations : [],
        verdict,
      });
    }
  }
  return { ok: true, value: { entries, checked, searched, undecided }, issues: [] };
}
