/**
 * Exceptional failures: what stops a command or a request from doing its work at all (wrong
 * arguments, an input that cannot be read, a broken installation, a bug) is thrown as a
 * `ParapetError` with a stable code from one list (ADR 0003). Expected outcomes (a denial, a
 * validation issue) are never thrown: they are returned values (`Result`, `Issue`). The CLI maps a
 * code to its exit status (src/cli/exit-status.ts), and the server to its HTTP status
 * (src/server/errors.ts), each in one table total over this list.
 */

/** every code, the one list: the type below is read from it, so a table over it cannot miss one */
export const ERROR_CODES = [
  // the request: the caller can fix it
  'usage', // wrong arguments or options
  'invalid-input', // an input that was read but is not valid: a configuration, a test file, a case
  'not-found', // a file, folder or git revision that does not exist
  'conflict', // the request contradicts the current state (already approved, changed meanwhile)
  'unauthenticated', // who asks is not known
  'forbidden', // who asks may not do this
  'body-too-large', // a request body over the endpoint's limit
  'too-many-requests', // a rate limit: try again later
  // reading and writing files: the path is in `path`
  'is-a-folder',
  'not-a-file', // a device, a pipe or a socket
  'file-too-large',
  'too-many-files',
  'folder-too-deep',
  'permission-denied',
  'unreadable-file',
  'unwritable-file',
  'git-failed', // git ran and refused: not a repository, an unknown object
  // the installation: nothing the caller can fix
  'unavailable', // a tool or service Parapet needs is missing (git)
  'catalog-data-missing',
  'catalog-data-invalid',
  // a bug: an invariant the code relies on does not hold
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ParapetErrorOptions {
  /** the file or folder the failure is about */
  readonly path?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  readonly cause?: unknown;
}

/** the one error class: a stable code, a message in the project's style, and what it is about */
export class ParapetError extends Error {
  override readonly name = 'ParapetError';
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: ParapetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.details = options.details;
  }
}

/** a broken invariant: a bug in Parapet, never a mistake of the user's */
export function internalError(message: string): ParapetError {
  return new ParapetError('internal', message);
}
