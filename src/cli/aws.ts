/** `parapet aws …`: the AWS target (docs/aws.md), one file per subcommand */
import { Command } from 'commander';
import { awsApplyCommand } from './aws-apply.ts';
import { awsCredentialsCommand } from './aws-credentials.ts';
import { awsImportCommand } from './aws-import.ts';
import { awsPlanCommand } from './aws-plan.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';

export function awsCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  const command = new Command('aws').description('the AWS organization: import it as a configuration repository, plan changes to it and apply them (docs/aws.md)');
  command.addCommand(awsImportCommand(io, setExit));
  command.addCommand(awsPlanCommand(io, setExit));
  command.addCommand(awsApplyCommand(io, setExit));
  command.addCommand(awsCredentialsCommand(io, setExit));
  // addCommand does not pass these on: without them a usage error would exit the process
  for (const sub of command.commands) {
    sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) }).showHelpAfterError('(run with --help for usage)');
  }
  return command;
}
