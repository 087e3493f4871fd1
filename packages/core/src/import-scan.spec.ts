import { scanJavaScriptImports, scanPythonImports } from './import-scan';

describe('scanPythonImports', () => {
  it('reads import and from statements, also multi-line and inside blocks', () => {
    const src = [
      'import os, calc.core as cc',
      'from . import sibling',
      'from ..pkg.mod import (',
      '    a,',
      '    b as bee,',
      ')',
      'def f():',
      '    from formatter import fmt; import json',
      'x = 1 \\',
      '  + 2',
    ].join('\n');
    expect(scanPythonImports(src)).toEqual([
      { specifier: 'os', level: 0, names: [], line: 1 },
      { specifier: 'calc.core', level: 0, names: [], line: 1 },
      { specifier: '', level: 1, names: ['sibling'], line: 2 },
      { specifier: 'pkg.mod', level: 2, names: ['a', 'b'], line: 3 },
      { specifier: 'formatter', level: 0, names: ['fmt'], line: 8 },
      { specifier: 'json', level: 0, names: [], line: 8 },
    ]);
  });

  it('ignores imports inside strings, docstrings and comments', () => {
    const src = '"""\nimport fake\n"""\n# import nope\ns = "import nope2"\nt = \'\'\'from x import y\'\'\'\nimport real\n';
    expect(scanPythonImports(src).map((r) => [r.specifier, r.line])).toEqual([['real', 7]]);
  });
});

describe('scanJavaScriptImports', () => {
  it('finds import, export-from, require and dynamic import, skipping comments and strings', () => {
    const src = [
      "import { a } from './calc';",
      "import type { T } from '../types';",
      "export * from './re-export.js';",
      "const fs = require('fs');",
      "// import x from './commented';",
      'const s = "import y from \'./in-string\'";',
      "const lazy = () => import('./lazy');",
    ].join('\n');
    expect(scanJavaScriptImports(src).map((r) => [r.specifier, r.line])).toEqual([
      ['./calc', 1],
      ['../types', 2],
      ['./re-export.js', 3],
      ['fs', 4],
      ['./lazy', 7],
    ]);
  });
});
