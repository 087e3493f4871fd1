import diffSequences from '@jest/diff-sequences';

/** One place where ours and theirs changed the same lines of base differently. */
export interface LineConflict {
  ours: string[];
  base: string[];
  theirs: string[];
  /** What the lines are: a declaration's key (`function_definition:add`) when known. */
  where?: string;
}

export type MergedPiece = { ok: string[] } | { conflict: LineConflict };

export interface LineMerge {
  pieces: MergedPiece[];
  conflicts: number;
}

export const MARKERS = { ours: '<<<<<<<', base: '|||||||', sep: '=======', theirs: '>>>>>>>' };

/**
 * Three-way merge of lines: a change made by one side only is taken; the same change made by
 * both is taken once; changes of both sides to the same or touching lines of base conflict.
 * Built on two Myers diffs (base->ours, base->theirs; @jest/diff-sequences), like diff3 and git.
 */
export function mergeLines(ours: string[], base: string[], theirs: string[]): LineMerge {
  const a = diffHunks(base, ours).map((h) => ({ ...h, side: 'ours' as const }));
  const b = diffHunks(base, theirs).map((h) => ({ ...h, side: 'theirs' as const }));
  const all = [...a, ...b].sort((x, y) => x.baseStart - y.baseStart || x.baseEnd - y.baseEnd);
  const pieces: MergedPiece[] = [];
  let conflicts = 0;
  const ok = (lines: string[]) => {
    if (!lines.length) return;
    const last = pieces[pieces.length - 1];
    if (last && 'ok' in last) last.ok.push(...lines);
    else pieces.push({ ok: [...lines] });
  };
  // Offsets from base to each side, for the stretches before the current group.
  let oursDelta = 0;
  let theirsDelta = 0;
  let at = 0;
  for (let i = 0; i < all.length;) {
    const lo = all[i].baseStart;
    let hi = all[i].baseEnd;
    let j = i + 1;
    while (j < all.length && all[j].baseStart <= hi) hi = Math.max(hi, all[j++].baseEnd);
    const group = all.slice(i, j);
    i = j;
    ok(base.slice(at, lo));
    const side = (which: 'ours' | 'theirs', lines: string[], delta: number) => {
      const hunks = group.filter((h) => h.side === which);
      const grown = hunks.reduce((n, h) => n + (h.sideEnd - h.sideStart) - (h.baseEnd - h.baseStart), 0);
      return { changed: hunks.length > 0, lines: lines.slice(lo + delta, hi + delta + grown), grown };
    };
    const o = side('ours', ours, oursDelta);
    const t = side('theirs', theirs, theirsDelta);
    oursDelta += o.grown;
    theirsDelta += t.grown;
    if (!t.changed) ok(o.lines);
    else if (!o.changed || same(o.lines, t.lines)) ok(t.lines);
    else {
      conflicts++;
      pieces.push({ conflict: { ours: o.lines, base: base.slice(lo, hi), theirs: t.lines } });
    }
    at = hi;
  }
  ok(base.slice(at));
  return { pieces, conflicts };
}

interface Hunk {
  baseStart: number;
  baseEnd: number;
  sideStart: number;
  sideEnd: number;
}

const same = (x: string[], y: string[]) => x.length === y.length && x.every((l, i) => l === y[i]);

/** How many lines `after` added and removed against `before` (Myers' diff). */
export function lineChanges(before: string[], after: string[]): { added: number; removed: number } {
  return diffHunks(before, after).reduce((n, h) => ({ added: n.added + h.sideEnd - h.sideStart, removed: n.removed + h.baseEnd - h.baseStart }), {
    added: 0,
    removed: 0,
  });
}

/** The changed ranges from base to side (Myers' diff over interned lines, common ends trimmed first). */
function diffHunks(base: string[], side: string[]): Hunk[] {
  let head = 0;
  while (head < base.length && head < side.length && base[head] === side[head]) head++;
  let tail = 0;
  while (tail < base.length - head && tail < side.length - head && base[base.length - 1 - tail] === side[side.length - 1 - tail]) tail++;
  const ids = new Map<string, number>();
  const intern = (lines: string[]) =>
    Int32Array.from(lines.slice(head, lines.length - tail), (l) => {
      let id = ids.get(l);
      if (id === undefined) ids.set(l, (id = ids.size));
      return id;
    });
  const x = intern(base);
  const y = intern(side);
  const hunks: Hunk[] = [];
  let bi = 0;
  let si = 0;
  const gap = (bEnd: number, sEnd: number) => {
    if (bEnd > bi || sEnd > si) hunks.push({ baseStart: bi + head, baseEnd: bEnd + head, sideStart: si + head, sideEnd: sEnd + head });
  };
  diffSequences(
    x.length,
    y.length,
    (i, j) => x[i] === y[j],
    (n, i, j) => {
      gap(i, j);
      bi = i + n;
      si = j + n;
    },
  );
  gap(x.length, y.length);
  return hunks;
}

/** A conflict as placed in the proposal: 1-based line of its first marker. */
export interface PlacedConflict extends LineConflict {
  line: number;
}

/** The merged lines; a conflict written with diff3-style markers naming both sides. */
export function renderMerge(pieces: MergedPiece[], labels: { ours: string; theirs: string }): { lines: string[]; conflicts: PlacedConflict[] } {
  const lines: string[] = [];
  const conflicts: PlacedConflict[] = [];
  for (const p of pieces) {
    if ('ok' in p) {
      lines.push(...p.ok);
      continue;
    }
    conflicts.push({ ...p.conflict, line: lines.length + 1 });
    lines.push(
      `${MARKERS.ours} ours (${labels.ours})`,
      ...p.conflict.ours,
      `${MARKERS.base} base (last generation)`,
      ...p.conflict.base,
      MARKERS.sep,
      ...p.conflict.theirs,
      `${MARKERS.theirs} theirs (${labels.theirs})`,
    );
  }
  return { lines, conflicts };
}

/** The pieces with their conflicts labelled. */
export function labelConflicts(pieces: MergedPiece[], where: string): MergedPiece[] {
  return pieces.map((p) => ('conflict' in p ? { conflict: { ...p.conflict, where: p.conflict.where ?? where } } : p));
}

/** Lines of a text that are conflict markers left in it (1-based). */
export function markerLines(lines: string[]): number[] {
  const re = /^(<{7}|\|{7}|={7}|>{7})( |$)/;
  return lines.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
}
