/**
 * The organization for the commands that ask questions of it (test, who-can, what-can): a
 * configuration with errors is reported and stops the command with exit status 2.
 */
import { ConfigDirError, loadConfigDir, type OrgConfig } from '../org/index.ts';
import { formatIssue } from '../policy/index.ts';
import { actionChecker } from './catalog-wiring.ts';
import { UsageError, type Io } from './io.ts';

export function loadOrgConfig(dir: string, io: Io): OrgConfig {
  let parsed;
  try {
    parsed = loadConfigDir(dir, { checkAction: actionChecker() });
  } catch (error) {
    if (error instanceof ConfigDirError) throw new UsageError(error.message);
    throw error;
  }
  if (!parsed.ok) {
    for (const issue of parsed.issues) if (issue.severity === 'error') io.err(`${formatIssue(issue, dir)}\n`);
    throw new UsageError(`\`${dir}\` is not a valid configuration: see \`parapet validate ${dir}\``);
  }
  return parsed.value;
}
