/**
 * How a configuration version is stored: its files (parapet.yaml and every policy JSON, by
 * relative path) as one canonical JSON document (RFC 8785, so the same files are always the same
 * bytes), and its hash: `sha256:` and the hex SHA-256 of that document. Two applies of the same
 * folder have the same hash wherever they come from.
 */
import { createHash } from 'node:crypto';
import type { ConfigFiles } from '../org/index.ts';
import { canonicalJson, ParapetError } from '../policy/index.ts';

export const SNAPSHOT_FORMAT = 'parapet-config-snapshot/1';

export interface ConfigSnapshot {
  readonly snapshot: string;
  readonly hash: string;
}

export function configSnapshot(files: ConfigFiles): ConfigSnapshot {
  const byPath: Record<string, string> = {};
  for (const [path, text] of files) byPath[path] = text;
  const snapshot = canonicalJson({ format: SNAPSHOT_FORMAT, files: byPath });
  return { snapshot, hash: `sha256:${createHash('sha256').update(snapshot, 'utf8').digest('hex')}` };
}

/** the files of a stored snapshot; a snapshot this code did not write is an `internal` failure */
export function filesOfSnapshot(snapshot: string): ConfigFiles {
  let value: unknown;
  try {
    value = JSON.parse(snapshot);
  } catch {
    throw new ParapetError('internal', 'a stored configuration snapshot is not JSON');
  }
  const record = value as { format?: unknown; files?: unknown } | null;
  if (record === null || typeof record !== 'object' || record.format !== SNAPSHOT_FORMAT || record.files === null || typeof record.files !== 'object') {
    throw new ParapetError('internal', `a stored configuration snapshot is not in the format \`${SNAPSHOT_FORMAT}\``);
  }
  const files = new Map<string, string>();
  for (const [path, text] of Object.entries(record.files as Record<string, unknown>)) {
    if (typeof text !== 'string') throw new ParapetError('internal', `a stored configuration snapshot has a file that is not text: \`${path}\``);
    files.set(path, text);
  }
  return files;
}
