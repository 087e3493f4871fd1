import { pddLayout } from '../pdd-layout';
import { formatUsd } from '../llm/ledger';
import { readFileSync } from 'node:fs';
import { dependenciesKey, dependencyInterfaces, InterfaceSource } from '../code-interface';
import { recordTime } from './record-time';
import { ChangeReport, changeReport, changeReportLines } from './change-report';
import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { PddError } from '../errors';
import { callCost, chooseModels } from '../llm/model-choice';
import { loadModelTable, ModelTable } from '../llm/model-table';
import { LlmCacheMode } from '../llm/response-cache';
import { describeConflict, readConflict } from '../operations/conflict-store';
import { createLlmClient } from '../operations/llm-session';
import { resolveConflict, Resolution } from '../operations/resolve-conflict';
import { runOperation } from '../operations/run-operation';
import { killRunningPrograms } from '../run/process-runner';
import { JsTestRunner } from '../run/unit-runner';
import { PromptUnit } from '../units';
import { joinPosix } from '../workspace-paths';
import { describeDecision, OperationImpl, planSync, PlannedStep, SyncOptions, SyncOutcome, syncUnit } from './sync-unit';
import { OP, OPERATION_NAMES, OperationName, OPERATIONS } from '../operations/catalogue';
import { SharedLedger } from './shared-ledger';
import { StateStore } from './state-store';
import { recoverJournal } from './transaction';
import { acquireUnitLock } from './unit-lock';
import { readContainedText } from '../contained-read';
import { SandboxMode, sandboxFor } from '../run/sandbox';
import { pythonInterpreter } from '../run/python-interpreter';

export type SyncProfile = 'quick' | 'standard' | 'thorough' | 'safe';

export interface SyncCommandOptions {
  profile: SyncProfile;
  dryRun: boolean;
  budget?: number;
  /** USD every sync of the workspace together may spend per UTC day (all invocations). */
  dailyCeiling?: number;
  maxAttempts?: number;
  skipVerify?: boolean;
  skipTests?: boolean;
  targetCoverage?: number;
  autoDeps?: boolean;
  llmCache: LlmCacheMode;
  /** Seconds the whole sync may take (no new step starts after that). */
  timeout?: number;
  /** Seconds per LLM call attempt. */
  callTimeout: number;
  /** LLM calls per minute, shared by every process of the workspace. */
  rateLimit?: number;
  /** Run this operation first, then decide as usual. */
  resumeFrom?: OperationName;
  /** Seconds per run of the example or the tests. */
  runTimeout: number;
  /** Per language id: the JS/TS test runner (the plugin option testRunners). */
  testRunners?: Record<string, JsTestRunner>;
  /** Variables passed to generated code besides the allowlist (the plugin option passEnv). */
  passEnv?: readonly string[];
  /** Where generated code runs: bubblewrap when usable (`auto`, the default), always (`require`), never (`off`). */
  sandbox?: SandboxMode;
  /** Whether a person can answer a question (the safe profile asks before it writes). */
  interactive: boolean;
  /** Asks the person; true = go on. */
  confirm?: (question: string) => Promise<boolean>;
  /** How to end an open merge conflict (docs/merge.md). */
  resolve?: Resolution;
  /** The Nx project the unit is, for the commands messages suggest (default: the unit id). */
  project?: string;
  /** The units this one depends on (from the project graph): their interfaces are part of what its results hold for. */
  dependencies?: InterfaceSource[];
}

export interface SyncCommandResult {
  outcome: SyncOutcome | null;
  plan: PlannedStep[] | null;
  /** Where the run's JSON report was written (not for a dry run). */
  reportFile: string | null;
  ok: boolean;
  summary: string[];
  /** Seconds the sync took (not for a dry run). */
  seconds?: number;
  /** A dry run: what changed in the unit's files since the last sync and since git HEAD. */
  changes?: ChangeReport;
}

/**
 * Profiles: a bundle of option defaults; explicit flags win (docs/sync-engine.md, "Profiles:
 * what each one calls"). `standard` calls the model only to write something (generate,
 * example, tests, update, fix): whether the example's output fits the prompt (verify, one more
 * call each time the code or example changes) is judged by running the example and the tests;
 * `thorough` and `safe` also verify, and `--skipVerify=false` asks for it anywhere.
 */
export const PROFILES: Record<SyncProfile, Partial<SyncOptions>> = {
  quick: { skipVerify: true, targetCoverage: 0, maxAttempts: 1 },
  standard: { skipVerify: true },
  thorough: { autoDeps: true, maxAttempts: 5, skipVerify: false },
  safe: { skipVerify: false },
};

/** What shares one budget: NX_PDD_BUDGET_SCOPE, else the Nx process that started this task (all tasks of one invocation). */
export function budgetScope(env: NodeJS.ProcessEnv): string {
  if (env.NX_PDD_BUDGET_SCOPE) return env.NX_PDD_BUDGET_SCOPE;
  // Set by the plugin's preTasksExecution for every task of one nx run / run-many / affected.
  if (env.NX_PDD_INVOCATION) return `nx:${env.NX_PDD_INVOCATION}`;
  let started = '';
  try {
    started = readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] ?? '';
  } catch {
    // not Linux: the parent's pid alone
  }
  return `nx:${hostname()}:${process.ppid}:${started}`;
}

export function syncOptionsFor(unit: PromptUnit, o: SyncCommandOptions): SyncOptions {
  const profile = PROFILES[o.profile];
  const pick = <T>(flag: T | undefined, fromProfile: T | undefined, fallback: T): T => flag ?? fromProfile ?? fallback;
  return {
    skipVerify: pick(o.skipVerify, profile.skipVerify, false),
    skipTests: pick(o.skipTests, profile.skipTests, false),
    targetCoverage: pick(o.targetCoverage, profile.targetCoverage, unit.settings.targetCoverage),
    autoDeps: pick(o.autoDeps, profile.autoDeps, false),
    mergeAvailable: true,
    resolve: o.resolve ?? null,
    maxAttempts: pick(o.maxAttempts, profile.maxAttempts, unit.settings.maxAttempts),
    maxSteps: 40,
    ...(o.timeout !== undefined ? { maxSeconds: o.timeout } : {}),
    ...(o.resumeFrom ? { resumeFrom: o.resumeFrom } : {}),
  };
}

/**
 * The dry run's estimate of one step with the unit's model at its strength: the expanded
 * prompt (includes and all, as the step sends it) plus the step's template and the unit's
 * files it sends, and the step's expected answer (docs/llm-layer.md, "Costs as they are").
 */
export function stepCostEstimator(workspaceRoot: string, unit: PromptUnit, table: ModelTable, env: NodeJS.ProcessEnv): (op: OperationName, expandedPromptChars: number) => number {
  const fileTokens = (path: string | null | undefined) => {
    try {
      return path ? Math.ceil((readContainedText(workspaceRoot, path)?.length ?? 0) / 4) : 0;
    } catch {
      return 0;
    }
  };
  return (op: OperationName, expandedPromptChars: number): number => {
    const { callsModel, estimate } = OPERATIONS[op];
    if (!callsModel) return 0;
    try {
      const row = chooseModels(table, { strength: unit.settings.strength, baseModel: unit.settings.model ?? env.PDD_MODEL_DEFAULT, env, ignoreKeys: true })[0];
      const promptTokens = Math.ceil(expandedPromptChars / 4);
      const code = fileTokens(unit.paths.code);
      const sent = estimate.sends.reduce((n, kind) => n + fileTokens(unit.paths[kind]), 0);
      return callCost(row, { input: promptTokens + sent + 1500, output: Math.max(estimate.outputTokens, estimate.outputAtLeastCode ? code : 0) });
    } catch {
      return 0;
    }
  };
}

function planLines(unit: PromptUnit, plan: PlannedStep[]): string[] {
  const total = plan.reduce((n, s) => n + s.estimatedUsd, 0);
  return [
    `${unit.id}: plan (dry run: nothing is written, nothing is spent)`,
    ...plan.map((s, i) => `  ${i + 1}. ${describeDecision(s.decision)} — ${s.decision.reason}${s.estimatedUsd ? ` (~${formatUsd(s.estimatedUsd)})` : ''}`),
    `  estimated cost: up to ${formatUsd(total)} (if every step succeeds first time)`,
  ];
}

/**
 * `nx run <unit>:sync` without Nx: take the unit's lock, run the engine with every operation
 * this build has, charge the workspace's shared ledger, write a JSON run report, and say what
 * happened. A dry run (and the safe profile without a person to ask) prints the plan only.
 */
export async function runSyncCommand(unit: PromptUnit, workspaceRoot: string, env: NodeJS.ProcessEnv, o: SyncCommandOptions, log: (line: string) => void): Promise<SyncCommandResult> {
  const options = syncOptionsFor(unit, o);
  const table = loadModelTable(workspaceRoot, homedir());
  const estimate = stepCostEstimator(workspaceRoot, unit, table, env);
  const storeFile = join(workspaceRoot, pddLayout(unit).stateDb);
  const dependencies = await dependencyInterfaces(workspaceRoot, o.dependencies ?? []);
  const recordedAt = recordTime(workspaceRoot, env);

  if (o.dryRun || (o.profile === 'safe' && !o.interactive)) {
    const produced = new Set((o.dependencies ?? []).flatMap((d) => [d.code, ...(d.example ? [d.example] : [])]));
    const plan = await planSync(workspaceRoot, unit, StateStore.peekState(storeFile, unit.id), options, estimate, dependencies, produced);
    const changes = await changeReport(workspaceRoot, unit, plan.fingerprint);
    const summary = [...plan.warnings.map((w) => `warning: ${w}`), ...planLines(unit, plan.steps), ...changeReportLines(changes)];
    if (unit.language.id === 'python') {
      const python = pythonInterpreter(workspaceRoot, unit, env);
      summary.push(`  the example and tests would run with ${python.command} (${python.source})`);
    }
    if (!o.dryRun) summary.push('safe profile with no terminal to ask: the plan above was not carried out (run with --profile=standard, or in a terminal)');
    return { outcome: null, plan: plan.steps, changes, reportFile: null, ok: o.dryRun && plan.steps.every((s) => s.decision.kind !== 'stop'), summary };
  }

  if (o.profile === 'safe') {
    const plan = await planSync(workspaceRoot, unit, null, options, estimate, dependencies);
    planLines(unit, plan.steps).forEach(log);
    const willWrite = plan.steps.some((s) => s.decision.kind === 'run');
    if (willWrite && !(await o.confirm?.(`Carry out this plan for ${unit.id}?`))) {
      return { outcome: null, plan: plan.steps, reportFile: null, ok: false, summary: [`${unit.id}: not carried out (the safe profile asked, and the answer was no)`] };
    }
  }

  // Ctrl-C (or a TERM from CI): put back what the open step had written, free the lock, say so.
  // Installed before the lock is taken, so a signal at any point never leaves the lock behind.
  let lock: ReturnType<typeof acquireUnitLock> | null = null;
  let store: StateStore | null = null;
  const interrupted = (signal: NodeJS.Signals) => {
    killRunningPrograms();
    const recovery = lock ? recoverJournal(workspaceRoot, pddLayout(unit).journal, unit) : null;
    store?.setState(unit.id, recovery ? 'initial' : (store.getState(unit.id)?.state ?? 'initial'));
    store?.close();
    lock?.release();
    process.stderr.write(`nx-pdd: ${unit.id}: interrupted (${signal})${recovery ? `; "${recovery.operation}" rolled back: ${recovery.restored.join(', ')}` : ''}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    lock = acquireUnitLock(workspaceRoot, unit);
    if (lock.tookOver) log(lock.tookOver.pid === -1 ? `took over ${lock.path}: it held no process id (empty or broken)` : `took over the lock of pid ${lock.tookOver.pid} (no longer running)`);
    store = StateStore.open(storeFile);
    if (store.warning) log(`warning: ${store.warning}`);
    for (const refused of table.refused ?? []) log(`warning: ${refused}`);
    const sandbox = sandboxFor(o.sandbox ?? 'auto');
    log(sandbox === 'bwrap' ? 'generated code runs in a bubblewrap sandbox (private /proc, no network, only the workspace writable)' : `generated code runs without a sandbox (${o.sandbox === 'off' ? '--sandbox=off' : 'bubblewrap is not usable here: apt-get install bubblewrap'}); its environment is allowlisted and its output redacted`);
    const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
    const ledger = new SharedLedger(store, { scope: budgetScope(env), budgetUsd: o.budget ?? unit.settings.budget, unitId: unit.id, ...(o.dailyCeiling !== undefined ? { dailyCeilingUsd: o.dailyCeiling } : {}), ...(o.rateLimit !== undefined ? { callsPerMinute: o.rateLimit } : {}) });
    const llm = createLlmClient({ workspaceRoot, unit, env, cacheMode: o.llmCache, ledger, table, timeoutMs: o.callTimeout * 1000, log });
    const opEnv = { workspaceRoot, llm, runTimeoutMs: o.runTimeout * 1000, secretVars: table.rows.flatMap((r) => r.apiKeyVars), passEnv: o.passEnv, sandbox: o.sandbox ?? 'auto', testRunners: o.testRunners, dependenciesKey: dependenciesKey(dependencies), recordedAt };
    const impl = (op: OperationName): OperationImpl => async (u) => {
      const r = await runOperation(op, u, opEnv);
      const lines = [...r.files.map((f) => `${f.path} ${f.action}`), ...r.notes];
      if (r.model) lines.push(r.cached ? 'answered from the response cache ($0)' : `${r.model}: ${formatUsd(r.costUsd)}`);
      const conflict = r.files.find((f) => f.conflict)?.conflict;
      for (const f of r.files) if (f.merge && f.action === 'merged') lines.push(`${f.path}: your edits merged with the new generation (${f.merge.method === 'line' ? 'by lines' : 'by declarations'})`, ...f.merge.notes);
      return { costUsd: r.costUsd, model: r.model, lines, exampleOk: r.outcome?.exampleOk, verified: r.outcome?.verified, depsAnalyzed: op === OP.autoDeps ? true : undefined, ...(conflict ? { conflict: describeConflict(conflict, o.project ?? unit.id) } : {}) };
    };
    const resolve = async (u: PromptUnit, resolution: Resolution) => {
      const r = await resolveConflict(u, resolution, opEnv);
      if (r.model) r.lines.push(`${r.model}: ${formatUsd(r.costUsd)}`);
      return r;
    };
    if (o.resolve && !readConflict(workspaceRoot, unit)) log(`note: --resolve=${o.resolve} ignored: ${unit.id} has no open conflict`);
    const started = Date.now();
    const synced = await syncUnit(unit, { workspaceRoot, store, runId, operations: Object.fromEntries(OPERATION_NAMES.map((op) => [op, impl(op)])), resolve, version: `nx-pdd`, log, dependencies, recordedAt }, options);
    // The ledger's figure, not a sum kept on the side: every paid call of this run, rejected answers included.
    const outcome = { ...synced, costUsd: ledger.ownSpentUsd };
    const seconds = (Date.now() - started) / 1000;
    const ran = outcome.steps.filter((s) => s.operation);
    const summary = [
      `${unit.id}: ${outcome.ok ? 'in sync' : `NOT in sync (${outcome.state})`}: ${outcome.reason}`,
      `  operations: ${ran.length ? ran.map((s) => `${s.operation}${s.status === 'failed' ? ' (failed)' : ''}`).join(', ') : 'none'}; cost ${formatUsd(outcome.costUsd)}; ${seconds.toFixed(1)} s`,
      ...outcome.warnings.map((w) => `  warning: ${w}`),
    ];
    const conflict = outcome.state === 'conflict' ? readConflict(workspaceRoot, unit) : null;
    if (conflict && !outcome.reason.includes(conflict.proposal)) summary.push(`  ${describeConflict(conflict, o.project ?? unit.id)}`);
    const reportFile = joinPosix(pddLayout(unit).runs, `${runId}-${unit.id.replace(/\//g, '_')}.json`);
    writeFileAtomic(join(workspaceRoot, reportFile), JSON.stringify({ runId, host: hostname(), profile: o.profile, seconds, ...outcome }, null, 2));
    return { outcome, plan: null, reportFile, ok: outcome.ok, summary, seconds };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    store?.close();
    lock?.release();
  }
}

export function assertProfile(name: string): SyncProfile {
  if (!(name in PROFILES)) throw new PddError('PROFILE', `unknown profile "${name}" (profiles: ${Object.keys(PROFILES).join(', ')})`);
  return name as SyncProfile;
}
