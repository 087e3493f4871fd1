import { PddError } from '../errors';
import { LlmClient } from '../llm/client';
import { LlmResult } from '../llm/types';
import { preprocessUnit, PreprocessResult } from '../preprocess';
import { PromptUnit } from '../units';
import { JsTestRunner } from '../run/unit-runner';
import { FileOutcome } from './artifact-store';
import { SandboxMode } from '../run/sandbox';
import type { OperationName } from './catalogue';

/** What operations need of the LLM client. */
export type LlmCaller = Pick<LlmClient, 'complete' | 'forget'>;

export interface OperationEnvironment {
  workspaceRoot: string;
  llm: LlmCaller;
  allowShell?: boolean;
  /** Per language id: the JS/TS test runner to use instead of the one the workspace's configuration implies. */
  testRunners?: Record<string, JsTestRunner>;
  /** Running the example and the tests: seconds per run (default 120), secrets to keep from them. */
  runTimeoutMs?: number;
  secretVars?: readonly string[];
  /** Variables passed to generated code besides the allowlist (plugin option `passEnv`). */
  passEnv?: readonly string[];
  /** Where generated code runs (`--sandbox`, docs/security.md). */
  sandbox?: SandboxMode;
  /** Called before each run of generated code (the sync says once where it runs). */
  beforeRun?: () => void;
  /** Folders auto-deps offers files from, relative to the unit's PDD root (default examples, context). */
  contextDirs?: string[];
  /** The key of the interfaces of the units this one depends on, recorded with a test run ('' or absent: none). */
  dependenciesKey?: string;
  /** The time written into run reports (default now); asked only when one is written. */
  recordedAt?: () => Date;
}

/** What one operation did: the files it touched and what its LLM call cost. */
export interface OperationReport {
  operation: OperationName;
  unit: string;
  /** null when the operation needed no LLM call (e.g. auto-deps with nothing to offer). */
  model: string | null;
  provider: string | null;
  costUsd: number;
  cached: boolean;
  files: FileOutcome[];
  /** Things the user should know that are not a file outcome. */
  notes: string[];
  /** What running the unit showed (crash, verify, test, fix). */
  outcome?: { exampleOk?: boolean; verified?: boolean; testsPassing?: boolean };
}

export function reportOf(
  operation: OperationName,
  unit: PromptUnit,
  result: LlmResult | readonly LlmResult[] | null,
  files: FileOutcome[],
  notes: string[] = [],
): OperationReport {
  const results = result === null ? [] : Array.isArray(result) ? (result as readonly LlmResult[]) : [result as LlmResult];
  const last = results[results.length - 1];
  return {
    operation,
    unit: unit.id,
    model: last?.model ?? null,
    provider: last?.provider ?? null,
    costUsd: results.reduce((n, r) => n + r.costUsd, 0),
    cached: results.length > 0 && results.every((r) => r.cached),
    files,
    notes,
  };
}

/** The unit's prompt preprocessed; a broken prompt (missing include, cycle, ...) is an error naming each problem. */
export function usablePrompt(unit: PromptUnit, env: OperationEnvironment, mode: 'resolve' | 'expand'): PreprocessResult {
  const pre = preprocessUnit(unit, { workspaceRoot: env.workspaceRoot, mode, allowShell: env.allowShell });
  if (pre.errors.length) throw new PddError('PROMPT', `${unit.promptFile} cannot be used:\n  ${pre.errors.map((e) => e.message).join('\n  ')}`);
  return pre;
}

/** `text` in a fenced block whose fence is longer than any backtick run inside it. */
export function fenced(tag: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${tag}\n${text.replace(/\n$/, '')}\n${fence}`;
}
