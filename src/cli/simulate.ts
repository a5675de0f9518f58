/**
 * `parapet simulate`: run decision cases (conformance/FORMAT.md), or decide one ad-hoc request
 * from policy files and print the explained decision.
 */
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import {
  appendAll,
  compilePolicySet,
  createDecider,
  decidePrepared,
  evaluateCase,
  formatIssue,
  parseCase,
  parsePolicy,
  prepareRequest,
  type Decision,
  type Issue,
  type Policy,
  type PolicyType,
  ParapetError,
} from '../policy/index.ts';
import { MAX_FILE_BYTES, readBoundedFile } from '../org/index.ts';
import { caseRunJson, caseTotals, decisionJson, renderCaseRunText, renderCaseTotalsText, renderDecisionText, type CaseRun } from '../analysis/index.ts';
import { findJsonFiles } from './find-files.ts';
import type { Io } from './io.ts';
import { actionChecker, contextKeyType, rcpServices } from '../catalog/installed-catalog-checks.ts';
import { checkActionOption, checkResourceOption, parseContextOption } from './context-option.ts';
import { startProgress } from './progress.ts';
import type { CommandOutcome } from './exit-status.ts';

interface SimulateCommandOptions {
  case?: string;
  json?: boolean;
  repeat?: string;
  principal?: string;
  action?: string;
  resource?: string;
  resourceAccount?: string;
  identity: string[];
  boundary?: string;
  session?: string;
  resourcePolicy?: string;
  scp: string[];
  rcp: string[];
  context: string[];
  roleArn?: string;
  serviceLinkedRole?: boolean;
  managementAccount?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function simulateCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('simulate')
    .description('decide requests offline with AWS IAM evaluation logic: run decision cases, or one ad-hoc request')
    .option('--case <path>', 'a decision case file, or a folder searched recursively for *.json cases')
    .option('--json', 'one JSON object per line, for machines (format `parapet-simulate/1`, docs/reports.md)')
    .option('--repeat <n>', 'with --case: evaluate each case N times after compiling it once and report microseconds per decision')
    .option('--principal <arn>', 'ad hoc: who asks (IAM user/role/session ARN, account root, service principal, or *)')
    .option('--action <action>', 'ad hoc: the action, e.g. s3:GetObject')
    .option('--resource <arn>', 'ad hoc: the resource ARN (default *)')
    .option('--resource-account <id>', 'ad hoc: the account that owns the resource (default: from the ARN, else the principal\'s)')
    .option('--identity <file>', 'ad hoc: an identity-based policy (repeatable)', collect, [])
    .option('--boundary <file>', 'ad hoc: the permissions boundary')
    .option('--session <file>', 'ad hoc: the session policy')
    .option('--resource-policy <file>', 'ad hoc: the resource-based policy')
    .option('--scp <files>', 'ad hoc: one level of the SCP chain, root first; comma-separate several policies of one level (repeatable)', collect, [])
    .option('--rcp <files>', 'ad hoc: one level of the RCP chain, root first (repeatable)', collect, [])
    .option('--context <key=value>', 'ad hoc: a request context value; repeat a key for a multivalued key (repeatable)', collect, [])
    .option('--role-arn <arn>', 'ad hoc: the role behind a role session')
    .option('--service-linked-role', 'ad hoc: the principal is a service-linked role')
    .option('--management-account <id>', 'the organization\'s management account (SCPs and RCPs do not apply to it)')
    .addHelpText(
      'after',
      `
Exit status: with --case, 0 when every case passes, 1 when one fails, 2 when a file is not a valid case.
Ad hoc, 0 for Allow, 1 for a deny, 2 for invalid input: an invalid policy, an action that is not one
service:Action (no wildcards), a resource that is not an ARN or *, a --context value that does not
read as its key's type (aws:MultiFactorAuthPresent=no, aws:SourceIp=999.1.1.1). Invalid input is
never decided.

Examples:
  parapet simulate --case conformance --json
  parapet simulate --principal arn:aws:sts::111111111111:assumed-role/admin/bob --action ec2:RunInstances \\
    --resource 'arn:aws:ec2:us-west-2:111111111111:instance/*' --identity admin.json \\
    --scp root-full-access.json,deny-regions.json --scp full-access.json --context aws:RequestedRegion=us-west-2`,
    )
    .action((options: SimulateCommandOptions) => {
      setExit(options.case !== undefined ? runCases(options, io) : runAdHoc(options, io));
    });
}

function runCases(options: SimulateCommandOptions, io: Io): CommandOutcome {
  const repeat = options.repeat === undefined ? undefined : Number(options.repeat);
  if (repeat !== undefined && (!Number.isInteger(repeat) || repeat < 1)) throw new ParapetError('usage', `--repeat must be a positive whole number, not \`${options.repeat}\``);
  const files = findJsonFiles(options.case!);
  if (files.length === 0) throw new ParapetError('usage', `no *.json case files under \`${options.case}\``);
  const runs: CaseRun[] = [];
  const progress = startProgress(files.length, 'simulating');
  for (const file of files) {
    progress.tick();
    const run = runCase(file, repeat);
    runs.push(run);
    io.out(options.json ? `${JSON.stringify(caseRunJson(run))}\n` : renderCaseRunText(run));
  }
  progress.done();
  const totals = caseTotals(runs);
  if (!options.json) io.out(renderCaseTotalsText(totals));
  return totals.invalid > 0 ? 'invalid-input' : totals.failed > 0 ? 'no' : 'yes';
}

function runCase(file: string, repeat: number | undefined): CaseRun {
  const parsed = parseCase(readBoundedFile(file, MAX_FILE_BYTES.case), { source: file, checkAction: actionChecker(), rcpServices: rcpServices(), contextKeyType: contextKeyType() });
  if (!parsed.ok) return { kind: 'invalid', file, issues: parsed.issues.filter((i) => i.severity === 'error') };
  const c = parsed.value;
  const { decision, pass, compiled } = evaluateCase(c);
  let microsPerDecision: number | undefined;
  if (repeat !== undefined) {
    const decider = createDecider();
    const start = performance.now();
    for (let i = 0; i < repeat; i++) decider.decidePrepared(compiled, decider.prepareRequest(c.request, c.principal));
    microsPerDecision = ((performance.now() - start) * 1000) / repeat;
  }
  return { kind: 'decided', file, name: c.name, decision, expected: c.expected, pass, microsPerDecision, warnings: c.warnings };
}

function readPolicyFile(path: string, type: PolicyType, issues: Issue[]): Policy | undefined {
  const text = readBoundedFile(path, MAX_FILE_BYTES.policy);
  const name = path.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  const parsed = parsePolicy(text, { type, name, source: path, checkAction: actionChecker() });
  appendAll(issues, parsed.issues);
  return parsed.ok ? parsed.value : undefined;
}

function runAdHoc(options: SimulateCommandOptions, io: Io): CommandOutcome {
  if (options.principal === undefined || options.action === undefined) {
    throw new ParapetError('usage', 'give --case PATH, or an ad-hoc request with at least --principal and --action (see `parapet simulate --help`)');
  }
  // the request first: a malformed one is never decided, whatever the policies say
  checkActionOption(options.action);
  const resourceArn = options.resource ?? '*';
  checkResourceOption(resourceArn);
  const context = parseContextOption(options.context);
  const issues: Issue[] = [];
  const identity = options.identity.map((f) => readPolicyFile(f, 'identity', issues));
  const chain = (levels: string[], type: 'scp' | 'rcp') =>
    levels.map((level) => level.split(',').filter((f) => f !== '').map((f) => readPolicyFile(f, type, issues)));
  const scps = chain(options.scp, 'scp');
  const rcps = chain(options.rcp, 'rcp');
  const boundary = options.boundary !== undefined ? readPolicyFile(options.boundary, 'permissionBoundary', issues) : undefined;
  const session = options.session !== undefined ? readPolicyFile(options.session, 'session', issues) : undefined;
  const resource = options.resourcePolicy !== undefined ? readPolicyFile(options.resourcePolicy, 'resource', issues) : undefined;
  for (const issue of issues) io.err(`${formatIssue(issue)}\n`);
  if (issues.some((i) => i.severity === 'error')) {
    io.err('the policies have errors: no decision (an invalid policy never allows)\n');
    return 'invalid-input';
  }
  const defined = <T>(list: (T | undefined)[]) => list.filter((x): x is T => x !== undefined);
  const compiled = compilePolicySet(
    {
      identity: defined(identity),
      scps: scps.map(defined),
      rcps: rcps.map(defined),
      ...(boundary !== undefined ? { permissionBoundary: boundary } : {}),
      ...(session !== undefined ? { session } : {}),
      ...(resource !== undefined ? { resource } : {}),
    },
    { ...(options.managementAccount !== undefined ? { managementAccount: options.managementAccount } : {}), rcpServices: rcpServices() },
  );
  const decision: Decision = decidePrepared(
    compiled,
    prepareRequest(
      {
        principal: options.principal,
        action: options.action,
        resource: resourceArn,
        ...(options.resourceAccount !== undefined ? { resourceAccount: options.resourceAccount } : {}),
        context,
      },
      { ...(options.roleArn !== undefined ? { roleArn: options.roleArn } : {}), ...(options.serviceLinkedRole ? { serviceLinkedRole: true } : {}) },
    ),
  );
  io.out(options.json ? `${JSON.stringify(decisionJson(decision))}\n` : renderDecisionText(decision));
  return decision.decision === 'Allow' ? 'yes' : 'no';
}
