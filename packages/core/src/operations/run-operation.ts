import { PromptUnit } from '../units';
import { runGeneratingOperation } from './generating-operations';
import { OperationEnvironment, OperationName, OperationReport } from './operation';
import { runAutoDeps, runUpdate } from './prompt-operations';
import { runCrash, runFix, runTestOperation, runVerify } from './run-operations';

export const OPERATION_NAMES: readonly OperationName[] = ['generate', 'example', 'generate-tests', 'update', 'auto-deps', 'crash', 'verify', 'test', 'fix'];

/** Run one LLM operation of a unit by name. */
export function runOperation(operation: OperationName, unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  switch (operation) {
    case 'update':
      return runUpdate(unit, env);
    case 'auto-deps':
      return runAutoDeps(unit, env);
    case 'crash':
      return runCrash(unit, env);
    case 'verify':
      return runVerify(unit, env);
    case 'test':
      return runTestOperation(unit, env);
    case 'fix':
      return runFix(unit, env);
    default:
      return runGeneratingOperation(operation, unit, env);
  }
}
