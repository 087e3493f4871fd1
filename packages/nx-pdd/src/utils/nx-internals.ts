import { join } from 'node:path';

/*
 * The one place where nx-pdd reaches below @nx/devkit's public API, with a fallback so the
 * plugin keeps working when an Nx version moves it (peer range: Nx 21 to 24).
 */

/** Nx's logger (the one @nx/devkit exports, already loaded by Nx itself), or the console's. */
export function nxLogger(): { warn(message: string): void } {
  try {
    const mod = require('nx/src/utils/logger');
    if (typeof mod.logger?.warn === 'function') return mod.logger;
  } catch {
    // fall through
  }
  return { warn: (message) => console.warn(message) };
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
