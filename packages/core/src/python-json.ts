import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * JSON as Python's `json.dump(value, f, indent=2)` writes it (what PDD writes), so a file that
 * PDD wrote, read and written back unchanged, is byte-identical: numbers keep their exact text
 * (`90.0` stays `90.0`), non-ASCII is escaped as `\uXXXX`, no trailing newline.
 */
export function parsePythonJson(text: string): unknown {
  return parse(text);
}

export function stringifyPythonJson(value: unknown): string {
  const text = stringify(value, undefined, 2) ?? 'null';
  // Outside strings JSON is pure ASCII, so every character to escape is inside a string.
  return text.replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A float as Python's `repr` writes it: `1.0`, `0.0123`, `1e-05`, `1e+16`. */
export function pythonFloat(x: number): LosslessNumber {
  if (!Number.isFinite(x)) throw new Error(`${x} has no JSON form`);
  const [mantissa, exp] = x.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 16) return new LosslessNumber(`${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`);
  const fixed = String(x);
  return new LosslessNumber(/[.e]/.test(fixed) ? fixed : `${fixed}.0`);
}

/** A JSON number read by `parsePythonJson` (or a plain number) as a JS number; anything else: null. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (isLosslessNumber(value)) return Number(value.value);
  return null;
}
