/**
 * `parapet serve`: run the control plane server until SIGTERM or SIGINT, then shut down
 * gracefully (requests in flight finish, the database is closed). Settings come from flags, then
 * `PARAPET_*` environment variables, then `--settings FILE` (docs/server.md).
 */
import { Command } from 'commander';
import { startServer, type RunningServer } from '../server/main.ts';
import { describeSettings, resolveServerSettings, type ServerSettings, type SettingsInput } from '../server/server-settings.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';

interface ServeCommandOptions {
  config?: string;
  host?: string;
  port?: string;
  publicUrl?: string;
  databaseUrl?: string;
  stateDir?: string;
  settings?: string;
  demo?: boolean;
  logLevel?: string;
  githubIssuer?: string;
  githubAudience?: string;
}

export interface ServeHooks {
  /** called once the server listens; the default waits for SIGTERM/SIGINT */
  readonly untilStopped?: ((server: RunningServer) => Promise<void>) | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

function waitForSignal(server: RunningServer, io: Io): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      io.err(`${signal}: stopping (requests in flight finish first)\n`);
      server.stop().then(resolve, resolve);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

/**
 * What the operator reads once the server listens: the configuration it serves (or the one-time
 * bootstrap token and the exact command to apply the first one), warnings, and what to do next.
 * The bootstrap token is written here only: never to the log.
 */
export function startupText(server: RunningServer, settings: ServerSettings): string {
  // with port 0 the public URL names no real port: the bound address is the one to use
  const reach = settings.port === 0 && server.url !== undefined ? server.url : settings.publicUrl;
  const lines: string[] = [];
  const { prepared } = server;
  const active = server.context.config.current();
  if (prepared.bootstrapToken !== undefined) {
    lines.push(
      'parapet: no configuration yet. One-time bootstrap token (shown this once; it applies the first version only, then service accounts apply):',
      `  ${prepared.bootstrapToken}`,
      'parapet: apply the first configuration (DIR: your configuration repository folder) with:',
      `  PARAPET_TOKEN=${prepared.bootstrapToken} parapet apply DIR --server ${reach}`,
    );
  } else if (active === undefined) {
    lines.push(`parapet: no configuration is served: ${server.context.config.loadError ?? 'apply one with `parapet apply DIR --server URL` (a service account\'s credential)'}`);
  } else if (prepared.appliedFromConfigDir !== undefined) {
    lines.push(`parapet: applied \`${settings.configDir ?? ''}\` as configuration version ${active.version} (${active.hash})`);
  } else {
    lines.push(`parapet: configuration version ${active.version} (${active.hash}), applied ${active.appliedAt} by ${active.author}`);
  }
  for (const warning of prepared.warnings) lines.push(`parapet: warning: ${warning}`);
  const demo = server.context.sso?.demo;
  if (demo !== undefined) {
    // the demo provider's own passwords, made at this start: printed so they can be tried (loopback only)
    lines.push(`parapet: demo sign-in (${demo.issuer}, loopback only): sign in with \`parapet login --server ${reach}\` as one of`);
    for (const user of demo.users) lines.push(`  ${user.email}  password ${user.password}  groups ${user.groups.join(', ') || '(none)'}`);
  }
  if (active !== undefined) {
    const steps: [string, string][] = [
      [`curl ${reach}/readyz`, 'ready: the database answers and a configuration is loaded'],
      ...(server.context.sso === undefined ? [] : [[`parapet login --server ${reach}`, 'sign in with SSO (docs/sso.md)'] as [string, string]]),
      [`curl ${reach}/openapi.json`, 'the API (every endpoint but health needs a credential)'],
      [`parapet apply DIR --server ${reach}`, 'a new configuration version, as a service account (docs/server.md)'],
    ];
    const width = Math.max(...steps.map(([command]) => command.length));
    lines.push('next:', ...steps.map(([command, what]) => `  ${command.padEnd(width)}   ${what}`));
  }
  return `${lines.join('\n')}\n`;
}

export function serveCommand(io: Io, setExit: (outcome: CommandOutcome) => void, hooks: ServeHooks = {}): Command {
  return new Command('serve')
    .description('run the Parapet server: sign-in, sessions, the decision API, configuration versions (docs/server.md)')
    .option('--config <dir>', 'a configuration repository applied as the first version when the database has none')
    .option('--host <host>', 'the address to listen on (PARAPET_HOST; default 127.0.0.1)')
    .option('--port <port>', 'the port to listen on (PARAPET_PORT; default 8080, 0 picks a free one)')
    .option('--public-url <url>', 'the URL clients reach the server at, the issuer of its credentials (PARAPET_PUBLIC_URL)')
    .option('--database-url <url>', 'PostgreSQL, `postgres://…` (PARAPET_DATABASE_URL); default: SQLite in the state folder')
    .option('--state-dir <dir>', 'where the embedded database and generated keys live (PARAPET_STATE_DIR; default .parapet)')
    .option('--settings <file>', 'a settings file, YAML or JSON (docs/server.md); flags and environment win over it')
    .option('--demo', 'also run a demo OpenID provider with the configuration\'s users (loopback only)')
    .option('--github-issuer <url>', 'the GitHub Actions OIDC issuer service accounts authenticate with (PARAPET_GITHUB_ISSUER; default https://token.actions.githubusercontent.com, GitHub Enterprise Server: https://HOST/_services/token)')
    .option('--github-audience <aud>', 'the audience GitHub Actions tokens must carry (PARAPET_GITHUB_AUDIENCE; default the public URL)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (PARAPET_LOG_LEVEL; default info)')
    .addHelpText(
      'after',
      `
Logs are JSON lines on standard output (pino); nothing secret is logged.

Examples:
  parapet serve --config examples/acme --demo
  PARAPET_DATABASE_URL=postgres://parapet@db/parapet parapet serve --public-url https://parapet.example.com --host 0.0.0.0`,
    )
    .action(async (options: ServeCommandOptions) => {
      const flags: SettingsInput = {
        configDir: options.config,
        host: options.host,
        port: options.port,
        publicUrl: options.publicUrl,
        databaseUrl: options.databaseUrl,
        stateDir: options.stateDir,
        demo: options.demo,
        logLevel: options.logLevel,
        githubIssuer: options.githubIssuer,
        githubAudience: options.githubAudience,
      };
      const settings = resolveServerSettings({ flags, env: hooks.env ?? process.env, file: options.settings });
      const server = await startServer(settings);
      // one write: a reader that acts on `serving at` (a supervisor, the e2e harness) sees the bootstrap token with it
      io.err(
        `parapet: serving at ${server.url ?? settings.publicUrl} (public URL ${settings.publicUrl})\n` +
          `parapet: settings ${JSON.stringify(describeSettings(settings))}\n` +
          startupText(server, settings),
      );
      await (hooks.untilStopped ?? ((s) => waitForSignal(s, io)))(server);
      setExit('yes');
    });
}
