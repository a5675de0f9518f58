/**
 * Decision cases (conformance/FORMAT.md): one request, every policy that applies to it, and the
 * expected decision. Parsing is pure: the caller reads the file.
 */
import { appendAll } from './append-all.ts';
import { isAccountId } from './arn.ts';
import { checkContextEntry } from './check-context-value.ts';
import { checkRequestAction, checkRequestResource } from './check-request-target.ts';
import { capIssues } from './cap-issues.ts';
import type { CompileOptions, PolicySetInput } from './compile-policy-set.ts';
import { globalContextKeyType, type ContextKeyTyper } from './context-key-types.ts';
import type { DecisionKind } from './decision.ts';
import type { Issue, Parsed } from './issue.ts';
import { readJsonText, formatJsonPath, type JsonPathSegment, type JsonText } from './json-text.ts';
import { parsePolicy } from './parse-policy.ts';
import type { Policy, PolicyType } from './policy.ts';
import type { ContextValue, CallerFacts, DecisionRequest } from './request.ts';

export interface DecisionCase {
  readonly name: string;
  readonly source?: string;
  readonly notes?: string;
  readonly request: DecisionRequest;
  readonly principal: CallerFacts;
  readonly policies: PolicySetInput;
  readonly options: CompileOptions;
  readonly expected?: DecisionKind;
  /** warnings from the case's policies */
  readonly warnings: readonly Issue[];
}

export interface ParseCaseOptions {
  readonly source?: string;
  readonly checkAction?: ((action: string) => string | undefined) | undefined;
  readonly rcpServices?: ReadonlySet<string> | undefined;
  /** the types of condition keys, whose values must read as them (default: AWS's global keys; the catalog adds services' keys) */
  readonly contextKeyType?: ContextKeyTyper | undefined;
}

const CASE_KEYS = new Set(['name', 'source', 'notes', 'request', 'principal', 'organization', 'policies', 'expected']);
const REQUEST_KEYS = new Set(['principal', 'action', 'resource', 'resourceAccount', 'context']);
const POLICY_KEYS = new Set(['identity', 'permissionBoundary', 'session', 'resource', 'scps', 'rcps']);
const EXPECTED = new Set(['Allow', 'ExplicitDeny', 'ImplicitDeny']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseCase(text: string, options: ParseCaseOptions = {}): Parsed<DecisionCase> {
  const read = readJsonText(text);
  const withSource = (i: Issue): Issue => (options.source !== undefined ? { ...i, source: options.source } : i);
  if (!read.ok) return { ok: false, issues: read.issues.map(withSource) };
  const json = read.value;
  const issues: Issue[] = read.issues.map(withSource);
  const bad = (message: string, path: JsonPathSegment[]) =>
    issues.push(withSource({ code: 'bad-case', severity: 'error', message, path: formatJsonPath(path), ...json.position(path) }));

  const doc = json.value;
  if (!isObject(doc)) {
    bad('a case must be a JSON object', []);
    return { ok: false, issues };
  }
  for (const key of Object.keys(doc)) if (!CASE_KEYS.has(key)) bad(`unknown case field \`${key}\``, [key]);
  const name = typeof doc.name === 'string' ? doc.name : '';
  if (typeof doc.name !== 'string') bad('`name` must be a string', ['name']);
  for (const key of ['source', 'notes'] as const) if (key in doc && typeof doc[key] !== 'string') bad(`\`${key}\` must be a string`, [key]);

  const request = readRequest(doc.request, options.contextKeyType ?? globalContextKeyType, bad);
  const principal = readPrincipalFacts(doc, bad);
  const managementAccount = readManagementAccount(doc, bad);
  const expected = readExpected(doc, bad);
  const policies = readPolicies(doc.policies, json, options, issues, bad);
  if (issues.some((i) => i.severity === 'error') || request === undefined || policies === undefined) return { ok: false, issues: capIssues(issues) };
  return {
    ok: true,
    value: {
      name,
      ...(typeof doc.source === 'string' ? { source: doc.source } : {}),
      ...(typeof doc.notes === 'string' ? { notes: doc.notes } : {}),
      request,
      principal,
      policies,
      options: {
        ...(managementAccount !== undefined ? { managementAccount } : {}),
        ...(options.rcpServices !== undefined ? { rcpServices: options.rcpServices } : {}),
      },
      ...(expected !== undefined ? { expected } : {}),
      warnings: issues,
    },
    issues: capIssues(issues),
  };
}

type Bad = (message: string, path: JsonPathSegment[]) => void;

/** `principal`: what the request cannot show about its principal */
function readPrincipalFacts(doc: Record<string, unknown>, bad: Bad): { roleArn?: string; serviceLinkedRole?: boolean } {
  const principal: { roleArn?: string; serviceLinkedRole?: boolean } = {};
  if (!('principal' in doc)) return principal;
  const p = doc.principal;
  if (!isObject(p)) {
    bad('`principal` must be an object', ['principal']);
    return principal;
  }
  for (const key of Object.keys(p)) if (key !== 'roleArn' && key !== 'serviceLinkedRole') bad(`unknown principal fact \`${key}\``, ['principal', key]);
  if ('roleArn' in p) {
    if (typeof p.roleArn === 'string') principal.roleArn = p.roleArn;
    else bad('`principal.roleArn` must be a string', ['principal', 'roleArn']);
  }
  if ('serviceLinkedRole' in p) {
    if (typeof p.serviceLinkedRole === 'boolean') principal.serviceLinkedRole = p.serviceLinkedRole;
    else bad('`principal.serviceLinkedRole` must be true or false', ['principal', 'serviceLinkedRole']);
  }
  return principal;
}

/** `organization.managementAccount` */
function readManagementAccount(doc: Record<string, unknown>, bad: Bad): string | undefined {
  if (!('organization' in doc)) return undefined;
  const org = doc.organization;
  if (!isObject(org) || ('managementAccount' in org && (typeof org.managementAccount !== 'string' || !isAccountId(org.managementAccount)))) {
    bad('`organization` must be an object with a 12-digit `managementAccount`', ['organization']);
    return undefined;
  }
  return typeof org.managementAccount === 'string' ? org.managementAccount : undefined;
}

function readExpected(doc: Record<string, unknown>, bad: Bad): DecisionKind | undefined {
  if (!('expected' in doc)) return undefined;
  if (typeof doc.expected === 'string' && EXPECTED.has(doc.expected)) return doc.expected as DecisionKind;
  bad('`expected` must be "Allow", "ExplicitDeny" or "ImplicitDeny"', ['expected']);
  return undefined;
}

function readRequest(raw: unknown, typeOf: ContextKeyTyper, bad: (message: string, path: JsonPathSegment[]) => void): DecisionRequest | undefined {
  if (!isObject(raw)) {
    bad('`request` must be an object with `principal`, `action` and `resource`', ['request']);
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!REQUEST_KEYS.has(key)) bad(`unknown request field \`${key}\``, ['request', key]);
  let ok = true;
  for (const key of ['principal', 'action', 'resource'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') {
      bad(`\`request.${key}\` must be a non-empty string`, ['request', key]);
      ok = false;
    }
  }
  // a request is one action on one resource: a pattern or garbage is never decided
  const actionProblem = typeof raw.action === 'string' && raw.action !== '' ? checkRequestAction(raw.action) : undefined;
  if (actionProblem !== undefined) {
    bad(`\`request.action\`: ${actionProblem}`, ['request', 'action']);
    ok = false;
  }
  const resourceProblem = typeof raw.resource === 'string' && raw.resource !== '' ? checkRequestResource(raw.resource) : undefined;
  if (resourceProblem !== undefined) {
    bad(`\`request.resource\`: ${resourceProblem}`, ['request', 'resource']);
    ok = false;
  }
  if ('resourceAccount' in raw && (typeof raw.resourceAccount !== 'string' || !isAccountId(raw.resourceAccount))) {
    bad('`request.resourceAccount` must be a 12-digit account id', ['request', 'resourceAccount']);
    ok = false;
  }
  const context = 'context' in raw ? readRequestContext(raw.context, typeOf, bad) : {};
  if (!ok || context === undefined) return undefined;
  return {
    principal: raw.principal as string,
    action: raw.action as string,
    resource: raw.resource as string,
    ...(typeof raw.resourceAccount === 'string' ? { resourceAccount: raw.resourceAccount } : {}),
    context,
  };
}

/** `request.context`: condition keys to a value or a list of values, each checked against its key's type */
function readRequestContext(raw: unknown, typeOf: ContextKeyTyper, bad: Bad): Record<string, ContextValue> | undefined {
  if (!isObject(raw)) {
    bad('`request.context` must be an object', ['request', 'context']);
    return undefined;
  }
  let ok = true;
  const context: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') context[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') context[key] = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      context[key] = value.map(String);
    } else {
      bad(`context key \`${key}\` must be a string or a list of strings`, ['request', 'context', key]);
      ok = false;
      continue;
    }
    // a value that does not read as its key's type would make every condition on the key false
    for (const problem of checkContextEntry(key, context[key]!, typeOf)) {
      bad(problem.message, problem.index === undefined ? ['request', 'context', key] : ['request', 'context', key, problem.index]);
      ok = false;
    }
  }
  return ok ? context : undefined;
}

function readPolicies(
  raw: unknown,
  json: JsonText,
  options: ParseCaseOptions,
  issues: Issue[],
  bad: (message: string, path: JsonPathSegment[]) => void,
): PolicySetInput | undefined {
  if (raw === undefined) return {};
  if (!isObject(raw)) {
    bad('`policies` must be an object', ['policies']);
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!POLICY_KEYS.has(key)) bad(`unknown policy kind \`${key}\`: expected identity, permissionBoundary, session, resource, scps or rcps`, ['policies', key]);

  const one = (value: unknown, type: PolicyType, path: JsonPathSegment[], fallbackName: string): Policy | undefined => {
    let document = value;
    let name = fallbackName;
    let documentPath = path;
    if (isObject(value) && 'document' in value) {
      if (typeof value.name !== 'string') bad('a named policy needs a string `name`', [...path, 'name']);
      else name = value.name;
      document = value.document;
      documentPath = [...path, 'document'];
    }
    const parsed = parsePolicy(document, {
      type,
      name,
      within: { json, path: documentPath },
      ...(options.source !== undefined ? { source: options.source } : {}),
      ...(options.checkAction !== undefined ? { checkAction: options.checkAction } : {}),
    });
    appendAll(issues, parsed.issues);
    return parsed.ok ? parsed.value : undefined;
  };
  const list = (value: unknown, type: PolicyType, path: JsonPathSegment[], prefix: string): Policy[] | undefined => {
    if (!Array.isArray(value)) {
      bad(`\`${formatJsonPath(path).slice(2)}\` must be a list of policies`, path);
      return undefined;
    }
    return value.map((v, i) => one(v, type, [...path, i], `${prefix}${i}`)).filter((p): p is Policy => p !== undefined);
  };
  const chain = (value: unknown, type: 'scp' | 'rcp', key: string): Policy[][] | undefined => {
    if (!Array.isArray(value)) {
      bad(`\`policies.${key}\` must be a list of levels, each a list of policies`, ['policies', key]);
      return undefined;
    }
    return value.map((level, i) => list(level, type, ['policies', key, i], `${type}-level-${i}-`) ?? []);
  };
  const out: {
    identity?: Policy[];
    permissionBoundary?: Policy;
    session?: Policy;
    resource?: Policy;
    scps?: Policy[][];
    rcps?: Policy[][];
  } = {};
  if ('identity' in raw) {
    const v = list(raw.identity, 'identity', ['policies', 'identity'], 'identity-');
    if (v !== undefined) out.identity = v;
  }
  for (const [key, type, fallback] of [['permissionBoundary', 'permissionBoundary', 'boundary'], ['session', 'session', 'session'], ['resource', 'resource', 'resource']] as const) {
    if (key in raw) {
      const v = one(raw[key], type, ['policies', key], fallback);
      if (v !== undefined) out[key] = v;
    }
  }
  if ('scps' in raw) {
    const v = chain(raw.scps, 'scp', 'scps');
    if (v !== undefined) out.scps = v;
  }
  if ('rcps' in raw) {
    const v = chain(raw.rcps, 'rcp', 'rcps');
    if (v !== undefined) out.rcps = v;
  }
  return out;
}
