/** A half-open character range [start, end) of a text. */
export interface Range {
  start: number;
  end: number;
}

/**
 * PDD's backtick include tokens: three backticks, `<`, a path, `>`, three backticks, all on
 * one line (`_legacy_include_spans` in pdd/sync_core/includes.py).
 */
function legacyIncludeSpans(text: string): Range[] {
  const spans: Range[] = [];
  let cursor = 0;
  for (;;) {
    const start = text.indexOf('```<', cursor);
    if (start < 0) return spans;
    const pathStart = start + 4;
    const pathEnd = text.indexOf('>```', pathStart);
    if (pathEnd < 0) return spans;
    if (text.slice(pathStart, pathEnd).includes('\n')) {
      cursor = pathStart;
      continue;
    }
    spans.push({ start, end: pathEnd + 4 });
    cursor = pathEnd + 4;
  }
}

/** True when `segment` holds a line that is empty or all whitespace. */
function containsBlankLine(segment: string): boolean {
  return /\n[ \t\r]*\n/.test(segment);
}

/**
 * The ranges of a prompt that are Markdown code, where prompt tags are literal text. The
 * same rules as PDD's `markdown_literal_spans` (pdd/sync_core/includes.py), which both its
 * expansion and its dependency discovery use:
 * - a fence is a line indented at most 3 spaces opening with 3+ backticks or tildes; it runs
 *   to a line of at least as many of the same character (indented at most 3, nothing after),
 *   or to the end of the text. A line that is a complete backtick include is no fence.
 * - an inline code span is a backtick run closed by the next run of exactly the same length;
 *   it may cross lines but not a blank line, and a run touching a `~` does not cross lines.
 *   Complete backtick include tokens are stepped over whole.
 */
export function codeRanges(text: string): Range[] {
  const hidden = new Uint8Array(text.length);
  const legacy = legacyIncludeSpans(text);
  const legacyStarts = new Set(legacy.map((s) => s.start));
  const legacyEndAt = (index: number): number | undefined => legacy.find((s) => s.start <= index && index < s.end)?.end;
  const hide = (start: number, end: number) => hidden.fill(1, start, end);

  let cursor = 0;
  let lineStart = 0;
  while (cursor < text.length) {
    let lineEnd = text.indexOf('\n', cursor);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const indent = line.length - line.replace(/^ +/, '').length;
    if (indent <= 3 && indent < line.length && (line[indent] === '`' || line[indent] === '~')) {
      const delimiter = line[indent];
      let runEnd = indent;
      while (runEnd < line.length && line[runEnd] === delimiter) runEnd++;
      const runLength = runEnd - indent;
      if (runLength >= 3 && !legacyStarts.has(lineStart + indent)) {
        let closeCursor = lineEnd + (lineEnd < text.length ? 1 : 0);
        let closed = false;
        while (closeCursor < text.length) {
          let closeEnd = text.indexOf('\n', closeCursor);
          if (closeEnd < 0) closeEnd = text.length;
          const closeLine = text.slice(closeCursor, closeEnd);
          const closeIndent = closeLine.length - closeLine.replace(/^ +/, '').length;
          let closeRunEnd = closeIndent;
          while (closeRunEnd < closeLine.length && closeLine[closeRunEnd] === delimiter) closeRunEnd++;
          if (closeIndent <= 3 && closeRunEnd - closeIndent >= runLength && closeLine.slice(closeRunEnd).trim() === '') {
            hide(lineStart, closeEnd);
            cursor = closeEnd + (closeEnd < text.length ? 1 : 0);
            lineStart = cursor;
            closed = true;
            break;
          }
          closeCursor = closeEnd + (closeEnd < text.length ? 1 : 0);
        }
        if (!closed) {
          hide(lineStart, text.length);
          break;
        }
        continue;
      }
    }
    cursor = lineEnd + (lineEnd < text.length ? 1 : 0);
    lineStart = cursor;
  }

  cursor = 0;
  while (cursor < text.length) {
    const skip = legacyEndAt(cursor);
    if (skip !== undefined) {
      cursor = skip;
      continue;
    }
    if (hidden[cursor] || text[cursor] !== '`') {
      cursor++;
      continue;
    }
    let runEnd = cursor;
    while (runEnd < text.length && text[runEnd] === '`' && !hidden[runEnd]) runEnd++;
    const length = runEnd - cursor;
    let scan = runEnd;
    let close = -1;
    let closeEnd = -1;
    while (scan < text.length) {
      const probe = text.indexOf('`', scan);
      if (probe < 0) break;
      const probeSkip = legacyEndAt(probe);
      if (probeSkip !== undefined) {
        scan = probeSkip;
        continue;
      }
      let probeEnd = probe;
      while (probeEnd < text.length && text[probeEnd] === '`') probeEnd++;
      if (probeEnd - probe === length) {
        close = probe;
        closeEnd = probeEnd;
        break;
      }
      scan = probeEnd;
    }
    if (close < 0 || containsBlankLine(text.slice(runEnd, close))) {
      cursor = runEnd;
      continue;
    }
    const touchesTilde = (cursor > 0 && text[cursor - 1] === '~') || (runEnd < text.length && text[runEnd] === '~');
    if (touchesTilde && text.slice(runEnd, close).includes('\n')) {
      cursor = runEnd;
      continue;
    }
    hide(cursor, closeEnd);
    cursor = closeEnd;
  }

  const ranges: Range[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (hidden[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      ranges.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) ranges.push({ start, end: text.length });
  return ranges;
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
