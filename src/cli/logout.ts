/**
 * `parapet logout [--server URL]`: revoke the sign-in credential kept for the server
 * (`DELETE /v1/sessions/:id`, which ends the sessions made from it too) and forget it and its
 * sessions. They are forgotten even when the server cannot be reached, and the command says so:
 * the credential then stays valid until it expires.
 */
import { Command } from 'commander';
import { Revoked } from '../contract/sessions.ts';
import { ParapetError } from '../policy/index.ts';
import { credentialsPath, readCredentials, writeCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { serverClient } from './server-client.ts';
import { idsOf, loadServerCredentials } from './server-credentials.ts';

export function logoutCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('logout')
    .description('revoke the sign-in credential kept for a server and forget it (docs/sso.md)')
    .option('--server <url>', 'the server (PARAPET_SERVER; default: the last one signed in to)')
    .action(async (options: { server?: string }) => {
      const file = readCredentials(credentialsPath());
      if (options.server === undefined && file.defaultServer === undefined && (process.env['PARAPET_SERVER'] ?? '') === '') {
        io.err('parapet: not signed in\n');
        setExit('yes');
        return;
      }
      const loaded = loadServerCredentials(options.server);
      const { signIn } = loaded.entry;
      if (signIn === undefined) {
        io.err(`parapet: not signed in to ${loaded.server}\n`);
        setExit('yes');
        return;
      }
      let revoked = true;
      const { id } = idsOf(signIn.token);
      try {
        if (id === undefined) throw new ParapetError('invalid-input', 'the stored sign-in credential has no id');
        await serverClient(loaded.server).request({ method: 'DELETE', path: `/v1/sessions/${encodeURIComponent(id)}`, token: signIn.token, response: Revoked });
      } catch (error) {
        // an expired or already revoked credential needs no revoking
        if (!(error instanceof ParapetError) || error.code !== 'unauthenticated') {
          revoked = false;
          io.err(`parapet: could not revoke the credential at ${loaded.server}: ${error instanceof Error ? error.message : String(error)}; it stays valid until ${signIn.expiresAt}\n`);
        }
      }
      const { [loaded.server]: _forgotten, ...others } = loaded.file.servers;
      const { defaultServer, ...rest } = loaded.file;
      writeCredentials(loaded.path, { ...rest, ...(defaultServer === undefined || defaultServer === loaded.server ? {} : { defaultServer }), servers: others });
      io.out(`signed out of ${loaded.server}${revoked ? '' : ' on this machine only'}\n`);
      setExit(revoked ? 'yes' : 'unavailable');
    });
}
