/**
 * `parapet aws plan DIR`: what would change in the live AWS organization and in IAM of its member
 * accounts for them to be the configuration in DIR (docs/aws.md). Reads AWS, changes nothing.
 */
import { Command } from 'commander';
import { planProblems } from '../aws/organization-change.ts';
import { renderOrganizationPlan } from '../aws/render-organization-plan.ts';
import { addAwsTargetOptions, liveAwsOptionsOf, type AwsTargetOptions } from './aws-target-options.ts';
import type { CommandOutcome } from './exit-status.ts';
import { writeOutputFile, type Io } from './io.ts';
import { loadAwsConfig, type ForceOptions } from './load-aws-config.ts';
import { planLiveAws } from './plan-live-aws.ts';

interface AwsPlanOptions extends AwsTargetOptions, ForceOptions {
  json?: boolean;
  output?: string;
}

export function awsPlanCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return addAwsTargetOptions(
    new Command('plan')
      .description('show what would change in the live AWS organization and in IAM of its member accounts to make them the configuration (changes nothing)')
      .argument('<dir>', 'the repository folder, holding parapet.yaml')
      .option('--json', 'the plan as one JSON object (format `parapet-aws-plan/1`, docs/aws.md)')
      .option('--output <file>', 'write the plan to FILE instead of standard output'),
  )
    .addHelpText(
      'after',
      `
Credentials, region and endpoint come from the standard AWS environment; use the management account.
Member accounts are read through the account role. Exit status: 0 when the plan can be applied
(with or without changes), 1 when it lists something that cannot be applied, 2 when DIR is not a
valid configuration, 3 when AWS cannot be read.

Examples:
  parapet aws plan org --issuer https://parapet.example.com
  parapet aws plan org --json --output plan.json`,
    )
    .action(async (dir: string, options: AwsPlanOptions) => {
      const { config, forced } = loadAwsConfig(dir, io, options);
      const planned = await planLiveAws(config, liveAwsOptionsOf(options));
      const plan = forced === undefined ? planned.plan : { ...planned.plan, forced };
      const text = options.json ? `${JSON.stringify(plan)}\n` : renderOrganizationPlan(plan);
      if (options.output === undefined) io.out(text);
      else writeOutputFile(options.output, text);
      setExit(planProblems(plan).length === 0 ? 'yes' : 'no');
    });
}
