import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { UnitEdge } from '@nx-pdd/core';
import { workspaceDataDirectory } from '../utils/nx-internals';

/** The cycles createDependencies found (their edges are not in the graph), for the executors to report. */
export interface UnitCycle {
  projects: string[];
  description: string;
}

const file = (workspaceRoot: string) => join(workspaceDataDirectory(workspaceRoot), 'nx-pdd-cycles.json');

export function writeUnitCycles(workspaceRoot: string, descriptions: string[], cycles: UnitEdge[][]): void {
  const path = file(workspaceRoot);
  if (!cycles.length) {
    if (existsSync(path)) rmSync(path, { force: true });
    return;
  }
  const text = JSON.stringify(cycles.map((c, i): UnitCycle => ({ projects: c.map((e) => e.source), description: descriptions[i] })), null, 2);
  try {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch {
    // a read-only workspace: the sync will then meet Nx's own cycle error
  }
}

/** The cycle a project is in, if createDependencies found one. */
export function unitCycleOf(workspaceRoot: string, project: string): UnitCycle | null {
  try {
    const cycles = JSON.parse(readFileSync(file(workspaceRoot), 'utf8')) as UnitCycle[];
    return cycles.find((c) => c.projects.includes(project)) ?? null;
  } catch {
    return null;
  }
}
