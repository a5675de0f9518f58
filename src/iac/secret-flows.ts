/**
 * Secrets flowing into plain-text places (SECRET-IN-PLAINTEXT, SECRET-IN-LAMBDA-ENV): a value that
 * is secret reaches an argument whose value anyone who can read the resource can read. A flow is
 * seen three ways, each without reading the value itself:
 *
 * - **marked**: Terraform propagates sensitivity, so the argument is marked in `after_sensitive`
 *   (an argument that is sensitive by the provider's schema whatever it holds, like
 *   `aws_ssm_parameter.value`, is not evidence);
 * - **referenced**: the configuration's expression for the argument refers to a sensitive variable,
 *   to an attribute that holds a secret (`random_password.x.result`, `aws_db_instance.x.password`,
 *   a `SecureString` parameter's value, ...) or to an attribute Terraform marks sensitive in the
 *   plan; `nonsensitive(var.x)` still refers to `var.x`;
 * - **copied**: the planned value contains the value of a sensitive variable (at least four
 *   characters), however it got there.
 *
 * Messages name the argument (a tag key, an environment variable's name, the source's address),
 * never a value.
 */
import { planValueAt, type PlanOutput, type PlanValue, type ResourceChange, type TerraformPlan } from './parse-plan.ts';
import { configOf, referencedChange } from './plan-addresses.ts';

const isObject = (v: unknown): v is Record<string, PlanValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** attributes that hold a secret whatever the configuration says (provider and random/tls schemas) */
const SECRET_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_db_instance: ['password'],
  aws_rds_cluster: ['master_password'],
  aws_docdb_cluster: ['master_password'],
  aws_redshift_cluster: ['master_password'],
  aws_elasticache_replication_group: ['auth_token'],
  aws_iam_access_key: ['secret', 'ses_smtp_password_v4'],
  aws_iam_user_login_profile: ['password'],
  aws_secretsmanager_secret_version: ['secret_string', 'secret_binary'],
  aws_kms_secrets: ['plaintext'],
  random_password: ['result', 'bcrypt_hash'],
  tls_private_key: ['private_key_pem', 'private_key_openssh', 'private_key_pem_pkcs8'],
};

/** arguments marked sensitive by the schema whatever they hold: a mark there is no evidence */
const SCHEMA_SENSITIVE: Readonly<Record<string, readonly string[]>> = {
  aws_ssm_parameter: ['value'],
};

export interface SecretFlow {
  readonly rule: 'SECRET-IN-PLAINTEXT' | 'SECRET-IN-LAMBDA-ENV';
  readonly address: string;
  readonly message: string;
}

/** every reference under an argument's expression (blocks nest expressions in lists and objects) */
function referencesIn(expression: PlanValue | undefined, out: string[] = [], depth = 0): string[] {
  if (depth > 32) return out;
  if (Array.isArray(expression)) for (const e of expression as readonly PlanValue[]) referencesIn(e, out, depth + 1);
  else if (isObject(expression)) {
    for (const [k, v] of Object.entries(expression)) {
      if (k === 'references' && Array.isArray(v)) {
        for (const r of v as readonly PlanValue[]) if (typeof r === 'string') out.push(r);
      } else if (k !== 'constant_value') referencesIn(v, out, depth + 1);
    }
  }
  return out;
}

/** whether any leaf under the marks is `true` */
function anyMarked(marks: PlanValue | undefined, depth = 0): boolean {
  if (marks === true) return true;
  if (depth > 64) return false;
  if (Array.isArray(marks)) return (marks as readonly PlanValue[]).some((m) => anyMarked(m, depth + 1));
  if (isObject(marks)) return Object.values(marks).some((m) => anyMarked(m, depth + 1));
  return false;
}

/** whether any string leaf of a value contains one of the texts */
function contains(value: PlanValue | undefined, texts: readonly string[], depth = 0): boolean {
  if (texts.length === 0 || depth > 64) return false;
  if (typeof value === 'string') return texts.some((t) => value.includes(t));
  if (Array.isArray(value)) return (value as readonly PlanValue[]).some((v) => contains(v, texts, depth + 1));
  if (isObject(value)) return Object.values(value).some((v) => contains(v, texts, depth + 1));
  return false;
}

export function findSecretFlows(plan: TerraformPlan): SecretFlow[] {
  const flows: SecretFlow[] = [];
  // a copy as written, or base64-encoded (`user_data_base64`, `base64encode()`)
  const copies = [...plan.variableSecrets, ...plan.variableSecrets.map((t) => Buffer.from(t).toString('base64'))];

  /** the references among these that name a secret, as `var.x` / `TYPE.NAME.ATTR` */
  const secretSources = (from: ResourceChange | undefined, refs: readonly string[]): string[] => {
    const out = new Set<string>();
    for (const ref of refs) {
      const parts = ref.split('.');
      if (parts[0] === 'var' && parts[1] !== undefined && plan.sensitiveVariables.has(parts[1])) out.add(`var.${parts[1]}`);
      const [type, name, attr] = parts[0] === 'data' ? parts.slice(1) : parts;
      if (type === undefined || name === undefined || attr === undefined) continue;
      const attribute = attr.replace(/\[.*$/, '');
      const label = `${parts[0] === 'data' ? 'data.' : ''}${type}.${name}.${attribute}`;
      if (SECRET_ATTRIBUTES[type]?.includes(attribute)) out.add(label);
      // an output's references are the root module's
      const target = from === undefined ? plan.resourceChanges.find((c) => c.address === ref.split('.').slice(0, parts[0] === 'data' ? 3 : 2).join('.')) : referencedChange(plan, from, ref);
      if (target === undefined) continue;
      // a SecureString parameter's value is a secret; a String parameter's is not
      if (type === 'aws_ssm_parameter' && attribute === 'value') {
        if (planValueAt(target.after ?? target.before, ['type']) === 'SecureString') out.add(label);
        continue;
      }
      if (anyMarked(planValueAt(target.afterSensitive, [attribute])) && !SCHEMA_SENSITIVE[type]?.includes(attribute)) out.add(label);
    }
    return [...out].sort();
  };
  const expressionOf = (c: ResourceChange, arg: string) => configOf(plan, c.address)?.expressions[arg];
  /** why the argument holds a secret, or undefined */
  const evidence = (c: ResourceChange, arg: string, path: readonly string[] = [arg]): string | undefined => {
    const sources = secretSources(c, referencesIn(expressionOf(c, arg)));
    if (sources.length > 0) return `from \`${sources.join('`, `')}\``;
    if (!SCHEMA_SENSITIVE[c.type]?.includes(arg) && anyMarked(planValueAt(c.afterSensitive, path))) return 'marked sensitive by Terraform';
    if (contains(planValueAt(c.after, path), copies)) return 'holding the value of a sensitive variable';
    return undefined;
  };

  for (const c of plan.resourceChanges) {
    if (c.mode !== 'managed' || c.after === null || c.action === 'no-op' || c.action === 'read' || c.action === 'delete' || c.action === 'forget') continue;
    const a = isObject(c.after) ? c.after : {};
    switch (c.type) {
      case 'aws_ssm_parameter': {
        const type = a.type;
        if (type === 'SecureString') break;
        const why = evidence(c, 'value') ?? evidence(c, 'insecure_value');
        if (why !== undefined) flows.push({ rule: 'SECRET-IN-PLAINTEXT', address: c.address, message: `an SSM parameter of type \`${typeof type === 'string' ? type : 'String'}\` (not \`SecureString\`) holds a secret (${why}): its value is stored unencrypted` });
        break;
      }
      case 'aws_lambda_function': {
        // by variable: the names of those that hold a secret
        const variables = planValueAt(c.after, ['environment', '0', 'variables']);
        const marks = planValueAt(c.afterSensitive, ['environment', '0', 'variables']);
        const names = new Set<string>();
        for (const name of isObject(variables) ? Object.keys(variables) : []) {
          if (anyMarked(isObject(marks) ? marks[name] : undefined) || contains(isObject(variables) ? variables[name] : undefined, copies)) names.add(name);
        }
        const sources = secretSources(c, referencesIn(expressionOf(c, 'environment')));
        if (names.size > 0 || sources.length > 0) {
          const what = names.size > 0 ? `environment variable${names.size > 1 ? 's' : ''} \`${[...names].sort().join('`, `')}\` ${names.size > 1 ? 'are' : 'is'} sensitive` : 'an environment variable holds a secret';
          flows.push({ rule: 'SECRET-IN-LAMBDA-ENV', address: c.address, message: `${what}${sources.length > 0 ? ` (from \`${sources.join('`, `')}\`)` : ''}: readable with \`lambda:GetFunctionConfiguration\`` });
        }
        break;
      }
      case 'aws_ecs_task_definition': {
        const why = evidence(c, 'container_definitions');
        if (why !== undefined) flows.push({ rule: 'SECRET-IN-PLAINTEXT', address: c.address, message: `container definitions hold a secret (${why}) in plain text (an \`environment\` value or another field): readable with \`ecs:DescribeTaskDefinition\`; use \`secrets\` with \`valueFrom\`` });
        break;
      }
      case 'aws_instance':
      case 'aws_launch_template':
      case 'aws_launch_configuration':
      case 'aws_spot_instance_request': {
        for (const arg of ['user_data', 'user_data_base64']) {
          const why = evidence(c, arg);
          if (why !== undefined) flows.push({ rule: 'SECRET-IN-PLAINTEXT', address: c.address, message: `\`${arg}\` holds a secret (${why}): user data is readable by anyone who can describe the instance's attributes and from the instance metadata service` });
        }
        break;
      }
      default:
        break;
    }
    // tags, on any resource: by tag key
    const tags = a.tags;
    if (isObject(tags)) {
      const marks = planValueAt(c.afterSensitive, ['tags']);
      const keys = Object.keys(tags).filter((k) => anyMarked(isObject(marks) ? marks[k] : marks === true ? true : undefined) || contains(tags[k], copies));
      const sources = secretSources(c, referencesIn(expressionOf(c, 'tags')));
      if (keys.length > 0 || sources.length > 0) {
        const what = keys.length > 0 ? `tag${keys.length > 1 ? 's' : ''} \`${keys.sort().join('`, `')}\`` : 'a tag';
        flows.push({ rule: 'SECRET-IN-PLAINTEXT', address: c.address, message: `${what} ${keys.length > 1 ? 'hold' : 'holds'} a secret${sources.length > 0 ? ` (from \`${sources.join('`, `')}\`)` : ''}: tags are readable by anyone who may list or describe the resource, and appear in billing reports` });
      }
    }
  }
  for (const o of plan.outputs) flows.push(...outputFlow(o, (refs) => secretSources(undefined, refs), copies));
  return flows;
}

function outputFlow(o: PlanOutput, secretSources: (refs: readonly string[]) => string[], variableSecrets: readonly string[]): SecretFlow[] {
  if (o.sensitive) return [];
  const sources = secretSources(o.references);
  const copied = contains(o.after, variableSecrets);
  if (sources.length === 0 && !copied) return [];
  return [
    {
      rule: 'SECRET-IN-PLAINTEXT',
      address: `output.${o.name}`,
      message: `an output not marked \`sensitive\` holds a secret (${sources.length > 0 ? `from \`${sources.join('`, `')}\`` : 'holding the value of a sensitive variable'}): \`terraform apply\` and \`terraform output\` print it, in CI logs too`,
    },
  ];
}
