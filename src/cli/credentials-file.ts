/**
 * Where the CLI keeps its credentials between commands: one JSON file, readable by its owner only
 * (mode 0600, written atomically), `$PARAPET_CREDENTIALS_FILE` or
 * `$XDG_CONFIG_HOME/parapet/credentials.json` (default `~/.config/parapet/credentials.json`). Per
 * server: the sign-in credential of `parapet login` and the session credentials of `parapet
 * assume`, the last assumed one being the current one. All are short-lived JWTs; nothing here
 * outlives a working day.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ParapetError } from '../policy/index.ts';

export const CREDENTIALS_FORMAT = 'parapet-credentials/1';

const StoredCredential = z.object({ token: z.string(), expiresAt: z.string() });

const ServerCredentials = z.object({
  signIn: StoredCredential.extend({ user: z.string() }).optional(),
  /** by `ACCOUNT/PERMISSION_SET` */
  sessions: z.record(z.string(), StoredCredential.extend({ account: z.string(), permissionSet: z.string() })).default({}),
  currentSession: z.string().optional(),
});

const CredentialsFile = z.object({
  format: z.literal(CREDENTIALS_FORMAT),
  /** the server `--server` defaults to: the last one signed in to */
  defaultServer: z.string().optional(),
  servers: z.record(z.string(), ServerCredentials).default({}),
});

export type CredentialsFile = z.infer<typeof CredentialsFile>;
export type ServerCredentials = z.infer<typeof ServerCredentials>;

export function credentialsPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env['PARAPET_CREDENTIALS_FILE'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const config = env['XDG_CONFIG_HOME'];
  return join(config !== undefined && config !== '' ? config : join(homedir(), '.config'), 'parapet', 'credentials.json');
}

export function readCredentials(path: string): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: CREDENTIALS_FORMAT, servers: {} };
    throw new ParapetError('unreadable-file', `cannot read the credentials file \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ParapetError('invalid-input', `the credentials file \`${path}\` is not JSON: delete it and run \`parapet login\` again`, { path });
  }
  const parsed = CredentialsFile.safeParse(json);
  if (!parsed.success) throw new ParapetError('invalid-input', `the credentials file \`${path}\` is not in the format \`${CREDENTIALS_FORMAT}\`: delete it and run \`parapet login\` again`, { path });
  return parsed.data;
}

export function writeCredentials(path: string, credentials: CredentialsFile): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    throw new ParapetError('unwritable-file', `cannot write the credentials file \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path });
  }
}

/** the server a command talks to: `--server`, else `PARAPET_SERVER`, else the last one signed in to */
export function chooseServer(flag: string | undefined, credentials: CredentialsFile, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const chosen = flag ?? (env['PARAPET_SERVER'] !== undefined && env['PARAPET_SERVER'] !== '' ? env['PARAPET_SERVER'] : undefined) ?? credentials.defaultServer;
  if (chosen === undefined) throw new ParapetError('usage', 'which server? give `--server URL` or set PARAPET_SERVER (or sign in first with `parapet login --server URL`)');
  return chosen;
}
