/** the `parapet` command line: one file per command, wired here */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { applyCommand } from './apply.ts';
import { asParapetError } from './as-parapet-error.ts';
import { assumeCommand } from './assume.ts';
import { auditCommand } from './audit.ts';
import { authorizeCommand } from './authorize.ts';
import { awsCommand } from './aws.ts';
import { exitStatus, FAILURE_STATUS, type CommandOutcome } from './exit-status.ts';
import { processIo, type Io } from './io.ts';
import { loginCommand } from './login.ts';
import { logoutCommand } from './logout.ts';
import { planCommand } from './plan.ts';
import { revokeCommand } from './revoke.ts';
import { directoryCommand } from './directory.ts';
import { scimCommand } from './scim.ts';
import { serveCommand } from './serve.ts';
import { sessionsCommand } from './sessions.ts';
import { simulateCommand } from './simulate.ts';
import { preflightCommand } from './preflight.ts';
import { terminalSafeIo } from './terminal-safe-io.ts';
import { testCommand } from './test.ts';
import { validateCommand } from './validate.ts';
import { whatCanCommand } from './what-can.ts';
import { whoamiCommand } from './whoami.ts';
import { whoCanCommand } from './who-can.ts';


export async function main(argv: readonly string[], rawIo: Io = processIo): Promise<number> {
  // names and messages from the user's files never reach the terminal as control sequences
  const io = terminalSafeIo(rawIo);
  // every command reports its outcome; the one table in exit-status.ts turns it into the status
  let outcome: CommandOutcome = 'yes';
  const setExit = (reported: CommandOutcome) => {
    outcome = reported;
  };
  // from src/cli and from dist/cli alike, the package's own manifest is two folders up
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  const program = new Command('parapet')
    .version(version, '-V, --version', 'print the version')
    .description('Parapet: guardrails, identity and access, and change through code, with AWS IAM policy semantics')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Every command has --help with examples, and --json for machines. Commands that read a configuration
repository take its folder (DIR, holding parapet.yaml). Guide: docs/cli.md.

Examples:
  parapet validate examples/acme
  parapet test examples/acme
  parapet who-can examples/acme --action s3:DeleteBucket --resource arn:aws:s3:::acme-payments-data
  parapet what-can examples/acme --principal group:payments-devs --account payments-prod
  parapet plan --from main --to HEAD --output plan.md
  parapet serve --config examples/acme
  parapet apply config --server https://parapet.example.com --expect-version 41
  parapet aws import --out org
  parapet aws plan org
  parapet aws apply org
`,
    );
  program.addCommand(simulateCommand(io, setExit));
  program.addCommand(validateCommand(io, setExit));
  program.addCommand(testCommand(io, setExit));
  program.addCommand(whoCanCommand(io, setExit));
  program.addCommand(whatCanCommand(io, setExit));
  program.addCommand(planCommand(io, setExit));
  program.addCommand(preflightCommand(io, setExit));
  program.addCommand(serveCommand(io, setExit));
  program.addCommand(loginCommand(io, setExit));
  program.addCommand(logoutCommand(io, setExit));
  program.addCommand(assumeCommand(io, setExit));
  program.addCommand(whoamiCommand(io, setExit));
  program.addCommand(sessionsCommand(io, setExit));
  program.addCommand(revokeCommand(io, setExit));
  program.addCommand(applyCommand(io, setExit));
  program.addCommand(authorizeCommand(io, setExit));
  program.addCommand(awsCommand(io, setExit));
  program.addCommand(scimCommand(io, setExit));
  program.addCommand(directoryCommand(io, setExit));
  program.addCommand(auditCommand(io, setExit));
  // addCommand does not pass these on: without them `parapet CMD --help` or a usage error would exit the process
  // nested commands (`scim token create`) too
  const withSubcommands = (command: Command): Command[] => [command, ...command.commands.flatMap(withSubcommands)];
  for (const command of program.commands.flatMap(withSubcommands)) {
    command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) }).showHelpAfterError('(run with --help for usage)');
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : FAILURE_STATUS.usage.exit;
    const failure = asParapetError(error);
    // one line naming what failed, never a stack trace, except for a bug, where the trace is what a report needs
    io.err(`parapet: ${failure.code === 'internal' ? 'internal error: ' : ''}${failure.message}\n`);
    if (failure.code === 'internal') io.err(`${stackOf(failure.cause ?? failure)}\n`);
    return exitStatus(failure.code);
  }
  return exitStatus(outcome);
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
