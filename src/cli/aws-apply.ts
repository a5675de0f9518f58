/**
 * `parapet aws apply DIR`: plan (as `parapet aws plan` does) and make the changes, the
 * organization's first, then IAM in each member account, each in dependency order (docs/aws.md).
 * A plan with problems is not applied. After a failure it prints what was done, what failed and
 * what was not done; running it again plans only what is left.
 */
import { Command } from 'commander';
import { planChangeCount, planProblems } from '../aws/organization-change.ts';
import { describeAccountChange } from '../aws/render-account-change.ts';
import { describeChange, renderOrganizationPlan } from '../aws/render-organization-plan.ts';
import { ParapetError } from '../policy/index.ts';
import { applyLivePlan } from './apply-live-plan.ts';
import { addAwsTargetOptions, liveAwsOptionsOf, type AwsTargetOptions } from './aws-target-options.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { loadAwsConfig, type ForceOptions } from './load-aws-config.ts';
import { planLiveAws } from './plan-live-aws.ts';

export function awsApplyCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return addAwsTargetOptions(
    new Command('apply')
      .description('make the live AWS organization the configuration (units, SCPs, RCPs, attachments, account places and tags) and the roles of permission sets in its member accounts')
      .argument('<dir>', 'the repository folder, holding parapet.yaml'),
  )
    .addHelpText(
      'after',
      `
Credentials come from the standard AWS environment; use the management account. Only what Parapet
manages (tagged parapet:managed, or under the /parapet/ path in IAM) is ever changed or deleted.
Exit status: 0 when every change was made, 1 when the plan has problems (nothing is changed), 2 when
DIR is not valid, 3 when AWS failed (what was done is printed; run it again to finish).

Examples:
  parapet aws plan org --issuer https://parapet.example.com && parapet aws apply org --issuer https://parapet.example.com`,
    )
    .action(async (dir: string, options: AwsTargetOptions & ForceOptions) => {
      const { config, forced } = loadAwsConfig(dir, io, options);
      const liveOptions = liveAwsOptionsOf(options);
      const planned = await planLiveAws(config, liveOptions);
      const live = planned.live;
      const plan = forced === undefined ? planned.plan : { ...planned.plan, forced };
      if (planProblems(plan).length > 0) {
        io.out(renderOrganizationPlan(plan));
        io.err('parapet: aws apply: the plan has problems: nothing was changed\n');
        setExit('no');
        return;
      }
      const total = planChangeCount(plan);
      if (total === 0) {
        io.out('No changes: the organization is as the configuration says.\n');
        setExit('yes');
        return;
      }
      if (forced !== undefined) io.out(`forced (--force), with the reason: ${forced.reason}\n${forced.lockOuts.map((l) => `lock-out applied anyway: ${l}\n`).join('')}`);
      const result = await applyLivePlan(plan, { rootId: live.root.id, managementAccountId: live.managementAccountId }, liveOptions);
      const org = result.organization;
      for (const change of org.done) io.out(`done: ${describeChange(change)}\n`);
      const inAccount = (accountId: string) => `account \`${plan.accounts?.find((a) => a.accountId === accountId)?.accountName ?? accountId}\`: `;
      for (const { accountId, change } of result.accounts?.done ?? []) io.out(`done: ${inAccount(accountId)}${describeAccountChange(change)}\n`);
      const accountFailure = result.accounts?.failed;
      const made = org.done.length + (result.accounts?.done.length ?? 0);
      if (org.failed !== undefined || accountFailure !== undefined) {
        if (org.failed !== undefined) {
          io.out(`failed: ${describeChange(org.failed.change)}: ${org.failed.error}\n`);
          for (const change of org.notDone) io.out(`not done: ${describeChange(change)}\n`);
          for (const account of plan.accounts ?? []) for (const change of account.changes) io.out(`not done: ${inAccount(account.accountId)}${describeAccountChange(change)}\n`);
        } else if (accountFailure !== undefined) {
          const what = accountFailure.change === undefined ? '' : describeAccountChange(accountFailure.change);
          io.out(`failed: ${inAccount(accountFailure.accountId)}${what}${what === '' ? '' : ': '}${accountFailure.error}\n`);
          for (const { accountId, change } of result.accounts?.notDone ?? []) io.out(`not done: ${inAccount(accountId)}${describeAccountChange(change)}\n`);
        }
        throw new ParapetError('unavailable', `aws apply: ${made} of ${total} changes made, then AWS refused one: run \`parapet aws apply ${dir}\` again to finish`);
      }
      io.out(`applied ${made} change${made === 1 ? '' : 's'} to organization \`${live.id}\`\n`);
      setExit('yes');
    });
}
