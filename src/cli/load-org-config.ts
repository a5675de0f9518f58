/**
 * The organization for the commands that ask questions of it (test, who-can, what-can): a
 * configuration with errors is reported and stops the command with exit status 2.
 */
import { loadConfigDir, type OrgConfig } from '../org/index.ts';
import { formatIssue, ParapetError } from '../policy/index.ts';
import { actionChecker } from '../catalog/installed-catalog-checks.ts';
import type { Io } from './io.ts';

export function loadOrgConfig(dir: string, io: Io): OrgConfig {
  const parsed = loadConfigDir(dir, { checkAction: actionChecker() });
  if (!parsed.ok) {
    for (const issue of parsed.issues) if (issue.severity === 'error') io.err(`${formatIssue(issue, dir)}\n`);
    throw new ParapetError('invalid-input', `\`${dir}\` is not a valid configuration: see \`parapet validate ${dir}\``);
  }
  return parsed.value;
}
