import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { PddError } from './errors';

/**
 * Refuse a write whose folder leads outside the workspace: a committed symlink (`src ->
 * /home/me`, `.pdd -> /tmp/x`) must not carry generated code, fingerprints or restored bytes
 * out of it. The nearest folder of the path that exists is resolved through its symlinks and
 * must be inside the workspace's real path. The file itself is replaced by rename, which never
 * follows a symlink at the file's own name.
 */
export function assertWritableInside(workspaceRoot: string, relPath: string): void {
  const rootReal = realpathSync(workspaceRoot);
  let folder = dirname(join(workspaceRoot, relPath));
  for (;;) {
    let real: string;
    try {
      real = realpathSync(folder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = dirname(folder);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== folder) {
        folder = parent;
        continue;
      }
      throw new PddError('WRITE', `cannot be written (${code ?? (e as Error).message})`, { file: relPath });
    }
    const fromRoot = relative(rootReal, real);
    if (fromRoot.startsWith('..') || isAbsolute(fromRoot)) {
      throw new PddError(
        'WRITE_OUTSIDE',
        `leads outside the workspace (its folder is ${real}): nx-pdd writes no file outside it; replace the symlink with a folder`,
        { file: relPath },
      );
    }
    return;
  }
}

/** `writeFileAtomic` of a workspace-relative path, refused when its folder leads outside the workspace. */
export function writeContainedFile(workspaceRoot: string, relPath: string, content: string | Uint8Array): void {
  assertWritableInside(workspaceRoot, relPath);
  writeFileAtomic(join(workspaceRoot, relPath), content);
}
