import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { PromptUnit } from '../units';
import { joinPosix } from '../workspace-paths';

export type ArtifactKind = 'code' | 'example' | 'test';

export interface FileOutcome {
  kind: ArtifactKind | 'prompt';
  /** The working file (workspace-relative). */
  path: string;
  /** Where the pristine generation was stored (workspace-relative); for a prompt, the version before the operation. */
  pristine?: string;
  /**
   * created / updated: the working file now holds the new generation;
   * unchanged: it already did; kept-manual-edits: it differs from the last generation (a user
   * edited it), so it was left as it is and the new generation waits in `pristine`;
   * extended: it had manual edits, the model was shown them and asked to keep them, and the
   * answer does keep every one of their lines in order, so it replaced the file.
   */
  action: 'created' | 'updated' | 'unchanged' | 'kept-manual-edits' | 'extended';
}

/** The working file of a kind (null when the unit's language derives none). */
export function workingPath(unit: PromptUnit, kind: ArtifactKind): string | null {
  return kind === 'code' ? unit.paths.code : kind === 'example' ? unit.paths.example : unit.paths.test;
}

/**
 * The pristine store: the last LLM output of each of a unit's files, committed, so that every
 * machine has the base a later three-way merge needs. `.pdd/generated/<basename>_<language>/<file name>`.
 */
export function pristinePath(unit: PromptUnit, kind: ArtifactKind): string {
  const working = workingPath(unit, kind);
  if (!working) throw new Error(`${unit.id} has no ${kind} file`);
  return joinPosix(unit.pddRoot, '.pdd/generated', unit.id.replace(/\//g, '_'), basename(working));
}

export function readIfExists(workspaceRoot: string, path: string): string | null {
  try {
    return readFileSync(join(workspaceRoot, path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Store a new generation and update the working file only where that loses nothing: when it
 * does not exist, or still equals the previous generation. Invariant 1: a manual edit is
 * never overwritten.
 */
export function applyGeneration(workspaceRoot: string, unit: PromptUnit, kind: ArtifactKind, content: string, options: { shownToModel?: string } = {}): FileOutcome {
  const path = workingPath(unit, kind)!;
  const pristine = pristinePath(unit, kind);
  const previous = readIfExists(workspaceRoot, pristine);
  const current = readIfExists(workspaceRoot, path);
  writeFileAtomic(join(workspaceRoot, pristine), content);
  let action: FileOutcome['action'];
  if (current === content) action = 'unchanged';
  else if (current === null) action = 'created';
  else if (current === previous) action = 'updated';
  else if (current === options.shownToModel && keepsEveryLine(content, current)) action = 'extended';
  else action = 'kept-manual-edits';
  if (action !== 'unchanged' && action !== 'kept-manual-edits') writeFileAtomic(join(workspaceRoot, path), content);
  return { kind, path, pristine, action };
}

/** Whether every non-blank line of `original` is in `result`, in the same order (trailing blanks ignored). */
export function keepsEveryLine(result: string, original: string): boolean {
  const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l !== '');
  const have = lines(result);
  let i = 0;
  for (const line of lines(original)) {
    while (i < have.length && have[i] !== line) i++;
    if (i === have.length) return false;
    i++;
  }
  return true;
}
