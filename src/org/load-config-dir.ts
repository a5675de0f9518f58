import { parseConfig, type ParseConfigOptions, type ParsedConfig } from './parse-config.ts';
import { readConfigDir } from './read-config-dir.ts';

/** read a repository folder and validate it; throws a `not-found` ParapetError when the folder does not exist */
export function loadConfigDir(dir: string, options: ParseConfigOptions = {}): ParsedConfig {
  return parseConfig(readConfigDir(dir), options);
}
