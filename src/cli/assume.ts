/**
 * `parapet assume ACCOUNT PERMISSION_SET`: a short-lived session credential for one account and
 * one permission set the user holds through a group, made with the sign-in credential of `parapet
 * login` and kept in the credentials file as the current session.
 */
import { Command } from 'commander';
import { SessionIssued } from '../contract/sessions.ts';
import { ParapetError } from '../policy/index.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { loadServerCredentials, saveServerCredentials, signInToken } from './server-credentials.ts';
import { serverClient } from './server-client.ts';

interface AssumeCommandOptions {
  server?: string;
  duration?: string;
  json?: boolean;
  printToken?: boolean;
}

/** `1h`, `30m`, `1h30m`, `900s`: the seconds */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (text === '' || match === null) throw new ParapetError('usage', `\`${text}\` is not a duration: write hours, minutes or seconds, such as \`1h\`, \`30m\` or \`1h30m\``);
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  if (seconds < 60 || seconds > 12 * 3600) throw new ParapetError('usage', `\`${text}\`: a session lasts from 1 minute to 12 hours`);
  return seconds;
}

function describeRemaining(expiresAt: string, now: number): string {
  const minutes = Math.max(0, Math.round((Date.parse(expiresAt) - now) / 60_000));
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${minutes % 60 === 0 ? '' : `${minutes % 60}m`}` : `${minutes}m`;
}

export function assumeCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('assume')
    .description('get a short-lived session credential for a permission set in an account, and make it the current session')
    .argument('<account>', 'the account, by name or 12-digit id')
    .argument('<permission-set>', 'the permission set')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--duration <duration>', 'how long, e.g. 1h or 30m; at most the permission set\'s sessionDuration and what is left of the sign-in')
    .option('--json', 'the session as JSON, without its token')
    .option('--print-token', 'print only the token, for `Authorization: Bearer` in scripts')
    .addHelpText(
      'after',
      `
Needs the sign-in credential of \`parapet login\`. Only standing assignments of your groups can be
assumed; eligible ones need just-in-time elevation.

Exit status: 0 when the session was made, 2 when it was refused or the arguments are wrong.

Examples:
  parapet assume payments-prod developer
  parapet assume 400000000001 read-only --duration 30m
  TOKEN=$(parapet assume payments-staging admin --print-token)`,
    )
    .action(async (account: string, permissionSet: string, options: AssumeCommandOptions) => {
      const durationSeconds = options.duration === undefined ? undefined : parseDuration(options.duration);
      const loaded = loadServerCredentials(options.server);
      const token = signInToken(loaded);
      const session = await serverClient(loaded.server).request({
        method: 'POST',
        path: '/v1/sessions',
        token,
        body: { account, permissionSet, ...(durationSeconds === undefined ? {} : { durationSeconds }) },
        response: SessionIssued,
      });
      const key = `${session.account.name}/${session.permissionSet}`;
      saveServerCredentials(loaded, {
        ...loaded.entry,
        sessions: { ...loaded.entry.sessions, [key]: { token: session.token, expiresAt: session.expiresAt, account: session.account.name, permissionSet: session.permissionSet } },
        currentSession: key,
      });
      if (options.printToken === true) io.out(`${session.token}\n`);
      else if (options.json === true) {
        const { token: _token, ...withoutToken } = session;
        io.out(`${JSON.stringify(withoutToken)}\n`);
      } else {
        io.out(
          `assumed \`${session.permissionSet}\` in \`${session.account.name}\` (${session.account.id})\n` +
            `  principal  ${session.principalArn}\n` +
            `  expires    ${session.expiresAt} (in ${describeRemaining(session.expiresAt, Date.now())})\n` +
            `  session    ${session.id}\n` +
            'it is now your current session: `parapet whoami` shows it, `parapet revoke ID` ends it;\n' +
            `tools take it as \`Authorization: Bearer <token>\` (\`parapet assume ${account} ${permissionSet} --print-token\`)\n`,
        );
      }
      setExit('yes');
    });
}
