/**
 * `parapet preflight PLAN.json`: will the guardrails let this Terraform plan apply, and is it safe
 * (docs/preflight.md). The deployer's policies come from a configuration repository (`--config`,
 * `--account`, `--as service:NAME`) or from policy files (as `parapet simulate` takes them).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { Command } from 'commander';
import { appendAll, formatIssue, parsePolicy, ParapetError, type Issue, type Policy, type PolicySetInput, type PolicyType, type CompileOptions } from '../policy/index.ts';
import { MAX_FILE_BYTES, parsePrincipalRef, readBoundedFile, resolveAccess } from '../org/index.ts';
import { principalSession, sessionFactsOf } from '../analysis/index.ts';
import { runPreflight, type PreflightOptions } from '../iac/preflight.ts';
import { RULES, type Enforcement, type RuleId } from '../iac/misconfiguration-rules.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from '../iac/render-preflight.ts';
import { findResourceBlocks, preflightJunit, preflightSarif } from '../iac/render-preflight-sarif.ts';
import type { Deployer } from '../iac/decide-plan.ts';
import { parsePreflightPolicy, type PreflightPolicy } from '../iac/parse-preflight-policy.ts';
import { actionChecker, rcpServices } from '../catalog/installed-catalog-checks.ts';
import { loadOrgConfig } from './load-org-config.ts';
import { writeOutputFile, type Io } from './io.ts';
import type { CommandOutcome } from './exit-status.ts';

interface PreflightCommandOptions {
  json?: boolean;
  markdown?: boolean;
  sarif?: string;
  junit?: string;
  terraformDir?: string;
  policy?: string;
  config?: string;
  account?: string;
  as?: string;
  accountId?: string;
  principal?: string;
  roleArn?: string;
  identity: string[];
  boundary?: string;
  scp: string[];
  rcp: string[];
  requiredTag: string[];
  mandatory: string[];
  advisory: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function preflightCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('preflight')
    .description('check a Terraform plan (`terraform show -json`) before it is applied: the requests the guardrails deny, and misconfigurations')
    .argument('<plan>', 'the plan as JSON: `terraform show -json PLANFILE > plan.json`')
    .option('--json', 'the report as JSON (format `parapet-preflight/1`, docs/preflight.md)')
    .option('--markdown', 'the report as Markdown, for a pull-request comment')
    .option('--sarif <file>', 'also write the findings and stopped changes as SARIF 2.1.0, for code scanning')
    .option('--junit <file>', 'also write one JUnit test case per change and per finding')
    .option('--terraform-dir <dir>', 'where the `.tf` files are, for SARIF locations (default: the plan\'s folder)')
    .option('--policy <file>', 'the preflight policy: enforcement, required tags, exceptions (default with --config: DIR/preflight.json when it exists)')
    .option('--config <dir>', 'the configuration repository: the deployer is a service account of it')
    .option('--account <name>', 'with --config: the account the plan applies to (name or id)')
    .option('--as <principal>', 'with --config: the deployer, `service:NAME`')
    .option('--account-id <id>', 'with policy files: the account the plan applies to')
    .option('--principal <arn>', 'with policy files: the deployer (role or role session ARN)')
    .option('--role-arn <arn>', 'with policy files: the role behind a role session')
    .option('--identity <file>', 'with policy files: an identity-based policy of the deployer (repeatable)', collect, [])
    .option('--boundary <file>', 'with policy files: the deployer\'s permissions boundary')
    .option('--scp <files>', 'with policy files: one level of the SCP chain, root first; comma-separate the policies of one level (repeatable)', collect, [])
    .option('--rcp <files>', 'with policy files: one level of the RCP chain, root first (repeatable)', collect, [])
    .option('--required-tag <key>', 'a tag every taggable resource must carry (TAG-MISSING; repeatable)', collect, [])
    .option('--mandatory <rule>', 'make a rule\'s findings fail the preflight (repeatable)', collect, [])
    .option('--advisory <rule>', 'report a rule\'s findings without failing the preflight (repeatable)', collect, [])
    .addHelpText(
      'after',
      `
Exit status: 0 when every change is allowed and no mandatory finding is reported; 1 when a change is
denied, cannot be decided at plan time or is of an unmapped resource type, or a mandatory finding is
reported; 2 for invalid input (a plan that is not format_version 1.x, an unknown change action, an
invalid policy). Critical and high findings are mandatory unless --advisory says otherwise.

Examples:
  parapet preflight plan.json --config . --account payments-prod --as service:deployer --markdown
  parapet preflight plan.json --account-id 111111111111 --principal arn:aws:iam::111111111111:role/deployer \\
    --identity deployer.json --scp full-access.json --scp full-access.json,deny-regions.json`,
    )
    .action((plan: string, options: PreflightCommandOptions) => {
      setExit(runPreflightCommand(plan, options, io));
    });
}

function enforcementOf(options: PreflightCommandOptions): Partial<Record<RuleId, Enforcement>> {
  const out: Partial<Record<RuleId, Enforcement>> = {};
  for (const [list, level] of [
    [options.mandatory, 'mandatory'],
    [options.advisory, 'advisory'],
  ] as const) {
    for (const rule of list) {
      if (!(rule in RULES)) throw new ParapetError('usage', `unknown rule \`${rule}\`: see docs/preflight.md for the rule set`);
      out[rule as RuleId] = level;
    }
  }
  return out;
}

function readPolicyFile(path: string, type: PolicyType, issues: Issue[]): Policy | undefined {
  const parsed = parsePolicy(readBoundedFile(path, MAX_FILE_BYTES.policy), { type, name: path.replace(/^.*[\\/]/, '').replace(/\.json$/, ''), source: path, checkAction: actionChecker() });
  appendAll(issues, parsed.issues);
  return parsed.ok ? parsed.value : undefined;
}

interface Target {
  readonly account: string;
  readonly policies: PolicySetInput;
  readonly deployer: Deployer;
  readonly compileOptions: CompileOptions;
}

const EMPTY_POLICY: PreflightPolicy = { enforcement: {}, requiredTags: [], exceptions: [] };

function readPreflightPolicy(options: PreflightCommandOptions, io: Io): PreflightPolicy | undefined {
  const path = options.policy ?? (options.config !== undefined && existsSync(join(options.config, 'preflight.json')) ? join(options.config, 'preflight.json') : undefined);
  if (path === undefined) return EMPTY_POLICY;
  const parsed = parsePreflightPolicy(readBoundedFile(path, MAX_FILE_BYTES.policy), path, new Date());
  for (const issue of parsed.issues) io.err(`${formatIssue(issue)}\n`);
  if (!parsed.ok) {
    io.err('the preflight policy has errors: nothing was checked\n');
    return undefined;
  }
  return parsed.value;
}

function fromConfig(options: PreflightCommandOptions, io: Io): Target {
  if (options.account === undefined || options.as === undefined) throw new ParapetError('usage', 'with --config, give --account NAME and --as service:NAME');
  const ref = parsePrincipalRef(options.as);
  if (!ref.ok || ref.value.kind !== 'serviceAccount') throw new ParapetError('usage', `--as must be \`service:NAME\`, not \`${options.as}\``);
  const config = loadOrgConfig(options.config!, io);
  const serviceAccount = config.serviceAccounts.get(ref.value.name);
  if (serviceAccount === undefined) throw new ParapetError('invalid-input', `unknown service account \`${ref.value.name}\``);
  const resolved = resolveAccess(config, { principal: ref.value, account: options.account, permissionSet: serviceAccount.permissionSet });
  if (!resolved.ok) throw new ParapetError('invalid-input', resolved.issues.map((i) => i.message).join('; '));
  const access = resolved.value;
  const session = principalSession(ref.value, access.account.id, access.permissionSet.name, sessionFactsOf(config));
  return {
    account: access.account.id,
    policies: access.policies,
    deployer: { principal: session.principal, ...(session.facts.roleArn !== undefined ? { roleArn: session.facts.roleArn } : {}), context: session.context },
    compileOptions: { ...access.compileOptions, rcpServices: rcpServices() },
  };
}

function fromFiles(options: PreflightCommandOptions, io: Io): Target | undefined {
  if (options.accountId === undefined || options.principal === undefined) {
    throw new ParapetError('usage', 'give --config DIR --account NAME --as service:NAME, or policy files with --account-id ID and --principal ARN (see `parapet preflight --help`)');
  }
  if (!/^\d{12}$/.test(options.accountId)) throw new ParapetError('usage', `--account-id must be twelve digits, not \`${options.accountId}\``);
  const issues: Issue[] = [];
  const defined = <T>(list: (T | undefined)[]) => list.filter((x): x is T => x !== undefined);
  const chain = (levels: string[], type: 'scp' | 'rcp') => levels.map((level) => defined(level.split(',').filter((f) => f !== '').map((f) => readPolicyFile(f, type, issues))));
  const identity = defined(options.identity.map((f) => readPolicyFile(f, 'identity', issues)));
  const boundary = options.boundary !== undefined ? readPolicyFile(options.boundary, 'permissionBoundary', issues) : undefined;
  const scps = chain(options.scp, 'scp');
  const rcps = chain(options.rcp, 'rcp');
  for (const issue of issues) io.err(`${formatIssue(issue)}\n`);
  if (issues.some((i) => i.severity === 'error')) {
    io.err('the policies have errors: no decision (an invalid policy never allows)\n');
    return undefined;
  }
  return {
    account: options.accountId,
    policies: { identity, scps, rcps, ...(boundary !== undefined ? { permissionBoundary: boundary } : {}) },
    deployer: { principal: options.principal, ...(options.roleArn !== undefined ? { roleArn: options.roleArn } : {}) },
    compileOptions: { rcpServices: rcpServices() },
  };
}

function runPreflightCommand(planPath: string, options: PreflightCommandOptions, io: Io): CommandOutcome {
  if (options.json && options.markdown) throw new ParapetError('usage', 'give --json or --markdown, not both');
  const enforcement = enforcementOf(options);
  const policy = readPreflightPolicy(options, io);
  if (policy === undefined) return 'invalid-input';
  const target = options.config !== undefined ? fromConfig(options, io) : fromFiles(options, io);
  if (target === undefined) return 'invalid-input';
  const preflightOptions: PreflightOptions = {
    ...target,
    requiredTags: [...new Set([...policy.requiredTags, ...options.requiredTag])],
    // the command line overrides the repository's enforcement for one run
    enforcement: { ...policy.enforcement, ...enforcement },
    exceptions: policy.exceptions,
  };
  const result = runPreflight(readBoundedFile(planPath, MAX_FILE_BYTES.plan), preflightOptions, planPath);
  if (!result.ok) {
    for (const issue of result.issues) io.err(`${formatIssue(issue)}\n`);
    io.err('the plan cannot be read: nothing was checked\n');
    return 'invalid-input';
  }
  const report = result.value;
  if (options.sarif !== undefined) {
    const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
    writeOutputFile(options.sarif, preflightSarif(report, { locations: terraformBlocks(options.terraformDir ?? dirname(planPath)), version, planFile: relative(process.cwd(), planPath).split('\\').join('/') }));
  }
  if (options.junit !== undefined) writeOutputFile(options.junit, preflightJunit(report));
  for (const note of report.exceptionNotes) io.err(`parapet: ${note}\n`);
  io.out(options.json ? preflightJson(report) : options.markdown ? renderPreflightMarkdown(report) : renderPreflightText(report));
  return report.passed ? 'yes' : 'no';
}

/** the resource blocks of the root module's `.tf` files, with paths relative to the working folder (as code scanning wants them) */
function terraformBlocks(dir: string) {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.tf')).sort();
  } catch {
    return new Map();
  }
  const files = names.map((n) => ({ path: relative(process.cwd(), join(dir, n)).split('\\').join('/'), text: readBoundedFile(join(dir, n), MAX_FILE_BYTES.config) }));
  return findResourceBlocks(files);
}
