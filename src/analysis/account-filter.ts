/** the account a question is limited to, and the options every access question takes */
import { didYouMean, findAccount, type Directory, type OrgConfig, type ResolveIssue } from '../org/index.ts';
import type { AccessCompiler } from './access-compiler.ts';
import type { SessionFacts } from './principal-session.ts';

export interface AccessQuestionOptions {
  readonly rcpServices?: ReadonlySet<string> | undefined;
  readonly sessionFacts?: SessionFacts | undefined;
  /** who is in which group; default: the compiler's, else the configuration's `groups` */
  readonly directory?: Directory | undefined;
  /** share compiled policies with other questions on the same configuration (and directory) */
  readonly compiler?: AccessCompiler | undefined;
}

/** the name of the account a question is limited to (given by name or id); undefined: every account */
export function accountFilter(config: OrgConfig, account: string | undefined): { ok: true; name: string | undefined } | { ok: false; issues: readonly ResolveIssue[] } {
  if (account === undefined) return { ok: true, name: undefined };
  const found = findAccount(config, account);
  if (found === undefined) return { ok: false, issues: [{ code: 'unknown-account', message: `unknown account \`${account}\`${didYouMean(account, config.accounts.keys())}` }] };
  return { ok: true, name: found.name };
}
