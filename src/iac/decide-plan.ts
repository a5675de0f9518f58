/**
 * Each planned request decided by the engine as the deployer: Allow, ExplicitDeny or ImplicitDeny
 * with the statements that decide it. A request with a value unknown at plan time is `Unknown`,
 * never Allow; an unmapped change is `Unmapped`, never passed.
 */
import { compilePolicySet, decidePrepared, internalError, parsePolicy, prepareRequest, type CompileOptions, type CompiledPolicySet, type Decision, type PolicySetInput, type PolicyType } from '../policy/index.ts';
import type { PlannedChange, PlannedRequest } from './build-requests.ts';

export type RequestDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'Unknown';
export type ChangeDecision = RequestDecision | 'Unmapped' | 'NoRequests';

export interface DecidingStatement {
  readonly kind: PolicyType;
  readonly policy: string;
  /** absent for a policy type (or SCP level) that gave no Allow */
  readonly statement?: string;
  readonly level?: number;
  readonly effect: 'Deny' | 'Allow' | 'none';
}

export interface DecidedRequest extends PlannedRequest {
  readonly decision: RequestDecision;
  readonly decidedBy: readonly DecidingStatement[];
}

export interface DecidedChange extends Omit<PlannedChange, 'requests'> {
  readonly decision: ChangeDecision;
  readonly requests: readonly DecidedRequest[];
}

export interface Deployer {
  /** the session or role ARN that applies the plan */
  readonly principal: string;
  /** the role behind a role session */
  readonly roleArn?: string;
  /** keys AWS supplies in every request of the deployer's session (aws:PrincipalType, aws:PrincipalOrgID) */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** a stand-in for an ID AWS assigns on create: no policy can name an ID before it exists, so a decision that differs between `*` and this is not decided */
const STAND_IN = 'preflight-assigned-id-0000';

const RANK: Record<ChangeDecision, number> = { ExplicitDeny: 5, ImplicitDeny: 4, Unknown: 3, Unmapped: 2, Allow: 1, NoRequests: 0 };

/**
 * AWS's default key policy: the account may use the key as its IAM policies allow
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
 */
function defaultKeyPolicy(account: string) {
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  });
  const parsed = parsePolicy(text, { type: 'resource', name: 'default-key-policy' });
  if (!parsed.ok) throw internalError('the default key policy does not parse');
  return parsed.value;
}

export function decidePlan(changes: readonly PlannedChange[], input: PolicySetInput, deployer: Deployer, account: string, options: CompileOptions = {}): DecidedChange[] {
  const policies = compilePolicySet(input, options);
  let withKeyPolicy: CompiledPolicySet | undefined;
  const decideOne = (request: PlannedRequest, resource: string): Decision =>
    decidePrepared(
      request.keyPolicy === 'default' ? (withKeyPolicy ??= compilePolicySet({ ...input, resource: defaultKeyPolicy(account) }, options)) : policies,
      prepareRequest({ principal: deployer.principal, action: request.action, resource, context: { ...deployer.context, ...request.context } }, deployer.roleArn !== undefined ? { roleArn: deployer.roleArn } : {}),
    );
  return changes.map((planned) => {
    const requests = planned.requests.map((request): DecidedRequest => {
      if (request.unknown.length > 0) return { ...request, decision: 'Unknown', decidedBy: [] };
      const decision = decideOne(request, request.resource);
      if (request.generatedId) {
        const other = decideOne(request, request.resource.replace(/\*/g, STAND_IN));
        if (other.decision !== decision.decision) return { ...request, unknown: ['an ID AWS assigns on create'], decision: 'Unknown', decidedBy: [] };
      }
      return { ...request, decision: decision.decision, decidedBy: decidingStatements(decision) };
    });
    const decision: ChangeDecision = !planned.mapped
      ? 'Unmapped'
      : requests.reduce<ChangeDecision>((worst, r) => (RANK[r.decision] > RANK[worst] ? r.decision : worst), requests.length === 0 ? 'NoRequests' : 'Allow');
    return { ...planned, requests, decision };
  });
}

function decidingStatements(decision: Decision): DecidingStatement[] {
  if (decision.decision === 'Allow') return [];
  const out: DecidingStatement[] = [];
  for (const cause of decision.causes) {
    if (cause.kind === 'explicit-deny') {
      const s = cause.statement;
      out.push({ kind: s.policyType, policy: s.policyName, ...(s.sid !== undefined ? { statement: s.sid } : { statement: `#${s.statementIndex}` }), ...(s.level !== undefined ? { level: s.level } : {}), effect: 'Deny' });
    } else if (cause.kind === 'no-allow') {
      out.push({ kind: cause.policyType, policy: cause.policyType, ...(cause.level !== undefined ? { level: cause.level } : {}), effect: 'none' });
    }
  }
  return out;
}
