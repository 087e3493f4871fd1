import type { ExecutorContext } from '@nx/devkit';
import { GeneratingExecutorOptions, runGeneratingExecutor } from '../shared/generating-executor';

export default async function executor(options: GeneratingExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runGeneratingExecutor('generate', options, context);
}
