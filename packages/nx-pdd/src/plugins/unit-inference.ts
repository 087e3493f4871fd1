import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { preprocessUnit, PromptUnit, resolveUnits, ResolvedUnits } from '@nx-pdd/core/graph';
import { JsonCache } from '../utils/json-cache';
import { FileGroupHasher } from '../utils/file-group-hasher';
import { workspaceDataDirectory } from '../utils/nx-internals';
import { NormalizedPluginOptions } from './options';

/** What graph inference keeps of a prompt's preprocessing. */
export interface PromptSummary {
  /** Files read, the prompt itself excluded. */
  includes: string[];
  /** Paths that would change the prompt if created. */
  watchFiles: string[];
  declaredDependencies: string[];
  /** Error messages with file:line; the unit's targets fail with them. */
  errors: string[];
  /** `<shell>` tags: their output is not a file, so targets using them are not cacheable. */
  usesShell: boolean;
}

export interface InferredUnit {
  unit: PromptUnit;
  summary: PromptSummary;
}

export interface InferenceResult extends Omit<ResolvedUnits, 'units'> {
  units: InferredUnit[];
}

interface CacheEntry {
  /** Files the last preprocessing of this prompt depended on (prompt, .pddrc, includes, watched). */
  dependsOn?: string[];
  summary?: PromptSummary;
}

/** Bumped when the cached summary's meaning changes. */
const CACHE_FORMAT = 1;

/**
 * Resolve units and summarise their prompts. A unit's summary is reused while the content
 * hash of [prompt, .pddrc, every file its last preprocessing read or watched] is unchanged,
 * so a warm run hashes each file once and preprocesses nothing.
 */
export function inferUnits(
  promptFiles: readonly string[],
  options: NormalizedPluginOptions,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): InferenceResult {
  const resolved = resolveUnits([...promptFiles], {
    workspaceRoot,
    pluginSettings: options.settings,
    env,
    languages: options.languageTable,
  });
  const cacheFile = join(workspaceDataDirectory(workspaceRoot), `nx-pdd-${hashOf({ CACHE_FORMAT, allowShell: options.allowShell })}.json`);
  const cache = new JsonCache<CacheEntry>(cacheFile);
  const depKey = (u: PromptUnit) => `deps:${u.promptFile}`;
  const summaryKey = (u: PromptUnit, filesHash: string) => `sum:${hashOf([filesHash, u.pddRoot])}`;
  const groupOf = (u: PromptUnit, deps: string[]) => [...new Set([u.promptFile, ...(u.pddrcFile ? [u.pddrcFile] : []), ...deps])];

  const units = resolved.units;
  const hasher = new FileGroupHasher(workspaceRoot);
  const before = units.map((u) => hasher.groupHash(groupOf(u, cache.get(depKey(u))?.dependsOn ?? [])));
  const summaries: Array<PromptSummary | undefined> = units.map((u, i) => cache.get(summaryKey(u, before[i]))?.summary);

  const misses = units.map((u, i) => (summaries[i] ? -1 : i)).filter((i) => i >= 0);
  for (const i of misses) summaries[i] = summarise(units[i], workspaceRoot, options.allowShell);
  if (misses.length) {
    const groups = misses.map((i) => groupOf(units[i], [...summaries[i]!.includes, ...summaries[i]!.watchFiles]));
    misses.forEach((i, k) => {
      cache.set(depKey(units[i]), { dependsOn: groups[k] });
      cache.set(summaryKey(units[i], hasher.groupHash(groups[k])), { summary: summaries[i] });
    });
  }
  cache.save();
  return { ...resolved, units: units.map((unit, i) => ({ unit, summary: summaries[i]! })) };
}

function summarise(unit: PromptUnit, workspaceRoot: string, allowShell: boolean): PromptSummary {
  try {
    const r = preprocessUnit(unit, { workspaceRoot, mode: 'resolve', allowShell });
    return {
      includes: r.filesRead.filter((f) => f !== unit.promptFile),
      watchFiles: r.watchFiles,
      declaredDependencies: r.declaredDependencies.map((d) => d.prompt),
      errors: r.errors.map((e) => e.message),
      usesShell: r.shellCommands.length > 0,
    };
  } catch (e) {
    return { includes: [], watchFiles: [], declaredDependencies: [], errors: [`${unit.promptFile}: ${(e as Error).message}`], usesShell: false };
  }
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
