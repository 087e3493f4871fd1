import { ChunkDecision, mergeChunks } from './declaration-merge';
import { chunkFile } from './declarations';
import { carryKeepRegions } from './keep-regions';
import { MergedPiece, mergeLines, PlacedConflict, renderMerge } from './line-merge';
import { hasGrammar, parses } from './syntax';
import { fromLines, toLines } from './text';

export interface MergeInput {
  /** nx-pdd language id (`python`, `typescript`): picks the grammar. */
  languageId: string;
  /** The last generation; null when none was stored (a two-way merge: every difference conflicts). */
  base: string | null;
  /** The working file. */
  ours: string;
  /** The new generation. */
  theirs: string;
  /** Named in conflict markers: the working file's path, and what theirs is. */
  labels?: { ours: string; theirs: string };
}

export interface MergeOutcome {
  clean: boolean;
  /** The merged file; with conflicts, the proposal with conflict markers. Line endings are ours'. */
  text: string;
  /** What produced the result: the line merge, or the declaration merge after the line merge conflicted. */
  method: 'line' | 'declaration';
  /** The result as merged stretches and conflicts (what `text` renders). */
  pieces: MergedPiece[];
  /** Conflicts left, where they are in the proposal and what they are. */
  conflicts: PlacedConflict[];
  /** What the declaration merge took from where (empty after a line merge). */
  decisions: ChunkDecision[];
  /** Things worth telling the user (a region placed anew, a result that does not parse). */
  notes: string[];
  /** theirs with ours' pdd-keep regions carried in: what the pristine store keeps. */
  theirs: string;
}

/**
 * Merge a new generation (theirs) into a working file the user edited (ours) against the last
 * generation (base): protected regions first, then by lines, then, where that conflicts or does
 * not parse, by declarations. Pure but for loading grammars; writes nothing.
 */
export async function mergeGeneration(input: MergeInput): Promise<MergeOutcome> {
  const labels = input.labels ?? { ours: 'working file', theirs: 'new generation' };
  const ours = toLines(input.ours);
  const base = toLines(input.base ?? '').lines;
  const kept = carryKeepRegions(ours.lines, toLines(input.theirs).lines);
  const theirs = kept.lines;
  const notes = [...kept.notes];
  const write = (lines: string[]) => fromLines(lines, ours.eol, ours.finalNewline || !input.ours);
  const theirsText = write(theirs);
  const lang = input.languageId;

  const finish = (method: MergeOutcome['method'], pieces: MergedPiece[], decisions: ChunkDecision[]): MergeOutcome => {
    const rendered = renderMerge(pieces, labels);
    return {
      clean: rendered.conflicts.length === 0,
      text: write(rendered.lines),
      pieces,
      method,
      conflicts: rendered.conflicts,
      decisions,
      notes,
      theirs: theirsText,
    };
  };

  const byLines = mergeLines(ours.lines, base, theirs);
  const lineResult = finish('line', byLines.pieces, []);
  if (!hasGrammar(lang)) return lineResult;
  if (lineResult.clean && (await parses(lang, lineResult.text)) !== false) return lineResult;

  const join = (lines: string[]) => lines.join('\n');
  const [b, o, t] = await Promise.all([chunkFile(lang, join(base)), chunkFile(lang, join(ours.lines)), chunkFile(lang, join(theirs))]);
  if (!b || !o || !t) {
    // One side does not parse: the declaration merge cannot run, and the line result cannot be checked.
    if (!lineResult.clean || (await parses(lang, input.ours)) === false || (await parses(lang, theirsText)) === false) return lineResult;
    return unparsable(lineResult, notes);
  }
  const byDeclarations = mergeChunks(b, o, t);
  const result = finish('declaration', byDeclarations.pieces, byDeclarations.decisions);
  if (!result.clean) return result.conflicts.length <= lineResult.conflicts.length || lineResult.clean ? result : lineResult;
  // Whole chunks of files that parse stay parseable; a chunk merged inside is checked on its own.
  for (const chunk of byDeclarations.mergedInside) if ((await parses(lang, chunk.join('\n'))) === false) return unparsable(result, notes);
  return result;
}

/** A merge with no conflict markers whose result does not parse is a conflict: the user decides. */
function unparsable(outcome: MergeOutcome, notes: string[]): MergeOutcome {
  notes.push('the merged file does not parse: it is proposed for you to correct');
  return { ...outcome, clean: false, conflicts: [{ ours: [], base: [], theirs: [], where: 'the whole file (does not parse)', line: 1 }], notes };
}

/** theirs with ours' pdd-keep regions carried in (theirs' line endings); theirs itself when ours has none. */
export function withKeepRegions(ours: string, theirs: string): string {
  if (!ours.includes('pdd-keep')) return theirs;
  const t = toLines(theirs);
  const kept = carryKeepRegions(toLines(ours).lines, t.lines);
  return fromLines(kept.lines, t.eol, t.finalNewline);
}
