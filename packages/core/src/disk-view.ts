import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ContainedReader, MAX_FILE_BYTES } from './contained-read';
import { PddError } from './errors';
import { workspaceRelative } from './workspace-paths';

/**
 * Every look resolving units takes at the disk (units.ts, pddrc.ts, architecture.ts take no
 * other), all with workspace-relative paths. Behind one interface so that what it saw can be
 * recorded (`RecordingDiskView`) and later asked again (`answersAsRecorded`): when every look
 * answers the same, resolving would give the same units.
 */
export interface DiskView {
  /** Whether the path exists (a link counts by what it leads to). */
  exists(path: string): boolean;
  /** The file's bytes, read as untrusted content (`readContainedFile`); null when it does not exist. Throws as that does. */
  read(path: string, maxBytes?: number): Buffer | null;
  /** Where a folder is: its workspace-relative real path when it is a link (null when that is outside), itself when not, null when missing. */
  folder(path: string): string | null;
  /** The names of every entry below a folder, its subfolders' included; null when it cannot be listed. */
  list(path: string): string[] | null;
}

/** The disk as it is. */
export function diskView(workspaceRoot: string): DiskView {
  const reader = new ContainedReader(workspaceRoot);
  return {
    exists: (path) => existsSync(join(workspaceRoot, path)),
    read: (path, maxBytes = MAX_FILE_BYTES) => reader.read(path, maxBytes),
    folder: (path) => {
      try {
        const abs = join(workspaceRoot, path);
        return lstatSync(abs).isSymbolicLink() ? workspaceRelative(workspaceRoot, realpathSync(abs)) : path;
      } catch {
        return null;
      }
    },
    list: (path) => {
      try {
        return readdirSync(join(workspaceRoot, path), { recursive: true }) as string[];
      } catch {
        return null;
      }
    },
  };
}

/**
 * One look and its answer: a boolean, a path, null, or a hash (of bytes or of names), or the
 * error a read gave; a read also keeps the size limit it was made with.
 */
export type DiskLook = ['exists' | 'folder' | 'list', string, boolean | string | null] | ['read', string, string | null, number?];

/** A DiskView that keeps every look it answers, in order, for `answersAsRecorded`. */
export class RecordingDiskView implements DiskView {
  readonly looks: DiskLook[] = [];
  private readonly disk: DiskView;

  constructor(workspaceRoot: string) {
    this.disk = diskView(workspaceRoot);
  }

  exists(path: string): boolean {
    const answer = this.disk.exists(path);
    this.looks.push(['exists', path, answer]);
    return answer;
  }

  read(path: string, maxBytes?: number): Buffer | null {
    const { bytes, answer, error } = readAnswer(this.disk, path, maxBytes);
    this.looks.push(maxBytes === undefined ? ['read', path, answer] : ['read', path, answer, maxBytes]);
    if (error) throw error;
    return bytes;
  }

  folder(path: string): string | null {
    const answer = this.disk.folder(path);
    this.looks.push(['folder', path, answer]);
    return answer;
  }

  list(path: string): string[] | null {
    const names = this.disk.list(path);
    this.looks.push(['list', path, listAnswer(names)]);
    return names;
  }
}

/**
 * Whether each recorded look, asked again of the disk as it is now, gives the same answer. A
 * look of a kind this version does not know answers differently (a cache file of another
 * version is never believed).
 */
export function answersAsRecorded(workspaceRoot: string, looks: readonly DiskLook[]): boolean {
  const disk = diskView(workspaceRoot);
  for (const look of looks) {
    const [kind, path, recorded] = look;
    let answer: DiskLook[2];
    switch (kind) {
      case 'exists':
        answer = disk.exists(path);
        break;
      case 'read':
        answer = readAnswer(disk, path, look[3]).answer;
        break;
      case 'folder':
        answer = disk.folder(path);
        break;
      case 'list':
        answer = listAnswer(disk.list(path));
        break;
      default:
        return false;
    }
    if (answer !== recorded) return false;
  }
  return true;
}

/** A read's answer: the content's hash, null for a missing file, or the refusal's code and message. */
function readAnswer(disk: DiskView, path: string, maxBytes: number | undefined): { bytes: Buffer | null; answer: string | null; error?: unknown } {
  try {
    const bytes = disk.read(path, maxBytes);
    return { bytes, answer: bytes === null ? null : `sha1:${createHash('sha1').update(bytes).digest('hex')}` };
  } catch (error) {
    return { bytes: null, answer: `error:${error instanceof PddError ? error.code : ''}:${(error as Error).message}`, error };
  }
}

function listAnswer(names: string[] | null): string | null {
  return names === null
    ? null
    : `names:${createHash('sha1')
        .update([...names].sort().join('\0'))
        .digest('hex')}`;
}
