/** a file, or every `*.json` under a folder (recursively, in a stable order), within the folder limits */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR_LIMITS, describeFsError, walkFolder } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';

export function findJsonFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw describeFsError(error, path);
  }
  if (!stat.isDirectory()) return [path];
  const out: string[] = [];
  const options = { compare: (a: string, b: string) => a.localeCompare(b), tooDeepNote: '', tooManyNote: ' to look through' };
  walkFolder(path, options, (relative, entry) => {
    if (!(entry.isFile() && entry.name.endsWith('.json'))) return;
    if (out.length >= CONFIG_DIR_LIMITS.files) throw new ParapetError('too-many-files', `\`${path}\`: more than ${CONFIG_DIR_LIMITS.files.toLocaleString('en-US')} JSON files`, { path });
    out.push(join(path, relative));
  });
  return out;
}
