/**
 * `parapet aws plan DIR`: what would change in the live AWS organization for it to be the
 * configuration in DIR (docs/aws.md). Reads AWS, changes nothing.
 */
import { Command } from 'commander';
import { planOrganization } from '../aws/plan-organization.ts';
import { renderOrganizationPlan } from '../aws/render-organization-plan.ts';
import type { CommandOutcome } from './exit-status.ts';
import { readLiveOrganization } from './read-live-organization.ts';
import { writeOutputFile, type Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';

interface AwsPlanOptions {
  json?: boolean;
  output?: string;
}

export function awsPlanCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('plan')
    .description('show what would change in the live AWS organization to make it the configuration (changes nothing)')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .option('--json', 'the plan as one JSON object (format `parapet-aws-plan/1`, docs/aws.md)')
    .option('--output <file>', 'write the plan to FILE instead of standard output')
    .addHelpText(
      'after',
      `
Credentials, region and endpoint come from the standard AWS environment; use the management account.
Exit status: 0 when the plan can be applied (with or without changes), 1 when it lists something
that cannot be applied, 2 when DIR is not a valid configuration, 3 when AWS cannot be read.

Examples:
  parapet aws plan org
  parapet aws plan org --json --output plan.json`,
    )
    .action(async (dir: string, options: AwsPlanOptions) => {
      const config = loadOrgConfig(dir, io);
      const live = await readLiveOrganization();
      const plan = planOrganization(config, live);
      const text = options.json ? `${JSON.stringify(plan)}\n` : renderOrganizationPlan(plan);
      if (options.output === undefined) io.out(text);
      else writeOutputFile(options.output, text);
      setExit(plan.problems.length === 0 ? 'yes' : 'no');
    });
}
