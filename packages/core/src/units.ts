import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PddError } from './errors';
import { LanguageSpec, LanguageTable, defaultLanguages } from './languages';
import { declaredPromptsDirs, Pddrc, readPddrc, selectContext } from './pddrc';
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
  /** Workspace-relative posix path of the prompt. */
  promptFile: string;
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
  const pddrcs = new PddrcLocator(workspaceRoot);
  const defaultPromptsDir = options.pluginSettings?.promptsDir ?? settingsFromEnv(env).promptsDir ?? 'prompts';
  const legacy = new Map<string, boolean>();
  const units: PromptUnit[] = [];
  const skipped: SkippedPrompt[] = [];

  for (const file of [...promptFiles].sort()) {
    const { root, pddrc } = pddrcs.governing(file);
    const fromRoot = root ? file.slice(root.length + 1) : file;
    const promptsDir = declaredPromptsDirs(pddrc, defaultPromptsDir)
      .filter((dir) => fromRoot.startsWith(dir + '/') || dir === '')
      .sort((a, b) => b.length - a.length)[0];
    if (promptsDir === undefined) {
      skipped.push({ file, reason: `not under a prompts dir (${declaredPromptsDirs(pddrc, defaultPromptsDir).join(', ')})`, suspicious: false });
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
    if (!legacy.has(root)) legacy.set(root, usesLegacyContextExamples(workspaceRoot, root));
    const parts = splitBasename(basename);
    let paths: UnitPaths;
    try {
      paths = computeUnitPaths(root, parts, language, settings, legacy.get(root));
    } catch (e) {
      if (e instanceof PddError) throw new PddError(e.code, `${e.message} while resolving ${file}`, { file: pddrc?.file ?? file });
      throw e;
    }
    units.push({
      id: `${basename}_${language.id}`,
      basename,
      name: parts.name,
      dirPrefix: parts.dirPrefix,
      language,
      promptFile: file,
      pddRoot: root,
      pddrcFile: pddrc?.file ?? null,
      promptsDir: joinPosix(root, promptsDir),
      context: context?.name ?? null,
      settings,
      paths,
      metaFile: joinPosix(root, '.pdd/meta', `${basename.replace(/\//g, '_')}_${language.id}.json`),
    });
  }
  return { units, skipped, warnings: pddrcs.warnings(), pddrcFiles: pddrcs.files() };
}

/** PDD's legacy layout: no `examples/`, and `context/**\/*_example.*` exists. */
function usesLegacyContextExamples(workspaceRoot: string, pddRoot: string): boolean {
  const base = join(workspaceRoot, pddRoot);
  if (existsSync(join(base, 'examples'))) return false;
  const contextDir = join(base, 'context');
  if (!existsSync(contextDir)) return false;
  try {
    return (readdirSync(contextDir, { recursive: true }) as string[]).some((f) => /_example\.[^/\\]+$/.test(f));
  } catch {
    return false;
  }
}

/** Finds and caches the nearest `.pddrc` above a file, never above the workspace root. */
class PddrcLocator {
  private readonly byDir = new Map<string, { root: string; pddrc: Pddrc | null }>();

  constructor(private readonly workspaceRoot: string) {}

  governing(file: string): { root: string; pddrc: Pddrc | null } {
    return this.forDir(dirnamePosix(file));
  }

  private forDir(dir: string): { root: string; pddrc: Pddrc | null } {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    let found: { root: string; pddrc: Pddrc | null };
    if (existsSync(join(this.workspaceRoot, dir, '.pddrc'))) {
      found = { root: dir, pddrc: readPddrc(this.workspaceRoot, dir) };
    } else if (dir === '') {
      found = { root: '', pddrc: null };
    } else {
      found = this.forDir(dirnamePosix(dir));
    }
    this.byDir.set(dir, found);
    return found;
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

const IGNORED_DIRS = new Set(['node_modules', '.git', '.nx', '.pdd', 'dist', '.venv', 'venv', '__pycache__']);

/** Find every `*.prompt` below the workspace root (for use outside Nx, which globs for us). */
export function findPromptFiles(workspaceRoot: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(workspaceRoot, rel), { withFileTypes: true })) {
      const path = joinPosix(rel, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.prompt')) {
        out.push(path);
      }
    }
  };
  walk('');
  return out.sort();
}
