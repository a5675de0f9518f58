/** `parapet audit …`: the tamper-evident audit log (#10) */
import { Command } from 'commander';
import { auditCheckpointCommand } from './audit-checkpoint.ts';
import { auditExportCommand } from './audit-export.ts';
import { auditProofCommand } from './audit-proof.ts';
import { auditSearchCommand } from './audit-search.ts';
import { auditVerifyCommand } from './audit-verify.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';

export function auditCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  const audit = new Command('audit').description('the tamper-evident audit log: search and export it, verify exports offline, prove an event is in the log, check that the log only grows');
  audit.addCommand(auditVerifyCommand(io, setExit));
  audit.addCommand(auditProofCommand(io, setExit));
  audit.addCommand(auditCheckpointCommand(io, setExit));
  audit.addCommand(auditSearchCommand(io, setExit));
  audit.addCommand(auditExportCommand(io, setExit));
  // addCommand does not pass these on (as in main.ts)
  for (const command of audit.commands) {
    command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) }).showHelpAfterError('(run with --help for usage)');
  }
  return audit;
}
