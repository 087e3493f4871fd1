import type { ExecutorContext } from '@nx/devkit';
import { createLlmClient, GeneratingOperation, LLM_CACHE_MODES, LlmCacheMode, PddError, resolveUnits, runGeneratingOperation } from '@nx-pdd/core';
import { pluginOptionsFromNxJson } from '../../plugins/options';

export interface GeneratingExecutorOptions {
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
  nxPddVersion?: string;
}

/** The body of the generate, example and generate-tests executors: resolve, call core, print. */
export async function runGeneratingExecutor(operation: GeneratingOperation, options: GeneratingExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const env = process.env;
  const cacheMode = (options.llmCache ?? env.NX_PDD_LLM_CACHE ?? 'readwrite') as LlmCacheMode;
  if (!LLM_CACHE_MODES.includes(cacheMode)) {
    console.error(`nx-pdd: unknown llmCache "${cacheMode}" (use one of ${LLM_CACHE_MODES.join(', ')})`);
    return { success: false };
  }
  try {
    const plugin = pluginOptionsFromNxJson(context.nxJsonConfiguration);
    const flags = { strength: options.strength, temperature: options.temperature, time: options.time, model: options.model, budget: options.budget };
    const { units } = resolveUnits([options.prompt], { workspaceRoot: context.root, pluginSettings: { ...plugin.settings, ...dropUndefined(flags) }, env, languages: plugin.languageTable });
    const unit = units[0];
    if (!unit) throw new PddError('UNIT', `${options.prompt} is not a prompt unit`);
    const llm = createLlmClient({
      workspaceRoot: context.root,
      unit,
      env,
      cacheMode,
      timeoutMs: (options.timeout ?? 120) * 1000,
      stream: options.stream,
      log: (line) => console.log(line),
    });
    const report = await runGeneratingOperation(operation, unit, { workspaceRoot: context.root, llm, allowShell: options.allowShell });
    const source = report.cached ? 'response cache, $0' : `${report.model}, $${report.costUsd.toFixed(4)}`;
    const { file } = report;
    if (file.action === 'kept-manual-edits') {
      console.warn(`nx-pdd: ${unit.id} ${operation}: ${file.path} has manual edits and was left as it is; the new generation is in ${file.pristine} (${source})`);
    } else {
      console.log(`nx-pdd: ${unit.id} ${operation}: ${file.path} ${file.action} (${source})`);
    }
    return { success: true };
  } catch (e) {
    console.error(`nx-pdd: ${operation} failed: ${(e as Error).message}`);
    return { success: false };
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
