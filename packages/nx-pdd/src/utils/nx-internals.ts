import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The two places where nx-pdd reaches below @nx/devkit's public API, each with a fallback
 * so the plugin keeps working when an Nx version moves them (peer range: Nx 21 to 24).
 */

type MultiGlobHasher = (workspaceRoot: string, globGroups: string[][]) => Promise<string[]>;

let nativeHasher: MultiGlobHasher | null | undefined;

function loadNativeHasher(): MultiGlobHasher | null {
  if (nativeHasher !== undefined) return nativeHasher;
  try {
    // Nx's workspace context already knows every file's hash: no file is read again.
    nativeHasher = require('nx/src/utils/workspace-context').hashMultiGlobWithWorkspaceContext ?? null;
  } catch {
    nativeHasher = null;
  }
  return nativeHasher ?? null;
}

/**
 * One hash per group of workspace-relative file paths (a missing file contributes nothing, so
 * creating it changes the hash). Uses Nx's native workspace context when available, else
 * reads and hashes the files.
 */
export async function hashFileGroups(workspaceRoot: string, groups: string[][], forceFallback = false): Promise<string[]> {
  const native = forceFallback ? null : loadNativeHasher();
  if (native) return native(workspaceRoot, groups.map((g) => g.map(escapeGlob)));
  return groups.map((group) => {
    const h = createHash('sha256');
    for (const file of [...group].sort()) {
      h.update(file).update('\0');
      try {
        h.update(readFileSync(join(workspaceRoot, file)));
      } catch {
        h.update('<missing>');
      }
      h.update('\0');
    }
    return h.digest('hex');
  });
}

/** A literal path as a glob: glob metacharacters are escaped with a character class. */
function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}!]/g, (c) => `[${c}]`);
}

/** Nx's folder for plugin caches (`.nx/workspace-data` unless the user moved it). */
export function workspaceDataDirectory(workspaceRoot: string): string {
  try {
    const mod = require('nx/src/utils/cache-directory');
    if (typeof mod.workspaceDataDirectoryForWorkspace === 'function') return mod.workspaceDataDirectoryForWorkspace(workspaceRoot);
  } catch {
    // fall through
  }
  return process.env.NX_WORKSPACE_DATA_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
}
