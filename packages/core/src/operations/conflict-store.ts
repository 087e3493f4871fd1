import { pddLayout } from '../pdd-layout';
import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeContainedFile } from '../contained-write';
import { sha256 } from '../fingerprint';
import { PlacedConflict } from '../merge/line-merge';
import { PromptUnit } from '../units';
import { joinPosix } from '../workspace-paths';
import type { ArtifactKind } from './artifact-store';
import { readContainedText } from '../contained-read';

/** A merge that left conflicts: what `conflict.json` records (docs/merge.md). */
export interface ConflictRecord {
  unit: string;
  kind: ArtifactKind;
  /** The working file, left as the user had it. */
  working: string;
  /** The merge with conflict markers, for the user to edit (then `--resolve=merged`). */
  proposal: string;
  /** The new generation. */
  theirs: string;
  /** The pristine base the merge was made against. */
  base: string;
  hashes: { ours: string; theirs: string; base: string | null };
  hunks: { where: string; line: number }[];
  notes: string[];
  created: string;
}

export function conflictRecordPath(unit: PromptUnit): string {
  return joinPosix(pddLayout(unit).conflicts, 'conflict.json');
}

/** The unit's open conflict, or null. A record that cannot be read still counts: it is returned with what is known. */
export function readConflict(workspaceRoot: string, unit: PromptUnit): ConflictRecord | null {
  const file = join(workspaceRoot, conflictRecordPath(unit));
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readContainedText(workspaceRoot, conflictRecordPath(unit)) ?? '') as ConflictRecord;
  } catch {
    return {
      unit: unit.id,
      kind: 'code',
      working: unit.paths.code,
      proposal: '',
      theirs: '',
      base: '',
      hashes: { ours: '', theirs: '', base: null },
      hunks: [],
      notes: [`${conflictRecordPath(unit)} cannot be read`],
      created: '',
    };
  }
}

/** Write the proposal, theirs and the record. The working file and the pristine base are not touched. */
export function writeConflict(
  workspaceRoot: string,
  unit: PromptUnit,
  c: {
    kind: ArtifactKind;
    working: string;
    base: string;
    ours: string;
    baseText: string | null;
    theirs: string;
    proposal: string;
    conflicts: PlacedConflict[];
    notes: string[];
  },
): ConflictRecord {
  const dir = pddLayout(unit).conflicts;
  const name = basename(c.working);
  const record: ConflictRecord = {
    unit: unit.id,
    kind: c.kind,
    working: c.working,
    proposal: joinPosix(dir, name),
    theirs: joinPosix(dir, `${name}.theirs`),
    base: c.base,
    hashes: { ours: sha256(c.ours), theirs: sha256(c.theirs), base: c.baseText === null ? null : sha256(c.baseText) },
    hunks: c.conflicts.map((h) => ({ where: h.where ?? `line ${h.line}`, line: h.line })),
    notes: c.notes,
    created: new Date().toISOString(),
  };
  writeContainedFile(workspaceRoot, record.proposal, c.proposal);
  writeContainedFile(workspaceRoot, record.theirs, c.theirs);
  writeContainedFile(workspaceRoot, conflictRecordPath(unit), JSON.stringify(record, null, 2) + '\n');
  return record;
}

/** Remove the conflict; with `keepOurs`, the working file's content is kept beside as `<file>.ours` (returned). */
export function clearConflict(workspaceRoot: string, unit: PromptUnit, record: ConflictRecord, keepOurs?: string): string | null {
  const dir = join(workspaceRoot, pddLayout(unit).conflicts);
  let kept: string | null = null;
  if (keepOurs !== undefined) {
    kept = joinPosix(pddLayout(unit).conflicts, `${basename(record.working)}.ours`);
    writeContainedFile(workspaceRoot, kept, keepOurs);
  }
  for (const f of [record.proposal, record.theirs, conflictRecordPath(unit)]) if (f) rmSync(join(workspaceRoot, f), { force: true });
  if (kept === null) rmSync(dir, { recursive: true, force: true });
  return kept;
}

/** What to tell the user about an open conflict. */
export function describeConflict(r: ConflictRecord, project = r.unit): string {
  return [
    `${r.working}: your edits and the new generation conflict (${r.hunks.length} place${r.hunks.length === 1 ? '' : 's'}: ${r.hunks.map((h) => h.where).join(', ') || 'see the proposal'}).`,
    `  The working file is as you left it; the proposed merge with conflict markers is ${r.proposal}; the new generation is ${r.theirs}.`,
    ...r.notes.map((n) => `  note: ${n}`),
    `  Then: nx run ${project}:sync --resolve=merged (after editing ${r.proposal}), --resolve=ours (keep your file), --resolve=theirs (take the new generation), or --resolve=llm (let the model merge; kept only if it parses and the tests pass).`,
  ].join('\n');
}
