import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { preprocessUnit, writeFileAtomic } from '@nx-pdd/core';
import type { PreprocessExecutorOptions } from './schema';

/** Writes the expanded prompt; on any preprocessing error, prints every error and writes nothing. */
export default async function preprocessExecutor(options: PreprocessExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  let result;
  try {
    result = preprocessUnit(
      { promptFile: options.prompt, logicalPromptFile: options.logicalPrompt, pddRoot: options.pddRoot ?? '' },
      { workspaceRoot: context.root, mode: 'expand', allowShell: options.allowShell === true },
    );
  } catch (e) {
    console.error(`nx-pdd: cannot read ${options.prompt}: ${(e as Error).message}`);
    return { success: false };
  }
  for (const w of result.warnings) console.warn(`nx-pdd: warning: ${w.message}`);
  if (result.errors.length) {
    console.error(`nx-pdd: ${options.prompt} has ${result.errors.length} problem(s); nothing was written:`);
    for (const e of result.errors) console.error(`  ${e.message}`);
    return { success: false };
  }
  writeFileAtomic(join(context.root, options.output), result.text);
  const included = result.filesRead.length - 1;
  console.log(`nx-pdd: ${options.prompt} -> ${options.output} (${result.text.length} chars, ${included} included file${included === 1 ? '' : 's'})`);
  if (options.print) console.log(result.text);
  return { success: true };
}
