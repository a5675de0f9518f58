/**
 * The I/O edge of the configuration: reads `parapet.yaml` and every `*.json` file under a
 * repository folder (skipping dot folders and node_modules) into texts by relative path, for
 * parseConfig. What the files mean is parseConfig's business.
 *
 * Bounded: a folder without `parapet.yaml` is not walked at all (`parapet validate /` must not
 * read the disk), and the walk stops with a `ParapetError` past the limits below, as each file
 * stops past its size (read-bounded-file.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFiles } from './parse-config.ts';
import { ParapetError } from '../policy/index.ts';
import { describeFsError, formatBytes, MAX_FILE_BYTES, readBoundedFile } from './read-bounded-file.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

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

export function readConfigDir(dir: string): ConfigFiles {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new ParapetError('not-found', `no such folder: \`${dir}\``, { path: dir });
  const files = new Map<string, string>();
  // no configuration here: parseConfig says so, without a walk through whatever the folder holds
  if (!existsSync(join(dir, CONFIG_FILE))) return files;
  let entriesSeen = 0;
  let bytes = 0;
  const walk = (relative: string, depth: number) => {
    const folder = join(dir, relative);
    if (depth > CONFIG_DIR_LIMITS.depth) {
      throw new ParapetError('folder-too-deep', `\`${folder}\`: folders nested more than ${CONFIG_DIR_LIMITS.depth} deep in the configuration folder`, { path: folder });
    }
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      throw describeFsError(error, folder, 'list');
    }
    for (const entry of entries) {
      if (++entriesSeen > CONFIG_DIR_LIMITS.entries) {
        throw new ParapetError('too-many-files', `\`${dir}\`: more than ${CONFIG_DIR_LIMITS.entries.toLocaleString('en-US')} files and folders: is this the configuration folder?`, { path: dir });
      }
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (path === CONFIG_FILE || (entry.isFile() && entry.name.endsWith('.json'))) {
        // parapet.yaml is read whatever it is, so a pipe or a device there is reported, not skipped
        if (files.size >= CONFIG_DIR_LIMITS.files) {
          throw new ParapetError('too-many-files', `\`${dir}\`: more than ${CONFIG_DIR_LIMITS.files.toLocaleString('en-US')} JSON files in the configuration folder`, { path: dir });
        }
        const text = readBoundedFile(join(dir, path), path === CONFIG_FILE ? MAX_FILE_BYTES.config : MAX_FILE_BYTES.policy);
        bytes += Buffer.byteLength(text);
        if (bytes > CONFIG_DIR_LIMITS.totalBytes) {
          throw new ParapetError('file-too-large', `\`${dir}\`: the configuration's files add up to more than ${formatBytes(CONFIG_DIR_LIMITS.totalBytes)}`, { path: dir });
        }
        files.set(path, text);
      }
    }
  };
  walk('', 0);
  return files;
}
