import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Join path parts with `/`, dropping empty parts and `./` (workspace-relative paths are posix). */
export function joinPosix(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '' && p !== '.').join('/');
  return normalizePosix(joined);
}

/** A path with no empty, `.` or `..` segment and no trailing slash: already normal. */
const NORMAL = /^\/?(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/** A relative posix path with no empty, `.` or `..` segment and no trailing slash. */
export function isNormalRelative(path: string): boolean {
  return !path.startsWith('/') && NORMAL.test(path);
}

/** Resolve `.` and `..` segments of a posix path; a leading `..` that escapes stays. */
export function normalizePosix(path: string): string {
  // Most paths are normal already (inference calls this for every target's every file).
  if (NORMAL.test(path)) return path;
  const out: string[] = [];
  const absolute = path.startsWith('/');
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (absolute ? '/' : '') + out.join('/');
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export function dirnamePosix(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * The workspace-relative posix path of `absolutePath`, or null when it lies outside the
 * workspace (compared on real paths, so a symlink pointing outside is outside).
 */
export function workspaceRelative(workspaceRoot: string, absolutePath: string): string | null {
  const rel = relative(realpathOr(workspaceRoot), realpathOr(absolutePath));
  if (rel === '') return '';
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  return toPosix(rel);
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A path that does not exist yet: resolve its nearest existing parent.
    const parent = resolve(path, '..');
    if (parent === path) return path;
    return resolve(realpathOr(parent), relative(parent, path));
  }
}
