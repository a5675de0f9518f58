/**
 * Terraform addresses across modules, as `terraform show -json` writes them
 * (https://developer.hashicorp.com/terraform/internals/json-format): a resource change's `address`
 * is absolute with instance keys (`module.app["a"].aws_s3_bucket.b[0]`); the configuration's
 * resources are per module, relative and without keys, and the references of their expressions are
 * relative to their module (`aws_iam_role.x.arn` inside `module.app` is `module.app.aws_iam_role.x`).
 * Provider configurations are one flat map for the whole tree: `aws`, `aws.west` in the root module,
 * `module.app:aws` in a module; a resource's `provider_config_key` names its entry.
 */
import type { ConfigResource, PlanValue, ProviderConfig, ResourceChange, TerraformPlan } from './parse-plan.ts';

/** the address split into its dot-separated steps, keeping `["a.b"]` keys whole */
function steps(address: string): string[] {
  const out: string[] = [];
  let current = '';
  let inKey = false;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const ch = address[i]!;
    if (inString) {
      current += ch;
      if (ch === '\\') current += address[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && inKey) inString = true;
    else if (ch === '[') inKey = true;
    else if (ch === ']') inKey = false;
    else if (ch === '.' && !inKey) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out;
}

const withoutKey = (step: string) => step.replace(/\[.*\]$/s, '');

/** `module.app["a"].aws_s3_bucket.b[0]` → `module.app.aws_s3_bucket.b` */
export function configAddress(address: string): string {
  return steps(address).map(withoutKey).join('.');
}

/** `module.app["a"].module.db.aws_s3_bucket.b` → `module.app["a"].module.db` (`` in the root module) */
export function moduleInstance(address: string): string {
  const parts = steps(address);
  const out: string[] = [];
  for (let i = 0; i + 1 < parts.length && parts[i] === 'module'; i += 2) out.push('module', parts[i + 1]!);
  return out.join('.');
}

export function configOf(plan: TerraformPlan, address: string): ConfigResource | undefined {
  return plan.configResources.get(configAddress(address));
}

/** the references of one argument's expression in a resource's configuration (`role = aws_iam_role.x.name`: `aws_iam_role.x.name`, `aws_iam_role.x`) */
export function argumentReferences(plan: TerraformPlan, address: string, arg: string): string[] {
  const expression = configOf(plan, address)?.expressions[arg];
  const refs = typeof expression === 'object' && expression !== null && !Array.isArray(expression) ? (expression as { readonly [key: string]: PlanValue }).references : undefined;
  return Array.isArray(refs) ? (refs as readonly PlanValue[]).filter((r): r is string => typeof r === 'string') : [];
}

const indexes = new WeakMap<TerraformPlan, Map<string, ResourceChange>>();

/**
 * the change a reference of `from`'s configuration names (`aws_iam_role.x.arn`, `data.aws_x.y.id`):
 * the resource in the same module instance, the single instance when the reference names a resource
 * with `count` or `for_each` and the plan has only one
 */
export function referencedChange(plan: TerraformPlan, from: ResourceChange, reference: string): ResourceChange | undefined {
  let byAddress = indexes.get(plan);
  if (byAddress === undefined) {
    byAddress = new Map(plan.resourceChanges.map((c) => [c.address, c]));
    indexes.set(plan, byAddress);
  }
  const parts = steps(reference);
  const resource = parts[0] === 'data' ? parts.slice(0, 3) : parts.slice(0, 2);
  if (resource.length < (parts[0] === 'data' ? 3 : 2) || resource[0] === 'var' || resource[0] === 'local' || resource[0] === 'module') return undefined;
  const scope = moduleInstance(from.address);
  const address = `${scope === '' ? '' : `${scope}.`}${resource.join('.')}`;
  return byAddress.get(address);
}

/**
 * The provider configuration that serves a change: the entry its configuration's
 * `provider_config_key` names (Terraform resolves a provider passed with `providers = { aws =
 * aws.west }` to the caller's key); an entry without arguments (a provider the module only
 * requires), or a key with no entry, is the same provider of the calling module, up to the root.
 */
export function providerOf(plan: TerraformPlan, change: ResourceChange): { readonly key: string; readonly config: ProviderConfig | undefined } {
  const config = configOf(plan, change.address);
  const local = change.type.split('_')[0] ?? 'aws';
  const module = config?.moduleAddress ?? configAddress(moduleInstance(change.address));
  let key = config?.providerConfigKey ?? (module === '' ? local : `${module}:${local}`);
  for (let depth = 0; depth < 128; depth++) {
    const found = plan.providers.get(key);
    if (found !== undefined && (found.configured || found.moduleAddress === '')) return { key, config: found };
    const colon = key.lastIndexOf(':');
    // the root module: an unconfigured provider (the environment's region)
    if (colon === -1) return { key, config: found };
    const moduleOfKey = key.slice(0, colon);
    const name = key.slice(colon + 1);
    // the calling module: `module.a.module.b` → `module.a`
    const parent = moduleOfKey.split('.').slice(0, -2).join('.');
    key = parent === '' ? name : `${parent}:${name}`;
  }
  return { key, config: undefined };
}
