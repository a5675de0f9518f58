/**
 * The one folder walk of Parapet's inputs: depth first, names in a stable order, dot folders and
 * node_modules skipped, and bounded by CONFIG_DIR_LIMITS (depth and entries looked at) so a walk
 * of `/` stops with a `ParapetError` instead of reading the disk. What to do with each entry is
 * the caller's business (read-config-dir.ts reads the configuration, cli/find-files.ts lists JSON).
 */
import type { Dirent } from 'node:fs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ParapetError } from '../policy/index.ts';
import { describeFsError } from './read-bounded-file.ts';

/** limits of a configuration folder (docs/cli.md, "Limits") */
export const CONFIG_DIR_LIMITS = {
  /** files read: parapet.yaml and the JSON files */
  files: 10_000,
  /** folder entries looked at, read or not */
  entries: 100_000,
  /** folders inside folders below the repository folder */
  depth: 16,
  /** the bytes of every file read, together */
  totalBytes: 128 * 1024 * 1024,
} as const;

export interface WalkFolderOptions {
  /** the order of names within a folder */
  readonly compare: (a: string, b: string) => number;
  /** said after ``folders nested more than N deep`` */
  readonly tooDeepNote: string;
  /** said after ``more than N files and folders`` */
  readonly tooManyNote: string;
}

/** calls `visit` with the path relative to `root` (joined with `/`) of every entry that is not a folder */
export function walkFolder(root: string, options: WalkFolderOptions, visit: (relative: string, entry: Dirent) => void): void {
  let entriesSeen = 0;
  const walk = (relative: string, depth: number) => {
    const folder = join(root, relative);
    if (depth > CONFIG_DIR_LIMITS.depth) {
      throw new ParapetError('folder-too-deep', `\`${folder}\`: folders nested more than ${CONFIG_DIR_LIMITS.depth} deep${options.tooDeepNote}`, { path: folder });
    }
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => options.compare(a.name, b.name));
    } catch (error) {
      throw describeFsError(error, folder, 'list');
    }
    for (const entry of entries) {
      if (++entriesSeen > CONFIG_DIR_LIMITS.entries) {
        throw new ParapetError('too-many-files', `\`${root}\`: more than ${CONFIG_DIR_LIMITS.entries.toLocaleString('en-US')} files and folders${options.tooManyNote}`, { path: root });
      }
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path, depth + 1);
      else visit(path, entry);
    }
  };
  walk('', 0);
}
