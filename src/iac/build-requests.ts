/**
 * From a plan's resource changes to the AWS requests the provider will send, through the request
 * map. Values known only after apply are resolved through the configuration's references; what
 * cannot be resolved is reported as unknown (and so never decided as allowed).
 */
import { planValueAt, REDACTED, type PlanValue, type ProviderConfig, type ResourceChange, type TerraformPlan } from './parse-plan.ts';
import { mappingOf } from './request-map/aws.ts';
import { argumentReferences, configOf, providerOf, referencedChange } from './plan-addresses.ts';
import type { RequestRole, RequestSpec, ResourceMapping } from './request-map/types.ts';

export type ContextValue = string | readonly string[];

export interface PlannedRequest {
  readonly action: string;
  readonly resource: string;
  readonly role: RequestRole;
  readonly context: Readonly<Record<string, ContextValue>>;
  /** the arguments whose values are not known at plan time: the request cannot be decided */
  readonly unknown: readonly string[];
  /** the resource ARN holds an ID AWS assigns on create (rendered `*`) */
  readonly generatedId: boolean;
  /** a KMS key request, authorized by the key policy as well: AWS's default key policy when the plan sets none */
  readonly keyPolicy?: 'default';
}

export interface PlannedChange {
  readonly change: ResourceChange;
  /** `global` for a global service (requests go to us-east-1) */
  readonly region: string | undefined;
  readonly provider: string;
  readonly mapped: boolean;
  readonly requests: readonly PlannedRequest[];
  /** the resource's tags as sent (tags_all), undefined when not known */
  readonly tags: Readonly<Record<string, string>> | undefined;
}

const GENERATED = Symbol('generated');
const UNKNOWN = Symbol('unknown');
type Resolved = string | typeof GENERATED | typeof UNKNOWN;

const isObject = (v: unknown): v is Record<string, PlanValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `after_unknown` is `true` at the path or above it (the whole value, when `after_unknown` itself is `true`) */
function isUnknownAt(unknown: PlanValue, path: readonly string[]): boolean {
  for (let i = 0; i <= path.length; i++) if (planValueAt(unknown, path.slice(0, i)) === true) return true;
  return false;
}

/** the path reaches a redacted value (at it or above it): what is there is not known here, and never decided on */
function isRedactedAt(values: PlanValue | undefined, path: readonly string[]): boolean {
  for (let i = 0; i <= path.length; i++) if (planValueAt(values, path.slice(0, i)) === REDACTED) return true;
  return false;
}

export interface BuildContext {
  readonly account: string;
  readonly plan: TerraformPlan;
}

interface Scope {
  readonly change: ResourceChange;
  readonly values: PlanValue;
  /** whether to consult after_unknown and references (not for a delete's prior values) */
  readonly planned: boolean;
  readonly region: string | undefined;
  readonly mapping: ResourceMapping | undefined;
}

export function buildRequests(ctx: BuildContext): PlannedChange[] {
  const providerConfigOf = (change: ResourceChange): ProviderConfig | undefined => providerOf(ctx.plan, change).config;
  const regionOf = (change: ResourceChange, mapping: ResourceMapping | undefined) => (mapping?.global ? 'us-east-1' : providerConfigOf(change)?.region);

  function resolveArg(scope: Scope, arg: string, depth: number): Resolved {
    const path = arg.split('.');
    if (scope.planned && isUnknownAt(scope.change.afterUnknown, path)) return resolveReference(scope, path, depth);
    if (isRedactedAt(scope.values, path)) return UNKNOWN;
    const value = planValueAt(scope.values, path);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    // an unset argument: a computed attribute may still be built from the others
    const template = scope.mapping?.computed[arg];
    if (template !== undefined && depth < 4) return fill(template, scope, depth + 1);
    return UNKNOWN;
  }

  function resolveReference(scope: Scope, path: readonly string[], depth: number): Resolved {
    const direct = path.length === 1 ? argumentReferences(ctx.plan, scope.change.address, path[0]!).find((r) => /^aws_[a-z0-9_]+\.[^.]+\.[^.]+$/.test(r)) : undefined;
    if (direct !== undefined && depth < 4) {
      const [type, , attr] = direct.split('.') as [string, string, string];
      const target = referencedChange(ctx.plan, scope.change, direct);
      if (target !== undefined) {
        const mapping = mappingOf(type);
        const targetScope: Scope = { change: target, values: target.after, planned: true, region: regionOf(target, mapping), mapping };
        if (!isUnknownAt(target.afterUnknown, [attr])) {
          const v = planValueAt(target.after, [attr]);
          if (typeof v === 'string' && v !== REDACTED) return v;
          if (isRedactedAt(target.after, [attr])) return UNKNOWN;
        }
        const template = mapping?.computed[attr];
        if (template !== undefined) return fill(template, targetScope, depth + 1);
      }
    }
    // the computed template of this resource's own attribute
    const own = scope.mapping?.computed[path.join('.')];
    if (own !== undefined && depth < 4) return fill(own, { ...scope, planned: false }, depth + 1);
    return UNKNOWN;
  }

  /** the referenced resource (`role = aws_iam_role.x.name`) and the value of one of its attributes */
  function referencedAttr(scope: Scope, arg: string, attr: string): { target: ResourceChange; value: Resolved } | undefined {
    const ref = argumentReferences(ctx.plan, scope.change.address, arg).find((r) => /^aws_[a-z0-9_]+\.[^.]+$/.test(r));
    const target = ref === undefined ? undefined : referencedChange(ctx.plan, scope.change, ref);
    if (target === undefined) return undefined;
    const mapping = mappingOf(target.type);
    const targetScope: Scope = { change: target, values: target.after ?? target.before, planned: target.after !== null, region: regionOf(target, mapping), mapping };
    return { target, value: resolveArg(targetScope, attr, 1) };
  }

  /** the key policy that authorizes a KMS key request: the default one, or undefined when the plan sets its own or the key is not in the plan */
  function keyPolicyOf(scope: Scope): 'default' | undefined {
    const key = scope.change.type === 'aws_kms_key' ? scope.change : (referencedAttr(scope, 'target_key_id', 'arn') ?? referencedAttr(scope, 'key_id', 'arn'))?.target;
    if (key === undefined) return undefined;
    const expressions = configOf(ctx.plan, key.address)?.expressions;
    return expressions === undefined || expressions['policy'] !== undefined ? undefined : 'default';
  }

  /** `{cluster#basename}`: the name at the end of an ARN (`arn:aws:ecs:…:cluster/NAME` → `NAME`), or the value as it is */
  const argOf = (name: string) => name.split('#')[0]!;
  const transformed = (name: string, v: Resolved): Resolved => (name.endsWith('#basename') && typeof v === 'string' && v.startsWith('arn:') ? v.slice(v.lastIndexOf('/') + 1) || UNKNOWN : v);

  function fill(template: string, scope: Scope, depth: number): Resolved {
    let generated = false;
    let unknown = false;
    const text = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v: Resolved =
        name === 'account' ? ctx.account : name === 'region' ? (scope.region ?? UNKNOWN) : name === 'generated' ? GENERATED : transformed(name, resolveArg(scope, argOf(name), depth));
      if (v === GENERATED) {
        generated = true;
        return '*';
      }
      if (v === UNKNOWN) {
        unknown = true;
        return `<${name}>`;
      }
      return v;
    });
    if (unknown) return UNKNOWN;
    // an ARN ending in an AWS-assigned ID stands for any such ID; a generated part inside the ARN is the same wildcard
    return generated && text === '*' ? GENERATED : text;
  }

  function fillReporting(template: string, scope: Scope, unknown: string[]): { text: string; generated: boolean } {
    let generated = false;
    const text = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v: Resolved =
        name === 'account' ? ctx.account : name === 'region' ? (scope.region ?? UNKNOWN) : name === 'generated' ? GENERATED : transformed(name, resolveArg(scope, argOf(name), 0));
      if (v === GENERATED) {
        generated = true;
        return '*';
      }
      if (v === UNKNOWN) {
        unknown.push(argOf(name));
        return `(known after apply: ${argOf(name)})`;
      }
      // an ARN where the template expects a name (`function_name` may be either): not guessed
      if (v.startsWith('arn:') && template !== `{${name}}`) {
        unknown.push(argOf(name));
        return `(an ARN: ${argOf(name)})`;
      }
      if (v.includes('*') && name !== 'account') generated = true;
      return v;
    });
    return { text, generated };
  }

  function tagsOf(change: ResourceChange, values: PlanValue, planned: boolean): Record<string, string> | undefined {
    const provider = providerConfigOf(change);
    // default_tags set to something not known here: the tags are not known either
    const defaults = provider === undefined ? {} : provider.defaultTags;
    // a sensitive tag (or tags) is not known here: the request's tags are not either
    if (isRedactedAt(values, ['tags']) || isRedactedAt(values, ['tags_all'])) return undefined;
    for (const key of ['tags', 'tags_all']) {
      const v = planValueAt(values, [key]);
      if (isObject(v) && Object.values(v).some((x) => x === REDACTED)) return undefined;
    }
    const read = (v: PlanValue | undefined) => {
      if (!isObject(v)) return undefined;
      const out: Record<string, string> = {};
      for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
      return out;
    };
    if (!(planned && isUnknownAt(change.afterUnknown, ['tags_all']))) {
      const all = read(planValueAt(values, ['tags_all']));
      if (all !== undefined) return all;
      const own = read(planValueAt(values, ['tags']));
      if (defaults === undefined) return undefined;
      return own === undefined ? (planValueAt(values, ['tags_all']) === null || planValueAt(values, ['tags_all']) === undefined ? {} : undefined) : { ...defaults, ...own };
    }
    // tags_all unknown: known tags merged with the provider's default_tags, or none at all when neither is configured
    if (isUnknownAt(change.afterUnknown, ['tags'])) return undefined;
    const own = read(planValueAt(values, ['tags'])) ?? {};
    const config = configOf(ctx.plan, change.address);
    const tagExpression = config?.expressions['tags'];
    if (isObject(tagExpression) && Array.isArray(tagExpression.references) && tagExpression.references.length > 0 && Object.keys(own).length === 0) return undefined;
    if (defaults === undefined) return undefined;
    return { ...defaults, ...own };
  }

  function isSet(scope: Scope, arg: string, tags: Record<string, string> | undefined): boolean | undefined {
    if (arg === 'tags_all') return tags === undefined ? undefined : Object.keys(tags).length > 0;
    // `arg=value`: sent only when the argument has that value
    const [name, expected] = arg.split('=') as [string, string | undefined];
    if (isRedactedAt(scope.values, name.split('.'))) return undefined;
    if (expected !== undefined) {
      if (scope.planned && isUnknownAt(scope.change.afterUnknown, name.split('.'))) return undefined;
      return planValueAt(scope.values, name.split('.')) === expected;
    }
    const path = arg.split('.');
    if (scope.planned && isUnknownAt(scope.change.afterUnknown, path)) return undefined;
    const v = planValueAt(scope.values, path);
    if (v === null || v === undefined || v === false || v === '' || v === 0) return false;
    if (Array.isArray(v)) return v.length > 0;
    if (isObject(v)) return Object.keys(v).length > 0;
    return true;
  }

  function requestsFor(specs: readonly RequestSpec[], scope: Scope, tags: Record<string, string> | undefined, roleOverride?: (role: RequestRole) => RequestRole): PlannedRequest[] {
    const out: PlannedRequest[] = [];
    for (const spec of specs) {
      const unknown: string[] = [];
      if (spec.when !== undefined) {
        const set = isSet(scope, spec.when, tags);
        if (set === false) continue;
        if (set === undefined) unknown.push(spec.when);
      }
      let resource = spec.resource === '*' ? { text: '*', generated: false } : undefined;
      if (resource === undefined && spec.resourceFromReference !== undefined) {
        const ref = referencedAttr(scope, spec.resourceFromReference.arg, spec.resourceFromReference.attr);
        if (ref !== undefined && typeof ref.value === 'string') resource = { text: ref.value, generated: ref.value.includes('*') };
      }
      resource ??= fillReporting(spec.resource, scope, unknown);
      let keyPolicy: 'default' | undefined;
      if (spec.keyPolicy) {
        keyPolicy = keyPolicyOf(scope);
        if (keyPolicy === undefined) unknown.push('the key policy');
      }
      // the provider calls AWS's HTTPS endpoints only
      const context: Record<string, ContextValue> = { 'aws:SecureTransport': 'true' };
      const region = scope.region;
      if (region !== undefined) context['aws:RequestedRegion'] = region;
      else unknown.push('region');
      if (spec.tags) {
        if (tags === undefined) unknown.push('tags');
        else {
          for (const [k, v] of Object.entries(tags)) context[`aws:RequestTag/${k}`] = v;
          if (Object.keys(tags).length > 0) context['aws:TagKeys'] = Object.keys(tags).sort();
        }
      }
      for (const [key, template] of Object.entries(spec.context ?? {})) context[key] = fillReporting(template, scope, unknown).text;
      out.push({ action: spec.action, resource: resource.text, role: roleOverride ? roleOverride(spec.role) : spec.role, context, unknown, generatedId: resource.generated, ...(keyPolicy !== undefined ? { keyPolicy } : {}) });
    }
    return out;
  }

  return ctx.plan.resourceChanges.map((change): PlannedChange => {
    const mapping = mappingOf(change.type);
    const region = regionOf(change, mapping);
    const base = { change, region: mapping?.global ? 'global' : region, provider: providerOf(ctx.plan, change).key };
    const afterScope: Scope = { change, values: change.after, planned: true, region, mapping };
    const beforeScope: Scope = { change, values: change.before, planned: false, region, mapping };
    // nothing is sent: a no-op, a data source read at plan time, or a resource removed from state only
    if (change.mode === 'data' || change.action === 'no-op' || change.action === 'read' || change.action === 'forget') {
      return { ...base, mapped: true, requests: [], tags: undefined };
    }
    if (mapping === undefined) return { ...base, mapped: false, requests: [], tags: undefined };
    const afterTags = change.action === 'delete' ? undefined : tagsOf(change, change.after, true);
    const beforeTags = change.before === null ? undefined : tagsOf(change, change.before, false);
    switch (change.action) {
      case 'create':
        return { ...base, mapped: true, requests: requestsFor(mapping.create, afterScope, afterTags), tags: afterTags };
      case 'delete':
        return { ...base, mapped: true, requests: requestsFor(mapping.delete, beforeScope, beforeTags), tags: beforeTags };
      case 'update':
        if (mapping.update === undefined) return { ...base, mapped: false, requests: [], tags: afterTags };
        return { ...base, mapped: true, requests: requestsFor(mapping.update, afterScope, afterTags), tags: afterTags };
      case 'replace-delete-first':
      case 'replace-create-first': {
        const del = requestsFor(mapping.delete, beforeScope, beforeTags, () => 'replace-delete');
        const create = requestsFor(mapping.create, afterScope, afterTags, (role) => (role === 'primary' ? 'replace-create' : role));
        return { ...base, mapped: true, requests: change.action === 'replace-delete-first' ? [...del, ...create] : [...create, ...del], tags: afterTags };
      }
    }
  });
}
