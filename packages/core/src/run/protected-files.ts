import { pddLayout, SHARED_COMMITTED_DIRS } from '../pdd-layout';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { readContainedFile } from '../contained-read';
import { unitTestFiles } from '../fingerprint';
import { promptFileCover } from '../prompt-files';
import { PromptUnit } from '../units';
import { joinPosix } from '../workspace-paths';

/**
 * The files a run of generated code must leave alone: the unit's prompt, its fingerprint and
 * run report, its pristine generations, and the unit's own files other than the one being run
 * (an example may not rewrite the code or the tests; tests may not rewrite the code or the
 * example). Workspace-relative.
 */
export function protectedFilesOf(workspaceRoot: string, unit: PromptUnit, running: 'example' | 'tests'): string[] {
  const files = [unit.promptFile, unit.metaFile, pddLayout(unit).runReport, unit.paths.code];
  if (running === 'example') files.push(...unitTestFiles(workspaceRoot, unit));
  if (running === 'tests' && unit.paths.example) files.push(unit.paths.example);
  for (const kind of ['code', 'example', 'test'] as const) if (unit.paths[kind]) files.push(pddLayout(unit).pristine(kind));
  return [...new Set(files)];
}

/**
 * What the sandbox binds read-only besides the unit's own files: every prompt file (a folder
 * of nothing but prompts as one path), the PDD root's settings (`.pddrc`, `architecture.json`)
 * and its fingerprint and pristine-generation folders (`.pdd/meta`, `.pdd/generated`), other
 * units' included. Workspace-relative. Not compared after a run (parallel syncs of other units
 * change their own files meanwhile). Other units' code, examples and tests are not listed
 * (finding them means resolving every unit on each run); docs/security.md says so.
 */
export function workspaceProtectedFiles(workspaceRoot: string, unit: PromptUnit): { files: string[]; folders: string[] } {
  const prompts = promptFileCover(workspaceRoot);
  const folders = [...SHARED_COMMITTED_DIRS.map((f) => joinPosix(unit.pddRoot, f)), ...prompts.folders];
  const files = [...prompts.files, ...['.pddrc', 'architecture.json'].map((f) => joinPosix(unit.pddRoot, f))];
  return { files, folders };
}

/** What `files` held before a run; `restore()` puts back every one the run changed, deleted or created, and names them. */
export function guardFiles(workspaceRoot: string, files: readonly string[]): { restore(): string[] } {
  const read = (f: string): Buffer | null => {
    try {
      return readContainedFile(workspaceRoot, f);
    } catch {
      return null;
    }
  };
  const before = new Map(files.map((f) => [f, read(f)]));
  return {
    restore() {
      const changed: string[] = [];
      for (const [file, was] of before) {
        const now = read(file);
        if (was === null ? now === null : now !== null && now.equals(was)) continue;
        changed.push(file);
        if (was === null) rmSync(join(workspaceRoot, file), { force: true, recursive: true });
        else writeFileAtomic(join(workspaceRoot, file), was);
      }
      return changed;
    },
  };
}
