/**
 * The configuration for `parapet aws plan|apply`. A level of the tree without any Allow locks
 * everyone below it out (`no-allow-at-level`, the lock-out `parapet plan` reports): it is refused,
 * unless `--force --reason TEXT` says it is meant; then it is planned, and the plan carries the
 * reason and the lock-outs (printed, and in `--json`), so the review sees them.
 */
import { loadConfigDir, type OrgConfig } from '../org/index.ts';
import { formatIssue, ParapetError } from '../policy/index.ts';
import { actionChecker } from '../catalog/installed-catalog-checks.ts';
import type { Io } from './io.ts';

export interface ForceOptions {
  force?: boolean;
  reason?: string;
}

export interface AwsConfig {
  readonly config: OrgConfig;
  /** set when a lock-out is applied by `--force` */
  readonly forced?: { readonly reason: string; readonly lockOuts: readonly string[] };
}

const LOCK_OUT = 'no-allow-at-level';

export function loadAwsConfig(dir: string, io: Io, options: ForceOptions): AwsConfig {
  if (options.force === true && (options.reason === undefined || options.reason.trim() === '')) {
    throw new ParapetError('invalid-input', 'aws: `--force` needs `--reason TEXT`: why the change is applied anyway is part of the plan');
  }
  if (options.force !== true && options.reason !== undefined) throw new ParapetError('invalid-input', 'aws: `--reason` goes with `--force`');
  const checkAction = actionChecker();
  const parsed = loadConfigDir(dir, { checkAction });
  if (parsed.ok) return { config: parsed.value };
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  for (const issue of errors) io.err(`${formatIssue(issue, dir)}\n`);
  const onlyLockOuts = errors.length > 0 && errors.every((i) => i.code === LOCK_OUT);
  if (!onlyLockOuts) throw new ParapetError('invalid-input', `\`${dir}\` is not a valid configuration: see \`parapet validate ${dir}\``);
  if (options.force !== true) {
    throw new ParapetError(
      'invalid-input',
      `\`${dir}\` leaves ${errors.length === 1 ? 'a level' : `${errors.length} levels`} of the tree without any Allow, which locks everyone below out: nothing was planned; to apply it anyway, give \`--force --reason TEXT\``,
    );
  }
  const forcedParse = loadConfigDir(dir, { checkAction, allowLockOut: true });
  if (!forcedParse.ok) throw new ParapetError('invalid-input', `\`${dir}\` is not a valid configuration: see \`parapet validate ${dir}\``);
  const reason = (options.reason ?? '').trim();
  io.err(`parapet: aws: forced with the reason: ${reason}\n`);
  return { config: forcedParse.value, forced: { reason, lockOuts: errors.map((i) => i.message) } };
}
