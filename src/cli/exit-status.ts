/**
 * The one table from a command's outcome to its exit status (ADR 0003, docs/cli.md "Exit
 * statuses"). Every command reports an outcome and src/cli/main.ts turns it into the status; a
 * thrown `ParapetError` is looked up by its code. The rule:
 *
 * - 0: the command did its work and the answer is "yes" (valid, every test passes, Allow, a plan)
 * - 1: the command did its work and the answer is "no" (validate found an error, a test or a case
 *   fails, a simulated request is denied)
 * - 2: the command could not do its work because of its input: arguments, an invalid
 *   configuration or test file, a file that cannot be read or written
 * - 3: the command could not do its work because of Parapet itself: a broken installation, a
 *   missing tool, a bug
 *
 * The server's table from the same codes to HTTP statuses is src/server/errors.ts; a test there
 * checks that the two agree on whose fault a failure is (2 ↔ 4xx, 3 ↔ 5xx, but for the server's
 * own files).
 */
import type { ErrorCode } from '../policy/index.ts';

export type ExitStatus = 0 | 1 | 2 | 3;

export interface FailureStatus {
  readonly exit: ExitStatus;
}

/** total over the error codes: the type checker refuses a code without its row */
export const FAILURE_STATUS: { readonly [code in ErrorCode]: FailureStatus } = {
  usage: { exit: 2 },
  'invalid-input': { exit: 2 },
  'not-found': { exit: 2 },
  conflict: { exit: 2 },
  unauthenticated: { exit: 2 },
  forbidden: { exit: 2 },
  'body-too-large': { exit: 2 },
  'too-many-requests': { exit: 2 },
  'is-a-folder': { exit: 2 },
  'not-a-file': { exit: 2 },
  'file-too-large': { exit: 2 },
  'too-many-files': { exit: 2 },
  'folder-too-deep': { exit: 2 },
  // a file the user named on the command line
  'permission-denied': { exit: 2 },
  'unreadable-file': { exit: 2 },
  'unwritable-file': { exit: 2 },
  'git-failed': { exit: 2 },
  unavailable: { exit: 3 },
  'catalog-data-missing': { exit: 3 },
  'catalog-data-invalid': { exit: 3 },
  internal: { exit: 3 },
};

/** what a command reports when it has done its work: its answer */
export type Answer = 'yes' | 'no';

/** a command's outcome: its answer, or the failure that stopped it after it printed what it could (a decision's per-policy-type `Outcome` is the engine's) */
export type CommandOutcome = Answer | ErrorCode;

export function exitStatus(outcome: CommandOutcome): ExitStatus {
  switch (outcome) {
    case 'yes':
      return 0;
    case 'no':
      return 1;
    default:
      return FAILURE_STATUS[outcome].exit;
  }
}
