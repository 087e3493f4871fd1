import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@nx-pdd/core/graph';
import { workspaceDataDirectory } from '../utils/nx-internals';

/** An edge createDependencies left out of the graph because it closed a cycle. */
export interface CutEdge {
  source: string;
  target: string;
  /** "a -> b (prompts/a_python.prompt:3 includes examples/b_example.py)". */
  description: string;
}

const file = (workspaceRoot: string) => join(workspaceDataDirectory(workspaceRoot), 'nx-pdd-cut-edges.json');

/** Record the cut edges (or remove the record when there are none) for the executors and the summary. */
export function writeUnitCycles(workspaceRoot: string, cut: CutEdge[]): void {
  const path = file(workspaceRoot);
  if (!cut.length) {
    if (existsSync(path)) rmSync(path, { force: true });
    return;
  }
  const text = JSON.stringify(cut, null, 2);
  try {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
    // Whole or not at all: an executor or the summary may read it while another graph computation writes it.
    writeFileAtomic(path, text);
  } catch {
    // a read-only workspace: the cut edges are then not reported
  }
}

/** Every cut edge, or those touching `project`. */
export function readCutEdges(workspaceRoot: string, project?: string): CutEdge[] {
  try {
    const all = JSON.parse(readFileSync(file(workspaceRoot), 'utf8')) as CutEdge[];
    return project === undefined ? all : all.filter((e) => e.source === project || e.target === project);
  } catch {
    return [];
  }
}
