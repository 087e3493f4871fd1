import { basename, extname } from 'node:path';
import { UnitEdge } from './unit-dependencies';
import { readContainedText } from './contained-read';

/** One edge of a cycle, with where it comes from (file and 1-based line, when found). */
export interface CycleEdge extends UnitEdge {
  line: number | null;
}

/** The groups of units that depend on each other (strongly connected components, Tarjan), each sorted, in a stable order. */
function stronglyConnectedGroups(edges: UnitEdge[]): string[][] {
  const out = new Map<string, UnitEdge[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e]);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const e of out.get(v) ?? []) {
      if (!idx.has(e.target)) {
        visit(e.target);
        low.set(v, Math.min(low.get(v)!, low.get(e.target)!));
      } else if (onStack.has(e.target)) low.set(v, Math.min(low.get(v)!, idx.get(e.target)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c.sort());
    }
  };
  for (const v of [...new Set(edges.flatMap((e) => [e.source, e.target]))].sort()) if (!idx.has(v)) visit(v);
  return components;
}

/**
 * The dependency cycles between units: one cycle (as its edges, in order) per group of units
 * that depend on each other (a strongly connected component), found from its smallest unit.
 */
export function findUnitCycles(edges: UnitEdge[]): UnitEdge[][] {
  const out = new Map<string, UnitEdge[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e]);
  const components = stronglyConnectedGroups(edges);
  // A concrete cycle in each component: breadth-first from its smallest unit back to itself.
  return components.map((members) => {
    const inside = new Set(members);
    const start = members[0];
    const via = new Map<string, UnitEdge>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const e of (out.get(v) ?? []).filter((x) => inside.has(x.target)).sort((a, b) => a.target.localeCompare(b.target))) {
        if (e.target === start) {
          const path = [e];
          for (let at = v; at !== start; at = via.get(at)!.source) path.unshift(via.get(at)!);
          return path;
        }
        if (!via.has(e.target)) {
          via.set(e.target, e);
          queue.push(e.target);
        }
      }
    }
    return [];
  });
}

/** The edges kept in the graph and the edges left out so that no cycle remains. */
export interface CycleCut {
  kept: UnitEdge[];
  cut: UnitEdge[];
  /** Per group of units that depend on each other: the order they sync in (first syncs first). */
  orders: string[][];
}

/**
 * Make the unit graph acyclic with few edges left out, deterministically. Inside each group
 * of units that depend on each other (a strongly connected component) the units get a fixed
 * order, greedily: the unit with the fewest dependencies still unplaced inside the group goes
 * first (ties by name); an edge `a -> b` (a depends on b) is kept when b comes before a, and
 * cut otherwise. Edges between groups are all kept. No unit is refused: the group syncs in
 * that order, and the cut edges are reported (with file and line) instead of enforced.
 */
export function cutCycles(edges: UnitEdge[]): CycleCut {
  const groups = stronglyConnectedGroups(edges);
  const rank = new Map<string, number>();
  const orders: string[][] = [];
  for (const members of groups) {
    const remaining = new Set(members);
    const order: string[] = [];
    while (remaining.size) {
      const pending = (u: string) => edges.filter((e) => e.source === u && remaining.has(e.target) && e.target !== u).length;
      const next = [...remaining].sort((a, b) => pending(a) - pending(b) || a.localeCompare(b))[0];
      order.push(next);
      remaining.delete(next);
    }
    order.forEach((u, i) => rank.set(u, i));
    orders.push(order);
  }
  const kept: UnitEdge[] = [];
  const cut: UnitEdge[] = [];
  const group = new Map<string, number>();
  groups.forEach((members, i) => members.forEach((m) => group.set(m, i)));
  for (const e of edges) {
    const sameGroup = group.has(e.source) && group.get(e.source) === group.get(e.target);
    if (sameGroup && rank.get(e.target)! >= rank.get(e.source)!) cut.push(e);
    else kept.push(e);
  }
  return { kept, cut, orders };
}

/** The 1-based line of `edge.sourceFile` that names what the edge goes to (the include or the import); null if not found. */
export function edgeLine(workspaceRoot: string, edge: UnitEdge): number | null {
  let text: string;
  try {
    const read = readContainedText(workspaceRoot, edge.sourceFile);
    if (read === null) return null;
    text = read;
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const module = basename(edge.via, extname(edge.via));
  for (const needle of [edge.via, basename(edge.via)]) {
    const i = lines.findIndex((l) => l.includes(needle));
    if (i >= 0) return i + 1;
  }
  const i = lines.findIndex((l) => new RegExp(`\\b${module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(l) && /\b(import|from|require|include)\b/.test(l));
  return i >= 0 ? i + 1 : null;
}

/** "a -> b (prompts/a_python.prompt:3 includes examples/b_example.py) -> a (...)". */
export function describeCycle(cycle: CycleEdge[]): string {
  const verb = { include: 'includes', declared: 'declares the dependency', import: 'imports' } as const;
  return [cycle[0]?.source, ...cycle.map((e) => `${e.target} (${e.sourceFile}${e.line ? `:${e.line}` : ''} ${verb[e.kind]} ${e.via})`)].join(' -> ');
}
