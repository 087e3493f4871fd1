import { readFileSync, rmSync, utimesSync } from 'node:fs';
import { E2EWorkspace } from './support/e2e-workspace';

/*
 * Five-plus units in two languages in one flat prompts/ folder:
 *   calc (py)   <- stats (py, includes calc's example; code imports calc)
 *   stats (py)  <- report (py, includes stats' example; code does `from stats import`)
 *   format (ts) <- cli (ts, includes format's example; code imports ./format)
 *   calc (py)   <- api (ts, <pdd-dependency>calc_python.prompt</pdd-dependency>)
 *   report (py) <- main (py, no include: only its code imports report)
 * calc and report share context/python_style.md.
 */
const FILES: Record<string, string> = {
  'context/python_style.md': 'Use type hints.\n',
  'context/ts_style.md': 'Use strict TypeScript.\n',
  'prompts/calc_python.prompt': 'Write calc: add and mul.\n<include>context/python_style.md</include>\n',
  'prompts/stats_python.prompt': 'Write stats (mean) using calc:\n<include>examples/calc_example.py</include>\n',
  'prompts/report_python.prompt': 'Write report.\n<include-many>examples/stats_example.py, context/python_style.md</include-many>\n',
  'prompts/format_typescript.prompt': 'Write format.\n```<context/ts_style.md>```\n',
  'prompts/cli_typescript.prompt': 'Write cli.\n<include>examples/format_example.ts</include>\nNot an include: `<include>nope.md</include>`\n',
  'prompts/api_typescript.prompt': 'Write api.\n<pdd-dependency>calc_python.prompt</pdd-dependency>\n<pdd>owner: team api</pdd>\n',
  'prompts/main_python.prompt': 'Write main: print a report.\n',
  'main.py': 'from report import render\n\nrender()\n',
  'examples/calc_example.py': 'from calc import add\nprint(add(1, 2))\n',
  'examples/stats_example.py': 'from stats import mean\nprint(mean([1, 2]))\n',
  'examples/format_example.ts': "import { fmt } from '../format';\nconsole.log(fmt(1));\n",
  'calc.py': 'def add(a, b):\n    return a + b\n',
  'stats.py': 'import calc\n\ndef mean(xs):\n    return calc.add(0, sum(xs)) / len(xs)\n',
  'report.py': 'from stats import mean\n',
  'format.ts': 'export const fmt = (n: number) => `${n}`;\n',
  'cli.ts': "import { fmt } from './format';\nconsole.log(fmt(2));\n",
};

describe('prompt units as an Nx project graph (real nx)', () => {
  let ws: E2EWorkspace;
  beforeAll(() => (ws = new E2EWorkspace(FILES)));
  /**
   * Without a daemon Nx keeps a file's hash while its mtime (to the second) is unchanged
   * (docs/usage.md, known limits). An edit undone by git checkout within the same second
   * would keep the edit's hash; an old mtime on the edit keeps the two apart.
   */
  const editWithOldMtime = (file: string, content: string) => {
    ws.write({ [file]: content });
    utimesSync(ws.path(file), new Date('2001-01-01'), new Date('2001-01-01'));
  };
  afterAll(() => ws?.dispose());
  /** The edges of `nx graph`, computed now. */
  const graphEdges = () => {
    ws.nxOk('graph', '--file=graph.json');
    const graph = JSON.parse(readFileSync(ws.path('graph.json'), 'utf8')).graph;
    return Object.values(graph.dependencies as Record<string, Array<{ source: string; target: string; type: string }>>).flat();
  };

  it('nx show projects lists one project per unit', () => {
    expect(ws.nxJson<string[]>('show', 'projects', '--json').sort()).toEqual(['api', 'calc', 'cli', 'format', 'main', 'report', 'stats']);
  });

  it('nx show project shows targets with explicit inputs and outputs', () => {
    const p = ws.nxJson<any>('show', 'project', 'report', '--json');
    expect(p.root).toBe('prompts/report_python');
    expect(p.tags).toEqual(['pdd', 'lang:python']);
    expect(p.namedInputs['pdd-prompt']).toEqual([
      '{workspaceRoot}/prompts/report_python.prompt',
      '{workspaceRoot}/context/python_style.md',
      '{workspaceRoot}/examples/stats_example.py',
    ]);
    expect(p.targets.preprocess).toMatchObject({
      executor: 'nx-pdd:preprocess',
      cache: true,
      inputs: ['pdd-prompt'],
      outputs: ['{workspaceRoot}/.pdd/preprocessed/report_python.prompt'],
      metadata: { technologies: ['pdd'] },
    });
    expect(p.metadata.pdd).toMatchObject({ code: 'report.py', example: 'examples/report_example.py', test: 'tests/test_report.py' });
  });

  it('nx graph has the include, declared and import edges', () => {
    const edges = graphEdges().map((d) => `${d.source}->${d.target}:${d.type}`);
    expect([...new Set(edges)].sort()).toEqual([
      'api->calc:implicit',
      'cli->format:implicit',
      'main->report:implicit',
      'report->stats:implicit',
      'stats->calc:implicit',
    ]);
  });

  it('runs the preprocess target and serves the second run from the Nx cache', () => {
    const first = ws.nxOk('run-many', '-t', 'preprocess');
    expect(first).toContain('Successfully ran target preprocess for 7 projects');
    expect(readFileSync(ws.path('.pdd/preprocessed/report_python.prompt'), 'utf8')).toBe(
      'Write report.\nfrom stats import mean\nprint(mean([1, 2]))\n\n\nUse type hints.\n\n',
    );
    expect(readFileSync(ws.path('.pdd/preprocessed/cli_typescript.prompt'), 'utf8')).toContain('Not an include: `<include>nope.md</include>`');
    const second = ws.nxOk('run-many', '-t', 'preprocess');
    expect(second).toMatch(/Nx read the output from the cache instead of running the command for 7 out of 7 tasks/);
  });

  it('nx show projects --affected follows an edited include to its units and their dependents', () => {
    // calc's example is calc's own working file (an input of calc:example, rule edits-kept), so a
    // hand edit of it affects calc and its dependents too, and the units that include it.
    editWithOldMtime('examples/calc_example.py', 'from calc import add, mul\n');
    try {
      expect(ws.nxJson<string[]>('show', 'projects', '--affected', '--base=HEAD', '--json').sort()).toEqual(['api', 'calc', 'main', 'report', 'stats']);
    } finally {
      ws.git('checkout', '--', '.');
    }
    editWithOldMtime('examples/format_example.ts', "import { fmt } from '../format';\nconsole.log(fmt(3));\n");
    try {
      expect(ws.nxJson<string[]>('show', 'projects', '--affected', '--base=HEAD', '--json').sort()).toEqual(['cli', 'format']);
    } finally {
      ws.git('checkout', '--', '.');
    }
    editWithOldMtime('context/python_style.md', 'Use type hints and docstrings.\n');
    expect(ws.nxJson<string[]>('show', 'projects', '--affected', '--base=HEAD', '--json').sort()).toEqual(['api', 'calc', 'main', 'report', 'stats']);
    ws.git('checkout', '--', '.');
    expect(ws.nxJson<string[]>('show', 'projects', '--affected', '--base=HEAD', '--json')).toEqual([]);
  });

  it('keeps the edges right when units are renamed and the prompts that make the edges are not edited', () => {
    const edges = () =>
      graphEdges()
        .map((d) => `${d.source}->${d.target}`)
        .sort();
    edges(); // Nx's file map cache now holds the edges of the names before
    // A second language renames calc (a target of edges) and stats (a source and a target).
    ws.write({ 'prompts/calc_typescript.prompt': 'Write calc in TypeScript.\n', 'prompts/stats_typescript.prompt': 'Write stats in TypeScript.\n' });
    try {
      expect(edges()).toEqual(['api->calc-python', 'cli->format', 'main->report', 'report->stats-python', 'stats-python->calc-python']);
    } finally {
      for (const f of ['prompts/calc_typescript.prompt', 'prompts/stats_typescript.prompt']) rmSync(ws.path(f));
    }
    expect(edges()).toEqual(['api->calc', 'cli->format', 'main->report', 'report->stats', 'stats->calc']);
  });

  it('an edited include is a cache miss for the units that read it, a hit for the rest', () => {
    ws.write({ 'context/ts_style.md': 'Use strict TypeScript. No any.\n' });
    const out = ws.nxOk('run-many', '-t', 'preprocess');
    expect(out).toMatch(/for 6 out of 7 tasks/);
    expect(readFileSync(ws.path('.pdd/preprocessed/format_typescript.prompt'), 'utf8')).toContain('No any.');
    ws.git('checkout', '--', '.');
  });
});
