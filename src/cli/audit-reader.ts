/**
 * The server and credential of the commands that read the audit log (search, export): `--server`,
 * PARAPET_SERVER or the last server signed in to; the credential from `--token-file`, else
 * PARAPET_TOKEN (a reader service account's, e.g. a SIEM export job), else the person's own sign-in
 * (`parapet login`). Whether that caller may read is the server's configuration (`audit.readers`).
 */
import { ParapetError } from '../policy/index.ts';
import { readBoundedFile } from '../org/index.ts';
import { chooseServer, credentialsPath, readCredentials } from './credentials-file.ts';
import { loadServerCredentials, ownerToken } from './server-credentials.ts';
import { parseServerUrl } from './server-client.ts';

export interface AuditReaderOptions {
  readonly server?: string | undefined;
  readonly tokenFile?: string | undefined;
}

export interface AuditReader {
  readonly server: string;
  readonly token: string;
}

const MAX_TOKEN_BYTES = 64 * 1024;

export function auditReader(options: AuditReaderOptions, env: Readonly<Record<string, string | undefined>> = process.env): AuditReader {
  if (options.tokenFile !== undefined) {
    const token = readBoundedFile(options.tokenFile, MAX_TOKEN_BYTES).trim();
    if (token === '' || /\s/.test(token)) throw new ParapetError('invalid-input', `token file \`${options.tokenFile}\` must hold one token`, { path: options.tokenFile });
    return { server: parseServerUrl(chooseServer(options.server, readCredentials(credentialsPath(env)), env)), token };
  }
  const fromEnv = env['PARAPET_TOKEN']?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { server: parseServerUrl(chooseServer(options.server, readCredentials(credentialsPath(env)), env)), token: fromEnv };
  const loaded = loadServerCredentials(options.server, env);
  return { server: loaded.server, token: ownerToken(loaded) };
}
