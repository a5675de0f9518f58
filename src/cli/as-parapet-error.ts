/** whatever a command threw, as a ParapetError, so that the exit-status table can map it */
import { describeFsError } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';

/**
 * A ParapetError as it is; a file-system error a command did not expect still names its path and
 * keeps its meaning (`not-found`, `permission-denied`); anything else is a bug: `internal`, with the
 * original as its cause so its stack can be shown.
 */
export function asParapetError(error: unknown): ParapetError {
  if (error instanceof ParapetError) return error;
  const fsError = error as NodeJS.ErrnoException | undefined;
  if (typeof fsError?.code === 'string' && typeof fsError.syscall === 'string') return describeFsError(error, fsError.path ?? '', fsError.syscall);
  return new ParapetError('internal', error instanceof Error ? error.message : String(error), { cause: error });
}
