/**
 * `--directory FILE` of validate, test, who-can, what-can and plan: a directory snapshot written by
 * `parapet directory export`, whose users and groups fill the configuration's synced groups
 * exactly as the server fills them (src/org/synced-directory.ts). Without it, the configuration's
 * own directory: synced groups are empty. A file that is not a snapshot stops the command (exit 2)
 * with its problems located: answering from half a directory would be wrong, not partial.
 */
import { configDirectory, MAX_DIRECTORY_SNAPSHOT_BYTES, parseDirectorySnapshot, readBoundedFile, syncedDirectory, type Directory, type DirectorySnapshot, type OrgConfig } from '../org/index.ts';
import { formatIssue, ParapetError } from '../policy/index.ts';
import type { Io } from './io.ts';

export const DIRECTORY_OPTION = ['--directory <file>', 'a directory snapshot (`parapet directory export`): the members of groups synced from the directory'] as const;

export function readDirectoryOption(file: string | undefined, io: Io): DirectorySnapshot | undefined {
  if (file === undefined) return undefined;
  const parsed = parseDirectorySnapshot(readBoundedFile(file, MAX_DIRECTORY_SNAPSHOT_BYTES), file);
  if (!parsed.ok) {
    for (const issue of parsed.issues) io.err(`${formatIssue(issue)}\n`);
    throw new ParapetError('invalid-input', `\`${file}\` is not a directory snapshot (\`parapet directory export\` writes one): ${parsed.issues.length} problem(s)`, { path: file });
  }
  return parsed.value;
}

/** the directory questions are answered from: the snapshot's when there is one */
export function directoryOf(config: OrgConfig, snapshot: DirectorySnapshot | undefined): Directory {
  return snapshot === undefined ? configDirectory(config) : syncedDirectory(config, snapshot);
}
