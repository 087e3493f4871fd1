import type { ExecutorContext } from '@nx/devkit';
import { OperationExecutorOptions, runOperationExecutor } from '../shared/operation-executor';

export default async function executor(options: OperationExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runOperationExecutor('test', options, context);
}
