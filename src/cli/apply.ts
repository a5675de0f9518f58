/**
 * `parapet apply DIR`: make a configuration repository the server's new active version. The
 * folder is read and validated here first, exactly as `parapet validate` does, so an invalid
 * folder never reaches the server; then its files go to `POST /v1/config/versions`, with the
 * credential of a service account (or, for the very first version, the bootstrap token the
 * server printed). docs/server.md "Configuration versions and apply".
 */
import { Command } from 'commander';
import { actionChecker } from '../catalog/installed-catalog-checks.ts';
import { ApplyResponse, type PlanSummary } from '../contract/config.ts';
import { parseConfig, readConfigDir, renderValidateText, validateReport, validateReportJson } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import { chooseServer, credentialsPath, readCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { githubActionsCredential } from './github-actions-credential.ts';
import { serverClient } from './server-client.ts';

export interface ApplyHooks {
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

interface ApplyCommandOptions {
  server?: string;
  expectVersion?: string;
  message?: string;
  json?: boolean;
  tokenFile?: string;
}

/** planning a large organization takes the server a while: more than a plain request */
const APPLY_TIMEOUT_MS = 300_000;

function parseExpectVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new ParapetError('usage', `--expect-version must be a version number (0: none yet): \`${text}\``);
  return Number(text);
}

const count = (n: number): string => n.toLocaleString('en-US');

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export function renderPlanSummary(plan: PlanSummary): string {
  const { principals: p, flags } = plan;
  return (
    `${plural(plan.structuralChanges, 'structural change')}; ${plural(plan.accessChanges, 'access change')} ` +
    `(${plural(p.groups, 'group')}, ${plural(p.users, 'user')}, ${plural(p.serviceAccounts, 'service account')}): ` +
    `${count(plan.actionsGained)} actions gained, ${count(plan.actionsLost)} lost (${count(plan.actionsLostToGuardrails)} to guardrails); ` +
    `flags: ${flags['admin-equivalent']} admin-equivalent, ${flags['privilege-escalation']} privilege escalation, ${flags['guardrail-lockout']} guardrail lock-out`
  );
}

export function applyCommand(io: Io, setExit: (outcome: CommandOutcome) => void, hooks: ApplyHooks = {}): Command {
  return new Command('apply')
    .description('make a configuration repository the server\'s new active version: validated here, planned and stored by the server (docs/server.md)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--expect-version <n>', 'the active version this change was planned against (0: none yet); another one is a conflict')
    .option('--message <text>', 'what the change is, kept with the version (e.g. the commit subject)')
    .option('--json', 'print the server\'s answer as JSON (docs/server.md)')
    .option('--token-file <file>', 'read the credential from FILE (else PARAPET_TOKEN, else GitHub Actions)')
    .addHelpText(
      'after',
      `
Only a service account may apply; the very first version may also be applied with the one-time
bootstrap token \`parapet serve\` printed. An invalid folder is reported as \`parapet validate\` reports
it and never sent. Applying the files of the active version changes nothing ("unchanged").

Exit status: 0 applied or unchanged, 1 the folder is not a valid configuration, 2 refused (a
conflict with --expect-version, no or a wrong credential), 3 the server is unreachable.

Examples:
  parapet apply examples/acme --server http://127.0.0.1:8080 --token-file bootstrap-token
  PARAPET_TOKEN=... parapet apply config --server https://parapet.example.com --expect-version 41 --message "$(git log -1 --format=%s)"`,
    )
    .action(async (dir: string, options: ApplyCommandOptions) => {
      const env = hooks.env ?? process.env;
      const expectVersion = parseExpectVersion(options.expectVersion);
      const files = readConfigDir(dir);
      const report = validateReport(dir, parseConfig(files, { checkAction: actionChecker() }));
      if (!report.valid) {
        io.out(options.json ? `${JSON.stringify(validateReportJson(report))}\n` : renderValidateText(report));
        setExit('no');
        return;
      }
      const server = chooseServer(options.server, options.server === undefined ? readCredentials(credentialsPath(env)) : { format: 'parapet-credentials/1', servers: {} }, env);
      const client = serverClient(server, { timeoutMs: APPLY_TIMEOUT_MS });
      // --token-file, else PARAPET_TOKEN, else a GitHub Actions OIDC token for the server's URL
      const { token } = await githubActionsCredential({ tokenFile: options.tokenFile, env, audience: client.baseUrl });
      const answer = await client.request({
        method: 'POST',
        path: '/v1/config/versions',
        token,
        body: { files: Object.fromEntries(files), ...(expectVersion === undefined ? {} : { expectVersion }), ...(options.message === undefined ? {} : { message: options.message }) },
        response: ApplyResponse,
      });
      if (options.json) io.out(`${JSON.stringify(answer)}\n`);
      else if (answer.unchanged) io.out(`unchanged: configuration version ${answer.version} (${answer.hash}) already holds these files; nothing applied\n`);
      else {
        io.out(`applied configuration version ${answer.version} (${answer.hash}) as ${answer.author}\n`);
        if (answer.plan !== undefined) io.out(`plan against the version before: ${renderPlanSummary(answer.plan)}\n`);
        io.out(`the whole plan: GET ${client.baseUrl}/v1/config/versions/${answer.version}\n`);
      }
      setExit('yes');
    });
}
