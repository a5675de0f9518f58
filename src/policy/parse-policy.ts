/**
 * Parse and validate one policy document. Every mistake becomes an issue with a stable code and a
 * location; nothing throws. A document with errors yields no policy, so it can never grant.
 */
import { splitArn, isAccountId, isOriginAccessIdentity } from './arn.ts';
import { isDecimal, parseCidr, parseDate } from './condition-values.ts';
import { closestMatch } from './closest-match.ts';
import { isActionPattern } from './check-request-target.ts';
import { appendAll } from './append-all.ts';
import { capIssues } from './cap-issues.ts';
import { formatJsonPath, readJsonText, type JsonPathSegment, type JsonText } from './json-text.ts';
import type { Issue, IssueCode, Parsed, Severity } from './issue.ts';
import { hasErrors } from './issue.ts';
import {
  BASE_OPERATORS,
  OPERATOR_FAMILY,
  POLICY_TYPE_LABELS,
  type BaseOperator,
  type Condition,
  type Effect,
  type Policy,
  type PolicyType,
  type PolicyVersion,
  type PrincipalSpec,
  type SetOperator,
  type Statement,
} from './policy.ts';
import { parseTemplate, type Template } from './variables.ts';

export interface ParsePolicyOptions {
  readonly type: PolicyType;
  /** shown in explanations; defaults to the document's Id, else `<type> policy` */
  readonly name?: string;
  /** the file the text came from, copied into each issue */
  readonly source?: string;
  /**
   * returns a message when an action or action pattern is unknown (a warning, not an error);
   * the service catalog provides one, the engine itself knows no service
   */
  readonly checkAction?: ((action: string) => string | undefined) | undefined;
  /** when the policy sits inside a larger JSON document (a decision case): that document and the policy's path in it */
  readonly within?: { readonly json: JsonText; readonly path: readonly JsonPathSegment[] };
}

const DOCUMENT_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const BASE_OPERATOR_SET = new Set<string>(BASE_OPERATORS);

type Path = readonly JsonPathSegment[];

class Collector {
  readonly issues: Issue[] = [];
  constructor(
    private readonly json: JsonText | undefined,
    private readonly source: string | undefined,
    private readonly prefix: Path = [],
  ) {}
  add(code: IssueCode, message: string, relative: Path, severity: Severity = 'error'): void {
    const path = [...this.prefix, ...relative];
    const position = this.json?.position(path);
    this.issues.push({
      code,
      severity,
      message,
      path: formatJsonPath(path),
      ...(position !== undefined ? position : {}),
      ...(this.source !== undefined ? { source: this.source } : {}),
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} \`${String(value)}\``;
}

/** parse policy JSON text (positions become line:column) or an already-parsed value */
export function parsePolicy(input: string | unknown, options: ParsePolicyOptions): Parsed<Policy> {
  let json: JsonText | undefined;
  let value: unknown = input;
  const early: Issue[] = [];
  if (typeof input === 'string') {
    const read = readJsonText(input);
    if (!read.ok) return { ok: false, issues: read.issues.map((i) => (options.source !== undefined ? { ...i, source: options.source } : i)) };
    json = read.value;
    value = read.value.value;
    appendAll(early, read.issues.map((i) => (options.source !== undefined ? { ...i, source: options.source } : i)));
  }
  const out = json !== undefined ? new Collector(json, options.source) : new Collector(options.within?.json, options.source, options.within?.path);
  appendAll(out.issues, early);
  const policy = readDocument(value, options, out);
  if (policy === undefined || hasErrors(out.issues)) return { ok: false, issues: capIssues(out.issues) };
  return { ok: true, value: policy, issues: capIssues(out.issues) };
}

function readDocument(doc: unknown, options: ParsePolicyOptions, out: Collector): Policy | undefined {
  if (!isObject(doc)) {
    out.add('not-an-object', `a policy must be a JSON object, not ${describe(doc)}`, []);
    return undefined;
  }
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.has(key)) out.add('unknown-element', `unknown policy element \`${key}\`${suggestCase(key, DOCUMENT_KEYS)}`, [key]);
  }
  let version: PolicyVersion = '2008-10-17';
  if (!('Version' in doc)) {
    out.add('missing-version', 'no `Version`: the policy is read as version 2008-10-17, where policy variables are plain text; add "Version": "2012-10-17"', [], 'warning');
  } else if (doc.Version === '2012-10-17' || doc.Version === '2008-10-17') {
    version = doc.Version;
  } else {
    out.add('bad-version', `\`Version\` must be "2012-10-17" or "2008-10-17", not ${describe(doc.Version)}`, ['Version']);
  }
  if ('Id' in doc && typeof doc.Id !== 'string') out.add('bad-statement', `\`Id\` must be a string, not ${describe(doc.Id)}`, ['Id']);
  const id = typeof doc.Id === 'string' ? doc.Id : undefined;

  const raw = doc.Statement;
  let list: { value: unknown; path: Path }[];
  if (raw === undefined) {
    out.add('missing-statement', 'the policy has no `Statement`', []);
    list = [];
  } else if (Array.isArray(raw)) {
    if (raw.length === 0) out.add('empty-statement', '`Statement` is an empty list', ['Statement']);
    list = raw.map((value, i) => ({ value, path: ['Statement', i] }));
  } else if (isObject(raw)) {
    list = [{ value: raw, path: ['Statement'] }];
  } else {
    out.add('bad-statement', `\`Statement\` must be an object or a list of objects, not ${describe(raw)}`, ['Statement']);
    list = [];
  }

  const statements: Statement[] = [];
  const sids = new Map<string, number>();
  list.forEach(({ value, path }, index) => {
    const statement = readStatement(value, index, path, version, options, out);
    if (statement === undefined) return;
    if (statement.sid !== undefined) {
      const first = sids.get(statement.sid);
      if (first !== undefined) out.add('duplicate-sid', `duplicate \`Sid\` \`${statement.sid}\`: statement ${first} has it too`, [...path, 'Sid']);
      else sids.set(statement.sid, index);
    }
    statements.push(statement);
  });
  const name = options.name ?? id ?? `${options.type} policy`;
  return { name, type: options.type, version, ...(id !== undefined ? { id } : {}), statements };
}

function suggestCase(key: string, known: ReadonlySet<string>): string {
  for (const k of known) if (k.toLowerCase() === key.toLowerCase()) return `: did you mean \`${k}\` (element names are case-sensitive)`;
  return '';
}

/** what every part of one statement is read with */
interface StatementInput {
  readonly raw: Record<string, unknown>;
  readonly index: number;
  readonly path: Path;
  readonly version: PolicyVersion;
  readonly options: ParsePolicyOptions;
  readonly out: Collector;
}

function readStatement(
  raw: unknown,
  index: number,
  path: Path,
  version: PolicyVersion,
  options: ParsePolicyOptions,
  out: Collector,
): Statement | undefined {
  if (!isObject(raw)) {
    out.add('bad-statement', `statement ${index} must be an object, not ${describe(raw)}`, path);
    return undefined;
  }
  const input: StatementInput = { raw, index, path, version, options, out };
  const before = out.issues.length;
  checkStatementElements(input);
  const sid = readSid(input);
  const effect = readEffect(input);
  const { actions, notAction } = readActions(input);
  const { resources, notResource } = readResources(input);
  const { principal, notPrincipal } = readStatementPrincipal(input, effect);
  checkRcpEffect(input, effect);
  const conditions: Condition[] = 'Condition' in raw ? readConditions(raw.Condition, [...path, 'Condition'], `statement ${index}`, version, out) : [];

  if (out.issues.slice(before).some((i) => i.severity === 'error')) return undefined;
  return {
    index,
    ...(sid !== undefined ? { sid } : {}),
    effect,
    actions,
    notAction,
    ...(resources !== undefined ? { resources } : {}),
    notResource,
    ...(principal !== undefined ? { principal } : {}),
    notPrincipal,
    conditions,
  };
}

function checkStatementElements({ raw, index, path, out }: StatementInput): void {
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) out.add('unknown-element', `statement ${index}: unknown element \`${key}\`${suggestCase(key, STATEMENT_KEYS)}`, [...path, key]);
  }
}

function readSid({ raw, index, path, options, out }: StatementInput): string | undefined {
  if (!('Sid' in raw)) return undefined;
  if (typeof raw.Sid !== 'string') {
    out.add('bad-sid', `statement ${index}: \`Sid\` must be a string, not ${describe(raw.Sid)}`, [...path, 'Sid']);
    return undefined;
  }
  const sid = raw.Sid;
  if (!/^[A-Za-z0-9]*$/.test(sid) && options.type !== 'resource') {
    out.add('bad-sid', `statement ${index}: \`Sid\` \`${sid}\` should use only ASCII letters and digits`, [...path, 'Sid'], 'warning');
  }
  return sid;
}

/** the effect, Deny when it is missing or wrong (the statement is rejected then anyway) */
function readEffect({ raw, index, path, out }: StatementInput): Effect {
  if (!('Effect' in raw)) out.add('missing-effect', `statement ${index}: no \`Effect\``, path);
  else if (raw.Effect === 'Allow' || raw.Effect === 'Deny') return raw.Effect;
  else out.add('bad-effect', `statement ${index}: \`Effect\` must be "Allow" or "Deny", not ${describe(raw.Effect)}`, [...path, 'Effect']);
  return 'Deny';
}

/** `Action` or `NotAction` */
function readActions({ raw, index, path, options, out }: StatementInput): { actions: string[]; notAction: boolean } {
  if ('Action' in raw && 'NotAction' in raw) {
    out.add('action-and-not-action', `statement ${index}: \`Action\` and \`NotAction\` cannot both be present`, [...path, 'NotAction']);
    return { actions: [], notAction: false };
  }
  if (!('Action' in raw) && !('NotAction' in raw)) {
    out.add('missing-action', `statement ${index}: needs \`Action\` or \`NotAction\``, path);
    return { actions: [], notAction: false };
  }
  const notAction = 'NotAction' in raw;
  const element = notAction ? 'NotAction' : 'Action';
  if (notAction && options.type === 'rcp') {
    // the RCP elements table lists Action but not NotAction (orgs_manage_policies_rcps_syntax.html#rcp-elements-table)
    out.add('rcp-not-action-not-supported', `statement ${index}: resource control policies do not support \`NotAction\`: list the actions in \`Action\``, [...path, 'NotAction']);
  }
  const actions = readStringList(raw[element], [...path, element], `statement ${index}: \`${element}\``, 'bad-action', out);
  actions.forEach((action, i) => {
    const at = Array.isArray(raw[element]) ? [...path, element, i] : [...path, element];
    if (action !== '*' && !isActionPattern(action)) {
      out.add('bad-action', `statement ${index}: \`${action}\` is not an action: expected \`service:Action\`, such as \`s3:GetObject\`, or \`*\``, at);
    } else if (options.checkAction !== undefined && action !== '*') {
      const problem = options.checkAction(action);
      if (problem !== undefined) out.add('unknown-action', `statement ${index}: ${problem}`, at, 'warning');
    }
  });
  return { actions, notAction };
}

/** `Resource` or `NotResource`; a resource policy may have neither (it applies to its resource) */
function readResources({ raw, index, path, version, options, out }: StatementInput): { resources: string[] | undefined; notResource: boolean } {
  if ('Resource' in raw && 'NotResource' in raw) {
    out.add('resource-and-not-resource', `statement ${index}: \`Resource\` and \`NotResource\` cannot both be present`, [...path, 'NotResource']);
    return { resources: undefined, notResource: false };
  }
  if (!('Resource' in raw) && !('NotResource' in raw)) {
    if (options.type !== 'resource') out.add('missing-resource', `statement ${index}: needs \`Resource\` or \`NotResource\``, path);
    return { resources: undefined, notResource: false };
  }
  const notResource = 'NotResource' in raw;
  const element = notResource ? 'NotResource' : 'Resource';
  const resources = readStringList(raw[element], [...path, element], `statement ${index}: \`${element}\``, 'bad-resource', out);
  resources.forEach((resource, i) => {
    const at = Array.isArray(raw[element]) ? [...path, element, i] : [...path, element];
    checkResource(resource, version, `statement ${index}`, at, out);
  });
  return { resources, notResource };
}

/** `Principal` or `NotPrincipal`: required in resource policies and RCPs, forbidden elsewhere */
function readStatementPrincipal({ raw, index, path, options, out }: StatementInput, effect: Effect): { principal: PrincipalSpec | undefined; notPrincipal: boolean } {
  const none = { principal: undefined, notPrincipal: false };
  const hasPrincipal = 'Principal' in raw || 'NotPrincipal' in raw;
  if ('Principal' in raw && 'NotPrincipal' in raw) {
    out.add('principal-and-not-principal', `statement ${index}: \`Principal\` and \`NotPrincipal\` cannot both be present`, [...path, 'NotPrincipal']);
    return none;
  }
  if (hasPrincipal && options.type !== 'resource' && options.type !== 'rcp') {
    const element = 'Principal' in raw ? 'Principal' : 'NotPrincipal';
    out.add('principal-not-allowed', `statement ${index}: a ${POLICY_TYPE_LABELS[options.type]} cannot have \`${element}\`: it applies to the principal it is attached to`, [...path, element]);
    return none;
  }
  if (!hasPrincipal) {
    if (options.type === 'resource' || options.type === 'rcp') out.add('missing-principal', `statement ${index}: a ${POLICY_TYPE_LABELS[options.type]} needs \`Principal\` or \`NotPrincipal\``, path);
    return none;
  }
  const notPrincipal = 'NotPrincipal' in raw;
  const element = notPrincipal ? 'NotPrincipal' : 'Principal';
  const principal = readPrincipal(raw[element], [...path, element], `statement ${index}`, out);
  if (options.type === 'rcp' && (notPrincipal || principal === undefined || !principal.any)) {
    out.add('rcp-principal-must-be-star', `statement ${index}: a resource control policy must use \`"Principal": "*"\` (conditions narrow who it applies to)`, [...path, element]);
  }
  if (notPrincipal && effect === 'Allow') {
    out.add('not-principal-with-allow', `statement ${index}: \`NotPrincipal\` with "Allow" grants to every principal not listed, including anonymous users`, [...path, element], 'warning');
  }
  return { principal, notPrincipal };
}

function checkRcpEffect({ index, path, options, out }: StatementInput, effect: Effect): void {
  if (options.type === 'rcp' && effect === 'Allow') {
    out.add('rcp-allow-not-supported', `statement ${index}: resource control policies support only "Deny" statements (RCPFullAWSAccess is attached and allows everything)`, [...path, 'Effect']);
  }
}

function readStringList(value: unknown, path: Path, what: string, code: IssueCode, out: Collector): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    if (value.length === 0) out.add(code, `${what} is an empty list`, path);
    const list: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === 'string') list.push(item);
      else out.add(code, `${what} must hold strings, not ${describe(item)}`, [...path, i]);
    });
    return list;
  }
  out.add(code, `${what} must be a string or a list of strings, not ${describe(value)}`, path);
  return [];
}

function checkResource(resource: string, version: PolicyVersion, where: string, path: Path, out: Collector): void {
  if (resource === '*') return;
  if (version === '2012-10-17' && resource.includes('${')) {
    const parsed = parseTemplate(resource);
    if (!parsed.ok) {
      out.add('bad-variable', `${where}: ${parsed.message}`, path);
      return;
    }
    warnUnknownVariables(parsed.template, where, path, out, 'entry');
  } else if (version !== '2012-10-17' && resource.includes('${')) {
    out.add('variables-ignored', `${where}: \`${resource}\` is read literally: policy variables need "Version": "2012-10-17"`, path, 'warning');
  }
  const parts = splitArn(resource);
  if (parts === undefined) {
    // `arn:aws:s3:::*`-style patterns always have six parts; fewer parts are allowed only when a wildcard covers them
    if (resource.startsWith('arn:') && resource.includes('*')) return;
    out.add('malformed-arn', `${where}: \`${resource}\` is not an ARN (\`arn:partition:service:region:account:resource\`) or \`*\``, path);
    return;
  }
  const [, partition, service] = parts;
  if (partition === '' || service === '') out.add('malformed-arn', `${where}: \`${resource}\`: an ARN needs a partition and a service`, path);
}

/**
 * A variable names a context key, `prefix:name` (`${aws:username}`, `${aws:PrincipalTag/team}`);
 * anything else (`${Account}` left from a template) never has a value, so the entry holding it
 * silently matches nothing (reference_policies_variables.html). `${*}`, `${?}`, `${$}` are the
 * special characters, not keys.
 */
function warnUnknownVariables(template: Template, where: string, path: Path, out: Collector, holder: 'entry' | 'value'): void {
  for (const part of template) {
    if (typeof part === 'string' || part.key === '' || CONDITION_KEY.test(part.key)) continue;
    out.add(
      'unknown-variable',
      `${where}: \`\${${part.name}}\` is not a context key (\`prefix:name\`, such as \`aws:username\`), so it never has a value${part.fallback !== undefined ? ' and its default is always used' : ` and this ${holder} matches nothing`}`,
      path,
      'warning',
    );
  }
}

function readPrincipal(value: unknown, path: Path, where: string, out: Collector): PrincipalSpec | undefined {
  if (value === '*') return { any: true, aws: [], service: [], federated: [], canonicalUser: [] };
  if (!isObject(value)) {
    out.add('bad-principal', `${where}: a principal must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, not ${describe(value)}`, path);
    return undefined;
  }
  const spec = { any: false, aws: [] as string[], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[] };
  for (const [key, raw] of Object.entries(value)) {
    if (!PRINCIPAL_KEYS.has(key)) {
      out.add('bad-principal', `${where}: unknown principal type \`${key}\`: expected AWS, Service, Federated or CanonicalUser`, [...path, key]);
      continue;
    }
    const list = readStringList(raw, [...path, key], `${where}: principal \`${key}\``, 'bad-principal', out);
    list.forEach((item, i) => {
      const at = Array.isArray(raw) ? [...path, key, i] : [...path, key];
      if (key === 'AWS') {
        if (item === '*') spec.any = true;
        else if (!isAwsPrincipal(item)) {
          out.add('bad-principal', `${where}: \`${item}\` is not an AWS principal: expected an account id, an IAM or STS ARN, or "*" (wildcards are not allowed in principal ARNs)`, at);
        } else spec.aws.push(item);
      } else if (item === '' || (item.includes('*') && !(key === 'CanonicalUser' && item === '*'))) {
        out.add('bad-principal', `${where}: \`${item}\` is not a valid ${key} principal`, at);
      } else if (key === 'Service') spec.service.push(item);
      else if (key === 'Federated') spec.federated.push(item);
      else spec.canonicalUser.push(item);
    });
  }
  return spec;
}

function isAwsPrincipal(text: string): boolean {
  if (isAccountId(text) || isOriginAccessIdentity(text)) return true;
  const parts = splitArn(text);
  if (parts === undefined) return false;
  const [, partition, service, region, account, resource] = parts;
  if (text.includes('*') || text.includes('?')) return false;
  return partition !== '' && (service === 'iam' || service === 'sts') && region === '' && isAccountId(account) && resource !== '';
}

/**
 * `prefix:name`, where the prefix is a service (`aws`, `s3`), or an identity provider named by its
 * host and, for OpenID Connect providers, the path of its URL: `accounts.google.com:aud`,
 * `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub` (reference_policies_iam-condition-keys.html,
 * "Available keys for IAM and AWS STS"); Azure's issuer keeps its trailing slash (`sts.windows.net/TENANT/:aud`)
 */
const CONDITION_KEY = /^[A-Za-z0-9.-]+(?:\/[A-Za-z0-9._~%-]*)*:\S+$/;

const OPERATOR_PATTERN = /^(?:(ForAllValues|ForAnyValue):)?([A-Za-z]+?)(IfExists)?$/;

function readConditions(value: unknown, path: Path, where: string, version: PolicyVersion, out: Collector): Condition[] {
  if (!isObject(value)) {
    out.add('bad-condition', `${where}: \`Condition\` must be an object of operators, not ${describe(value)}`, path);
    return [];
  }
  const conditions: Condition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const opPath = [...path, operator];
    const match = OPERATOR_PATTERN.exec(operator);
    const base = match?.[2];
    if (match === null || base === undefined || !BASE_OPERATOR_SET.has(base)) {
      out.add('unknown-condition-operator', `${where}: unknown condition operator \`${operator}\`${suggestOperator(operator)}`, opPath);
      continue;
    }
    const baseOperator = base as BaseOperator;
    const ifExists = match[3] !== undefined;
    const set = match[1] as SetOperator | undefined;
    if (ifExists && baseOperator === 'Null') out.add('if-exists-with-null', `${where}: \`NullIfExists\` is not an operator: \`Null\` already tests whether the key exists`, opPath);
    if (!isObject(block)) {
      out.add('bad-condition', `${where}: condition \`${operator}\` must map keys to values, not ${describe(block)}`, opPath);
      continue;
    }
    for (const [key, rawValues] of Object.entries(block)) {
      const keyPath = [...opPath, key];
      if (!CONDITION_KEY.test(key)) {
        out.add('bad-condition-key', `${where}: \`${key}\` is not a condition key: expected \`prefix:name\`, such as \`aws:SourceIp\``, keyPath);
        continue;
      }
      const listed = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (Array.isArray(rawValues) && rawValues.length === 0) {
        out.add('bad-condition-value', `${where}: \`${operator}\` \`${key}\` has an empty list of values`, keyPath);
        continue;
      }
      const values: string[] = [];
      listed.forEach((item, i) => {
        const at = Array.isArray(rawValues) ? [...keyPath, i] : keyPath;
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
          out.add('bad-condition-value', `${where}: \`${operator}\` \`${key}\`: a condition value must be a string, number or boolean, not ${describe(item)}`, at);
          return;
        }
        const text = String(item);
        if (version === '2012-10-17' && text.includes('${')) {
          const parsed = parseTemplate(text);
          if (parsed.ok) warnUnknownVariables(parsed.template, `${where}: \`${operator}\` \`${key}\``, at, out, 'value');
        }
        const problem = checkConditionValue(baseOperator, text, version);
        if (problem !== undefined) out.add(problem.code, `${where}: \`${operator}\` \`${key}\`: ${problem.message}`, at, problem.severity ?? 'error');
        values.push(baseOperator === 'Bool' || baseOperator === 'Null' ? text.toLowerCase() : text);
      });
      conditions.push({ operator, base: baseOperator, ...(set !== undefined ? { set } : {}), ifExists, key, values });
    }
  }
  return conditions;
}

/**
 * Operator names are case-sensitive: IAM rejects `stringEquals` ("MalformedPolicyDocument: Invalid
 * Condition type"), so a wrong case is an unknown operator, with the right spelling suggested
 */
function suggestOperator(operator: string): string {
  const lower = operator.toLowerCase();
  const set = /^(forallvalues|foranyvalue):/.exec(lower)?.[1];
  const ifExists = lower.endsWith('ifexists');
  const base = lower.replace(/^(forallvalues|foranyvalue):/, '').replace(/ifexists$/, '');
  const best = closestMatch(base, BASE_OPERATORS, (known) => known, 2);
  if (best === undefined) return '';
  const spelled = `${set === undefined ? '' : set === 'forallvalues' ? 'ForAllValues:' : 'ForAnyValue:'}${best}${ifExists ? 'IfExists' : ''}`;
  return `: did you mean \`${spelled}\`${spelled.toLowerCase() === lower ? ' (operator names are case-sensitive)' : ''}`;
}

function checkConditionValue(
  base: BaseOperator,
  text: string,
  version: PolicyVersion,
): { code: IssueCode; message: string; severity?: Severity } | undefined {
  const hasVariable = text.includes('${');
  if (hasVariable && version === '2012-10-17') {
    const parsed = parseTemplate(text);
    if (!parsed.ok) return { code: 'bad-variable', message: parsed.message };
  }
  const variableAllowed = version === '2012-10-17' && hasVariable;
  const family = OPERATOR_FAMILY[base];
  switch (family) {
    case 'string':
      return undefined;
    case 'numeric':
      if (variableAllowed) return undefined;
      return isDecimal(text) ? undefined : { code: 'bad-condition-value', message: `\`${text}\` is not a number` };
    case 'date':
      if (variableAllowed) return undefined;
      return parseDate(text) !== undefined ? undefined : { code: 'bad-condition-value', message: `\`${text}\` is not a date: use ISO 8601 (2026-01-31T12:00:00Z) or epoch seconds` };
    case 'bool':
    case 'null':
      return /^(true|false)$/i.test(text) ? undefined : { code: 'bad-condition-value', message: `\`${text}\` must be "true" or "false"` };
    case 'binary':
      return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? undefined : { code: 'bad-condition-value', message: `\`${text}\` is not base64` };
    case 'ip':
      if (variableAllowed) return undefined;
      return parseCidr(text) !== undefined ? undefined : { code: 'bad-condition-value', message: `\`${text}\` is not an IP address or CIDR block` };
    case 'arn':
      if (variableAllowed || text === '*' || splitArn(text) !== undefined || (text.startsWith('arn:') && text.includes('*'))) return undefined;
      return { code: 'malformed-arn', message: `\`${text}\` is not an ARN` };
    default: {
      const never: never = family;
      return never;
    }
  }
}

