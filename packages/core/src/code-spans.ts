/** A half-open character range [start, end) of a text. */
export interface Range {
  start: number;
  end: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The ranges of a Markdown-ish text that are code, where prompt tags are literal text:
 * fenced blocks (``` or ~~~, up to a closing fence of the same kind and at least the same
 * length, or to the end) and inline code spans (a run of N backticks closed by a run of
 * exactly N backticks on the same line). A line such as three backticks + `<path>` + three
 * backticks is PDD's backtick include, not a fence: a backtick fence's info string may not
 * contain backticks.
 */
export function codeRanges(text: string): Range[] {
  const ranges: Range[] = [];
  let offset = 0;
  let fence: { char: string; length: number; start: number } | null = null;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    const lineEnd = offset + line.length;
    offset = lineEnd + 1;
    if (fence) {
      const m = FENCE_OPEN.exec(line);
      if (m && m[1][0] === fence.char && m[1].length >= fence.length && m[2].trim() === '') {
        ranges.push({ start: fence.start, end: lineEnd });
        fence = null;
      }
      continue;
    }
    const m = FENCE_OPEN.exec(line);
    if (m && !(m[1][0] === '`' && m[2].includes('`'))) {
      fence = { char: m[1][0], length: m[1].length, start: lineStart };
      continue;
    }
    inlineSpans(line, lineStart, ranges);
  }
  if (fence) ranges.push({ start: fence.start, end: text.length });
  return ranges.sort((a, b) => a.start - b.start);
}

function inlineSpans(line: string, base: number, out: Range[]): void {
  // PDD's backtick include line is an include, not a code span.
  if (/^\s*```<[^>]+>```\s*$/.test(line)) return;
  const runs = [...line.matchAll(/`+/g)].map((m) => ({ index: m.index!, length: m[0].length }));
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    const closeAt = runs.findIndex((r, j) => j > i && r.length === open.length);
    if (closeAt < 0) continue;
    const close = runs[closeAt];
    out.push({ start: base + open.index, end: base + close.index + close.length });
    i = closeAt;
  }
}

/** Whether `offset` falls inside one of the sorted `ranges`. */
export function isInside(ranges: Range[], offset: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (offset < ranges[mid].start) hi = mid - 1;
    else if (offset >= ranges[mid].end) lo = mid + 1;
    else return true;
  }
  return false;
}
