import { metaFilePath } from './pdd-layout';
import { DiskView, diskView } from './disk-view';
import { architectureModule, ArchitectureIndex, readArchitecture } from './architecture';
import { PddError } from './errors';
import { LanguageSpec, LanguageTable, defaultLanguages } from './languages';
import { declaredPromptsDirs, Pddrc, readPddrc, selectContext, trimSlashes } from './pddrc';
import { parsePromptFileName } from './prompt-file-name';
import { computeUnitPaths, splitBasename, UnitPaths } from './unit-paths';
import { resolveUnitSettings, settingsFromEnv, SettingsOverrides, UnitSettings } from './unit-settings';
import { dirnamePosix, joinPosix } from './workspace-paths';

/** One prompt file and everything derived from it: PDD's "unit" (basename + language). */
export interface PromptUnit {
  /** `<basename>_<language>`: `commands/fix_python`. */
  id: string;
  basename: string;
  /** Last basename segment: `fix`. */
  name: string;
  /** `commands/` or ''. */
  dirPrefix: string;
  language: LanguageSpec;
  /** Workspace-relative posix path of the prompt, as Nx lists it (its real path). */
  promptFile: string;
  /**
   * The path PDD knows the prompt by: the same as `promptFile` unless the prompts dir is a
   * symlink (`prompts -> pdd/prompts`: `prompts/x_python.prompt`). Includes resolve
   * against its folder, as PDD resolves them against the prompt's (unresolved) folder.
   */
  logicalPromptFile: string;
  /** Folder of the governing `.pddrc` ('' = workspace root, also when there is none). */
  pddRoot: string;
  /** The `.pddrc` file that governs this unit, if any. */
  pddrcFile: string | null;
  /** Workspace-relative prompts dir the unit was found in. */
  promptsDir: string;
  /** The `.pddrc` context that applied, if any. */
  context: string | null;
  settings: UnitSettings;
  paths: UnitPaths;
  /** PDD's fingerprint file: `.pdd/meta/<basename with / as _>_<language>.json`. */
  metaFile: string;
}

export interface SkippedPrompt {
  file: string;
  reason: string;
  /** True for files a user probably meant as units (under a prompts dir, badly named). */
  suspicious: boolean;
}

export interface ResolveUnitsOptions {
  workspaceRoot: string;
  /** Plugin-level settings (they beat `.pddrc` and the environment). */
  pluginSettings?: SettingsOverrides;
  env?: NodeJS.ProcessEnv;
  languages?: LanguageTable;
  /** Where resolving looks at the disk (the disk itself by default; a `RecordingDiskView` to record it). */
  disk?: DiskView;
}

export interface ResolvedUnits {
  units: PromptUnit[];
  skipped: SkippedPrompt[];
  /** Warnings from `.pddrc` files (unknown keys). */
  warnings: string[];
  /** Every `.pddrc` that was consulted, workspace-relative. */
  pddrcFiles: string[];
}

/**
 * Turn prompt files (workspace-relative) into units. Each file belongs to the PDD root of its
 * nearest `.pddrc` upward (else the workspace root) and must lie under one of that root's
 * prompts dirs. A malformed `.pddrc` throws a PddError naming it.
 */
export function resolveUnits(promptFiles: string[], options: ResolveUnitsOptions): ResolvedUnits {
  const { workspaceRoot } = options;
  const languages = options.languages ?? defaultLanguages;
  const env = options.env ?? {};
  const disk = options.disk ?? diskView(workspaceRoot);
  const pddrcs = new PddrcLocator(disk);
  const defaultPromptsDir = options.pluginSettings?.promptsDir ?? settingsFromEnv(env).promptsDir ?? 'prompts';
  const legacy = new Map<string, boolean>();
  const architectures = new Map<string, ArchitectureIndex | null>();
  const architectureWarnings: string[] = [];
  const units: PromptUnit[] = [];
  const skipped: SkippedPrompt[] = [];

  for (const file of [...promptFiles].sort()) {
    const { root, pddrc, broken } = pddrcs.governing(file);
    if (broken) {
      // A broken .pddrc is an error of the units it governs, not of the whole workspace.
      skipped.push({ file, reason: `its .pddrc cannot be read: ${broken.message}`, suspicious: true });
      continue;
    }
    const dirs = declaredPromptsDirs(pddrc, defaultPromptsDir);
    // PDD walks its prompts dir through symlinks (`prompts -> pdd/prompts`); Nx lists the
    // files by their real path. A file under a prompts dir's real folder is read as if it
    // were under the prompts dir itself: that is the path PDD names it by.
    const fromRoot = pddrcs.logicalPath(root, dirs, root ? file.slice(root.length + 1) : file);
    // PDD's basename keeps the folders below the outermost prompts dir
    // (`prompts/commands/checkup_python.prompt` is `commands/checkup` even where a context
    // declares `prompts_dir: prompts/commands`), so the shortest matching dir names the unit.
    const promptsDir = dirs.filter((dir) => fromRoot.startsWith(dir + '/') || dir === '').sort((a, b) => a.length - b.length)[0];
    if (promptsDir === undefined) {
      skipped.push({ file, reason: `not under a prompts dir (${dirs.join(', ')})`, suspicious: false });
      continue;
    }
    const fromPromptsDir = promptsDir ? fromRoot.slice(promptsDir.length + 1) : fromRoot;
    const verdict = parsePromptFileName(fromPromptsDir, languages);
    if (verdict.kind === 'template' || verdict.kind === 'not-a-prompt') continue;
    if (verdict.kind === 'no-language') {
      skipped.push({ file, reason: verdict.reason, suspicious: true });
      continue;
    }
    const { basename, language } = verdict.parsed;
    const context = selectContext(pddrc, fromRoot, fromPromptsDir);
    const settings = resolveUnitSettings({ pluginOptions: options.pluginSettings, context, env });
    if (!legacy.has(root)) legacy.set(root, usesLegacyContextExamples(disk, root));
    const parts = splitBasename(basename);
    let paths: UnitPaths;
    try {
      if (!architectures.has(root)) {
        try {
          architectures.set(root, readArchitecture(disk, root));
        } catch (e) {
          // A broken architecture.json is ignored (paths come from .pddrc), said once.
          architectureWarnings.push(`${(e as Error).message}: ignored, paths come from .pddrc`);
          architectures.set(root, null);
        }
      }
      const architecture = architectureModule(architectures.get(root)!, fromPromptsDir);
      // Below the context's own prompts dir (`prompts/frontend` for `frontend/components/x`):
      // what a complete output folder (`pdd/frontend/`) keeps of the basename's folders.
      // (Only where the context declares a prompts_dir, as promptdriven/pdd's own contexts do.)
      const contextDir = context?.defaults.prompts_dir ? trimSlashes(context.defaults.prompts_dir) : null;
      const belowContext = contextDir && fromRoot.startsWith(contextDir + '/') ? fromRoot.slice(contextDir.length + 1) : '';
      const placement = { ...parts, placementPrefix: belowContext.includes('/') ? belowContext.slice(0, belowContext.lastIndexOf('/') + 1) : '' };
      paths = computeUnitPaths(root, placement, language, settings, legacy.get(root), architecture, (p) => disk.exists(p));
    } catch (e) {
      // A bad output path is an error of this unit alone (and names the setting and its value).
      if (!(e instanceof PddError)) throw e;
      skipped.push({ file, reason: `${e.message}${context ? ` (context "${context.name}" of ${pddrc?.file})` : ''}`, suspicious: true });
      continue;
    }
    units.push({
      id: `${basename}_${language.id}`,
      basename,
      name: parts.name,
      dirPrefix: parts.dirPrefix,
      language,
      promptFile: file,
      logicalPromptFile: joinPosix(root, fromRoot),
      pddRoot: root,
      pddrcFile: pddrc?.file ?? null,
      promptsDir: joinPosix(root, promptsDir),
      context: context?.name ?? null,
      settings,
      paths,
      // PDD names the fingerprint by the suffix as written, lower-cased (`_tsx` -> `x_tsx.json`).
      metaFile: metaFilePath(root, basename, verdict.parsed.languageToken),
    });
  }
  return { units, skipped, warnings: [...pddrcs.warnings(), ...architectureWarnings], pddrcFiles: pddrcs.files() };
}

/** PDD's legacy layout: no `examples/`, and `context/**\/*_example.*` exists. */
function usesLegacyContextExamples(disk: DiskView, pddRoot: string): boolean {
  if (disk.exists(joinPosix(pddRoot, 'examples'))) return false;
  const contextDir = joinPosix(pddRoot, 'context');
  if (!disk.exists(contextDir)) return false;
  return (disk.list(contextDir) ?? []).some((f) => /_example\.[^/\\]+$/.test(f));
}

/** Finds and caches the nearest `.pddrc` above a file, never above the workspace root. */
interface Governing {
  root: string;
  pddrc: Pddrc | null;
  /** The .pddrc exists but cannot be used (bad YAML, a folder, unreadable): why. */
  broken?: Error;
}

class PddrcLocator {
  private readonly byDir = new Map<string, Governing>();

  constructor(private readonly disk: DiskView) {}

  governing(file: string): Governing {
    return this.forDir(dirnamePosix(file));
  }

  private forDir(dir: string): Governing {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    let found: Governing;
    if (this.disk.exists(joinPosix(dir, '.pddrc'))) {
      try {
        found = { root: dir, pddrc: readPddrc(this.disk, dir) };
      } catch (e) {
        const file = joinPosix(dir, '.pddrc');
        // A PddError already names the file and line.
        const message = e instanceof PddError ? e.message : `${file}: ${(e as Error).message}`;
        found = { root: dir, pddrc: null, broken: new Error(message) };
      }
    } else if (dir === '') {
      found = { root: '', pddrc: null };
    } else {
      found = this.forDir(dirnamePosix(dir));
    }
    this.byDir.set(dir, found);
    return found;
  }

  /**
   * `pathFromRoot` (relative to the PDD root `root`) as seen through a symlinked prompts dir:
   * when a declared prompts dir is a link to a folder inside the workspace and the file is
   * under that folder, the path through the link; otherwise `pathFromRoot` itself.
   */
  logicalPath(root: string, promptsDirs: string[], pathFromRoot: string): string {
    for (const dir of promptsDirs) {
      const real = this.realDir(joinPosix(root, dir));
      if (real === null) continue;
      const realFromRoot = root ? (real.startsWith(root + '/') ? real.slice(root.length + 1) : null) : real;
      if (realFromRoot === null || realFromRoot === dir) continue;
      if (pathFromRoot.startsWith(realFromRoot + '/')) return joinPosix(dir, pathFromRoot.slice(realFromRoot.length + 1));
    }
    return pathFromRoot;
  }

  private readonly realDirs = new Map<string, string | null>();

  /** The workspace-relative real path of a folder, or null (missing, or outside the workspace). */
  private realDir(dir: string): string | null {
    if (!this.realDirs.has(dir)) this.realDirs.set(dir, this.disk.folder(dir));
    return this.realDirs.get(dir)!;
  }

  warnings(): string[] {
    const all = new Set<string>();
    for (const { pddrc } of this.byDir.values()) pddrc?.warnings.forEach((w) => all.add(w));
    return [...all];
  }

  files(): string[] {
    const all = new Set<string>();
    for (const { pddrc } of this.byDir.values()) if (pddrc) all.add(pddrc.file);
    return [...all].sort();
  }
}
