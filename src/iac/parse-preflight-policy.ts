/**
 * The preflight's policy, kept in the configuration repository (`preflight.json`): each rule's
 * enforcement, the tags every resource must carry, and time-boxed, owned exceptions to mandatory
 * findings instead of silent overrides. Parsed at the edge; an unknown rule or a malformed
 * exception is an error, so a typo never switches a rule off.
 */
import type { Issue } from '../policy/index.ts';
import { RULES, type Enforcement, type RuleId } from './misconfiguration-rules.ts';

export interface PreflightException {
  readonly rule: RuleId;
  /** the resource address the exception covers (exactly) */
  readonly address: string;
  readonly owner: string;
  /** the last day it applies, `YYYY-MM-DD` (UTC) */
  readonly expires: string;
  readonly reason: string;
}

export interface PreflightPolicy {
  readonly enforcement: Readonly<Partial<Record<RuleId, Enforcement>>>;
  readonly requiredTags: readonly string[];
  readonly exceptions: readonly PreflightException[];
}

export type PreflightPolicyResult = { readonly ok: true; readonly value: PreflightPolicy; readonly issues: readonly Issue[] } | { readonly ok: false; readonly issues: readonly Issue[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** an exception is time-boxed: at most a year */
const MAX_EXCEPTION_DAYS = 366;

export function parsePreflightPolicy(text: string, source: string, today: Date): PreflightPolicyResult {
  const issues: Issue[] = [];
  const error = (code: Issue['code'], message: string, path: string) => issues.push({ code, severity: 'error', message, path, source });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, issues: [{ code: 'json-syntax', severity: 'error', message: `not JSON: ${(e as Error).message}`, path: '$', source }] };
  }
  if (!isObject(doc)) return { ok: false, issues: [{ code: 'bad-preflight-policy', severity: 'error', message: 'the preflight policy is a JSON object', path: '$', source }] };
  for (const key of Object.keys(doc)) if (!['format', 'enforcement', 'requiredTags', 'exceptions'].includes(key)) error('unknown-field', `unknown field \`${key}\`: expected format, enforcement, requiredTags, exceptions`, `$.${key}`);
  if (doc.format !== 'parapet-preflight-policy/1') error('bad-preflight-policy', '`format` must be `parapet-preflight-policy/1`', '$.format');
  const isRule = (rule: unknown, path: string): rule is RuleId => {
    if (typeof rule === 'string' && rule in RULES) return true;
    error('unknown-rule', `unknown rule \`${String(rule)}\`: the rules are listed in docs/preflight.md`, path);
    return false;
  };
  const enforcement: Partial<Record<RuleId, Enforcement>> = {};
  if (doc.enforcement !== undefined) {
    if (!isObject(doc.enforcement)) error('wrong-type', '`enforcement` maps rule ids to `mandatory` or `advisory`', '$.enforcement');
    else
      for (const [rule, level] of Object.entries(doc.enforcement)) {
        if (!isRule(rule, `$.enforcement.${rule}`)) continue;
        if (level !== 'mandatory' && level !== 'advisory') error('wrong-type', `\`${rule}\`: enforcement is \`mandatory\` or \`advisory\``, `$.enforcement.${rule}`);
        else enforcement[rule] = level;
      }
  }
  const requiredTags: string[] = [];
  if (doc.requiredTags !== undefined) {
    if (!Array.isArray(doc.requiredTags) || !doc.requiredTags.every((t): t is string => typeof t === 'string' && t !== '')) error('wrong-type', '`requiredTags` is a list of tag keys', '$.requiredTags');
    else requiredTags.push(...doc.requiredTags);
  }
  const exceptions: PreflightException[] = [];
  if (doc.exceptions !== undefined) {
    if (!Array.isArray(doc.exceptions)) error('wrong-type', '`exceptions` is a list', '$.exceptions');
    else
      doc.exceptions.forEach((raw: unknown, i) => {
        const path = `$.exceptions[${i}]`;
        if (!isObject(raw)) return void error('wrong-type', 'an exception is an object with rule, address, owner, expires and reason', path);
        for (const key of Object.keys(raw)) if (!['rule', 'address', 'owner', 'expires', 'reason'].includes(key)) error('unknown-field', `unknown field \`${key}\``, `${path}.${key}`);
        const { rule, address, owner, expires, reason } = raw;
        const missing = (['address', 'owner', 'reason'] as const).filter((k) => typeof raw[k] !== 'string' || (raw[k] as string).trim() === '');
        for (const k of missing) error('missing-field', `an exception needs a non-empty \`${k}\``, `${path}.${k}`);
        const date = typeof expires === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(expires) ? new Date(`${expires}T23:59:59.999Z`) : undefined;
        const valid = date !== undefined && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === expires;
        if (!valid) error('wrong-type', 'an exception needs `expires` as `YYYY-MM-DD`: exceptions are time-boxed', `${path}.expires`);
        else if (date.getTime() - today.getTime() > MAX_EXCEPTION_DAYS * 86_400_000) error('bad-preflight-policy', `\`expires\` \`${String(expires)}\` is more than a year away: renew an exception instead`, `${path}.expires`);
        if (isRule(rule, `${path}.rule`) && missing.length === 0 && valid) exceptions.push({ rule, address: address as string, owner: owner as string, expires: expires as string, reason: reason as string });
      });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { enforcement, requiredTags, exceptions }, issues };
}
