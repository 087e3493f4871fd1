import { ImportLanguage, ImportRef } from './import-scan';
import { ModuleResolver } from './module-resolution';

/** What the dependency analysis needs to know of one unit (its Nx project). */
export interface UnitGraphNode {
  project: string;
  promptFile: string;
  language: string;
  codeFile: string;
  exampleFile: string | null;
  /** Every file the unit's preprocessing read (the prompt itself may be among them). */
  filesRead: string[];
  /**
   * Paths the prompt's includes would read once they exist (an include of a file not written
   * yet, such as another unit's example before its first sync).
   */
  includeCandidates?: string[];
  /** `<pdd-dependency>` values: prompt file names such as `calc_python.prompt`. */
  declaredDependencies: string[];
}

export type UnitEdgeKind = 'include' | 'declared' | 'import';

export interface UnitEdge {
  source: string;
  target: string;
  kind: UnitEdgeKind;
  /** The source unit's file the edge comes from: its prompt (include, declared) or its code (import). */
  sourceFile: string;
  /** The file of the target unit that was included or imported, or the declared prompt name. */
  via: string;
}

/**
 * Edges A -> B (A depends on B) between units:
 * - include:  A's prompt reads (directly or nested) B's prompt, code or example, or would read
 *             it once it exists: the edge comes from B's paths, not from B's files on disk;
 * - declared: A's prompt has `<pdd-dependency>` naming B's prompt file;
 * - import:   A's code imports B's code (`importsByCodeFile` holds the scanned imports).
 * Self edges are dropped; each (source, target, kind) appears once, sorted for stable output.
 */
export function computeUnitEdges(
  nodes: UnitGraphNode[],
  importsByCodeFile: Map<string, { language: ImportLanguage; imports: ImportRef[] }>,
  resolver: ModuleResolver,
): UnitEdge[] {
  const owners = new Map<string, string>();
  const byCode = new Map<string, string>();
  for (const n of [...nodes].sort((a, b) => a.project.localeCompare(b.project))) {
    for (const f of [n.promptFile, n.codeFile, n.exampleFile]) if (f && !owners.has(f)) owners.set(f, n.project);
    if (!byCode.has(n.codeFile)) byCode.set(n.codeFile, n.project);
  }
  const edges = new Map<string, UnitEdge>();
  const add = (edge: UnitEdge) => {
    if (edge.source === edge.target) return;
    const key = `${edge.source}\0${edge.target}\0${edge.kind}`;
    if (!edges.has(key)) edges.set(key, edge);
  };
  for (const n of nodes) {
    for (const file of [...n.filesRead, ...(n.includeCandidates ?? [])]) {
      const owner = owners.get(file);
      if (owner) add({ source: n.project, target: owner, kind: 'include', sourceFile: n.promptFile, via: file });
    }
    for (const declared of n.declaredDependencies) {
      const target = findPromptOwner(nodes, declared, n.promptFile);
      if (target) add({ source: n.project, target, kind: 'declared', sourceFile: n.promptFile, via: declared });
    }
    const scanned = importsByCodeFile.get(n.codeFile);
    if (!scanned) continue;
    for (const ref of scanned.imports) {
      for (const file of resolver.resolve(n.codeFile, ref, scanned.language)) {
        const target = byCode.get(file);
        if (target) add({ source: n.project, target, kind: 'import', sourceFile: n.codeFile, via: file });
      }
    }
  }
  return [...edges.values()].sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target) || a.kind.localeCompare(b.kind));
}

/** The unit whose prompt file is `declared` (a path or a bare file name); nearest to `from` wins. */
function findPromptOwner(nodes: UnitGraphNode[], declared: string, from: string): string | undefined {
  const name = declared.replace(/^\.?\//, '');
  const matches = nodes.filter((n) => n.promptFile === name || n.promptFile.endsWith('/' + name));
  if (matches.length <= 1) return matches[0]?.project;
  const dir = from.slice(0, from.lastIndexOf('/') + 1);
  return (matches.find((n) => n.promptFile.startsWith(dir)) ?? matches.sort((a, b) => a.promptFile.length - b.promptFile.length)[0]).project;
}

const EDGE_PRIORITY: Record<UnitEdgeKind, number> = { include: 0, declared: 1, import: 2 };

/** One edge per pair of units, as Nx takes them: the most direct reason (include, then declared, then import). */
export function mostDirectEdges(edges: UnitEdge[]): UnitEdge[] {
  const pairs = new Map<string, UnitEdge>();
  for (const e of edges) {
    const key = `${e.source}\0${e.target}`;
    const kept = pairs.get(key);
    if (!kept || EDGE_PRIORITY[e.kind] < EDGE_PRIORITY[kept.kind]) pairs.set(key, e);
  }
  return [...pairs.values()];
}
