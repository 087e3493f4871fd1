/** A text as lines, with what is needed to write it back as it was. */
export interface Lines {
  lines: string[];
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

/** Split a text into lines; its line ending is CRLF when most of its line breaks are. */
export function toLines(text: string): Lines {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length;
  const eol = crlf > 0 && crlf * 2 >= lf ? '\r\n' : '\n';
  const normalized = text.replace(/\r\n/g, '\n');
  const finalNewline = normalized.endsWith('\n');
  const body = finalNewline ? normalized.slice(0, -1) : normalized;
  return { lines: body === '' && !finalNewline ? [] : body.split('\n'), eol, finalNewline };
}

/** Lines back to text with the given line ending. */
export function fromLines(lines: string[], eol: Lines['eol'] = '\n', finalNewline = true): string {
  if (!lines.length) return '';
  return lines.join(eol) + (finalNewline ? eol : '');
}

/** The text with LF line endings. */
export function normalizeEol(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
