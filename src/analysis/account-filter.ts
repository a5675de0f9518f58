/** the account a question is limited to, and the options every access question takes */
import { didYouMean, findAccount, type Directory, type OrgConfig } from '../org/index.ts';
import type { Result } from '../policy/index.ts';
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
export function accountFilter(config: OrgConfig, account: string | undefined): Result<string | undefined> {
  if (account === undefined) return { ok: true, value: undefined, issues: [] };
  const found = findAccount(config, account);
  if (found === undefined) return { ok: false, issues: [{ code: 'unknown-account', severity: 'error', path: '$.account', message: `unknown account \`${account}\`${didYouMean(account, config.accounts.keys())}` }] };
  return { ok: true, value: found.name, issues: [] };
}
