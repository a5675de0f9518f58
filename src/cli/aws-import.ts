/**
 * `parapet aws import --out DIR`: read the live organization through the management account and
 * write it as a configuration repository (docs/aws.md). AWS is reached the standard way: the
 * SDK's region, credentials and endpoint from the environment and the shared config files.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { importOrganization } from '../aws/import-organization.ts';
import { ParapetError } from '../policy/index.ts';
import type { CommandOutcome } from './exit-status.ts';
import { readLiveOrganization } from './read-live-organization.ts';
import { writeOutputFile, type Io } from './io.ts';

interface AwsImportOptions {
  out: string;
}

export function awsImportCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('import')
    .description('read the live AWS organization (units, accounts, SCPs, RCPs) and write it as a configuration repository')
    .requiredOption('--out <dir>', 'the folder to write: new, or empty')
    .addHelpText(
      'after',
      `
Credentials, region and endpoint come from the standard AWS environment (AWS_PROFILE,
AWS_ACCESS_KEY_ID…, AWS_ENDPOINT_URL); use the management account. The folder must not hold files:
import never overwrites. Then: parapet validate DIR, and parapet aws plan DIR (empty right after import).

Examples:
  AWS_PROFILE=management parapet aws import --out org
  parapet validate org`,
    )
    .action(async (options: AwsImportOptions) => {
      const out = options.out;
      if (existsSync(out) && readdirSync(out).length > 0) {
        throw new ParapetError('conflict', `aws import: \`${out}\` is not empty: import writes a new repository and never overwrites one`, { path: out });
      }
      const live = await readLiveOrganization();
      const files = importOrganization(live);
      for (const [path, text] of files) {
        const target = join(out, path);
        mkdirSync(dirname(target), { recursive: true });
        writeOutputFile(target, text);
      }
      io.out(`imported organization \`${live.id}\` into \`${out}\`: ${files.size - 1} policy files and parapet.yaml\nnext: parapet validate ${out} && parapet aws plan ${out}\n`);
      setExit('yes');
    });
}
