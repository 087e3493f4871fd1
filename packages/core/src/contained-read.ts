import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PddError } from './errors';
import { isNormalRelative } from './workspace-paths';

/** A file's bytes read as untrusted content (readContainedFile), null when it does not exist or is a folder. */
export function readContainedBytes(workspaceRoot: string, relPath: string, maxBytes = MAX_FILE_BYTES): Buffer | null {
  try {
    return readContainedFile(workspaceRoot, relPath, maxBytes);
  } catch (e) {
    if (e instanceof PddError && e.code === 'READ_DIRECTORY') return null;
    throw e;
  }
}

/** The same as text. */
export function readContainedText(workspaceRoot: string, relPath: string, maxBytes = MAX_FILE_BYTES): string | null {
  return readContainedBytes(workspaceRoot, relPath, maxBytes)?.toString('utf8') ?? null;
}

/** The largest single file read on a prompt's behalf (a prompt, an include, a `.pddrc`). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Read a file on behalf of content nobody vetted (a prompt, what it includes, a `.pddrc` from a
 * pull request): only a regular file whose real path is inside the workspace, at most
 * `maxBytes`. A symlink out of the workspace (`/proc/self/environ`), a FIFO or a device
 * (`/dev/zero`) is refused before a byte is read, without blocking: the file is opened
 * non-blocking and checked on the open descriptor. Returns null when the file does not exist.
 */
export function readContainedFile(workspaceRoot: string, relPath: string, maxBytes = MAX_FILE_BYTES): Buffer | null {
  return new ContainedReader(workspaceRoot).read(relPath, maxBytes);
}

/**
 * Reads files of one workspace as `readContainedFile` does, resolving the real path of the
 * workspace and of each folder once: one pass that reads many files (inference hashes every
 * prompt and include) then opens each file with `O_NOFOLLOW` in its folder's real path, and only
 * a file that is itself a link is resolved (to its end) and checked. Made for one pass and
 * dropped: a folder replaced by a link after it was resolved is seen by the next reader, not by
 * this one.
 */
export class ContainedReader {
  private rootReal: string | undefined;
  /** The workspace root as an absolute path without a trailing slash. */
  private root: string | undefined;
  /** Real path of each folder read from, null when it does not exist. */
  private readonly folders = new Map<string, string | null>();

  constructor(readonly workspaceRoot: string) {}

  /** The file's bytes (see `readContainedFile`), null when it does not exist. */
  read(relPath: string, maxBytes = MAX_FILE_BYTES): Buffer | null {
    try {
      const inFolder = this.inRealFolder(relPath);
      if (inFolder === null) return null;
      let fd: number;
      try {
        fd = openSync(this.inside(inFolder, relPath), OPEN_FLAGS | constants.O_NOFOLLOW);
      } catch (e) {
        // ELOOP: the file is a link. It is read where it leads, if that is inside.
        if ((e as NodeJS.ErrnoException).code !== 'ELOOP') throw e;
        fd = openSync(this.inside(realpathSync(inFolder), relPath), OPEN_FLAGS);
      }
      return readOpenFile(fd, relPath, maxBytes);
    } catch (e) {
      if (e instanceof PddError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new PddError('READ', `cannot be read (${code ?? (e as Error).message})`, { file: relPath });
    }
  }

  /**
   * What tells whether a file changed without reading it: its inode, size, mtime and ctime (ms,
   * to the µs), and its ctime. Only for a regular file inside the workspace reached without a link
   * (its folder's real path, the file itself not a link); null for anything else (missing, a
   * link, a pipe, a folder, outside), which `read` then judges.
   */
  stat(relPath: string): { signature: string; changedMs: number } | null {
    try {
      const inFolder = this.inRealFolder(relPath);
      if (inFolder === null) return null;
      const s = lstatSync(this.inside(inFolder, relPath), { throwIfNoEntry: false });
      if (!s?.isFile()) return null;
      return { signature: `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`, changedMs: s.ctimeMs };
    } catch {
      return null;
    }
  }

  /** The file's path in its folder's real path (the file itself not resolved), null when the folder does not exist. */
  private inRealFolder(relPath: string): string | null {
    // Most paths are normal (inference asks for every prompt and include): they need no path
    // arithmetic, which took most of the time of hashing a thousand units' files.
    if (isNormalRelative(relPath)) {
      const slash = relPath.lastIndexOf('/');
      this.root ??= resolve(this.workspaceRoot);
      const realFolder = this.realFolder(slash < 0 ? this.root : `${this.root}/${relPath.slice(0, slash)}`);
      if (realFolder === null) return null;
      return `${realFolder === '/' ? '' : realFolder}/${relPath.slice(slash + 1)}`;
    }
    const path = join(this.workspaceRoot, relPath);
    const realFolder = this.realFolder(dirname(path));
    return realFolder === null ? null : join(realFolder, basename(path));
  }

  private realFolder(folder: string): string | null {
    let real = this.folders.get(folder);
    if (real === undefined) {
      real = realpathIfExists(folder);
      this.folders.set(folder, real);
    }
    return real;
  }

  /** `real` (a normal absolute path), when it is inside the workspace's real path; else the refusal. */
  private inside(real: string, relPath: string): string {
    this.rootReal ??= realpathSync(this.workspaceRoot);
    const root = this.rootReal;
    if (real !== root && !real.startsWith(root.endsWith('/') ? root : `${root}/`)) {
      throw new PddError('READ_OUTSIDE', `leads outside the workspace (to ${real}): nx-pdd reads no file outside it on a prompt's behalf`, { file: relPath });
    }
    return real;
  }
}

/** Never blocks on a FIFO, never takes a terminal. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

function realpathIfExists(path: string): string | null {
  try {
    return realpathSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/** Read the open file (then closed) if it is a regular file of at most `maxBytes`. */
function readOpenFile(fd: number, relPath: string, maxBytes: number): Buffer {
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new PddError('READ_DIRECTORY', 'is a folder, not a file', { file: relPath });
    if (!stat.isFile())
      throw new PddError('READ_SPECIAL', `is not a regular file (a pipe, socket or device): nx-pdd reads only regular files on a prompt's behalf`, {
        file: relPath,
      });
    if (stat.size > maxBytes)
      throw new PddError('READ_TOO_LARGE', `is ${stat.size} bytes, over the limit of ${maxBytes} for one file read on a prompt's behalf`, { file: relPath });
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === stat.size ? buffer : buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
