/**
 * Plan ingestion: `terraform show -json` output (format_version 1.x) parsed at the edge into typed
 * values. Fail closed: a plan whose major version is unknown, a change action Terraform does not
 * document, or a shape that is not a plan is an error, never an empty (and so passing) preflight.
 *
 * Sensitive values (`before_sensitive` / `after_sensitive`) are replaced by `REDACTED` here, at
 * ingestion, so that no later step can print them; their text is also returned in `secrets` so
 * that the renderers can scrub any copy that reached a string by another road.
 */
import type { Issue } from '../policy/index.ts';

export type ChangeAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'replace-delete-first' | 'replace-create-first' | 'forget';

/** the placeholder of a sensitive value: the original never leaves parsePlan */
export const REDACTED = '(sensitive)';

/** JSON as found in a plan, with sensitive leaves already replaced by `REDACTED` */
export type PlanValue = null | boolean | number | string | readonly PlanValue[] | { readonly [key: string]: PlanValue };

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: 'managed' | 'data';
  readonly providerName: string;
  readonly action: ChangeAction;
  /** Terraform's own list, as printed in the plan */
  readonly actions: readonly string[];
  readonly before: PlanValue;
  readonly after: PlanValue;
  /** `true` at a path whose value is known only after apply */
  readonly afterUnknown: PlanValue;
  /** `true` at a path whose value was sensitive (already redacted in `before`/`after`) */
  readonly afterSensitive: PlanValue;
  /** the change's position in the plan, for messages */
  readonly path: string;
}

export interface ProviderConfig {
  readonly key: string;
  readonly name: string;
  readonly alias?: string;
  /** undefined when the region is not a constant in the configuration (nor a root variable's value) */
  readonly region?: string;
  /** the module the configuration is in (`module.a.module.b`), `` for the root module */
  readonly moduleAddress: string;
  /** the block has arguments: an entry without any is a provider the module requires, configured by its caller */
  readonly configured: boolean;
  /** undefined when `default_tags` is set to something not known here */
  readonly defaultTags: Readonly<Record<string, string>> | undefined;
}

export interface ConfigResource {
  /** absolute, without instance keys: `module.app.aws_s3_bucket.b` */
  readonly address: string;
  /** the module (`module.app`, `` for the root), without instance keys */
  readonly moduleAddress: string;
  readonly providerConfigKey: string;
  /** `configuration…expressions`: per argument its `references` and/or `constant_value` */
  readonly expressions: { readonly [arg: string]: PlanValue };
}

/** an output of the root module: what it will show after apply */
export interface PlanOutput {
  readonly name: string;
  /** `sensitive = true` in the configuration, or marked sensitive by Terraform */
  readonly sensitive: boolean;
  /** the planned value, redacted where marked sensitive */
  readonly after: PlanValue;
  /** the configuration expression's references (`var.x`, `aws_db_instance.db.password`) */
  readonly references: readonly string[];
}

export interface TerraformPlan {
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly resourceChanges: readonly ResourceChange[];
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  readonly configResources: ReadonlyMap<string, ConfigResource>;
  /** the text of every sensitive value met, so outputs can be scrubbed a second time */
  readonly secrets: readonly string[];
  /** root module variables declared `sensitive = true` */
  readonly sensitiveVariables: ReadonlySet<string>;
  /**
   * the values of sensitive variables (at least four characters): a copy of one in a place that is
   * not marked sensitive (`nonsensitive()`) is a secret in plain text. Never printed.
   */
  readonly variableSecrets: readonly string[];
  readonly outputs: readonly PlanOutput[];
}

/** the value at a path of keys and list indexes (`['environment', '0', 'variables']`), or undefined */
export function planValueAt(value: PlanValue | undefined, path: readonly string[]): PlanValue | undefined {
  let cur: PlanValue | undefined = value;
  for (const part of path) {
    if (Array.isArray(cur)) cur = (cur as readonly PlanValue[])[Number(part)];
    else if (typeof cur === 'object' && cur !== null) cur = (cur as { readonly [key: string]: PlanValue })[part];
    else return undefined;
  }
  return cur;
}

export type PlanResult = { readonly ok: true; readonly value: TerraformPlan; readonly issues: readonly Issue[] } | { readonly ok: false; readonly issues: readonly Issue[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function issue(code: Issue['code'], message: string, path: string, source?: string): Issue {
  return { code, severity: 'error', message, path, ...(source !== undefined ? { source } : {}) };
}

/** Terraform's documented action lists (internal/command/jsonplan) and what they mean */
function readAction(actions: readonly string[]): ChangeAction | undefined {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
    case 'create':
    case 'read':
    case 'update':
    case 'delete':
    case 'forget':
      return key;
    case 'delete,create':
      return 'replace-delete-first';
    case 'create,delete':
      return 'replace-create-first';
    default:
      return undefined;
  }
}

/** replaces every leaf marked `true` in `marks` by REDACTED; collects the redacted text */
export function redact(value: unknown, marks: unknown, secrets: Set<string>): PlanValue {
  if (marks === true) {
    collectSecrets(value, secrets);
    return value === null || value === undefined ? null : REDACTED;
  }
  if (Array.isArray(value)) return value.map((v, i) => redact(v, Array.isArray(marks) ? marks[i] : undefined, secrets));
  if (isObject(value)) {
    const out: Record<string, PlanValue> = {};
    // defineProperty: a key `__proto__` from the plan stays a key, never the object's prototype
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: redact(v, isObject(marks) && Object.hasOwn(marks, k) ? marks[k] : undefined, secrets), enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (value === undefined) return null;
  return value as PlanValue;
}

function collectSecrets(value: unknown, secrets: Set<string>): void {
  if (typeof value === 'string' && value !== '') secrets.add(value);
  else if (typeof value === 'number') secrets.add(String(value));
  else if (Array.isArray(value)) for (const v of value) collectSecrets(v, secrets);
  else if (isObject(value)) for (const v of Object.values(value)) collectSecrets(v, secrets);
}

export function parsePlan(text: string, source?: string): PlanResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const tooDeep = error instanceof RangeError;
    return { ok: false, issues: [issue(tooDeep ? 'json-too-deep' : 'bad-plan', tooDeep ? 'nested too deeply to read' : `not JSON: ${(error as Error).message}`, '$', source)] };
  }
  try {
    return readPlan(doc, source);
  } catch (error) {
    // a value nested deeper than the stack allows (redaction and reading recurse): refused, never half read
    if (error instanceof RangeError) return { ok: false, issues: [issue('json-too-deep', 'nested too deeply to read', '$', source)] };
    throw error;
  }
}

export function readPlan(doc: unknown, source?: string): PlanResult {
  const issues: Issue[] = [];
  if (!isObject(doc)) return { ok: false, issues: [issue('bad-plan', 'a plan is a JSON object (`terraform show -json PLANFILE`)', '$', source)] };
  const version = doc.format_version;
  if (typeof version !== 'string') return { ok: false, issues: [issue('bad-plan', 'no `format_version`: not `terraform show -json` output of a plan', '$.format_version', source)] };
  if (!/^1\.\d+$/.test(version)) {
    return { ok: false, issues: [issue('unsupported-plan-version', `format_version \`${version}\` is not supported: only 1.x is read`, '$.format_version', source)] };
  }
  if (doc.resource_changes !== undefined && !Array.isArray(doc.resource_changes)) issues.push(issue('bad-plan', '`resource_changes` must be a list', '$.resource_changes', source));
  if (doc.configuration !== undefined && !isObject(doc.configuration)) issues.push(issue('bad-plan', '`configuration` must be an object', '$.configuration', source));
  if (doc.resource_changes === undefined && doc.planned_values === undefined) {
    issues.push(issue('bad-plan', 'neither `resource_changes` nor `planned_values`: not a saved plan (`terraform show -json` of a state has no changes to check)', '$', source));
  }
  if (issues.length > 0) return { ok: false, issues };

  const secrets = new Set<string>();
  const changes: ResourceChange[] = [];
  const list = (doc.resource_changes as unknown[] | undefined) ?? [];
  list.forEach((raw, i) => {
    const path = `$.resource_changes[${i}]`;
    if (!isObject(raw)) return void issues.push(issue('bad-plan', 'a resource change must be an object', path, source));
    const { address, type, name, mode, provider_name: providerName, change } = raw;
    if (typeof address !== 'string' || typeof type !== 'string' || typeof name !== 'string') {
      return void issues.push(issue('bad-plan', 'a resource change needs `address`, `type` and `name` strings', path, source));
    }
    if (mode !== 'managed' && mode !== 'data') return void issues.push(issue('bad-plan', `\`${address}\`: mode must be \`managed\` or \`data\``, `${path}.mode`, source));
    if (!isObject(change)) return void issues.push(issue('bad-plan', `\`${address}\`: no \`change\` object`, `${path}.change`, source));
    const actions = change.actions;
    if (!Array.isArray(actions) || !actions.every((a): a is string => typeof a === 'string')) {
      return void issues.push(issue('bad-plan', `\`${address}\`: \`actions\` must be a list of strings`, `${path}.change.actions`, source));
    }
    const action = readAction(actions);
    if (action === undefined) {
      return void issues.push(issue('unknown-change-action', `\`${address}\`: unknown change action \`${JSON.stringify(actions)}\`: the preflight does not guess what it does`, `${path}.change.actions`, source));
    }
    // a resource's values are objects (or null where it does not exist); marks are objects or booleans
    for (const [field, value] of [['before', change.before], ['after', change.after]] as const) {
      if (value !== null && value !== undefined && !isObject(value)) return void issues.push(issue('bad-plan', `\`${address}\`: \`${field}\` must be an object or null`, `${path}.change.${field}`, source));
    }
    for (const [field, value] of [['after_unknown', change.after_unknown], ['before_sensitive', change.before_sensitive], ['after_sensitive', change.after_sensitive]] as const) {
      if (value !== null && value !== undefined && typeof value !== 'boolean' && typeof value !== 'object') return void issues.push(issue('bad-plan', `\`${address}\`: \`${field}\` must be an object or a boolean`, `${path}.change.${field}`, source));
    }
    const before = redact(change.before, change.before_sensitive, secrets);
    const after = redact(change.after, change.after_sensitive, secrets);
    changes.push({
      address,
      type,
      name,
      mode,
      providerName: typeof providerName === 'string' ? providerName : '',
      action,
      actions,
      before,
      after,
      afterUnknown: redact(change.after_unknown ?? {}, undefined, secrets),
      afterSensitive: redact(change.after_sensitive ?? {}, undefined, secrets),
      path,
    });
  });

  const providers = new Map<string, ProviderConfig>();
  const configResources = new Map<string, ConfigResource>();
  const configuration = isObject(doc.configuration) ? doc.configuration : {};
  const rootModule = isObject(configuration.root_module) ? configuration.root_module : {};
  const rootVariables = isObject(doc.variables) ? doc.variables : {};
  /** a root module expression's value: its constant, or the value of the one root variable it refers to */
  const constantOf = (expression: unknown, moduleAddress: string): unknown => {
    if (!isObject(expression)) return undefined;
    if ('constant_value' in expression) return expression.constant_value;
    const refs = Array.isArray(expression.references) ? expression.references : [];
    const variable = refs.length === 1 && typeof refs[0] === 'string' ? /^var\.([^.[]+)$/.exec(refs[0])?.[1] : undefined;
    if (variable === undefined) return undefined;
    if (moduleAddress === '') {
      const given = rootVariables[variable];
      return isObject(given) ? given.value : undefined;
    }
    // a module's variable is its caller's expression in the module call, read in the calling module
    const call = moduleCalls.get(moduleAddress);
    // (the same for every instance of a module with count or for_each: a constant, or a variable of the caller; `each.value` is neither)
    if (call === undefined) return undefined;
    return constantOf(call.expressions[variable], moduleAddress.split('.').slice(0, -2).join('.'));
  };
  /** per module, its call's argument expressions */
  const moduleCalls = new Map<string, { expressions: Record<string, unknown> }>();
  /** the configuration of every module, its resources keyed by their absolute address without instance keys */
  const readModule = (module: Record<string, unknown>, moduleAddress: string, path: string, depth: number): void => {
    if (depth > 64) return void issues.push(issue('bad-plan', 'modules nested more than 64 deep', path, source));
    const resources = Array.isArray(module.resources) ? module.resources : [];
    resources.forEach((raw, i) => {
      if (!isObject(raw) || typeof raw.address !== 'string') return void issues.push(issue('bad-plan', 'a configuration resource needs an `address`', `${path}.resources[${i}]`, source));
      const address = moduleAddress === '' ? raw.address : `${moduleAddress}.${raw.address}`;
      const local = typeof raw.type === 'string' ? raw.type.split('_')[0]! : 'aws';
      // configuration constants are not marked sensitive by Terraform; they are kept only as references and constants of the resource's own arguments
      configResources.set(address, {
        address,
        moduleAddress,
        providerConfigKey: typeof raw.provider_config_key === 'string' ? raw.provider_config_key : moduleAddress === '' ? local : `${moduleAddress}:${local}`,
        expressions: (isObject(raw.expressions) ? redact(raw.expressions, undefined, secrets) : {}) as { [arg: string]: PlanValue },
      });
    });
    const calls = isObject(module.module_calls) ? module.module_calls : {};
    for (const [name, call] of Object.entries(calls)) {
      if (!isObject(call)) {
        issues.push(issue('bad-plan', `module call \`${name}\` must be an object`, `${path}.module_calls.${name}`, source));
        continue;
      }
      const child = moduleAddress === '' ? `module.${name}` : `${moduleAddress}.module.${name}`;
      moduleCalls.set(child, { expressions: isObject(call.expressions) ? call.expressions : {} });
      if (isObject(call.module)) readModule(call.module, child, `${path}.module_calls.${name}.module`, depth + 1);
    }
  };
  readModule(rootModule, '', '$.configuration.root_module', 0);
  const providerConfig = isObject(configuration.provider_config) ? configuration.provider_config : {};
  for (const [key, raw] of Object.entries(providerConfig)) {
    if (!isObject(raw)) {
      issues.push(issue('bad-plan', `provider configuration \`${key}\` must be an object`, `$.configuration.provider_config.${key}`, source));
      continue;
    }
    const moduleAddress = typeof raw.module_address === 'string' ? raw.module_address : key.includes(':') ? key.slice(0, key.lastIndexOf(':')) : '';
    const expressions = isObject(raw.expressions) ? raw.expressions : undefined;
    const regionValue = constantOf(expressions?.region, moduleAddress);
    const region = typeof regionValue === 'string' && regionValue !== '' ? regionValue : undefined;
    let defaultTags: Record<string, string> | undefined = {};
    const dt = Array.isArray(expressions?.default_tags) ? (expressions.default_tags as unknown[])[0] : undefined;
    if (isObject(dt) && dt.tags !== undefined) {
      const tags = constantOf(dt.tags, moduleAddress);
      if (isObject(tags)) {
        for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') defaultTags[k] = v;
      } else defaultTags = undefined;
    }
    providers.set(key, {
      key,
      name: typeof raw.name === 'string' ? raw.name : key,
      ...(typeof raw.alias === 'string' ? { alias: raw.alias } : {}),
      ...(region !== undefined ? { region } : {}),
      moduleAddress,
      configured: expressions !== undefined && Object.keys(expressions).length > 0,
      defaultTags,
    });
  }
  // sensitive variables: their values are printed in clear in the plan's `variables`, never by the preflight
  const sensitiveVariables = new Set<string>();
  const variableSecrets = new Set<string>();
  const configVariables = isObject(rootModule.variables) ? rootModule.variables : {};
  for (const [name, declared] of Object.entries(configVariables)) {
    if (!isObject(declared) || declared.sensitive !== true) continue;
    sensitiveVariables.add(name);
    const given = rootVariables[name];
    const found = new Set<string>();
    if (isObject(given)) collectSecrets(given.value, found);
    for (const text of found) {
      secrets.add(text);
      if (text.length >= 4) variableSecrets.add(text);
    }
  }
  const outputs: PlanOutput[] = [];
  const configOutputs = isObject(rootModule.outputs) ? rootModule.outputs : {};
  const outputChanges = isObject(doc.output_changes) ? doc.output_changes : {};
  for (const [name, raw] of Object.entries(outputChanges)) {
    if (!isObject(raw)) {
      issues.push(issue('bad-plan', `output change \`${name}\` must be an object`, `$.output_changes.${name}`, source));
      continue;
    }
    // the prior value too: it is in the plan, and scrubbed if it was sensitive
    redact(raw.before, raw.before_sensitive, secrets);
    const declared = configOutputs[name];
    const expression = isObject(declared) && isObject(declared.expression) ? declared.expression : {};
    outputs.push({
      name,
      sensitive: (isObject(declared) && declared.sensitive === true) || raw.after_sensitive === true,
      after: redact(raw.after, raw.after_sensitive, secrets),
      references: Array.isArray(expression.references) ? expression.references.filter((r): r is string => typeof r === 'string') : [],
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      formatVersion: version,
      ...(typeof doc.terraform_version === 'string' ? { terraformVersion: doc.terraform_version } : {}),
      resourceChanges: changes,
      providers,
      configResources,
      secrets: [...secrets],
      sensitiveVariables,
      variableSecrets: [...variableSecrets],
      outputs,
    },
    issues,
  };
}
