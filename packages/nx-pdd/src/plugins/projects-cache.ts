import { readFileSync } from 'node:fs';
import type { ProjectConfiguration } from '@nx/devkit';
import { writeFileAtomic } from '@nx-pdd/core/graph';

/** A unit whose project configuration may come from the last run. */
export interface ProjectSource {
  /** Everything its configuration is built from (see createNodes): equal keys, equal configurations. */
  key: string;
  build(): ProjectConfiguration;
}

/**
 * The project configurations of the last `createNodes`, reused by each unit's key
 * (docs/units-and-graph.md, "Reusing inference"). The file is a header line
 * (`{"key":…,"units":[unit keys]}`) and then a JSON array with one configuration per line, in
 * the units' order. When every key is the one on its line, the array is parsed as it is: one
 * `JSON.parse` of the whole array, which gives Nx objects it handles faster than built ones
 * (tools/bench/README.md, "Reusing the configurations"). A unit whose key changed is built and
 * its line replaced; the other lines are reused as text. A file that is missing, of another key
 * or not of this layout is ignored and written again; a write that fails costs time only.
 */
export function reuseOrBuildProjects(file: string, fileKey: string, units: readonly ProjectSource[]): ProjectConfiguration[] {
  const keys = units.map((u) => u.key);
  const last = readProjectsFile(file, fileKey);
  if (last && last.keys.length === keys.length && last.keys.every((k, i) => k === keys[i])) {
    const parsed = parseBody(last.body, keys.length);
    if (parsed) return parsed;
  }
  const lines = last ? linesByKey(last) : new Map<string, string>();
  const texts: string[] = [];
  const built = new Map<number, ProjectConfiguration>();
  units.forEach((u, i) => {
    let text = lines.get(u.key);
    if (text === undefined) {
      const project = u.build();
      built.set(i, project);
      text = JSON.stringify(project);
    }
    texts.push(text);
  });
  // Nothing reused: the objects just built are the answer. Otherwise one parse of the whole
  // array, so that reused and rebuilt units are alike; a reused line that does not parse (the
  // file was changed by hand) makes everything built again.
  let body = arrayOf(texts);
  let projects = built.size === units.length ? units.map((_, i) => built.get(i)!) : parseBody(body, keys.length);
  if (!projects) {
    projects = units.map((u) => u.build());
    body = arrayOf(projects.map((p) => JSON.stringify(p)));
  }
  writeProjectsFile(file, `${JSON.stringify({ key: fileKey, units: keys })}\n${body}`);
  return projects;
}

/** The file's body: a JSON array with one element per line. */
const arrayOf = (texts: string[]) => `[\n${texts.join(',\n')}\n]\n`;

interface ProjectsFile {
  keys: string[];
  /** The JSON array after the header line. */
  body: string;
}

function readProjectsFile(file: string, fileKey: string): ProjectsFile | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const end = text.indexOf('\n');
  if (end < 0) return null;
  try {
    const header = JSON.parse(text.slice(0, end)) as { key?: unknown; units?: unknown };
    if (header.key !== fileKey || !Array.isArray(header.units) || !header.units.every((k) => typeof k === 'string')) return null;
    return { keys: header.units as string[], body: text.slice(end + 1) };
  } catch {
    return null;
  }
}

function parseBody(body: string, count: number): ProjectConfiguration[] | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    return Array.isArray(parsed) && parsed.length === count && parsed.every((p) => p !== null && typeof p === 'object') ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The last run's line of each unit key. JSON.stringify never writes a line break inside a
 * value, so the array's elements are its lines between `[` and `]`, each but the last with a
 * trailing comma. A body not of that shape gives no lines.
 */
function linesByKey(last: ProjectsFile): Map<string, string> {
  const lines = last.body.split('\n');
  const byKey = new Map<string, string>();
  const n = last.keys.length;
  if (lines[0] !== '[' || lines[n + 1] !== ']') return byKey;
  for (let i = 0; i < n; i++) {
    const line = lines[i + 1];
    const text = i < n - 1 ? (line.endsWith(',') ? line.slice(0, -1) : null) : line;
    if (text && text.startsWith('{') && text.endsWith('}')) byKey.set(last.keys[i], text);
  }
  return byKey;
}

function writeProjectsFile(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch {
    // A cache that cannot be written costs time, never correctness.
  }
}
