import { pddLayout } from '../pdd-layout';
import { writeContainedFile } from '../contained-write';
import { mergeGeneration, MergeOutcome, withKeepRegions } from '../merge/merge-file';
import { PromptUnit } from '../units';
import { ConflictRecord, writeConflict } from './conflict-store';
import { readContainedText } from '../contained-read';

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
   * answer does keep every one of their lines in order, so it replaced the file;
   * merged: it had manual edits, and the three-way merge (docs/merge.md) put them and the new
   * generation together; conflict: the merge conflicts: nothing changed, see `conflict`.
   * (kept-manual-edits: the file was left as it is; from before merges, still read in reports.)
   */
  action: 'created' | 'updated' | 'unchanged' | 'kept-manual-edits' | 'extended' | 'merged' | 'conflict';
  /** The merge, for merged and conflict. */
  merge?: Pick<MergeOutcome, 'method' | 'decisions' | 'notes'>;
  /** The open conflict (action conflict). */
  conflict?: ConflictRecord;
}

/** The working file of a kind (null when the unit's language derives none). */
export function workingPath(unit: PromptUnit, kind: ArtifactKind): string | null {
  return kind === 'code' ? unit.paths.code : kind === 'example' ? unit.paths.example : unit.paths.test;
}

/** A unit file's text, or null: read as untrusted content (a FIFO or a link out of the workspace is an error, never a hang). */
export function readIfExists(workspaceRoot: string, path: string): string | null {
  return readContainedText(workspaceRoot, path);
}

/**
 * Store a new generation. The working file takes it where that loses nothing (it does not
 * exist, or still equals the previous generation); where the user edited it, the edits and the
 * generation are merged three-way against the previous generation (docs/merge.md). A merge
 * that conflicts changes neither the working file nor the base: the proposal goes under
 * `.pdd/conflicts/`. Rule edits-kept: a manual edit is never overwritten.
 */
export async function applyGeneration(
  workspaceRoot: string,
  unit: PromptUnit,
  kind: ArtifactKind,
  generated: string,
  options: { shownToModel?: string } = {},
): Promise<FileOutcome> {
  const path = workingPath(unit, kind)!;
  const pristine = pddLayout(unit).pristine(kind);
  const previous = readIfExists(workspaceRoot, pristine);
  const current = readIfExists(workspaceRoot, path);
  // Protected regions of the working file go into every generation verbatim.
  const content = current === null ? generated : withKeepRegions(current, generated);
  const write = (file: string, text: string) => writeContainedFile(workspaceRoot, file, text);
  if (current === null || current === previous || current === content) {
    write(pristine, content);
    if (current !== content) write(path, content);
    return { kind, path, pristine, action: current === content ? 'unchanged' : current === null ? 'created' : 'updated' };
  }
  if (current === options.shownToModel && keepsEveryLine(content, current)) {
    write(pristine, content);
    write(path, content);
    return { kind, path, pristine, action: 'extended' };
  }
  const merged = await mergeGeneration({
    languageId: unit.language.id,
    base: previous,
    ours: current,
    theirs: content,
    labels: { ours: path, theirs: 'new generation' },
  });
  const merge = { method: merged.method, decisions: merged.decisions, notes: merged.notes };
  if (!merged.clean) {
    const conflict = writeConflict(workspaceRoot, unit, {
      kind,
      working: path,
      base: pristine,
      ours: current,
      baseText: previous,
      theirs: merged.theirs,
      proposal: merged.text,
      conflicts: merged.conflicts,
      notes: merged.notes,
    });
    return { kind, path, pristine, action: 'conflict', merge, conflict };
  }
  write(pristine, merged.theirs);
  if (merged.text !== current) write(path, merged.text);
  return { kind, path, pristine, action: merged.text === current ? 'unchanged' : 'merged', merge };
}

/** Whether every non-blank line of `original` is in `result`, in the same order (trailing blanks ignored). */
export function keepsEveryLine(result: string, original: string): boolean {
  const lines = (text: string) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l !== '');
  const have = lines(result);
  let i = 0;
  for (const line of lines(original)) {
    while (i < have.length && have[i] !== line) i++;
    if (i === have.length) return false;
    i++;
  }
  return true;
}
