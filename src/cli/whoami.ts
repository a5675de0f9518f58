/** `parapet whoami`: who the server takes you to be, with the current session (else the sign-in credential) */
import { Command } from 'commander';
import { WhoAmI } from '../contract/whoami.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { currentToken, loadServerCredentials } from './server-credentials.ts';
import { serverClient } from './server-client.ts';

export function renderWhoAmI(me: WhoAmI): string {
  switch (me.kind) {
    case 'user': {
      const { credential } = me;
      const what = credential.use === 'session' ? `session: \`${credential.permissionSet ?? '?'}\` in account ${credential.account ?? '?'}` : `${credential.use} credential`;
      return `${me.user}\n  ${what}\n  credential ${credential.id}, issued ${credential.issuedAt}, expires ${credential.expiresAt}\n  MFA ${credential.mfa ? 'yes' : 'no'}\n`;
    }
    case 'service-account':
      return `service account \`${me.serviceAccount}\` (${me.via})\n`;
    case 'bootstrap':
      return 'the bootstrap token: it may apply the first configuration, nothing else\n';
    default: {
      const never: never = me;
      return never;
    }
  }
}

export function whoamiCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('whoami')
    .description('show who the server takes you to be: the current session, else the sign-in credential')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--json', 'the answer as JSON')
    .addHelpText('after', '\nExit status: 0 when the server knows you, 2 when not signed in or the credential was refused.\n\nExamples:\n  parapet whoami\n  parapet whoami --json')
    .action(async (options: { server?: string; json?: boolean }) => {
      const loaded = loadServerCredentials(options.server);
      const me = await serverClient(loaded.server).request({ method: 'GET', path: '/v1/whoami', token: currentToken(loaded), response: WhoAmI });
      io.out(options.json === true ? `${JSON.stringify(me)}\n` : renderWhoAmI(me));
      setExit('yes');
    });
}
