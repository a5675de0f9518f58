/**
 * The I/O edge of the configuration: reads `parapet.yaml` and every `*.json` file under a
 * repository folder (skipping dot folders and node_modules) into texts by relative path, for
 * parseConfig. What the files mean is parseConfig's business.
 *
 * Bounded: a folder without `parapet.yaml` is not walked at all (`parapet validate /` must not
 * read the disk), and the walk stops with a `ParapetError` past CONFIG_DIR_LIMITS (walk-folder.ts), as each file
 * stops past its size (read-bounded-file.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFiles } from './parse-config.ts';
import { ParapetError } from '../policy/index.ts';
import { formatBytes, MAX_FILE_BYTES, readBoundedFile } from './read-bounded-file.ts';
import { CONFIG_FILE } from './read-config-shape.ts';
import { CONFIG_DIR_LIMITS, walkFolder } from './walk-folder.ts';

export { CONFIG_DIR_LIMITS };

/** names in code-unit order, the same on every machine */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
  let bytes = 0;
  const options = { compare: byCodeUnits, tooDeepNote: ' in the configuration folder', tooManyNote: ': is this the configuration folder?' };
  walkFolder(dir, options, (path, entry) => {
    // parapet.yaml is read whatever it is, so a pipe or a device there is reported, not skipped
    if (path !== CONFIG_FILE && !(entry.isFile() && entry.name.endsWith('.json'))) return;
    if (files.size >= CONFIG_DIR_LIMITS.files) {
      throw new ParapetError('too-many-files', `\`${dir}\`: more than ${CONFIG_DIR_LIMITS.files.toLocaleString('en-US')} JSON files in the configuration folder`, { path: dir });
    }
    const text = readBoundedFile(join(dir, path), path === CONFIG_FILE ? MAX_FILE_BYTES.config : MAX_FILE_BYTES.policy);
    bytes += Buffer.byteLength(text);
    if (bytes > CONFIG_DIR_LIMITS.totalBytes) {
      throw new ParapetError('file-too-large', `\`${dir}\`: the configuration's files add up to more than ${formatBytes(CONFIG_DIR_LIMITS.totalBytes)}`, { path: dir });
    }
    files.set(path, text);
  });
  return files;
}
