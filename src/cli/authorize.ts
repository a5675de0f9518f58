/**
 * `parapet authorize ACTION RESOURCE`: ask the server's decision API about the current session
 * (the last `parapet assume`), and print the decision as `parapet simulate` prints one: exit 0 for
 * Allow, 1 for a deny, 2 for invalid input (never decided). The request context is checked here
 * as `simulate` checks it, and again by the server.
 */
import { Command } from 'commander';
import { AuthorizeResponse } from '../contract/authorize.ts';
import { decisionJson, renderDecisionText } from '../analysis/index.ts';
import { ParapetError } from '../policy/index.ts';
import { checkActionOption, checkResourceOption, collectOption, parseContextOption } from './context-option.ts';
import { chooseServer, credentialsPath, readCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { serverClient } from './server-client.ts';

interface AuthorizeCommandOptions {
  context: string[];
  resourceAccount?: string;
  server?: string;
  json?: boolean;
}

export interface AuthorizeHooks {
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly now?: (() => Date) | undefined;
}

export function authorizeCommand(io: Io, setExit: (outcome: CommandOutcome) => void, hooks: AuthorizeHooks = {}): Command {
  return new Command('authorize')
    .description('ask the server whether the current session may perform ACTION on RESOURCE: the decision with its causes')
    .argument('<action>', 'one action, e.g. s3:GetObject')
    .argument('<resource>', 'the resource ARN, or * for an action that takes no resource')
    .option('--context <key=value>', 'a request context value; repeat a key for a multivalued key (repeatable). Keys the server knows (aws:PrincipalArn, aws:MultiFactorAuthPresent, aws:CurrentTime...) cannot be given', collectOption, [])
    .option('--resource-account <id>', 'the account that owns the resource (default: from the ARN, else the session\'s)')
    .option('--server <url>', 'the Parapet server (default: PARAPET_SERVER, else the last one signed in to)')
    .option('--json', 'the decision as JSON (format `parapet-simulate/1`, as `parapet simulate --json`)')
    .addHelpText(
      'after',
      `
Exit status: 0 for Allow, 1 for a deny, 2 for invalid input (an unknown action, a resource that is not an ARN,
a context value that does not read as its key's type, a key the server fills), and 2 without a valid session.

Examples:
  parapet assume payments-prod developer
  parapet authorize logs:GetLogEvents arn:aws:logs:eu-west-1:400000000001:log-group:/payments/api --context aws:RequestedRegion=eu-west-1
  parapet authorize s3:PutBucketPolicy arn:aws:s3:::acme-payments-data --json`,
    )
    .action(async (action: string, resource: string, options: AuthorizeCommandOptions) => {
      setExit(await runAuthorize(action, resource, options, io, hooks));
    });
}

async function runAuthorize(action: string, resource: string, options: AuthorizeCommandOptions, io: Io, hooks: AuthorizeHooks): Promise<CommandOutcome> {
  // the request first: a malformed one is never sent
  checkActionOption(action);
  checkResourceOption(resource);
  const context = parseContextOption(options.context);
  const env = hooks.env ?? process.env;
  const credentials = readCredentials(credentialsPath(env));
  const server = chooseServer(options.server, credentials, env);
  const forServer = credentials.servers[server] ?? credentials.servers[server.replace(/\/+$/, '')];
  const current = forServer?.currentSession === undefined ? undefined : forServer.sessions[forServer.currentSession];
  if (current === undefined) throw new ParapetError('unauthenticated', `no session for \`${server}\`: run \`parapet assume ACCOUNT PERMISSION_SET\` first`);
  const now = (hooks.now ?? (() => new Date()))();
  if (Date.parse(current.expiresAt) <= now.getTime()) {
    throw new ParapetError('unauthenticated', `the session for \`${current.account}/${current.permissionSet}\` expired at ${current.expiresAt}: run \`parapet assume ${current.account} ${current.permissionSet}\` again`);
  }
  const answer = await serverClient(server).request({
    method: 'POST',
    path: '/v1/authorize',
    token: current.token,
    // every cause, as `parapet simulate` prints them
    body: { request: { action, resource, ...(Object.keys(context).length > 0 ? { context } : {}), ...(options.resourceAccount === undefined ? {} : { resourceAccount: options.resourceAccount }) }, causes: 'all' },
    response: AuthorizeResponse,
  });
  io.out(options.json ? `${JSON.stringify(decisionJson(answer.decision))}\n` : renderDecisionText(answer.decision, answer.explanation));
  return answer.decision.decision === 'Allow' ? 'yes' : 'no';
}
