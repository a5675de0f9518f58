/** `parapet sessions`: your credentials the server still honours: the sign-in and its sessions (never their tokens) */
import { Command } from 'commander';
import { SessionList } from '../contract/sessions.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { loadServerCredentials, ownerToken } from './server-credentials.ts';
import { serverClient } from './server-client.ts';

export function renderSessionList(list: SessionList): string {
  if (list.credentials.length === 0) return 'no live credentials\n';
  const rows = list.credentials.map((c) => [
    `${c.current ? '* ' : '  '}${c.id}`,
    c.use,
    c.account ?? '-',
    c.permissionSet ?? '-',
    c.expiresAt,
  ]);
  const header = ['  ID', 'USE', 'ACCOUNT', 'PERMISSION SET', 'EXPIRES'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`;
  return `${line(header)}${rows.map(line).join('')}(* the credential this command used; end one with \`parapet revoke ID\`)\n`;
}

export function sessionsCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('sessions')
    .description('list your credentials that are neither expired nor revoked: the sign-in and its sessions')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--json', 'the list as JSON')
    .addHelpText('after', '\nExit status: 0 when listed, 2 when not signed in.\n\nExamples:\n  parapet sessions\n  parapet sessions --json')
    .action(async (options: { server?: string; json?: boolean }) => {
      const loaded = loadServerCredentials(options.server);
      const list = await serverClient(loaded.server).request({ method: 'GET', path: '/v1/sessions', token: ownerToken(loaded), response: SessionList });
      io.out(options.json === true ? `${JSON.stringify(list)}\n` : renderSessionList(list));
      setExit('yes');
    });
}
