import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { describeCycle, edgeLine, findUnitCycles } from './unit-cycles';
import { UnitEdge } from './unit-dependencies';

const edge = (source: string, target: string, sourceFile = `${source}.prompt`, via = `${target}.py`): UnitEdge => ({ source, target, kind: 'include', sourceFile, via });

describe('dependency cycles between units', () => {
  it('finds none in a diamond, one per group of units that depend on each other', () => {
    expect(findUnitCycles([edge('a', 'b'), edge('a', 'c'), edge('b', 'd'), edge('c', 'd')])).toEqual([]);
    const cycles = findUnitCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('x', 'y'), edge('y', 'x')]);
    expect(cycles.map((c) => c.map((e) => `${e.source}>${e.target}`))).toEqual([['a>b', 'b>c', 'c>a'], ['x>y', 'y>x']]);
  });

  it('names each edge with its file and line', () => {
    const ws = new TempWorkspace().write({ 'prompts/a_python.prompt': 'Intro.\n<include>examples/b_example.py</include>\n', 'b.py': 'import os\nfrom a import thing\n' });
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
