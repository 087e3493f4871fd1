import { scanJavaScriptImports, scanPythonImports } from './import-scan';
import { ModuleResolver } from './module-resolution';
import { computeUnitEdges, UnitGraphNode } from './unit-dependencies';

const node = (project: string, lang: string, code: string, extra: Partial<UnitGraphNode> = {}): UnitGraphNode => ({
  project,
  promptFile: `prompts/${project}_${lang}.prompt`,
  language: lang,
  codeFile: code,
  exampleFile: `examples/${project}_example${code.slice(code.lastIndexOf('.'))}`,
  filesRead: [`prompts/${project}_${lang}.prompt`],
  declaredDependencies: [],
  ...extra,
});

describe('ModuleResolver', () => {
  const files = ['calc.py', 'pkg/__init__.py', 'pkg/fmt.py', 'other/fmt.py', 'src/app.ts', 'src/lib/math.ts', 'src/lib/index.ts', 'libs/ui/src/index.tsx'];
  const r = new ModuleResolver(files, { baseDir: '', paths: { '@acme/ui': ['libs/ui/src/index.tsx'], '@acme/lib/*': ['src/lib/*'] } });
  const py = (importer: string, src: string) => scanPythonImports(src).flatMap((ref) => r.resolve(importer, ref, 'python'));
  const js = (importer: string, spec: string) => r.resolve(importer, { specifier: spec, level: 0, names: [], line: 1 }, 'javascript');

  it('resolves Python absolute, dotted, from-submodule and relative imports', () => {
    expect(py('main.py', 'import calc')).toEqual(['calc.py']);
    expect(py('main.py', 'import pkg.fmt')).toEqual(['pkg/fmt.py']);
    expect(py('main.py', 'from pkg import fmt')).toEqual(['pkg/fmt.py', 'pkg/__init__.py']);
    expect(py('pkg/x.py', 'from .fmt import f')).toEqual(['pkg/fmt.py']);
    expect(py('pkg/x.py', 'from . import fmt')).toEqual(['pkg/fmt.py']);
    expect(py('main.py', 'import numpy')).toEqual([]);
  });

  it("prefers the module in the importer's folder when a name is ambiguous", () => {
    expect(py('other/main.py', 'import fmt')).toEqual(['other/fmt.py']);
    expect(py('pkg/main.py', 'import fmt')).toEqual(['pkg/fmt.py']);
  });

  it('resolves JS/TS relative paths with extensions, index files and .js-for-.ts', () => {
    expect(js('src/app.ts', './lib/math')).toEqual(['src/lib/math.ts']);
    expect(js('src/app.ts', './lib/math.js')).toEqual(['src/lib/math.ts']);
    expect(js('src/app.ts', './lib')).toEqual(['src/lib/index.ts']);
    expect(js('src/app.ts', '../../outside')).toEqual([]);
    expect(js('src/app.ts', 'react')).toEqual([]);
  });

  it('resolves tsconfig path aliases', () => {
    expect(js('src/app.ts', '@acme/ui')).toEqual(['libs/ui/src/index.tsx']);
    expect(js('src/app.ts', '@acme/lib/math')).toEqual(['src/lib/math.ts']);
  });
});

describe('computeUnitEdges', () => {
  it("an include of another unit's example not written yet is an edge already", () => {
    const calc = node('calc', 'python', 'calc.py');
    const report = node('report', 'python', 'report.py', { includeCandidates: ['examples/calc_example.py', 'prompts/examples/calc_example.py'] });
    const edges = computeUnitEdges([calc, report], new Map(), new ModuleResolver(['calc.py', 'report.py']));
    expect(edges).toEqual([{ source: 'report', target: 'calc', kind: 'include', sourceFile: 'prompts/report_python.prompt', via: 'examples/calc_example.py' }]);
  });

  it('links include, declared and import dependencies, without self edges', () => {
    const nodes = [
      node('app', 'python', 'app.py', {
        filesRead: ['prompts/app_python.prompt', 'examples/calc_example.py', 'examples/app_example.py', 'context/notes.md'],
        declaredDependencies: ['fmt_typescript.prompt'],
      }),
      node('calc', 'python', 'calc.py'),
      node('fmt', 'typescript', 'src/fmt.ts'),
      node('ui', 'typescript', 'src/ui.ts'),
    ];
    const imports = new Map([
      ['app.py', { language: 'python' as const, imports: scanPythonImports('import calc\nimport os') }],
      ['src/ui.ts', { language: 'javascript' as const, imports: scanJavaScriptImports("import { f } from './fmt';") }],
    ]);
    const edges = computeUnitEdges(nodes, imports, new ModuleResolver(nodes.map((n) => n.codeFile)));
    expect(edges).toEqual([
      { source: 'app', target: 'calc', kind: 'import', sourceFile: 'app.py', via: 'calc.py' },
      { source: 'app', target: 'calc', kind: 'include', sourceFile: 'prompts/app_python.prompt', via: 'examples/calc_example.py' },
      { source: 'app', target: 'fmt', kind: 'declared', sourceFile: 'prompts/app_python.prompt', via: 'fmt_typescript.prompt' },
      { source: 'ui', target: 'fmt', kind: 'import', sourceFile: 'src/ui.ts', via: 'src/fmt.ts' },
    ]);
  });
});
