/**
 * `parapet logout [--server URL]`: revoke the sign-in credential kept for the server (which also
 * ends the sessions made from it) and forget it and its sessions. They are forgotten even when the
 * server cannot be reached, and the command says so: the credential then stays valid until it
 * expires.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { ParapetError } from '../policy/index.ts';
import { chooseServer, credentialsPath, readCredentials, writeCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { parseServerUrl, serverClient } from './server-client.ts';

export function logoutCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('logout')
    .description('revoke the sign-in credential kept for a server and forget it (docs/sso.md)')
    .option('--server <url>', 'the server (default: PARAPET_SERVER, else the last one signed in to)')
    .action(async (options: { server?: string }) => {
      const path = credentialsPath();
      const file = readCredentials(path);
      if (options.server === undefined && file.defaultServer === undefined && (process.env['PARAPET_SERVER'] ?? '') === '') {
        io.err('parapet: not signed in\n');
        setExit('yes');
        return;
      }
      const server = parseServerUrl(chooseServer(options.server, file));
      const { [server]: kept, ...others } = file.servers;
      if (kept?.signIn === undefined) {
        io.err(`parapet: not signed in to ${server}\n`);
        setExit('yes');
        return;
      }
      let revoked = true;
      try {
        await serverClient(server).request({ method: 'POST', path: '/v1/logout', token: kept.signIn.token, response: z.object({ revoked: z.string() }) });
      } catch (error) {
        // an expired or already revoked credential needs no revoking
        if (!(error instanceof ParapetError) || error.code !== 'unauthenticated') {
          revoked = false;
          io.err(`parapet: could not revoke the credential at ${server}: ${error instanceof Error ? error.message : String(error)}; it stays valid until ${kept.signIn.expiresAt}\n`);
        }
      }
      const { defaultServer, ...rest } = file;
      writeCredentials(path, { ...rest, ...(defaultServer === undefined || defaultServer === server ? {} : { defaultServer }), servers: others });
      io.out(`signed out of ${server}${revoked ? '' : ' on this machine only'}\n`);
      setExit(revoked ? 'yes' : 'unavailable');
    });
}
