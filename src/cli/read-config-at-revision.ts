/**
 * The I/O edge for `parapet plan` on git revisions: the configuration repository folder as it was
 * at a revision, read from git's object store (never from the work tree), into the same texts by
 * relative path that readConfigDir gives: `parapet.yaml` and every `*.json` file under the folder,
 * skipping dot folders and node_modules. The folder may be a sub-folder of the git repository.
 */
import { spawnSync } from 'node:child_process';
import type { ConfigFiles } from '../org/index.ts';
import { CONFIG_DIR_LIMITS, CONFIG_FILE, formatBytes, MAX_FILE_BYTES } from '../org/index.ts';
import { internalError, ParapetError } from '../policy/index.ts';

const MAX_BUFFER = 1024 * 1024 * 1024;

function git(dir: string, args: readonly string[], input?: string): Buffer {
  const result = spawnSync('git', ['-C', dir, ...args], { input, maxBuffer: MAX_BUFFER });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw missing ? new ParapetError('unavailable', 'git revisions need `git`, which is not installed') : new ParapetError('git-failed', `git ${args[0] ?? ''}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const message = result.stderr.toString('utf8').trim().split('\n')[0] ?? '';
    throw new ParapetError('git-failed', message, { path: dir });
  }
  return result.stdout;
}

/** git ran and refused (exit status not 0): not a failure to run git at all */
function isGitFailure(error: unknown): error is ParapetError {
  return error instanceof ParapetError && error.code === 'git-failed';
}

/** the commit a revision names; a `usage` or `not-found` ParapetError when the folder is not in a repository or the revision is unknown */
export function resolveRevision(dir: string, revision: string): string {
  try {
    git(dir, ['rev-parse', '--show-toplevel']);
  } catch (error) {
    if (isGitFailure(error)) throw new ParapetError('usage', `\`${dir}\` is not in a git repository: ${error.message}`, { path: dir });
    throw error;
  }
  try {
    return git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]).toString('utf8').trim();
  } catch (error) {
    if (isGitFailure(error)) throw new ParapetError('not-found', `unknown revision \`${revision}\` in \`${dir}\``, { path: dir });
    throw error;
  }
}

export function readConfigAtRevision(dir: string, revision: string): ConfigFiles {
  const commit = resolveRevision(dir, revision);
  // the folder's place in the repository, `config/` or empty at the top
  const prefix = git(dir, ['rev-parse', '--show-prefix']).toString('utf8').trim();
  // `-l`: each blob's size, so that the limits of a folder on disk hold before anything is read
  const listing = git(dir, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit, '--', ...(prefix === '' ? [] : [prefix])]).toString('utf8');
  const wanted: { path: string; object: string }[] = [];
  let bytes = 0;
  for (const entry of listing.split('\0')) {
    if (entry === '') continue;
    const tab = entry.indexOf('\t');
    const [mode, type, object, sizeText] = entry.slice(0, tab).split(/ +/);
    const full = entry.slice(tab + 1);
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755') || object === undefined || !full.startsWith(prefix)) continue;
    const path = full.slice(prefix.length);
    const parts = path.split('/');
    if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) continue;
    if (path !== CONFIG_FILE && !path.endsWith('.json')) continue;
    const shown = `${revision}:${path}`;
    const size = Number(sizeText);
    const maxBytes = path === CONFIG_FILE ? MAX_FILE_BYTES.config : MAX_FILE_BYTES.policy;
    if (size > maxBytes) {
      throw new ParapetError('file-too-large', `\`${shown}\` is larger than ${formatBytes(maxBytes)}, the most read for this kind of file`, { path: shown });
    }
    if (wanted.length >= CONFIG_DIR_LIMITS.files) throw new ParapetError('too-many-files', `\`${revision}\`: more than ${CONFIG_DIR_LIMITS.files.toLocaleString('en-US')} JSON files in the configuration folder`, { path: revision });
    bytes += size;
    if (bytes > CONFIG_DIR_LIMITS.totalBytes) throw new ParapetError('file-too-large', `\`${revision}\`: the configuration's files add up to more than ${formatBytes(CONFIG_DIR_LIMITS.totalBytes)}`, { path: revision });
    wanted.push({ path, object });
  }
  const files = new Map<string, string>();
  if (wanted.length === 0) return files;
  // one `git cat-file --batch` for every file: `<object> blob <size>\n<content>\n` each
  const batch = git(dir, ['cat-file', '--batch'], wanted.map((w) => `${w.object}\n`).join(''));
  let at = 0;
  for (const { path } of wanted) {
    const newline = batch.indexOf(0x0a, at);
    const header = batch.subarray(at, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isInteger(size)) throw internalError(`git cat-file: unexpected header \`${header.join(' ')}\` for \`${path}\``);
    files.set(path, batch.subarray(newline + 1, newline + 1 + size).toString('utf8'));
    at = newline + 1 + size + 1;
  }
  return files;
}
