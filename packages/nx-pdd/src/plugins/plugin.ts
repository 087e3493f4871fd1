import { join } from 'node:path';
// Types only: @nx/devkit's values load ~180 modules Nx itself has not loaded, about 70 ms of every
// in-process nx command (tools/bench/README.md, "Loading the plugin"); public-api.spec checks.
import type {
  CreateDependencies,
  CreateDependenciesContext,
  CreateNodesResultV2,
  CreateNodesV2,
  DependencyType,
  ProjectConfiguration,
  RawProjectGraphDependency,
} from '@nx/devkit';
import { existsSync } from 'node:fs';
import {
  computeUnitEdges,
  mostDirectEdges,
  readContainedText,
  cutCycles,
  describeCycle,
  edgeLine,
  ImportLanguage,
  importLanguageOf,
  ImportRef,
  ModuleResolver,
  scanImports,
  TsPathAliases,
  UnitEdge,
  UnitGraphNode,
} from '@nx-pdd/core/graph';
import { JsonCache } from '../utils/json-cache';
import { CutEdge, writeUnitCycles } from './unit-cycles-file';
import { PLUGIN_VERSION } from '../utils/plugin-version';
import { nxLogger, workspaceDataDirectory } from '../utils/nx-internals';
import { normalizeOptions, NxPddPluginOptions } from './options';
import { assignProjectNames } from './project-names';
import { hashOf, inferUnits } from './unit-inference';
import { buildUnitProject, templatesDigest, UnitProjectMetadata } from './unit-project';
import { reuseOrBuildProjects } from './projects-cache';
import { loadedCodeHash } from '../utils/loaded-code';

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  nxLogger().warn(message);
}

/** DependencyType's values, without loading the enum's module. */
const IMPLICIT = 'implicit' as DependencyType.implicit;
const STATIC = 'static' as DependencyType.static;

/** One Nx project per PDD prompt unit (`prompts/**\/<basename>_<language>.prompt`). */
export const createNodesV2: CreateNodesV2<NxPddPluginOptions> = [
  '**/*.prompt',
  async (promptFiles, rawOptions, context): Promise<CreateNodesResultV2> => {
    const options = normalizeOptions(rawOptions);
    const inference = inferUnits(promptFiles, options, context.workspaceRoot);
    inference.warnings.forEach((w) => warnOnce(`nx-pdd: ${w}`));
    inference.skipped.filter((s) => s.suspicious).forEach((s) => warnOnce(`nx-pdd: ${s.file} is not a prompt unit: ${s.reason}`));
    for (const { summary } of inference.units) summary.errors.forEach((e) => warnOnce(`nx-pdd: ${e}`));
    const names = assignProjectNames(
      inference.units.map(({ unit }) => ({ promptFile: unit.promptFile, basename: unit.basename, languageId: unit.language.id, pddRoot: unit.pddRoot })),
      options.projectNamePrefix,
    );
    const projects = reuseOrBuildProjects(
      join(workspaceDataDirectory(context.workspaceRoot), `nx-pdd-projects-${hashOf(rawOptions ?? {})}.json`),
      hashOf([PROJECTS_FORMAT, PLUGIN_VERSION, loadedCodeHash(), options, templatesDigest(options)]),
      inference.units.map(({ unit, summary, key }) => {
        const name = names.get(unit.promptFile)!;
        return { key: `${key}:${name}`, build: () => buildUnitProject(unit, summary, name, options) };
      }),
    );
    return inference.units.map(({ unit }, i) => [unit.promptFile, { projects: projectsAt(projects[i].root, projects[i]) }] as const);
  },
];

/** Bumped when what a unit's line in the projects file means changes (the plugin's code is part of the key too). */
const PROJECTS_FORMAT = 1;

/**
 * `{ [root]: project }` built without a hidden-class transition of its own. V8 gives every
 * object that starts as `{}` the same tree of hidden classes, Nx's file records among them.
 * Thousands of such literals, each with a different first key, fill that tree; the file records
 * Nx makes afterwards then each get a hidden class of their own, and Nx's linear search of them
 * for each static edge's source file goes megamorphic: in-process at 5,000 units,
 * createDependencies took 6.4 s instead of 0.3 s (tools/bench/README.md, "The 5,000-unit case").
 * A null-prototype object is a dictionary from the start and adds no transition. Nx reads the
 * result with `for…in`, and an isolated plugin worker serializes it.
 */
function projectsAt(root: string, project: ProjectConfiguration): Record<string, ProjectConfiguration> {
  const projects: Record<string, ProjectConfiguration> = Object.create(null);
  projects[root] = project;
  return projects;
}

/** Nx 21 reads `createNodesV2`; Nx 22+ reads `createNodes` with the same signature. */
export const createNodes = createNodesV2;

interface ScannedImports {
  language: ImportLanguage;
  imports: ImportRef[];
}

/**
 * Edges between units: prompt includes of another unit's prompt/code/example,
 * `<pdd-dependency>` declarations, and code imports. One edge per pair of units: an implicit
 * dependency, or with the plugin option `staticEdges: true` a static one whose source file is
 * the prompt or the code file that makes it (see the option for what Nx's cache does to those).
 */
export const createDependencies: CreateDependencies<NxPddPluginOptions> = async (rawOptions, context) => {
  const nodes: UnitGraphNode[] = [];
  for (const [project, config] of Object.entries(context.projects)) {
    const pdd = (config.metadata as { pdd?: UnitProjectMetadata } | undefined)?.pdd;
    if (!pdd) continue;
    nodes.push({
      project,
      promptFile: pdd.prompt,
      language: pdd.language,
      codeFile: pdd.code,
      exampleFile: pdd.example,
      filesRead: pdd.includes,
      includeCandidates: pdd.watch ?? [],
      declaredDependencies: pdd.declaredDependencies ?? [],
    });
  }
  if (!nodes.length) return [];
  const fileHashes = new Map<string, string>();
  for (const files of Object.values(context.fileMap.projectFileMap)) for (const f of files) fileHashes.set(f.file, f.hash);
  for (const f of context.fileMap.nonProjectFiles) fileHashes.set(f.file, f.hash);

  const { kept, cut } = unitEdges(nodes, fileHashes, context.workspaceRoot);
  writeUnitCycles(context.workspaceRoot, cut);
  if (!normalizeOptions(rawOptions).staticEdges) {
    return kept.map((e) => ({ source: e.source, target: e.target, type: IMPLICIT }));
  }
  const nonProjectFiles = new Set(context.fileMap.nonProjectFiles.map((f) => f.file));
  return kept.map((e) => toNxDependency(e.source, e.target, e.sourceFile, nonProjectFiles, context));
};

interface UnitEdges {
  kept: Array<Pick<UnitEdge, 'source' | 'target' | 'sourceFile'>>;
  cut: CutEdge[];
}

/** Bumped when what unitEdges computes changes (the plugin's version is part of the key too). */
const EDGES_FORMAT = 1;

/**
 * The edges between units, and those cut to break cycles, reused while all they are computed
 * from is the same: the units' metadata (paths, files read, declared dependencies) and the Nx
 * hash of each unit's prompt and code file (imports, and the lines a cut edge names) and of
 * the tsconfig whose `paths` resolve bare imports. A tsconfig Nx does not track (ignored) is
 * read each time, so the edges are then computed each time.
 */
function unitEdges(nodes: UnitGraphNode[], fileHashes: Map<string, string>, workspaceRoot: string): UnitEdges {
  const tsconfigs = TSCONFIGS.map((name) => fileHashes.get(name) ?? (existsSync(join(workspaceRoot, name)) ? null : 'none'));
  const cache = tsconfigs.includes(null) ? null : new JsonCache<UnitEdges>(join(workspaceDataDirectory(workspaceRoot), 'nx-pdd-edges.json'));
  const key = hashOf([
    EDGES_FORMAT,
    PLUGIN_VERSION,
    nodes,
    nodes.map((n) => [fileHashes.get(n.promptFile) ?? null, fileHashes.get(n.codeFile) ?? null]),
    tsconfigs,
  ]);
  let edges = cache?.get(key);
  if (!edges) {
    const imports = scanCodeImports(nodes, fileHashes, workspaceRoot);
    // tsconfig `paths` matter only for bare JS/TS specifiers (`@acme/ui`), not relative ones.
    const bareJsImports = [...imports.values()].some((s) => s.language === 'javascript' && s.imports.some((i) => !i.specifier.startsWith('.')));
    const resolver = new ModuleResolver(
      nodes.map((n) => n.codeFile),
      bareJsImports ? readTsPathAliases(workspaceRoot) : undefined,
    );
    // Nx needs one edge per pair of units (the most direct reason). A cycle would make Nx refuse
    // every `^sync` task graph: the units of each cycle get a fixed order and the edges against
    // it are left out (recorded, with file and line, for the sync and its summary to report).
    const { kept, cut } = cutCycles(mostDirectEdges(computeUnitEdges(nodes, imports, resolver)));
    edges = {
      kept: kept.map((e) => ({ source: e.source, target: e.target, sourceFile: e.sourceFile })),
      cut: cut.map((e) => ({ source: e.source, target: e.target, description: describeCycle([{ ...e, line: edgeLine(workspaceRoot, e) }]) })),
    };
    cache?.set(key, edges);
  }
  cache?.save();
  return edges;
}

/** Scan each existing code file's imports, reusing scans of files whose Nx hash is unchanged. */
function scanCodeImports(nodes: UnitGraphNode[], fileHashes: Map<string, string>, workspaceRoot: string): Map<string, ScannedImports> {
  const cache = new JsonCache<ScannedImports>(join(workspaceDataDirectory(workspaceRoot), 'nx-pdd-imports.json'));
  const out = new Map<string, ScannedImports>();
  for (const n of nodes) {
    const language = importLanguageOf(n.language);
    const hash = fileHashes.get(n.codeFile);
    if (!language || !hash) continue;
    const key = `${language}:${hash}`;
    let scanned = cache.get(key);
    if (!scanned) {
      try {
        const code = readContainedText(workspaceRoot, n.codeFile);
        if (code === null) continue;
        scanned = { language, imports: scanImports(language, code) };
        cache.set(key, scanned);
      } catch {
        continue;
      }
    }
    out.set(n.codeFile, scanned);
  }
  cache.save();
  return out;
}

/** Where bare JS/TS imports are resolved from, first found first. */
const TSCONFIGS = ['tsconfig.base.json', 'tsconfig.json'];

/** `compilerOptions.paths` of tsconfig.base.json (else tsconfig.json) at the workspace root. */
function readTsPathAliases(workspaceRoot: string): TsPathAliases | undefined {
  for (const name of TSCONFIGS) {
    const file = join(workspaceRoot, name);
    if (!existsSync(file)) continue;
    let config: { compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } };
    try {
      // Tolerates comments and trailing commas, as tsconfig does. Read only when edges are computed anew.
      config = (require('@nx/devkit') as typeof import('@nx/devkit')).readJsonFile(file);
    } catch {
      return undefined;
    }
    const co = config.compilerOptions ?? {};
    if (!co.paths) return undefined;
    return { baseDir: (co.baseUrl ?? '.').replace(/^\.\/?/, '').replace(/\/$/, ''), paths: co.paths };
  }
  return undefined;
}

/**
 * A static dependency needs a source file Nx knows for the source project: a file no project
 * owns (the usual case for prompts and code beside a virtual project root) or one of its own.
 * When another project owns the file, the edge is kept as implicit.
 */
function toNxDependency(
  source: string,
  target: string,
  sourceFile: string,
  nonProjectFiles: Set<string>,
  context: CreateDependenciesContext,
): RawProjectGraphDependency {
  const known = nonProjectFiles.has(sourceFile) || (context.fileMap.projectFileMap[source] ?? []).some((f) => f.file === sourceFile);
  return known ? { source, target, type: STATIC, sourceFile } : { source, target, type: IMPLICIT };
}
