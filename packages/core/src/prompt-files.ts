import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { joinPosix } from './workspace-paths';

/*
 * The workspace's prompt files as found on disk by walking it (the CLI, and the sandbox's
 * read-only binds). Graph inference gets them from Nx instead.
 */

const IGNORED_DIRS = new Set(['node_modules', '.git', '.nx', '.pdd', 'dist', '.venv', 'venv', '__pycache__']);

/** The workspace's prompt files: every one, and as few paths as cover exactly them (`promptFileCover`). */
function walkPromptFiles(workspaceRoot: string): { all: string[]; cover: { folders: string[]; files: string[] } } {
  const all: string[] = [];
  const cover = { folders: [] as string[], files: [] as string[] };
  /** Whether `rel`'s tree holds prompt files and nothing else; what covers them goes to `into`. */
  const walk = (rel: string, into: typeof cover): boolean => {
    let onlyPrompts = true;
    const mine = { folders: [] as string[], files: [] as string[] };
    for (const entry of readdirSync(join(workspaceRoot, rel), { withFileTypes: true })) {
      const path = joinPosix(rel, entry.name);
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) onlyPrompts = walk(path, mine) && onlyPrompts;
      else if (entry.isFile() && entry.name.endsWith('.prompt')) {
        mine.files.push(path);
        all.push(path);
      } else onlyPrompts = false;
    }
    if (onlyPrompts && rel !== '' && (mine.files.length || mine.folders.length)) into.folders.push(rel);
    else {
      into.folders.push(...mine.folders);
      into.files.push(...mine.files);
    }
    return onlyPrompts;
  };
  walk('', cover);
  return { all: all.sort(), cover: { folders: cover.folders.sort(), files: cover.files.sort() } };
}

/**
 * Every `*.prompt` below the workspace root in as few paths as cover exactly them: a folder
 * whose whole tree holds prompt files and nothing else (PDD's `prompts/`) stands for all of
 * them, any other prompt file is listed itself. What a sandboxed run binds read-only: one mount
 * per such folder instead of one per prompt (at 2,000 units bwrap spent about 9 s of CPU
 * setting up 2,000 mounts before every example or test run). The workspace root is never one.
 */
export function promptFileCover(workspaceRoot: string): { folders: string[]; files: string[] } {
  return walkPromptFiles(workspaceRoot).cover;
}

/** Find every `*.prompt` below the workspace root (for use outside Nx, which globs for us). */
export function findPromptFiles(workspaceRoot: string): string[] {
  return walkPromptFiles(workspaceRoot).all;
}
