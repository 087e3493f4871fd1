import { lineLocator } from './text-lines';

/** One import found in a source file. */
export interface ImportRef {
  /** Python: dotted module without leading dots; JS/TS: the specifier as written. */
  specifier: string;
  /** Python relative-import level (number of leading dots); 0 for absolute and for JS/TS. */
  level: number;
  /** Python `from m import a, b`: the imported names (each may be a submodule). */
  names: string[];
  line: number;
}

export type ImportLanguage = 'python' | 'javascript';

/** Which scanner reads a language id, or undefined when nx-pdd does not scan its imports. */
export function importLanguageOf(languageId: string): ImportLanguage | undefined {
  if (languageId === 'python') return 'python';
  if (['typescript', 'typescriptreact', 'javascript', 'javascriptreact'].includes(languageId)) return 'javascript';
  return undefined;
}

export function scanImports(language: ImportLanguage, source: string): ImportRef[] {
  return language === 'python' ? scanPythonImports(source) : scanJavaScriptImports(source);
}

/**
 * Python `import a.b as c, d` and `from ..pkg import (x, y)` statements anywhere in a file
 * (also inside functions and try blocks). Strings and comments are blanked first, so an
 * "import" inside a docstring is not an import.
 */
export function scanPythonImports(source: string): ImportRef[] {
  const code = blankPythonStringsAndComments(source);
  const refs: ImportRef[] = [];
  for (const { text, line } of pythonLogicalLines(code)) {
    for (const statement of text.split(';')) {
      const s = statement.trim();
      let m = /^import\s+(.+)$/s.exec(s);
      if (m) {
        for (const part of m[1].split(',')) {
          const mod = part
            .trim()
            .split(/\s+as\s+/)[0]
            .trim();
          if (/^[\w.]+$/.test(mod)) refs.push({ specifier: mod, level: 0, names: [], line });
        }
        continue;
      }
      m = /^from\s+(\.*)([\w.]*)\s+import\s+(.+)$/s.exec(s);
      if (m) {
        const names = m[3]
          .replace(/[()]/g, ' ')
          .split(',')
          .map((n) =>
            n
              .trim()
              .split(/\s+as\s+/)[0]
              .trim(),
          )
          .filter((n) => /^\w+$/.test(n));
        refs.push({ specifier: m[2], level: m[1].length, names, line });
      }
    }
  }
  return refs;
}

/** Replace string literal contents and comments by spaces, keeping every newline and offset. */
function blankPythonStringsAndComments(src: string): string {
  const out = src.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '#') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < src.length) {
        if (src[j] === '\\') {
          j += 2;
          continue;
        }
        if (src.startsWith(quote, j)) break;
        if (!triple && src[j] === '\n') break;
        j++;
      }
      const end = Math.min(src.length, j + quote.length);
      blank(i, end);
      // Keep a placeholder so `x = ""` does not glue tokens together.
      out[i] = '_';
      i = end;
      continue;
    }
    i++;
  }
  return out.join('');
}

/** Join physical lines into logical ones (open brackets, trailing backslash), with the first line number. */
function pythonLogicalLines(code: string): Array<{ text: string; line: number }> {
  const lines = code.split('\n');
  const out: Array<{ text: string; line: number }> = [];
  let buffer = '';
  let start = 1;
  let depth = 0;
  lines.forEach((raw, idx) => {
    if (!buffer) start = idx + 1;
    let line = raw;
    const continued = /\\\s*$/.test(line);
    if (continued) line = line.replace(/\\\s*$/, ' ');
    for (const ch of line) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    }
    buffer += (buffer ? ' ' : '') + line;
    if (!continued && depth === 0) {
      if (buffer.trim()) out.push({ text: buffer, line: start });
      buffer = '';
    }
  });
  if (buffer.trim()) out.push({ text: buffer, line: start });
  return out;
}

type TypeScriptModule = typeof import('typescript');
let ts: TypeScriptModule | undefined;

/** TypeScript's compiler, loaded on first use only (it takes a few hundred ms to load). */
export function loadTypeScript(): TypeScriptModule {
  ts ??= require('typescript') as TypeScriptModule;
  return ts;
}

/**
 * JS/TS `import … from`, `export … from`, `import x = require()`, `require()` and `import()`
 * specifiers, as the TypeScript compiler's own pre-processor finds them (comments, strings and
 * template literals handled by the real scanner).
 */
export function scanJavaScriptImports(source: string): ImportRef[] {
  const info = loadTypeScript().preProcessFile(source, true, true);
  const lineAt = lineLocator(source);
  return info.importedFiles.map((f) => ({ specifier: f.fileName, level: 0, names: [], line: lineAt(f.pos) }));
}
