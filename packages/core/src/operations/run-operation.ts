import { PromptUnit } from '../units';
import { runGeneratingOperation } from './generating-operations';
import { OperationEnvironment, OperationName, OperationReport } from './operation';
import { runAutoDeps, runUpdate } from './prompt-operations';

export const OPERATION_NAMES: readonly OperationName[] = ['generate', 'example', 'generate-tests', 'update', 'auto-deps'];

/** Run one LLM operation of a unit by name. */
export function runOperation(operation: OperationName, unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  switch (operation) {
    case 'update':
      return runUpdate(unit, env);
    case 'auto-deps':
      return runAutoDeps(unit, env);
    default:
      return runGeneratingOperation(operation, unit, env);
  }
}
