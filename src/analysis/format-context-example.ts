/** one context that allows a conditional access, as the text reports write it */
import type { ContextValue } from '../policy/index.ts';

/** ` (e.g. aws:RequestedRegion=us-east-1 aws:SecureTransport=true)`, or that the keys must be absent */
export function formatContextExample(example: Readonly<Record<string, ContextValue>>): string {
  const pairs = Object.entries(example).map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.join(',')}`);
  return pairs.length === 0 ? ' (allowed when they are absent)' : ` (e.g. ${pairs.join(' ')})`;
}
