/** A protected region: lines between `<pdd-keep>` and `</pdd-keep>` comment markers, markers included. */
export interface KeepRegion {
  name: string | null;
  /** 0-based line of the opening marker. */
  start: number;
  /** 0-based line of the closing marker. */
  end: number;
  lines: string[];
}

const COMMENT = String.raw`^\s*(?:#|//|--|;|/\*|<!--|\*)\s*`;
const OPEN = new RegExp(`${COMMENT}<pdd-keep(?:\\s+name\\s*=\\s*"([^"]*)")?\\s*>`);
const CLOSE = new RegExp(`${COMMENT}</pdd-keep\\s*>`);

/** The protected regions of a file, in order; an opening marker with no closing one is reported, not a region. */
export function findKeepRegions(lines: string[]): { regions: KeepRegion[]; unclosed: number[] } {
  const regions: KeepRegion[] = [];
  const unclosed: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !CLOSE.test(lines[j]) && !OPEN.test(lines[j])) j++;
    if (j >= lines.length || !CLOSE.test(lines[j])) {
      unclosed.push(i + 1);
      continue;
    }
    regions.push({ name: open[1] ?? null, start: i, end: j, lines: lines.slice(i, j + 1) });
    i = j;
  }
  return { regions, unclosed };
}

/**
 * Put every protected region of ours into theirs verbatim: over theirs' region of the same
 * name (unnamed ones: the same position among the unnamed), else after the line that precedes
 * it in ours, else at the end. Returns theirs' new lines and one note per region placed anew.
 */
export function carryKeepRegions(ours: string[], theirs: string[]): { lines: string[]; notes: string[] } {
  const mine = findKeepRegions(ours).regions;
  if (!mine.length) return { lines: theirs, notes: [] };
  let result = [...theirs];
  const notes: string[] = [];
  const unnamedIndex = (regions: KeepRegion[], r: KeepRegion) => regions.filter((x) => x.name === null).indexOf(r);
  mine.forEach((region) => {
    const present = findKeepRegions(result).regions;
    const idx = unnamedIndex(mine, region);
    const match = region.name !== null ? present.find((p) => p.name === region.name) : present.filter((p) => p.name === null)[idx];
    if (match) {
      result = [...result.slice(0, match.start), ...region.lines, ...result.slice(match.end + 1)];
      return;
    }
    const before = ours
      .slice(0, region.start)
      .reverse()
      .find((l) => l.trim() !== '' && !CLOSE.test(l));
    const at = before === undefined ? 0 : anchorIndex(result, before) + 1;
    if (before !== undefined && at === 0) {
      let end = result.length;
      while (end > 0 && result[end - 1].trim() === '') end--;
      result = [...result.slice(0, end), ...region.lines, ...result.slice(end)];
      notes.push(`pdd-keep region${region.name ? ` "${region.name}"` : ''} (line ${region.start + 1}) had no place in the new generation: put at the end`);
      return;
    }
    result = [...result.slice(0, at), ...region.lines, ...result.slice(at)];
  });
  return { lines: result, notes };
}

const words = (line: string) => new Set(line.match(/\w+/g) ?? []);

/** Where `line` is in `lines`: the same line, else the most similar one with the same indentation (half its words shared); -1 if none. */
function anchorIndex(lines: string[], line: string): number {
  const exact = lines.findIndex((l) => l.trimEnd() === line.trimEnd());
  if (exact >= 0) return exact;
  const indent = /^\s*/.exec(line)![0];
  const mine = words(line);
  let best = -1;
  let bestScore = 0.5;
  lines.forEach((l, i) => {
    if (/^\s*/.exec(l)![0] !== indent) return;
    const theirs = words(l);
    const shared = [...mine].filter((w) => theirs.has(w)).length;
    const score = shared / Math.max(1, new Set([...mine, ...theirs]).size);
    if (score >= bestScore) [best, bestScore] = [i, score + 1e-9];
  });
  return best;
}
