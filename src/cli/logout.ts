/**
 * `parapet logout`: revoke the stored sign-in credential at its server (which also ends the
 * sessions made from it) and delete the credentials file. The file is deleted even when the server
 * cannot be reached, and the command says so: the credential then stays valid until it expires.
 */
import { Command } from 'commander';
import { ParapetError } from '../policy/index.ts';
import { credentialsPath, deleteCredentials, readCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { requestServer } from './server-request.ts';

export function logoutCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('logout')
    .description('revoke the stored sign-in credential at its server and delete it (docs/sso.md)')
    .action(async () => {
      const path = credentialsPath();
      const credentials = readCredentials(path);
      if (credentials === undefined) {
        io.err('parapet: not signed in\n');
        setExit('yes');
        return;
      }
      let revoked = true;
      try {
        await requestServer(credentials.server, { method: 'POST', path: '/v1/logout', token: credentials.token });
      } catch (error) {
        // an expired or already revoked credential needs no revoking
        if (!(error instanceof ParapetError) || error.code !== 'unauthenticated') {
          revoked = false;
          io.err(`parapet: could not revoke the credential at ${credentials.server}: ${error instanceof Error ? error.message : String(error)}; it stays valid until ${credentials.expiresAt}\n`);
        }
      }
      deleteCredentials(path);
      io.out(`signed out of ${credentials.server}${revoked ? '' : ' on this machine only'}\n`);
      setExit(revoked ? 'yes' : 'unavailable');
    });
}
