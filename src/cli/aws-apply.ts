/**
 * `parapet aws apply DIR`: plan (as `parapet aws plan` does) and make the changes in the live
 * organization, in dependency order (docs/aws.md). A plan with problems is not applied. After a
 * failure it prints what was done, what failed and what was not done; running it again plans
 * only what is left.
 */
import { Command } from 'commander';
import { planOrganization } from '../aws/plan-organization.ts';
import { describeChange, renderOrganizationPlan } from '../aws/render-organization-plan.ts';
import { ParapetError } from '../policy/index.ts';
import { applyLivePlan } from './apply-live-plan.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { loadOrgConfig } from './load-org-config.ts';
import { readLiveOrganization } from './read-live-organization.ts';

export function awsApplyCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('apply')
    .description('make the live AWS organization the configuration: units, SCPs, RCPs, attachments, account places and tags')
    .argument('<dir>', 'the repository folder, holding parapet.yaml')
    .addHelpText(
      'after',
      `
Credentials come from the standard AWS environment; use the management account. Only what Parapet
created (tagged parapet:managed) is ever deleted. Exit status: 0 when every change was made, 1 when
the plan has problems (nothing is changed), 2 when DIR is not valid, 3 when AWS failed (what was
done is printed; run it again to finish).

Examples:
  parapet aws plan org && parapet aws apply org`,
    )
    .action(async (dir: string) => {
      const config = loadOrgConfig(dir, io);
      const live = await readLiveOrganization();
      const plan = planOrganization(config, live);
      if (plan.problems.length > 0) {
        io.out(renderOrganizationPlan(plan));
        io.err('parapet: aws apply: the plan has problems: nothing was changed\n');
        setExit('no');
        return;
      }
      if (plan.changes.length === 0) {
        io.out('No changes: the organization is as the configuration says.\n');
        setExit('yes');
        return;
      }
      const result = await applyLivePlan(plan, live.root.id);
      for (const change of result.done) io.out(`done: ${describeChange(change)}\n`);
      if (result.failed !== undefined) {
        io.out(`failed: ${describeChange(result.failed.change)}: ${result.failed.error}\n`);
        for (const change of result.notDone) io.out(`not done: ${describeChange(change)}\n`);
        throw new ParapetError('unavailable', `aws apply: ${result.done.length} of ${plan.changes.length} changes made, then AWS refused one: run \`parapet aws apply ${dir}\` again to finish`);
      }
      io.out(`applied ${result.done.length} change${result.done.length === 1 ? '' : 's'} to organization \`${live.id}\`\n`);
      setExit('yes');
    });
}
