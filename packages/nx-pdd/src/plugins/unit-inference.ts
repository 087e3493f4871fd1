import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { answersAsRecorded, DiskLook, preprocessUnit, PromptUnit, RecordingDiskView, resolveUnits, ResolvedUnits, settingsFromEnv } from '@nx-pdd/core/graph';
import { JsonCache } from '../utils/json-cache';
import { FileGroupHasher, HashMemoEntry } from '../utils/file-group-hasher';
import { workspaceDataDirectory } from '../utils/nx-internals';
import { PLUGIN_VERSION } from '../utils/plugin-version';
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
  /** What the unit and its summary are: the unit's content hash and the summary's key. Equal keys, equal unit and summary. */
  key: string;
}

export interface InferenceResult extends Omit<ResolvedUnits, 'units'> {
  units: InferredUnit[];
}

interface CacheEntry {
  /** Files the last preprocessing of this prompt depended on (prompt, .pddrc, includes, watched). */
  dependsOn?: string[];
  summary?: PromptSummary;
  /** The last resolution of the workspace's prompt files, with every look it took at the disk and each unit's content hash. */
  resolution?: { looks: DiskLook[]; resolved: ResolvedUnits; unitHashes: string[] };
}

/** Bumped when the meaning of a cached entry changes (the plugin's version is part of the file name too). */
const CACHE_FORMAT = 3;

/**
 * Resolve units and summarise their prompts. The resolution is reused while the prompt list,
 * the options and the PDD_* settings are the same and every look it took at the disk answers
 * the same. A unit's summary is reused while the content hash of [prompt, .pddrc, every file
 * its last preprocessing read or watched] is unchanged; a file whose signature is that of its
 * last hash is not read again. So a warm run resolves nothing, reads no unchanged file and
 * preprocesses nothing (docs/units-and-graph.md, "Reusing inference").
 */
export function inferUnits(
  promptFiles: readonly string[],
  options: NormalizedPluginOptions,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): InferenceResult {
  const dataDir = workspaceDataDirectory(workspaceRoot);
  const cache = new JsonCache<CacheEntry>(join(dataDir, `nx-pdd-${hashOf({ CACHE_FORMAT, PLUGIN_VERSION, allowShell: options.allowShell })}.json`));
  const { resolved, unitHashes } = resolveOrReuse(promptFiles, options, workspaceRoot, env, cache);
  const depKey = (u: PromptUnit) => `deps:${u.promptFile}`;
  // The group hash is hex: nothing after it can make two keys meet.
  const summaryKey = (u: PromptUnit, filesHash: string) => `sum:${filesHash}:${u.pddRoot}`;
  // In any order (groupHash sorts); the unit's prompt and .pddrc as resolved now.
  const groupOf = (u: PromptUnit, deps: string[]) => {
    const group = new Set(deps).add(u.promptFile);
    if (u.pddrcFile) group.add(u.pddrcFile);
    return [...group];
  };

  const units = resolved.units;
  const hashMemo = new JsonCache<HashMemoEntry>(join(dataDir, `nx-pdd-file-hashes.json`));
  const hasher = new FileGroupHasher(workspaceRoot, hashMemo);
  const before = units.map((u) => hasher.groupHash(groupOf(u, cache.get(depKey(u))?.dependsOn ?? [])));
  const summaryKeys = units.map((u, i) => summaryKey(u, before[i]));
  const summaries: Array<PromptSummary | undefined> = summaryKeys.map((k) => cache.get(k)?.summary);

  const misses = units.map((u, i) => (summaries[i] ? -1 : i)).filter((i) => i >= 0);
  for (const i of misses) summaries[i] = summarise(units[i], workspaceRoot, options.allowShell);
  if (misses.length) {
    const groups = misses.map((i) => groupOf(units[i], [...summaries[i]!.includes, ...summaries[i]!.watchFiles]));
    misses.forEach((i, k) => {
      cache.set(depKey(units[i]), { dependsOn: groups[k] });
      summaryKeys[i] = summaryKey(units[i], hasher.groupHash(groups[k]));
      cache.set(summaryKeys[i], { summary: summaries[i] });
    });
  }
  cache.save();
  hashMemo.save();
  return { ...resolved, units: units.map((unit, i) => ({ unit, summary: summaries[i]!, key: `${unitHashes[i]}:${summaryKeys[i]}` })) };
}

/** The last resolution when it still holds (see inferUnits), else a new one, recorded. */
function resolveOrReuse(
  promptFiles: readonly string[],
  options: NormalizedPluginOptions,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
  cache: JsonCache<CacheEntry>,
): { resolved: ResolvedUnits; unitHashes: string[] } {
  const files = [...promptFiles].sort();
  const key = `resolution:${hashOf([files, options.settings, options.languages, settingsFromEnv(env)])}`;
  const last = cache.get(key)?.resolution;
  if (last && Array.isArray(last.unitHashes) && answersAsRecorded(workspaceRoot, last.looks)) return last;
  const disk = new RecordingDiskView(workspaceRoot);
  const resolved = resolveUnits(files, { workspaceRoot, pluginSettings: options.settings, env, languages: options.languageTable, disk });
  const unitHashes = resolved.units.map((u) => hashOf(u));
  cache.set(key, { resolution: { looks: disk.looks, resolved, unitHashes } });
  return { resolved, unitHashes };
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
