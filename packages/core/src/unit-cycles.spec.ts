import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { cutCycles, describeCycle, edgeLine, findUnitCycles } from './unit-cycles';
import { UnitEdge } from './unit-dependencies';

const edge = (source: string, target: string, sourceFile = `${source}.prompt`, via = `${target}.py`): UnitEdge => ({
  source,
  target,
  kind: 'include',
  sourceFile,
  via,
});

describe('dependency cycles between units', () => {
  it('finds none in a diamond, one per group of units that depend on each other', () => {
    expect(findUnitCycles([edge('a', 'b'), edge('a', 'c'), edge('b', 'd'), edge('c', 'd')])).toEqual([]);
    const cycles = findUnitCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('x', 'y'), edge('y', 'x')]);
    expect(cycles.map((c) => c.map((e) => `${e.source}>${e.target}`))).toEqual([
      ['a>b', 'b>c', 'c>a'],
      ['x>y', 'y>x'],
    ]);
  });

  it('names each edge with its file and line', () => {
    const ws = new TempWorkspace().write({
      'prompts/a_python.prompt': 'Intro.\n<include>examples/b_example.py</include>\n',
      'b.py': 'import os\nfrom a import thing\n',
    });
    try {
      const ab: UnitEdge = { source: 'a', target: 'b', kind: 'include', sourceFile: 'prompts/a_python.prompt', via: 'examples/b_example.py' };
      const ba: UnitEdge = { source: 'b', target: 'a', kind: 'import', sourceFile: 'b.py', via: 'a.py' };
      const described = describeCycle([ab, ba].map((e) => ({ ...e, line: edgeLine(ws.root, e) })));
      expect(described).toBe('a -> b (prompts/a_python.prompt:2 includes examples/b_example.py) -> a (b.py:2 imports a.py)');
    } finally {
      ws.dispose();
    }
  });
});

describe('cutting cycles', () => {
  const acyclic = (edges: UnitEdge[]) => findUnitCycles(edges).length === 0;

  it('keeps every edge of an acyclic graph', () => {
    const edges = [edge('a', 'b'), edge('a', 'c'), edge('b', 'd'), edge('c', 'd')];
    expect(cutCycles(edges)).toEqual({ kept: edges, cut: [], orders: [] });
  });

  it('leaves the graph acyclic, cuts only edges inside a cycle, and orders each cycle the same way every time', () => {
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('x', 'y'), edge('y', 'x'), edge('y', 'z')];
    const { kept, cut, orders } = cutCycles(edges);
    expect(acyclic(kept)).toBe(true);
    expect(kept).toEqual(expect.arrayContaining([edge('c', 'd'), edge('y', 'z')]));
    expect(cut.map((e) => `${e.source}>${e.target}`)).toEqual(['a>b', 'x>y']);
    expect(orders).toEqual([
      ['a', 'c', 'b'],
      ['x', 'y'],
    ]);
    expect(
      cutCycles([...edges].reverse())
        .cut.map((e) => `${e.source}>${e.target}`)
        .sort(),
    ).toEqual(['a>b', 'x>y']);
  });

  it('handles a large cycle of units (a 78-unit ring with chords) in one pass', () => {
    const names = Array.from({ length: 78 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const edges = names.flatMap((n, i) => [edge(n, names[(i + 1) % names.length]), edge(n, names[(i + 7) % names.length])]);
    const { kept, cut } = cutCycles(edges);
    expect(acyclic(kept)).toBe(true);
    expect(kept.length + cut.length).toBe(edges.length);
    expect(cut.length).toBeLessThan(edges.length / 2);
  });
});
