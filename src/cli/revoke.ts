/**
 * `parapet revoke SESSION_ID` or `parapet revoke --all`: end one of your credentials (a sign-in
 * ends its sessions with it) or all of them, on every server process within a second. What was
 * revoked is also dropped from the credentials file.
 */
import { Command } from 'commander';
import { Revoked } from '../contract/sessions.ts';
import { ParapetError } from '../policy/index.ts';
import type { ServerCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { idsOf, loadServerCredentials, ownerToken, saveServerCredentials } from './server-credentials.ts';
import { serverClient } from './server-client.ts';

/** the entry without the credential `id` and the sessions made from it */
function withoutCredential(entry: ServerCredentials, id: string): ServerCredentials {
  const signInId = entry.signIn === undefined ? undefined : idsOf(entry.signIn.token).id;
  const signInRevoked = signInId === id;
  const sessions = Object.fromEntries(
    Object.entries(entry.sessions).filter(([, session]) => {
      const ids = idsOf(session.token);
      return ids.id !== id && ids.parent !== id;
    }),
  );
  const currentSession = entry.currentSession !== undefined && entry.currentSession in sessions ? entry.currentSession : undefined;
  return {
    ...(signInRevoked || entry.signIn === undefined ? {} : { signIn: entry.signIn }),
    sessions,
    ...(currentSession === undefined ? {} : { currentSession }),
  };
}

export function revokeCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('revoke')
    .description('revoke one of your credentials by id (see `parapet sessions`), or all of them with --all')
    .argument('[session-id]', 'the credential to revoke; a sign-in credential takes its sessions with it')
    .option('--all', 'revoke every credential of yours, this one included: sign out everywhere')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--json', 'the revocation as JSON')
    .addHelpText(
      'after',
      `
Every server process refuses a revoked credential within a second.

Exit status: 0 when revoked, 2 for an unknown id or when not signed in.

Examples:
  parapet sessions
  parapet revoke 0b9d2c3e-5f4a-4c1e-9a0b-7d6e5f4c3b2a
  parapet revoke --all`,
    )
    .action(async (id: string | undefined, options: { all?: boolean; server?: string; json?: boolean }) => {
      if ((id === undefined) === (options.all !== true)) throw new ParapetError('usage', 'give one credential id, or --all (not both)');
      const loaded = loadServerCredentials(options.server);
      const client = serverClient(loaded.server);
      const token = ownerToken(loaded);
      const revoked =
        id === undefined
          ? await client.request({ method: 'POST', path: '/v1/sessions/revoke-all', token, response: Revoked })
          : await client.request({ method: 'DELETE', path: `/v1/sessions/${encodeURIComponent(id)}`, token, response: Revoked });
      saveServerCredentials(loaded, id === undefined ? { sessions: {} } : withoutCredential(loaded.entry, id));
      if (options.json === true) io.out(`${JSON.stringify(revoked)}\n`);
      else if (revoked.kind === 'credential') io.out(`revoked ${revoked.id}: refused everywhere from now on\n`);
      else io.out(`revoked every credential of ${revoked.subject} issued until ${revoked.issuedBefore}: sign in again with \`parapet login\`\n`);
      setExit('yes');
    });
}
