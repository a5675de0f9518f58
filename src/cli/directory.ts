/**
 * `parapet directory export`: the server's directory (every user and group SCIM has pushed) as a
 * `parapet-directory/1` snapshot file, for `--directory FILE` of validate, test, who-can, what-can
 * and plan (docs/scim.md "Directory snapshots"). A service account's credential, as for `parapet
 * apply`: --token-file, else PARAPET_TOKEN, else a GitHub Actions OIDC token.
 */
import { Command } from 'commander';
import { DirectorySnapshotBody } from '../contract/directory.ts';
import { chooseServer, credentialsPath, readCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import { githubActionsCredential } from './github-actions-credential.ts';
import { writeOutputFile, type Io } from './io.ts';
import { serverClient } from './server-client.ts';

interface ExportOptions {
  server?: string;
  output?: string;
  tokenFile?: string;
}

/** a directory of 100,000 users takes the server a while to read and send */
const EXPORT_TIMEOUT_MS = 300_000;

export function directoryCommand(io: Io, setExit: (outcome: CommandOutcome) => void, env: Readonly<Record<string, string | undefined>> = process.env): Command {
  const exportCommand = new Command('export')
    .description('write the server\'s directory (users and groups from SCIM) as a snapshot file, for `--directory FILE`')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--output <file>', 'write the snapshot to FILE instead of standard output')
    .option('--token-file <file>', 'read the service account\'s credential from FILE (else PARAPET_TOKEN, else GitHub Actions)')
    .addHelpText(
      'after',
      `
Only a service account may export (the snapshot holds every user's e-mail addresses and attributes).

Exit status: 0, 2 for a refused credential or bad arguments, 3 when the server is unreachable.

Examples:
  PARAPET_TOKEN=... parapet directory export --server https://parapet.example.com --output directory.json
  parapet test . --directory directory.json`,
    )
    .action(async (options: ExportOptions) => {
      const server = chooseServer(options.server, options.server === undefined ? readCredentials(credentialsPath(env)) : { format: 'parapet-credentials/1', servers: {} }, env);
      const client = serverClient(server, { timeoutMs: EXPORT_TIMEOUT_MS });
      const { token } = await githubActionsCredential({ tokenFile: options.tokenFile, env, audience: client.baseUrl });
      const snapshot = await client.request({ method: 'GET', path: '/v1/directory/export', token, response: DirectorySnapshotBody });
      const text = `${JSON.stringify(snapshot, null, 2)}\n`;
      if (options.output === undefined) io.out(text);
      else {
        writeOutputFile(options.output, text);
        io.err(`parapet: wrote ${snapshot.users.length} users and ${snapshot.groups.length} groups to \`${options.output}\`\n`);
      }
      setExit('yes');
    });
  return new Command('directory').description('the directory SCIM keeps on the server (docs/scim.md)').addCommand(exportCommand);
}
