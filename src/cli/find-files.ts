/** a file, or every `*.json` under a folder (recursively, in a stable order), within the folder limits */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR_LIMITS, describeFsError } from '../org/index.ts';
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
  let entriesSeen = 0;
  const walk = (dir: string, depth: number) => {
    if (depth > CONFIG_DIR_LIMITS.depth) throw new ParapetError('folder-too-deep', `\`${dir}\`: folders nested more than ${CONFIG_DIR_LIMITS.depth} deep`, { path: dir });
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      throw describeFsError(error, dir, 'list');
    }
    for (const entry of entries) {
      if (++entriesSeen > CONFIG_DIR_LIMITS.entries) {
        throw new ParapetError('too-many-files', `\`${path}\`: more than ${CONFIG_DIR_LIMITS.entries.toLocaleString('en-US')} files and folders to look through`, { path });
      }
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json')) {
        if (out.length >= CONFIG_DIR_LIMITS.files) throw new ParapetError('too-many-files', `\`${path}\`: more than ${CONFIG_DIR_LIMITS.files.toLocaleString('en-US')} JSON files`, { path });
        out.push(full);
      }
    }
  };
  walk(path, 0);
  return out;
}
