/**
 * The I/O edge of the configuration: reads `parapet.yaml` and every `*.json` file under a
 * repository folder (skipping dot folders and node_modules) into texts by relative path, for
 * parseConfig. What the files mean is parseConfig's business.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFiles } from './parse-config.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

/** the folder does not exist or is not a folder */
export class ConfigDirError extends Error {
  readonly code = 'config-dir-not-found';
}

export function readConfigDir(dir: string): ConfigFiles {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new ConfigDirError(`no such folder: \`${dir}\``);
  const files = new Map<string, string>();
  const walk = (relative: string) => {
    const entries = readdirSync(join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && (entry.name.endsWith('.json') || path === CONFIG_FILE)) files.set(path, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return files;
}
