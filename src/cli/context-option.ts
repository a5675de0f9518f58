/** `--context key=value` (repeatable): a request context; a key given twice has a list of values */
import type { ContextValue } from '../policy/index.ts';
import { UsageError } from './io.ts';

export const collectOption = (value: string, previous: string[]): string[] => [...previous, value];

export function parseContextOption(pairs: readonly string[]): Record<string, ContextValue> {
  const context: Record<string, string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || !pair.slice(0, eq).includes(':')) throw new UsageError(`--context needs key=value with a condition key such as \`aws:RequestedRegion\`, not \`${pair}\``);
    (context[pair.slice(0, eq)] ??= []).push(pair.slice(eq + 1));
  }
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

/** ` (e.g. aws:RequestedRegion=us-east-1 aws:SecureTransport=true)`: one context that allows a conditional access */
export function formatContextExample(example: Readonly<Record<string, ContextValue>>): string {
  const pairs = Object.entries(example).map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.join(',')}`);
  return pairs.length === 0 ? ' (allowed when they are absent)' : ` (e.g. ${pairs.join(' ')})`;
}
