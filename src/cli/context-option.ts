/** `--context key=value` (repeatable): a request context; a key given twice has a list of values */
import { checkContext, checkRequestAction, checkRequestResource, ParapetError, type ContextValue } from '../policy/index.ts';
import { contextKeyType } from '../catalog/installed-catalog-checks.ts';

export const collectOption = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * the context, with every value checked against its key's type (AWS's global keys and the catalog's):
 * `aws:MultiFactorAuthPresent=no` is a usage error, never a context that makes a condition false
 */
export function parseContextOption(pairs: readonly string[]): Record<string, ContextValue> {
  const lists: Record<string, string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || !pair.slice(0, eq).includes(':')) throw new ParapetError('usage', `--context needs key=value with a condition key such as \`aws:RequestedRegion\`, not \`${pair}\``);
    (lists[pair.slice(0, eq)] ??= []).push(pair.slice(eq + 1));
  }
  const context = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
  const problems = checkContext(context, contextKeyType());
  if (problems.length > 0) throw new ParapetError('usage', `--context: ${problems.map((p) => p.message).join('; ')}`);
  return context;
}

/** `--action` names one action: `s3:*` or `GetObject` is a usage error */
export function checkActionOption(action: string): void {
  const problem = checkRequestAction(action);
  if (problem !== undefined) throw new ParapetError('usage', `--action: ${problem}`);
}

/** `--resource` is an ARN or `*` */
export function checkResourceOption(resource: string): void {
  const problem = checkRequestResource(resource);
  if (problem !== undefined) throw new ParapetError('usage', `--resource: ${problem}`);
}
