import { Chunk } from './declarations';
import { labelConflicts, LineMerge, MergedPiece, mergeLines } from './line-merge';

/** What happened to one declaration (or other chunk) in a merge. */
export interface ChunkDecision {
  /** The chunk's key in ours (`function_definition:add`), or in theirs when ours has none. */
  key: string;
  taken: 'ours' | 'theirs' | 'both' | 'lines' | 'added-by-theirs' | 'deleted' | 'conflict';
  /** For a rename by ours: the name in base and theirs. */
  renamedFrom?: string;
}

export interface DeclarationMerge extends LineMerge {
  decisions: ChunkDecision[];
  /**
   * The chunks merged inside (by lines or by members), as merged, when without conflict. The
   * rest of the result is whole chunks of files that parsed: only these need a syntax check.
   */
  mergedInside: string[][];
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((l, i) => l === b[i]);
/** Equal but for trailing spaces and blank lines. */
const sameIgnoringWhitespace = (a: string[], b: string[]) => same(a.map((l) => l.trimEnd()).filter(Boolean), b.map((l) => l.trimEnd()).filter(Boolean));

/**
 * Merge three versions cut into chunks (`chunkFile`): ours' order and text are the skeleton; a
 * chunk one side did not change takes the other side's; a chunk both changed is merged by its
 * members (classes) or by lines; theirs' new chunks go after their predecessor; imports are a
 * union. The rules are docs/merge.md's.
 */
export function mergeChunks(base: Chunk[], ours: Chunk[], theirs: Chunk[]): DeclarationMerge {
  const out = new Output();
  const baseBy = new Map(base.map((c) => [c.key, c]));
  const theirsBy = new Map(theirs.map((c) => [c.key, c]));
  const oursKeys = new Set(ours.map((c) => c.key));
  const renames = findRenames(base, ours, theirs);
  for (const [oursKey, r] of renames) {
    baseBy.set(oursKey, r.base);
    if (r.theirs) theirsBy.set(oursKey, r.theirs);
  }
  const renamedAway = new Set([...renames.values()].map((r) => r.fromKey));

  // theirs' chunks that ours lacks, grouped by the nearest preceding chunk ours has.
  const inserts = new Map<string | null, Chunk[]>();
  let anchor: string | null = null;
  for (const c of theirs) {
    if (oursKeys.has(c.key)) anchor = c.key;
    else if (!renamedAway.has(c.key)) inserts.set(anchor, [...(inserts.get(anchor) ?? []), c]);
    else anchor = [...renames.entries()].find(([, r]) => r.fromKey === c.key)![0];
  }
  const insertAfter = (key: string | null) => {
    for (const t of inserts.get(key) ?? []) {
      const b = baseBy.get(t.key);
      if (!b) out.ok(t.lines, { key: t.key, taken: 'added-by-theirs' });
      else if (same(b.lines, t.lines))
        out.decide({ key: t.key, taken: 'deleted' }); // ours deleted it, theirs kept it as it was
      else out.conflict(t.key, [], b.lines, t.lines); // ours deleted, theirs changed
    }
  };

  // theirs' new chunks go after their anchor and after the chunks ours added right behind it.
  // (Those theirs has first wait for the first chunk ours shares with base or theirs.)
  let pending: { key: string | null } | null = { key: null };
  const flush = () => {
    if (pending) insertAfter(pending.key);
    pending = null;
  };
  for (const o of ours) {
    const t = theirsBy.get(o.key);
    if (t) flush();
    mergeChunk(out, o, baseBy.get(o.key), t, renames.get(o.key)?.fromKey);
    if (t || baseBy.has(o.key)) {
      flush();
      pending = { key: o.key };
    }
  }
  flush();
  return out.result();
}

const blankLead = (lines: string[]) => {
  let n = 0;
  while (n < lines.length && lines[n].trim() === '') n++;
  return n;
};
/** A chunk without the blank lines above it (they are spacing, and ours' spacing is kept). */
const trimmed = (c: Chunk | undefined): Chunk | undefined => {
  if (!c) return undefined;
  const n = blankLead(c.lines);
  return { ...c, lines: c.lines.slice(n), ...(c.body ? { body: { ...c.body, header: c.body.header.slice(n) } } : {}) };
};

function mergeChunk(out: Output, ours: Chunk, base: Chunk | undefined, theirs: Chunk | undefined, renamedFrom?: string): void {
  out.lead(ours.lines.slice(0, blankLead(ours.lines)));
  const [o, b, t] = [trimmed(ours)!, trimmed(base), trimmed(theirs)];
  const note = renamedFrom ? { renamedFrom } : {};
  if (!t) {
    if (!b) return out.ok(o.lines, { key: o.key, taken: 'ours', ...note });
    // theirs deleted it: imports stay (a union), an untouched chunk goes, a changed one conflicts.
    if (o.kind === 'import') return out.ok(o.lines, { key: o.key, taken: 'ours' });
    if (same(o.lines, b.lines) || sameIgnoringWhitespace(o.lines, b.lines)) return out.decide({ key: o.key, taken: 'deleted' });
    return out.conflict(o.key, o.lines, b.lines, []);
  }
  if (same(o.lines, t.lines)) return out.ok(o.lines, { key: o.key, taken: 'both', ...note });
  const baseLines = b?.lines ?? [];
  if (b && same(t.lines, b.lines)) return out.ok(o.lines, { key: o.key, taken: 'ours', ...note });
  if (b && same(o.lines, b.lines)) return out.ok(t.lines, { key: o.key, taken: 'theirs', ...note });
  if (b && sameIgnoringWhitespace(t.lines, b.lines)) return out.ok(o.lines, { key: o.key, taken: 'ours', ...note });
  if (b && sameIgnoringWhitespace(o.lines, b.lines)) return out.ok(t.lines, { key: o.key, taken: 'theirs', ...note });
  // Both changed it: a class member by member, anything else line by line.
  const inner = new Output();
  if (o.body && t.body && b?.body) {
    inner.pieces(labelConflicts(mergeLines(o.body.header, b.body.header, t.body.header).pieces, `${o.key} (header)`));
    const members = mergeChunks(b.body.members, o.body.members, t.body.members);
    inner.pieces(members.pieces.map((p) => ('conflict' in p ? { conflict: { ...p.conflict, where: `${o.key}.${p.conflict.where ?? 'member'}` } } : p)));
    for (const d of members.decisions) inner.decide({ ...d, key: `${o.key}.${d.key}` });
    inner.pieces(labelConflicts(mergeLines(o.body.footer, b.body.footer, t.body.footer).pieces, `${o.key} (end)`));
  } else {
    const lines = mergeLines(o.lines, baseLines, t.lines);
    inner.pieces(labelConflicts(lines.pieces, o.key));
    inner.decide({ key: o.key, taken: lines.conflicts ? 'conflict' : 'lines', ...note });
  }
  out.append(inner.result());
}

/** ours renamed a chunk: ours lacks base's key K and has a new key K' of the same kind whose text is K's with the name changed (or mostly the same). */
function findRenames(base: Chunk[], ours: Chunk[], theirs: Chunk[]): Map<string, { fromKey: string; base: Chunk; theirs?: Chunk }> {
  const renames = new Map<string, { fromKey: string; base: Chunk; theirs?: Chunk }>();
  const oursKeys = new Set(ours.map((c) => c.key));
  const baseKeys = new Set(base.map((c) => c.key));
  const added = ours.filter((c) => !baseKeys.has(c.key) && c.name);
  for (const b of base) {
    if (oursKeys.has(b.key) || !b.name) continue;
    const candidate = added.find(
      (o) =>
        !renames.has(o.key) &&
        o.kind === b.kind &&
        (same(renamed(b.lines, b.name!, o.name!), o.lines) || similarity(renamed(b.lines, b.name!, o.name!), o.lines) >= 0.6),
    );
    if (!candidate) continue;
    const t = theirs.find((c) => c.key === b.key);
    const asOurs = (c: Chunk): Chunk => ({
      ...c,
      key: candidate.key,
      name: candidate.name,
      lines: renamed(c.lines, b.name!, candidate.name!),
      body: undefined,
    });
    renames.set(candidate.key, { fromKey: b.key, base: asOurs(b), ...(t ? { theirs: asOurs(t) } : {}) });
  }
  return renames;
}

function renamed(lines: string[], from: string, to: string): string[] {
  const re = new RegExp(`\\b${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
  return lines.map((l) => l.replace(re, to));
}

/** Share of lines two texts have in common (longest common subsequence over the longer one). */
function similarity(a: string[], b: string[]): number {
  const x = a.filter((l) => l.trim());
  const y = b.filter((l) => l.trim());
  if (!x.length || !y.length) return 0;
  let prev = new Array<number>(y.length + 1).fill(0);
  for (let i = 1; i <= x.length; i++) {
    const cur = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j++) cur[j] = x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    prev = cur;
  }
  return prev[y.length] / Math.max(x.length, y.length);
}

/** The merged pieces as they are produced, and the decisions taken. */
class Output {
  private readonly all: MergedPiece[] = [];
  private readonly decisions: ChunkDecision[] = [];
  private conflicts = 0;
  private pendingLead: string[] = [];
  private readonly inside: string[][] = [];

  /** Blank lines to put before the next lines written (dropped if the chunk is deleted). */
  lead(lines: string[]): void {
    this.pendingLead = lines;
  }

  ok(lines: string[], decision?: ChunkDecision): void {
    this.pieces([{ ok: lines }]);
    if (decision) this.decisions.push(decision);
  }

  decide(decision: ChunkDecision): void {
    if (decision.taken === 'deleted') this.pendingLead = [];
    this.decisions.push(decision);
  }

  conflict(key: string, ours: string[], base: string[], theirs: string[]): void {
    this.pieces([{ conflict: { ours, base, theirs, where: key } }]);
    this.decisions.push({ key, taken: 'conflict' });
  }

  /** A chunk merged inside: its pieces and decisions. */
  append(merged: DeclarationMerge): void {
    this.pieces(merged.pieces);
    for (const d of merged.decisions) this.decide(d);
    if (!merged.conflicts) this.inside.push(merged.pieces.flatMap((p) => ('ok' in p ? p.ok : [])));
  }

  pieces(pieces: MergedPiece[]): void {
    if (this.pendingLead.length) {
      const lead = this.pendingLead;
      this.pendingLead = [];
      this.pieces([{ ok: lead }]);
    }
    for (const p of pieces) {
      if ('conflict' in p) {
        this.conflicts++;
        this.all.push(p);
        continue;
      }
      const last = this.all[this.all.length - 1];
      if (last && 'ok' in last) last.ok.push(...p.ok);
      else this.all.push({ ok: [...p.ok] });
    }
  }

  result(): DeclarationMerge {
    return { pieces: this.all, conflicts: this.conflicts, decisions: this.decisions, mergedInside: this.inside };
  }
}
