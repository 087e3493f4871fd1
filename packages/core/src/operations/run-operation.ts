import { PromptUnit } from '../units';
import { runGeneratingOperation } from './generating-operations';
import { LlmError } from '../llm/errors';
import { LlmResult } from '../llm/types';
import { LlmCaller, OperationEnvironment, OperationName, OperationReport } from './operation';
import { runAutoDeps, runUpdate } from './prompt-operations';
import { runCrash, runFix, runTestOperation, runVerify } from './run-operations';

export const OPERATION_NAMES: readonly OperationName[] = ['generate', 'example', 'generate-tests', 'update', 'auto-deps', 'crash', 'verify', 'test', 'fix'];

/**
 * Run one operation of a unit by name. When it rejects an answer (bad shape, does not parse,
 * drops an include...), every answer it got is dropped from the response cache, so a retry
 * asks the model again instead of replaying the rejected answer.
 */
export async function runOperation(operation: OperationName, unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const answers: LlmResult[] = [];
  const llm: LlmCaller = {
    complete: async (...args) => {
      const r = await env.llm.complete(...args);
      answers.push(r);
      return r;
    },
    forget: (r) => env.llm.forget(r),
  };
  try {
    return await dispatch(operation, unit, { ...env, llm });
  } catch (e) {
    if (e instanceof LlmError && e.kind === 'bad-answer') answers.forEach((r) => env.llm.forget(r));
    throw e;
  }
}

function dispatch(operation: OperationName, unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
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
