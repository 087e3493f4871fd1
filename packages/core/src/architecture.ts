import { DiskView } from './disk-view';
import { PddError } from './errors';
import { joinPosix, normalizePosix } from './workspace-paths';

/** What PDD's `architecture.json` says of one prompt: where its code goes. */
export interface ArchitectureModule {
  /** The prompt file as the entry names it, relative to the prompts dir (`core/cli_python.prompt`). */
  filename: string;
  /** The code file, relative to the PDD root (`pdd/core/cli.py`). */
  filepath: string;
}

export interface ArchitectureIndex {
  file: string;
  byFilename: Map<string, ArchitectureModule>;
  /** How many entries share a leaf name and language (`cli_python` for `cli_python.prompt` and `core/cli_python.prompt`). */
  leafCounts: Map<string, number>;
}

/** `core/cli_python.prompt` -> `cli_python`: the leaf name with its language, lower-case (PDD counts a shared leaf per language). */
function leafOf(filename: string): string {
  return filename
    .slice(filename.lastIndexOf('/') + 1)
    .replace(/\.prompt$/, '')
    .toLowerCase();
}

/**
 * `<pddRoot>/architecture.json`, as PDD reads it before `.pddrc` for code paths
 * (`_get_filepath_from_architecture` in pdd/sync_determine_operation.py): a list of modules with
 * `filename` and `filepath`. Entries without both strings are skipped, as are file paths that
 * are absolute or climb out of the PDD root. Null when there is no such file; a file that is not
 * JSON (or not a list) is an error naming it.
 */
export function readArchitecture(disk: DiskView, pddRoot: string): ArchitectureIndex | null {
  const file = joinPosix(pddRoot, 'architecture.json');
  const bytes = disk.read(file, 32 * 1024 * 1024);
  if (bytes === null) return null;
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new PddError('ARCHITECTURE', `not valid JSON (${(e as Error).message})`, { file });
  }
  const modules = Array.isArray(data) ? data : (data as { modules?: unknown })?.modules;
  if (!Array.isArray(modules)) throw new PddError('ARCHITECTURE', 'expected a list of modules', { file });
  const byFilename = new Map<string, ArchitectureModule>();
  const leafCounts = new Map<string, number>();
  for (const m of modules as Array<Record<string, unknown>>) {
    const filename = typeof m?.filename === 'string' ? normalizePosix(m.filename.replace(/\\/g, '/')) : null;
    if (!filename || !filename.endsWith('.prompt')) continue;
    leafCounts.set(leafOf(filename), (leafCounts.get(leafOf(filename)) ?? 0) + 1);
    const filepath = typeof m.filepath === 'string' ? normalizePosix(m.filepath.replace(/\\/g, '/')) : null;
    // An entry whose filepath is a prompt (PDD's runtime prompts list themselves) says nothing
    // of code: .pddrc decides, as in PDD.
    if (!filepath || filepath.startsWith('/') || filepath.startsWith('..') || /^[A-Za-z]:/.test(filepath) || filepath.endsWith('.prompt')) continue;
    if (!byFilename.has(filename.toLowerCase())) byFilename.set(filename.toLowerCase(), { filename, filepath });
  }
  return { file, byFilename, leafCounts };
}

/** The module of a prompt (`<basename>_<suffix>.prompt`, matched without regard to case), if listed. */
export function architectureModule(index: ArchitectureIndex | null, promptFromPromptsDir: string): (ArchitectureModule & { sharedLeaf: boolean }) | null {
  const m = index?.byFilename.get(promptFromPromptsDir.toLowerCase());
  if (!m) return null;
  return { ...m, sharedLeaf: (index!.leafCounts.get(leafOf(m.filename)) ?? 0) > 1 };
}
