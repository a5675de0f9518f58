/**
 * Where `parapet login` keeps the sign-in credential: `~/.config/parapet/credentials.json`
 * (`$XDG_CONFIG_HOME/parapet/` when set; `PARAPET_CREDENTIALS_FILE` names another file), readable
 * by its owner only (0600, in a 0700 folder). It is written to a temporary file and renamed, so a
 * reader never sees half a file and the secret is never in a file with wider permissions.
 */
import { chmodSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ParapetError } from '../policy/index.ts';

export const CREDENTIALS_FORMAT = 'parapet-credentials/1';

export interface StoredCredentials {
  /** the server's URL, as given to `--server` */
  readonly server: string;
  /** the sign-in credential */
  readonly token: string;
  readonly user: string;
  /** ISO 8601 */
  readonly expiresAt: string;
}

export function credentialsPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = env['PARAPET_CREDENTIALS_FILE'];
  if (given !== undefined && given !== '') return given;
  const configHome = env['XDG_CONFIG_HOME'];
  return join(configHome !== undefined && configHome !== '' ? configHome : join(homedir(), '.config'), 'parapet', 'credentials.json');
}

export function writeCredentials(path: string, credentials: StoredCredentials): void {
  const text = `${JSON.stringify({ format: CREDENTIALS_FORMAT, ...credentials }, null, 2)}\n`;
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    // the mode given to open is masked by the umask: make sure
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ParapetError('unwritable-file', `cannot write the credentials file \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path, cause: error });
  }
}

/** undefined when there is no credentials file: not signed in */
export function readCredentials(path: string): StoredCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ParapetError('unreadable-file', `cannot read the credentials file \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(path);
  }
  const record = value as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || record['format'] !== CREDENTIALS_FORMAT) throw invalid(path);
  const { server, token, user, expiresAt } = record;
  if (typeof server !== 'string' || typeof token !== 'string' || typeof user !== 'string' || typeof expiresAt !== 'string') throw invalid(path);
  return { server, token, user, expiresAt };
}

/** true when there was a file to delete */
export function deleteCredentials(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ParapetError('unwritable-file', `cannot delete the credentials file \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path });
  }
}

function invalid(path: string): ParapetError {
  return new ParapetError('invalid-input', `the credentials file \`${path}\` is not one \`parapet login\` wrote: sign in again`, { path });
}
