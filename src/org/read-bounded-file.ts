/**
 * The one way Parapet reads an input file: only a regular file, at most so many bytes, and every
 * failure a `ParapetError` with a stable code and the path, never a hang or a stack trace.
 * `/dev/zero` would never end, a FIFO would block the open until a writer comes, a 10 GB file would
 * exhaust memory: each is refused before it is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ParapetError } from '../policy/index.ts';

const MIB = 1024 * 1024;

/**
 * The largest file read for each kind of input (docs/cli.md, "Limits"). AWS accepts much less
 * (managed policies 6,144 characters, inline role policies 10,240, SCPs and RCPs 5,120), and a
 * policy over AWS's limit is reported by validation; these bounds are only the point past which a
 * file is not a policy at all.
 */
export const MAX_FILE_BYTES = {
  policy: 1 * MIB,
  config: 64 * MIB, // 40,000 groups with their members and assignments are about 14 MB
  case: 4 * MIB,
  accessTests: 8 * MIB,
  // `terraform show -json` of a 5,000-resource plan is tens of megabytes
  plan: 256 * MIB,
} as const;

export type InputKind = keyof typeof MAX_FILE_BYTES;

/** `1 MiB`, `512 KiB`, `300 bytes` */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString('en-US')} bytes`;
}

/** a Node error from the file system, as a ParapetError about `path` */
export function describeFsError(error: unknown, path: string, doing = 'read'): ParapetError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ParapetError('not-found', `\`${path}\`: no such file or folder`, { path });
    case 'EACCES':
    case 'EPERM':
      return new ParapetError('permission-denied', `\`${path}\`: permission denied: cannot ${doing} it`, { path });
    case 'EISDIR':
      return new ParapetError('is-a-folder', `\`${path}\` is a folder, not a file`, { path });
    default:
      return new ParapetError('unreadable-file', `\`${path}\`: cannot ${doing} it: ${code ?? (error instanceof Error ? error.message : String(error))}`, { path });
  }
}

/**
 * The text of a regular file of at most `maxBytes` bytes (UTF-8). The size is checked on the open
 * file, and again while reading: a file that grows, or a special file that reports no size, still
 * stops at the limit.
 */
export function readBoundedFile(path: string, maxBytes: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw describeFsError(error, path);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ParapetError('is-a-folder', `\`${path}\` is a folder, not a file`, { path });
    if (!stat.isFile()) throw new ParapetError('not-a-file', `\`${path}\` is not a regular file (a device, a pipe or a socket): only files are read`, { path });
    const tooLarge = () => new ParapetError('file-too-large', `\`${path}\` is larger than ${formatBytes(maxBytes)}, the most read for this kind of file`, { path });
    if (stat.size > maxBytes) throw tooLarge();
    let buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stat.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // the file is longer than it said (it grew, or it is a special file that reports 0)
        const larger = Buffer.alloc(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      let read: number;
      try {
        read = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        throw describeFsError(error, path);
      }
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw tooLarge();
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
