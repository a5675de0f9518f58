/**
 * What the session commands (assume, whoami, sessions, revoke) share: the server chosen
 * (`--server`, PARAPET_SERVER, the last one signed in to), its entry in the credentials file, and
 * which credential to send: the sign-in credential for what only it may do (assume), the current
 * session else. A credential the file says has expired is not sent.
 */
import { decodeJwt } from 'jose';
import { ParapetError } from '../policy/index.ts';
import { chooseServer, credentialsPath, readCredentials, writeCredentials, type CredentialsFile, type ServerCredentials } from './credentials-file.ts';
import { parseServerUrl } from './server-client.ts';

export interface LoadedServerCredentials {
  readonly path: string;
  readonly file: CredentialsFile;
  /** the server's URL as the file keys it */
  readonly server: string;
  readonly entry: ServerCredentials;
}

export function loadServerCredentials(serverFlag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): LoadedServerCredentials {
  const path = credentialsPath(env);
  const file = readCredentials(path);
  const server = parseServerUrl(chooseServer(serverFlag, file, env));
  return { path, file, server, entry: file.servers[server] ?? { sessions: {} } };
}

export function saveServerCredentials(loaded: LoadedServerCredentials, entry: ServerCredentials): void {
  writeCredentials(loaded.path, { ...loaded.file, defaultServer: loaded.file.defaultServer ?? loaded.server, servers: { ...loaded.file.servers, [loaded.server]: entry } });
}

const live = (credential: { expiresAt: string } | undefined, now: number): boolean => credential !== undefined && Date.parse(credential.expiresAt) > now;

function notSignedIn(server: string): ParapetError {
  return new ParapetError('unauthenticated', `not signed in to ${server}: run \`parapet login --server ${server}\``);
}

/** the sign-in credential; none, or expired: `unauthenticated`, saying to sign in */
export function signInToken(loaded: LoadedServerCredentials, now: number = Date.now()): string {
  const { signIn } = loaded.entry;
  if (signIn === undefined || !live(signIn, now)) throw notSignedIn(loaded.server);
  return signIn.token;
}

/** the current session when it is live, else the sign-in credential */
export function currentToken(loaded: LoadedServerCredentials, now: number = Date.now()): string {
  const { currentSession, sessions } = loaded.entry;
  const session = currentSession === undefined ? undefined : sessions[currentSession];
  if (session !== undefined && live(session, now)) return session.token;
  return signInToken(loaded, now);
}

/** the sign-in credential when it is live, else the current session: who the caller is, for listing and revoking */
export function ownerToken(loaded: LoadedServerCredentials, now: number = Date.now()): string {
  const { signIn } = loaded.entry;
  if (signIn !== undefined && live(signIn, now)) return signIn.token;
  return currentToken(loaded, now);
}

/** the `jti` and `parent` of a stored token, read without verifying (the server verified it when it issued it) */
export function idsOf(token: string): { id: string | undefined; parent: string | undefined } {
  try {
    const claims = decodeJwt(token);
    return { id: typeof claims.jti === 'string' ? claims.jti : undefined, parent: typeof claims['parent'] === 'string' ? claims['parent'] : undefined };
  } catch {
    return { id: undefined, parent: undefined };
  }
}
