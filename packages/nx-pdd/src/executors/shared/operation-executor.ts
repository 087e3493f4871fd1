import type { ExecutorContext } from '@nx/devkit';
import {
  createLlmClient,
  describeConflict,
  formatUsd,
  FileOutcome,
  LLM_CACHE_MODES,
  LlmCacheMode,
  OperationName,
  PddError,
  PromptUnit,
  resolveUnits,
  runOperation,
} from '@nx-pdd/core';
import { NormalizedPluginOptions, pluginOptionsFromNxJson } from '../../plugins/options';

export interface OperationExecutorOptions {
  prompt: string;
  pddRoot?: string;
  strength?: number;
  temperature?: number;
  time?: number;
  model?: string;
  budget?: number;
  llmCache?: LlmCacheMode;
  timeout?: number;
  stream?: boolean;
  allowShell?: boolean;
  /** crash, verify, test, fix: seconds per run of the example or the tests. */
  runTimeout?: number;
  sandbox?: 'auto' | 'require' | 'off';
  /** auto-deps: folders to offer files from, relative to the unit's PDD root. */
  contextDirs?: string[];
  nxPddVersion?: string;
}

/** The body of every LLM operation's executor: resolve the unit, call core, print what happened. */
export async function runOperationExecutor(
  operation: OperationName,
  options: OperationExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const env = process.env;
  const cacheMode = (options.llmCache ?? env.NX_PDD_LLM_CACHE ?? 'readwrite') as LlmCacheMode;
  if (!LLM_CACHE_MODES.includes(cacheMode)) {
    console.error(`nx-pdd: unknown llmCache "${cacheMode}" (use one of ${LLM_CACHE_MODES.join(', ')})`);
    return { success: false };
  }
  try {
    const { unit, plugin } = resolveExecutorUnit(options, context);
    const llm = createLlmClient({
      workspaceRoot: context.root,
      unit,
      env,
      cacheMode,
      timeoutMs: (options.timeout ?? 120) * 1000,
      stream: options.stream,
      log: (line) => console.log(line),
    });
    const report = await runOperation(operation, unit, {
      workspaceRoot: context.root,
      llm,
      allowShell: options.allowShell,
      contextDirs: options.contextDirs,
      runTimeoutMs: (options.runTimeout ?? 120) * 1000,
      testRunners: plugin.testRunners,
      passEnv: plugin.passEnv,
      sandbox: options.sandbox ?? plugin.sandbox,
    });
    const source = report.model === null ? 'no LLM call' : report.cached ? 'response cache, $0' : `${report.model}, ${formatUsd(report.costUsd)}`;
    for (const file of report.files) {
      if (file.conflict) console.error(`nx-pdd: ${unit.id} ${operation}: ${describeConflict(file.conflict, context.projectName)} (${source})`);
      else if (file.action === 'kept-manual-edits') console.warn(`nx-pdd: ${unit.id} ${operation}: ${describe(file)} (${source})`);
      else console.log(`nx-pdd: ${unit.id} ${operation}: ${describe(file)} (${source})`);
      for (const note of file.merge?.notes ?? []) console.log(`nx-pdd: ${unit.id} ${operation}: ${note}`);
    }
    if (report.files.some((f) => f.conflict)) return { success: false };
    for (const note of report.notes) console.log(`nx-pdd: ${unit.id} ${operation}: ${note}`);
    // crash, verify, fix and test succeed only when what they ran works (rule tests-decide).
    const o = report.outcome;
    const works = !o || (o.exampleOk !== false && o.verified !== false && o.testsPassing !== false);
    if (!works)
      console.error(
        `nx-pdd: ${unit.id} ${operation}: ${o?.testsPassing === false ? 'tests failing' : o?.verified === false ? 'not verified' : 'the example fails'}`,
      );
    return { success: works };
  } catch (e) {
    console.error(`nx-pdd: ${operation} failed: ${(e as Error).message}`);
    return { success: false };
  }
}

/** The unit a target runs for (command flags > plugin options > .pddrc > environment), and the plugin options. */
export function resolveExecutorUnit(
  options: Pick<OperationExecutorOptions, 'prompt' | 'strength' | 'temperature' | 'time' | 'model' | 'budget'> & {
    maxAttempts?: number;
    targetCoverage?: number;
  },
  context: ExecutorContext,
): { unit: PromptUnit; plugin: NormalizedPluginOptions } {
  const plugin = pluginOptionsFromNxJson(context.nxJsonConfiguration);
  const flags = {
    strength: options.strength,
    temperature: options.temperature,
    time: options.time,
    model: options.model,
    budget: options.budget,
    maxAttempts: options.maxAttempts,
    targetCoverage: options.targetCoverage,
  };
  const { units, skipped } = resolveUnits([options.prompt], {
    workspaceRoot: context.root,
    pluginSettings: { ...plugin.settings, ...dropUndefined(flags) },
    env: process.env,
    languages: plugin.languageTable,
  });
  if (!units[0]) throw new PddError('UNIT', `${options.prompt} is not a prompt unit${skipped[0] ? `: ${skipped[0].reason}` : ''}`);
  return { unit: units[0], plugin };
}

function describe(file: FileOutcome): string {
  if (file.action === 'kept-manual-edits') return `${file.path} has manual edits and was left as it is; the new generation is in ${file.pristine}`;
  if (file.kind === 'prompt' && file.action === 'updated' && file.pristine) return `${file.path} updated (the previous version is in ${file.pristine})`;
  if (file.action === 'merged')
    return `${file.path}: your edits merged with the new generation (${file.merge?.method === 'declaration' ? 'by declarations' : 'by lines'}); the generation alone is in ${file.pristine}`;
  return `${file.path} ${file.action}`;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
