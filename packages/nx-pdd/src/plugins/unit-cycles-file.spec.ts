import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { workspaceDataDirectory } from '../utils/nx-internals';
import { readCutEdges, writeUnitCycles } from './unit-cycles-file';

describe('the cut-edges file', () => {
  let ws: TempWorkspace;
  // The record lives in the workspace's own .nx/workspace-data, not one an environment points elsewhere.
  const moved = ['NX_WORKSPACE_DATA_DIRECTORY', 'NX_PROJECT_GRAPH_CACHE_DIRECTORY'] as const;
  const saved = moved.map((name) => process.env[name]);
  beforeEach(() => {
    for (const name of moved) delete process.env[name];
    ws = new TempWorkspace();
  });
  afterEach(() => {
    moved.forEach((name, i) => (saved[i] === undefined ? delete process.env[name] : (process.env[name] = saved[i])));
    ws.dispose();
  });

  const ab = { source: 'a', target: 'b', description: 'a -> b (prompts/a_python.prompt:2 declares the dependency b_python.prompt)' };
  const cd = { source: 'c', target: 'd', description: 'c -> d (c.py:1 imports d.py)' };

  it('keeps the cut edges for the executors and the summary, and leaves no temporary file beside them', () => {
    writeUnitCycles(ws.root, [ab, cd]);
    expect(readCutEdges(ws.root)).toEqual([ab, cd]);
    expect(readCutEdges(ws.root, 'd')).toEqual([cd]);
    expect(readdirSync(workspaceDataDirectory(ws.root))).toEqual(['nx-pdd-cut-edges.json']);
  });

  it('replaces the record when the cut edges change, and removes it when none is left', () => {
    writeUnitCycles(ws.root, [ab]);
    writeUnitCycles(ws.root, [cd]);
    expect(readCutEdges(ws.root)).toEqual([cd]);
    writeUnitCycles(ws.root, []);
    expect(readCutEdges(ws.root)).toEqual([]);
    expect(readdirSync(workspaceDataDirectory(ws.root))).toEqual([]);
  });

  it('reads no edges from a missing or broken record', () => {
    expect(readCutEdges(ws.root)).toEqual([]);
    mkdirSync(workspaceDataDirectory(ws.root), { recursive: true });
    writeFileSync(join(workspaceDataDirectory(ws.root), 'nx-pdd-cut-edges.json'), '[{"source": "a", "tar');
    expect(readCutEdges(ws.root)).toEqual([]);
  });
});
