import type { ExecutorContext } from '@nx/devkit';
import { createInterface } from 'node:readline/promises';
import { assertProfile, executionOrder, LLM_CACHE_MODES, LlmCacheMode, Resolution, runSyncCommand } from '@nx-pdd/core';
import { resolveExecutorUnit } from '../shared/operation-executor';

export interface SyncExecutorOptions {
  prompt: string;
  pddRoot?: string;
  profile?: string;
  dryRun?: boolean;
  budget?: number;
  dailyCeiling?: number;
  maxAttempts?: number;
  skipVerify?: boolean;
  skipTests?: boolean;
  targetCoverage?: number;
  autoDeps?: boolean;
  llmCache?: LlmCacheMode;
  timeout?: number;
  callTimeout?: number;
  rateLimit?: number;
  resumeFrom?: string;
  resolve?: string;
  runTimeout?: number;
  json?: boolean;
  strength?: number;
  temperature?: number;
  time?: number;
  model?: string;
  nxPddVersion?: string;
}

const RESOLUTIONS: Resolution[] = ['ours', 'theirs', 'merged', 'llm'];

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `nx run <unit>:sync`: parse the flags, run core's sync, print, and succeed only when the unit is in sync. */
export default async function syncExecutor(options: SyncExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // With --json, stdout carries only the JSON; the progress lines go to stderr.
  const log = (line: string) => (options.json ? console.error(line) : console.log(line));
  try {
    const llmCache = (options.llmCache ?? process.env.NX_PDD_LLM_CACHE ?? 'readwrite') as LlmCacheMode;
    if (!LLM_CACHE_MODES.includes(llmCache)) throw new Error(`unknown llmCache "${llmCache}" (use one of ${LLM_CACHE_MODES.join(', ')})`);
    if (options.resolve !== undefined && !RESOLUTIONS.includes(options.resolve as Resolution)) throw new Error(`unknown --resolve "${options.resolve}" (use one of ${RESOLUTIONS.join(', ')})`);
    const { unit, plugin } = resolveExecutorUnit(options, context);
    const result = await runSyncCommand(
      unit,
      context.root,
      process.env,
      {
        profile: assertProfile(options.profile ?? 'standard'),
        dryRun: options.dryRun === true,
        budget: options.budget,
        dailyCeiling: options.dailyCeiling,
        maxAttempts: options.maxAttempts,
        skipVerify: options.skipVerify,
        skipTests: options.skipTests,
        targetCoverage: options.targetCoverage,
        autoDeps: options.autoDeps,
        llmCache,
        timeout: options.timeout,
        callTimeout: options.callTimeout ?? 120,
        rateLimit: options.rateLimit,
        resumeFrom: options.resumeFrom === undefined ? undefined : executionOrder([options.resumeFrom]).pop(),
        runTimeout: options.runTimeout ?? 120,
        testRunners: plugin.testRunners,
        interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        confirm: ask,
        resolve: options.resolve as Resolution | undefined,
        project: context.projectName,
      },
      (line) => log(`nx-pdd: ${line}`),
    );
    for (const line of result.summary) log(line);
    if (result.reportFile) log(`run report: ${result.reportFile}`);
    if (options.json) console.log(JSON.stringify({ unit: unit.id, ok: result.ok, outcome: result.outcome, plan: result.plan, reportFile: result.reportFile }, null, 2));
    return { success: result.ok };
  } catch (e) {
    console.error(`nx-pdd: sync failed: ${(e as Error).message}`);
    return { success: false };
  }
}
