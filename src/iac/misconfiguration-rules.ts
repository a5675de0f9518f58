/**
 * Misconfiguration rules: a documented set (docs/preflight.md) with stable ids and severities, read
 * from the plan's redacted values only, so a finding's evidence can never carry a sensitive value.
 */
import type { PlanValue, ResourceChange, TerraformPlan } from './parse-plan.ts';
import type { PlannedChange } from './build-requests.ts';
import { mappingOf } from './request-map/aws.ts';
import { findSecretFlows } from './secret-flows.ts';
import { configOf, referencedChange } from './plan-addresses.ts';

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Enforcement = 'mandatory' | 'advisory';

export interface RuleDefinition {
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly title: string;
}

export const RULES = {
  'SG-OPEN-ADMIN-PORT': { severity: 'high', title: 'a security group admits the world to an administrative port (22, 3389, or all ports)' },
  'SG-EGRESS-ALL': { severity: 'low', title: 'a security group allows egress to the world on all protocols' },
  'S3-PUBLIC-ACL': { severity: 'high', title: 'a bucket ACL grants access to everyone or to every AWS account' },
  'S3-PUBLIC-POLICY': { severity: 'high', title: 'a bucket policy allows anyone without a condition' },
  'S3-NO-PUBLIC-ACCESS-BLOCK': { severity: 'medium', title: 'a bucket created by the plan has no public access block with all four settings on' },
  'RDS-PUBLIC': { severity: 'high', title: 'a database instance is publicly accessible' },
  'RDS-UNENCRYPTED': { severity: 'high', title: 'a database instance stores data unencrypted' },
  'RDS-NO-FINAL-SNAPSHOT': { severity: 'low', title: 'a database instance is deleted without a final snapshot' },
  'RDS-NO-DELETION-PROTECTION': { severity: 'low', title: 'a database instance has no deletion protection' },
  'DYNAMODB-NO-PITR': { severity: 'low', title: 'a table has no point-in-time recovery' },
  'CLOUDTRAIL-SINGLE-REGION': { severity: 'medium', title: 'a trail records one region only' },
  'CLOUDTRAIL-NO-LOG-VALIDATION': { severity: 'medium', title: 'a trail has no log file validation' },
  'CLOUDTRAIL-NO-KMS': { severity: 'low', title: 'a trail\'s logs are not encrypted with a KMS key' },
  'CLOUDTRAIL-LOGGING-DISABLED': { severity: 'high', title: 'a trail does not log' },
  'AUDIT-TRAIL-DELETE': { severity: 'high', title: 'the plan deletes a trail' },
  'IAM-ADMIN-ACCESS': { severity: 'critical', title: 'a principal gets AdministratorAccess or an Allow of `*` on `*`' },
  'IAM-PASSROLE-WILDCARD': { severity: 'high', title: '`iam:PassRole` on every role without an `iam:PassedToService` condition' },
  'IAM-PRIVESC-PATH': { severity: 'critical', title: 'a policy allows a known privilege escalation method' },
  'IAM-OIDC-TRUST-WILDCARD': { severity: 'high', title: 'a GitHub OIDC trust whose `sub` is missing or wildcards the repository' },
  'IAM-USER': { severity: 'medium', title: 'an IAM user' },
  'IAM-USER-ACCESS-KEY': { severity: 'high', title: 'a long-lived IAM access key' },
  'TAG-MISSING': { severity: 'low', title: 'a taggable resource lacks a required tag' },
  'DESTRUCTIVE-REPLACE': { severity: 'medium', title: 'a data-holding resource is deleted and created again' },
  'SECRET-IN-LAMBDA-ENV': { severity: 'medium', title: 'a sensitive value flows into Lambda environment variables' },
  'SECRET-IN-PLAINTEXT': { severity: 'high', title: 'a secret flows into a plain-text place: an output not marked sensitive, an SSM parameter that is not a SecureString, ECS container definitions, user data, tags' },
} as const satisfies Record<string, Omit<RuleDefinition, 'id'>>;

export type RuleId = keyof typeof RULES;

export interface Finding {
  readonly rule: RuleId;
  readonly severity: FindingSeverity;
  readonly address: string;
  /** what in the plan makes it fire; never a sensitive value */
  readonly message: string;
}

export interface RuleOptions {
  /** tags every taggable resource must carry (TAG-MISSING) */
  readonly requiredTags?: readonly string[];
}

const isObject = (v: unknown): v is Record<string, PlanValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: PlanValue | undefined): readonly PlanValue[] => (Array.isArray(v) ? (v as readonly PlanValue[]) : []);
const strings = (v: PlanValue | undefined): string[] => (typeof v === 'string' ? [v] : list(v).filter((x): x is string => typeof x === 'string'));
const obj = (v: PlanValue | undefined): Record<string, PlanValue> => (isObject(v) ? v : {});

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const ADMIN_PORTS = [22, 3389];
const PUBLIC_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const PUBLIC_GRANTEES = ['http://acs.amazonaws.com/groups/global/AllUsers', 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'];

interface PolicyStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly principals: string[];
  readonly condition: Record<string, PlanValue>;
}

/** a policy document in a plan argument (JSON text); undefined when it is not readable */
function statementsOf(text: PlanValue | undefined): PolicyStatement[] | undefined {
  if (typeof text !== 'string') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return raw.filter(isObject).map((s) => {
    const p = s.Principal;
    const principals = p === '*' ? ['*'] : Object.values(obj(p)).flatMap((v) => strings(v));
    return { effect: String(s.Effect), actions: strings(s.Action), resources: strings(s.Resource), principals, condition: obj(s.Condition) };
  });
}

const matchesAction = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action);
const allows = (statements: readonly PolicyStatement[], action: string, onAllResources = false) =>
  statements.some((s) => s.effect === 'Allow' && s.actions.some((a) => matchesAction(a, action)) && (!onAllResources || s.resources.some((r) => r === '*' || /:role\/\*$/.test(r))));

function hasConditionKey(condition: Record<string, PlanValue>, key: string): boolean {
  return Object.values(condition).some((block) => Object.keys(obj(block)).some((k) => k.toLowerCase() === key.toLowerCase()));
}

/** the policy documents a change grants (inline and managed policies) */
const POLICY_ARGUMENT: Readonly<Record<string, string>> = {
  aws_iam_role_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
  aws_iam_policy: 'policy',
};
const ATTACHMENTS = new Set(['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment']);

export function findMisconfigurations(plan: TerraformPlan, planned: readonly PlannedChange[], options: RuleOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: RuleId, address: string, message: string) => findings.push({ rule, severity: RULES[rule].severity, address, message });
  const creates = (c: ResourceChange) => c.action === 'create' || c.action === 'replace-delete-first' || c.action === 'replace-create-first';
  const bucketOf = (c: ResourceChange): string | undefined => {
    const v = obj(c.after).bucket;
    if (typeof v === 'string') return v;
    // `bucket = aws_s3_bucket.x.id`: the bucket of the referenced resource
    const expression = obj(configOf(plan, c.address)?.expressions.bucket);
    const ref = strings(expression.references).find((r) => /^aws_s3_bucket\.[^.]+$/.test(r));
    const target = ref === undefined ? undefined : referencedChange(plan, c, ref);
    const name = target === undefined ? undefined : obj(target.after).bucket;
    return typeof name === 'string' ? name : undefined;
  };

  for (const c of plan.resourceChanges) {
    if (c.mode !== 'managed') continue;
    const a = obj(c.after);
    if (c.action === 'delete' && c.type === 'aws_cloudtrail') add('AUDIT-TRAIL-DELETE', c.address, `the plan deletes trail \`${String(obj(c.before).name ?? c.name)}\``);
    if ((c.action === 'replace-delete-first' || c.action === 'replace-create-first') && mappingOf(c.type)?.stateful) {
      add('DESTRUCTIVE-REPLACE', c.address, `\`${c.type}\` is deleted and created again: its data is not carried over`);
    }
    if (c.after === null || c.action === 'no-op' || c.action === 'read') continue;
    switch (c.type) {
      case 'aws_security_group': {
        for (const rule of list(a.ingress).filter(isObject)) {
          const open = [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)].filter((cidr) => WORLD.has(cidr));
          if (open.length === 0) continue;
          const from = Number(rule.from_port);
          const to = Number(rule.to_port);
          const all = rule.protocol === '-1' || rule.protocol === 'all';
          const ports = ADMIN_PORTS.filter((p) => all || (from <= p && p <= to));
          if (ports.length > 0) add('SG-OPEN-ADMIN-PORT', c.address, `ingress ${all ? 'on all ports' : `to port ${ports.join(', ')}`} from ${open.join(', ')}`);
        }
        for (const rule of list(a.egress).filter(isObject)) {
          if ((rule.protocol === '-1' || rule.protocol === 'all') && [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)].some((cidr) => WORLD.has(cidr))) {
            add('SG-EGRESS-ALL', c.address, 'egress on all protocols to the world');
          }
        }
        break;
      }
      case 'aws_security_group_rule':
      case 'aws_vpc_security_group_ingress_rule': {
        // the same check on a rule declared as its own resource
        if (c.type === 'aws_security_group_rule' && a.type !== 'ingress') break;
        const cidrs = c.type === 'aws_security_group_rule' ? [...strings(a.cidr_blocks), ...strings(a.ipv6_cidr_blocks)] : [...strings(a.cidr_ipv4), ...strings(a.cidr_ipv6)];
        const open = cidrs.filter((cidr) => WORLD.has(cidr));
        const protocol = c.type === 'aws_security_group_rule' ? a.protocol : a.ip_protocol;
        const all = protocol === '-1' || protocol === 'all';
        const from = Number(a.from_port);
        const to = Number(a.to_port);
        const ports = ADMIN_PORTS.filter((p) => all || (from <= p && p <= to));
        if (open.length > 0 && ports.length > 0) add('SG-OPEN-ADMIN-PORT', c.address, `ingress ${all ? 'on all ports' : `to port ${ports.join(', ')}`} from ${open.join(', ')}`);
        break;
      }
      case 'aws_s3_bucket_acl':
      case 'aws_s3_bucket': {
        if (typeof a.acl === 'string' && PUBLIC_ACLS.has(a.acl)) add('S3-PUBLIC-ACL', c.address, `canned ACL \`${a.acl}\``);
        const grants = list(a.access_control_policy).filter(isObject).flatMap((p) => list(p.grant).filter(isObject));
        if (grants.some((g) => list(g.grantee).filter(isObject).some((e) => PUBLIC_GRANTEES.includes(String(e.uri))))) add('S3-PUBLIC-ACL', c.address, 'a grant to AllUsers or AuthenticatedUsers');
        if (c.type === 'aws_s3_bucket' && creates(c)) {
          const name = typeof a.bucket === 'string' ? a.bucket : undefined;
          const blocked = plan.resourceChanges.some((b) => {
            if (b.type !== 'aws_s3_bucket_public_access_block' || b.after === null || !creates(b) && b.action !== 'update' && b.action !== 'no-op') return false;
            const settings = obj(b.after);
            const complete = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => settings[k] === true);
            return complete && name !== undefined && bucketOf(b) === name;
          });
          if (!blocked) add('S3-NO-PUBLIC-ACCESS-BLOCK', c.address, `no \`aws_s3_bucket_public_access_block\` with all four settings true for bucket \`${name ?? c.name}\` in the plan`);
        }
        break;
      }
      case 'aws_s3_bucket_policy': {
        const statements = statementsOf(a.policy);
        if (statements?.some((s) => s.effect === 'Allow' && s.principals.includes('*') && Object.keys(s.condition).length === 0)) add('S3-PUBLIC-POLICY', c.address, 'an Allow to principal `*` without a condition');
        break;
      }
      case 'aws_db_instance':
      case 'aws_rds_cluster': {
        if (a.publicly_accessible === true) add('RDS-PUBLIC', c.address, '`publicly_accessible = true`');
        if (a.storage_encrypted === false) add('RDS-UNENCRYPTED', c.address, '`storage_encrypted = false`');
        if (a.skip_final_snapshot === true) add('RDS-NO-FINAL-SNAPSHOT', c.address, '`skip_final_snapshot = true`');
        if (a.deletion_protection !== true) add('RDS-NO-DELETION-PROTECTION', c.address, '`deletion_protection` is not true');
        break;
      }
      case 'aws_dynamodb_table': {
        if (!list(a.point_in_time_recovery).filter(isObject).some((p) => p.enabled === true)) add('DYNAMODB-NO-PITR', c.address, 'no point-in-time recovery');
        break;
      }
      case 'aws_cloudtrail': {
        if (a.is_multi_region_trail === false) add('CLOUDTRAIL-SINGLE-REGION', c.address, '`is_multi_region_trail = false`');
        if (a.enable_log_file_validation === false) add('CLOUDTRAIL-NO-LOG-VALIDATION', c.address, '`enable_log_file_validation = false`');
        if ((a.kms_key_id === null || a.kms_key_id === '') && obj(c.afterUnknown).kms_key_id !== true) add('CLOUDTRAIL-NO-KMS', c.address, 'no `kms_key_id`');
        if (a.enable_logging === false) add('CLOUDTRAIL-LOGGING-DISABLED', c.address, '`enable_logging = false`');
        break;
      }
      case 'aws_iam_role': {
        for (const s of statementsOf(a.assume_role_policy) ?? []) {
          if (s.effect !== 'Allow' || !s.principals.some((p) => p.endsWith('oidc-provider/token.actions.githubusercontent.com'))) continue;
          const subs = Object.values(s.condition).flatMap((block) =>
            Object.entries(obj(block))
              .filter(([k]) => k.toLowerCase() === 'token.actions.githubusercontent.com:sub')
              .flatMap(([, v]) => strings(v)),
          );
          // `repo:OWNER/NAME:…`: a wildcard in OWNER/NAME (or no `sub` at all) lets other repositories assume the role
          const wide = subs.filter((sub) => {
            const repository = sub.split(':')[1] ?? '';
            return !sub.startsWith('repo:') || repository.includes('*') || repository.includes('?');
          });
          if (subs.length === 0) add('IAM-OIDC-TRUST-WILDCARD', c.address, 'a GitHub Actions trust without a `sub` condition: any repository can assume the role');
          else if (wide.length > 0) add('IAM-OIDC-TRUST-WILDCARD', c.address, `a GitHub Actions trust with \`sub\` \`${wide.join('`, `')}\`: every matching repository can assume the role`);
        }
        break;
      }
      case 'aws_iam_user':
        add('IAM-USER', c.address, `IAM user \`${String(a.name ?? c.name)}\``);
        break;
      case 'aws_iam_access_key':
        add('IAM-USER-ACCESS-KEY', c.address, `a long-lived access key for \`${String(a.user ?? '?')}\``);
        break;
    }
    if (ATTACHMENTS.has(c.type) && typeof a.policy_arn === 'string' && /:policy\/AdministratorAccess$/.test(a.policy_arn)) add('IAM-ADMIN-ACCESS', c.address, `attaches \`${a.policy_arn}\``);
    const argument = POLICY_ARGUMENT[c.type];
    const statements = argument === undefined ? undefined : statementsOf(a[argument]);
    if (statements !== undefined) {
      if (statements.some((s) => s.effect === 'Allow' && s.actions.includes('*') && s.resources.includes('*'))) add('IAM-ADMIN-ACCESS', c.address, 'an Allow of `*` on `*`');
      const passAll = statements.filter((s) => s.effect === 'Allow' && s.actions.some((x) => matchesAction(x, 'iam:PassRole')) && s.resources.some((r) => r === '*' || /:role\/\*$/.test(r)));
      if (passAll.some((s) => !hasConditionKey(s.condition, 'iam:PassedToService'))) add('IAM-PASSROLE-WILDCARD', c.address, '`iam:PassRole` on every role without an `iam:PassedToService` condition');
      if (passAll.length > 0) {
        // PassRole to a new or changed function that the principal can then run: the role's permissions become the principal's
        const lambdaPath = (allows(statements, 'lambda:CreateFunction') || allows(statements, 'lambda:UpdateFunctionConfiguration')) && (allows(statements, 'lambda:InvokeFunction') || allows(statements, 'lambda:CreateEventSourceMapping'));
        const ec2Path = allows(statements, 'ec2:RunInstances');
        if (lambdaPath || ec2Path) add('IAM-PRIVESC-PATH', c.address, `\`iam:PassRole\` on every role with ${lambdaPath ? 'the Lambda function create/update and invoke actions' : '`ec2:RunInstances`'}: any role those services may assume is within reach`);
      }
    }
  }
  for (const flow of findSecretFlows(plan)) add(flow.rule, flow.address, flow.message);
  for (const p of planned) {
    const required = options.requiredTags ?? [];
    if (required.length === 0 || p.tags === undefined || !creates(p.change) || !mappingOf(p.change.type)?.taggable) continue;
    const missing = required.filter((t) => !Object.hasOwn(p.tags!, t));
    if (missing.length > 0) add('TAG-MISSING', p.change.address, `no \`${missing.join('`, `')}\` tag (with the provider's default_tags)`);
  }
  return findings;
}
