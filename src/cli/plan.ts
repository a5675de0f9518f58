/**
 * `parapet plan --from OLD --to NEW`: what a change to the configuration repository changes, for
 * the pull request that makes it: the structural diff, the access gained and lost by every
 * principal in every account, and the flags (new admin-equivalent access, privilege escalation,
 * guardrail lock-outs). OLD and NEW are folders, or git revisions of one repository. Output and
 * definitions: docs/plan.md.
 */
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { buildPlan, PLAN_FORMAT } from '../analysis/build-plan.ts';
import { invalidPlanJson, planJson, type InvalidPlanReport } from '../analysis/plan-json.ts';
import { renderInvalidPlanMarkdown, renderPlanMarkdown } from '../analysis/render-plan-markdown.ts';
import { parseConfig, readConfigDir, type ConfigFiles, type OrgConfig } from '../org/index.ts';
import { formatIssue, ParapetError } from '../policy/index.ts';
import { writeOutputFile, type Io } from './io.ts';
import { startProgress, type Progress } from './progress.ts';
import { readConfigAtRevision } from './read-config-at-revision.ts';
import type { CommandOutcome } from './exit-status.ts';
import { DIRECTORY_OPTION, directoryOf, readDirectoryOption } from './directory-option.ts';

interface PlanCommandOptions {
  from: string;
  to: string;
  repo?: string;
  json?: boolean;
  output?: string;
  directory?: string;
}

interface Source {
  /** shown in the report and in issue locations */
  readonly label: string;
  readonly files: ConfigFiles;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** a folder, or a revision of the repository (`--repo`, else the current folder) */
function readSource(value: string, repo: string | undefined): Source {
  if (repo === undefined && isFolder(value)) {
    return { label: value, files: readConfigDir(value) };
  }
  const dir = repo ?? '.';
  if (!existsSync(dir)) throw new ParapetError('not-found', `no such folder: \`${dir}\``, { path: dir });
  return { label: value, files: readConfigAtRevision(dir, value) };
}

export function planCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('plan')
    .description('what a change to the configuration repository changes: structure, access gained and lost, and flags (docs/plan.md)')
    .requiredOption('--from <old>', 'the version before: a folder, or a git revision')
    .requiredOption('--to <new>', 'the version after: a folder, or a git revision')
    .option('--repo <dir>', 'read --from and --to as git revisions of the repository folder DIR (default: folders when they exist, else revisions of the current folder)')
    .option('--json', `the whole plan as one JSON object (format \`${PLAN_FORMAT}\`, docs/plan.md)`)
    .option(...DIRECTORY_OPTION)
    .option('--output <file>', 'write the plan to FILE instead of standard output')
    .addHelpText(
      'after',
      `
A folder holds parapet.yaml; a git revision is read from git's objects (the work tree is not read).
The default output is markdown for a pull-request comment: a summary table, the flags, the access
changes, then the details in <details> blocks.

Exit status: 0 when both versions are valid (whatever the plan shows), 2 when either is invalid
(its issues are printed) or the arguments are wrong.

Examples:
  parapet plan --from examples/acme --to ../acme-changed
  parapet plan --from main --to HEAD --output plan.md
  parapet plan --repo config --from origin/main --to HEAD --json`,
    )
    .action((options: PlanCommandOptions) => {
      const write = (text: string) => {
        if (options.output === undefined) io.out(text);
        else writeOutputFile(options.output, text);
      };
      const before = readSource(options.from, options.repo);
      const after = readSource(options.to, options.repo);
      const parsed = [before, after].map((source) => ({ source, result: parseConfig(source.files) }));
      const invalid = parsed.filter((p) => !p.result.ok);
      if (invalid.length > 0) {
        const errorsOf = (index: number) => {
          const { result } = parsed[index]!;
          return result.ok ? [] : result.issues.filter((i) => i.severity === 'error');
        };
        const report: InvalidPlanReport = { from: before.label, to: after.label, issues: { from: errorsOf(0), to: errorsOf(1) } };
        for (const [label, issues] of [[before.label, report.issues.from], [after.label, report.issues.to]] as const) {
          if (issues.length === 0) continue;
          for (const issue of issues) io.err(`${formatIssue(issue, label)}\n`);
          io.err(`parapet: \`${label}\` is not a valid configuration: ${issues.length} error(s)\n`);
        }
        write(options.json ? `${JSON.stringify(invalidPlanJson(report))}\n` : renderInvalidPlanMarkdown(report));
        setExit('invalid-input');
        return;
      }
      const [oldConfig, newConfig] = parsed.map((p) => (p.result as { value: OrgConfig }).value) as [OrgConfig, OrgConfig];
      // one directory state, seen through each version's groups: what a change of configuration does to today's members
      const snapshot = readDirectoryOption(options.directory, io);
      let progress: Progress | undefined;
      const plan = buildPlan(oldConfig, newConfig, {
        catalog: loadCatalog(),
        from: before.label,
        to: after.label,
        directories: { before: directoryOf(oldConfig, snapshot), after: directoryOf(newConfig, snapshot) },
        onPrincipal: (done, total) => {
          progress ??= startProgress(total, 'plan');
          progress.tick();
        },
      });
      progress?.done();
      write(options.json ? `${JSON.stringify(planJson(plan))}\n` : renderPlanMarkdown(plan));
      setExit('yes');
    });
}
