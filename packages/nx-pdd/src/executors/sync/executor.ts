import type { ExecutorContext } from '@nx/devkit';
import { createInterface } from 'node:readline/promises';
import { assertProfile, describeDecision, executionOrder, InterfaceSource, saveRunRecord, LLM_CACHE_MODES, LlmCacheMode, Resolution, runSyncCommand } from '@nx-pdd/core';
import { readCutEdges } from '../../plugins/unit-cycles-file';
import { SANDBOX_MODES, SandboxMode } from '@nx-pdd/core';
import { UnitProjectMetadata } from '../../plugins/unit-project';
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
  sandbox?: string;
  json?: boolean;
  strength?: number;
  temperature?: number;
  time?: number;
  model?: string;
  nxPddVersion?: string;
}

const RESOLUTIONS: Resolution[] = ['ours', 'theirs', 'merged', 'llm'];

/** The prompt units this task's project depends on directly, from the project graph. */
function dependencyUnits(context: ExecutorContext): InterfaceSource[] {
  const graph = context.projectGraph;
  if (!graph || !context.projectName) return [];
  return (graph.dependencies[context.projectName] ?? []).flatMap((d) => {
    const pdd = (graph.nodes[d.target]?.data.metadata as { pdd?: UnitProjectMetadata } | undefined)?.pdd;
    return pdd ? [{ unit: pdd.unit, languageId: pdd.language, code: pdd.code, example: pdd.example }] : [];
  });
}

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
  const started = performance.now();
  // With --json, stdout carries only the JSON; the progress lines go to stderr.
  const log = (line: string) => (options.json ? console.error(line) : console.log(line));
  try {
    const llmCache = (options.llmCache ?? process.env.NX_PDD_LLM_CACHE ?? 'readwrite') as LlmCacheMode;
    if (!LLM_CACHE_MODES.includes(llmCache)) throw new Error(`unknown llmCache "${llmCache}" (use one of ${LLM_CACHE_MODES.join(', ')})`);
    if (options.resolve !== undefined && !RESOLUTIONS.includes(options.resolve as Resolution)) throw new Error(`unknown --resolve "${options.resolve}" (use one of ${RESOLUTIONS.join(', ')})`);
    for (const e of context.projectName ? readCutEdges(context.root, context.projectName).filter((c) => c.source === context.projectName) : []) {
      log(`note: dependency not ordered (it closes a cycle between units, so ${e.source} may sync before ${e.target}): ${e.description}`);
    }
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
        passEnv: plugin.passEnv,
        sandbox: assertSandbox(options.sandbox ?? plugin.sandbox),
        interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        confirm: ask,
        resolve: options.resolve as Resolution | undefined,
        project: context.projectName,
        dependencies: dependencyUnits(context),
      },
      (line) => log(`nx-pdd: ${line}`),
    );
    for (const line of result.summary) log(line);
    const invocation = process.env.NX_PDD_INVOCATION;
    if (invocation && context.projectName && result.outcome) {
      const o = result.outcome;
      saveRunRecord(context.root, invocation, { project: context.projectName, unit: unit.id, ok: o.ok, state: o.state, reason: o.reason, operations: o.steps.flatMap((s) => (s.operation ? [`${s.operation}${s.status === 'failed' ? ' (failed)' : ''}`] : [])), costUsd: o.costUsd, seconds: result.seconds ?? 0, executorMs: Math.round(performance.now() - started), reportFile: result.reportFile });
    } else if (invocation && context.projectName && result.plan) {
      const steps = result.plan.filter((s) => s.decision.kind === 'run' || s.decision.kind === 'record' || s.decision.kind === 'resolve');
      const last = result.plan[result.plan.length - 1]?.decision;
      saveRunRecord(context.root, invocation, { project: context.projectName, unit: unit.id, ok: result.ok, state: 'planned', reason: last?.reason ?? '', operations: steps.map((s) => describeDecision(s.decision)), costUsd: 0, estimatedUsd: result.plan.reduce((n, s) => n + s.estimatedUsd, 0), seconds: 0, reportFile: null });
    }
    if (result.reportFile) log(`run report: ${result.reportFile}`);
    if (options.json) console.log(JSON.stringify({ unit: unit.id, ok: result.ok, outcome: result.outcome, plan: result.plan, ...(result.changes ? { changes: result.changes } : {}), reportFile: result.reportFile }, null, 2));
    return { success: result.ok };
  } catch (e) {
    console.error(`nx-pdd: sync failed: ${(e as Error).message}`);
    return { success: false };
  }
}

function assertSandbox(mode: string): SandboxMode {
  if (!SANDBOX_MODES.includes(mode as SandboxMode)) throw new Error(`unknown --sandbox "${mode}" (use one of ${SANDBOX_MODES.join(', ')})`);
  return mode as SandboxMode;
}
