import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { dependenciesKey, dependencyInterfaces } from '../code-interface';
import { readContainedText } from '../contained-read';
import { formatUsd } from '../llm/ledger';
import { callCost, chooseModels } from '../llm/model-choice';
import { loadModelTable, ModelTable } from '../llm/model-table';
import { OP, OPERATION_NAMES, OperationName, OPERATIONS } from '../operations/catalogue';
import { describeConflict, readConflict } from '../operations/conflict-store';
import { resolveConflict, Resolution } from '../operations/resolve-conflict';
import { runOperation } from '../operations/run-operation';
import { pddLayout } from '../pdd-layout';
import { pythonInterpreter } from '../run/python-interpreter';
import { PromptUnit } from '../units';
import { joinPosix } from '../workspace-paths';
import { ChangeReport, changeReport, changeReportLines } from './change-report';
import { UnitRunRecord } from './invocation-report';
import { recordTime } from './record-time';
import { StateStore } from './state-store';
import { SyncCommandOptions, syncOptionsFor } from './sync-options';
import { SyncSession } from './sync-session';
import { describeDecision, OperationImpl, planSync, PlannedStep, SyncOutcome, syncUnit } from './sync-unit';

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
 * The dry run's estimate of one step with the unit's model at its strength: the expanded
 * prompt (includes and all, as the step sends it) plus the step's template and the unit's
 * files it sends, and the step's expected answer (docs/llm-layer.md, "Costs as they are").
 */
export function stepCostEstimator(
  workspaceRoot: string,
  unit: PromptUnit,
  table: ModelTable,
  env: NodeJS.ProcessEnv,
): (op: OperationName, expandedPromptChars: number) => number {
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
    `${unit.id}: plan (dry run: no unit file is written, nothing is spent)`,
    ...plan.map((s, i) => `  ${i + 1}. ${describeDecision(s.decision)} — ${s.decision.reason}${s.estimatedUsd ? ` (~${formatUsd(s.estimatedUsd)})` : ''}`),
    `  estimated cost: up to ${formatUsd(total)} (if every step succeeds first time)`,
  ];
}

/** The operations a sync ran, in order, a failed one marked: the summary's and the run record's list. */
export function operationsRun(outcome: Pick<SyncOutcome, 'steps'>): string[] {
  return outcome.steps.flatMap((s) => (s.operation ? [`${s.operation}${s.status === 'failed' ? ' (failed)' : ''}`] : []));
}

/** The summary of a finished sync (pure). */
export function outcomeLines(unit: PromptUnit, outcome: SyncOutcome, seconds: number, openConflict: string | null): string[] {
  const ran = operationsRun(outcome);
  const lines = [
    `${unit.id}: ${outcome.ok ? 'in sync' : `NOT in sync (${outcome.state})`}: ${outcome.reason}`,
    `  operations: ${ran.length ? ran.join(', ') : 'none'}; cost ${formatUsd(outcome.costUsd)}; ${seconds.toFixed(1)} s`,
    ...outcome.warnings.map((w) => `  warning: ${w}`),
  ];
  if (openConflict && !outcome.reason.includes(openConflict)) lines.push(`  ${openConflict}`);
  return lines;
}

/** What the invocation summary keeps of this sync (the executor adds the Nx project and its own time). */
export function runRecordOf(unit: PromptUnit, result: SyncCommandResult): Omit<UnitRunRecord, 'project' | 'executorMs'> | null {
  if (result.outcome) {
    const o = result.outcome;
    return {
      unit: unit.id,
      ok: o.ok,
      state: o.state,
      reason: o.reason,
      operations: operationsRun(o),
      costUsd: o.costUsd,
      seconds: result.seconds ?? 0,
      reportFile: result.reportFile,
    };
  }
  if (!result.plan) return null;
  const steps = result.plan.filter((s) => s.decision.kind === 'run' || s.decision.kind === 'record' || s.decision.kind === 'resolve');
  const last = result.plan[result.plan.length - 1]?.decision;
  return {
    unit: unit.id,
    ok: result.ok,
    state: 'planned',
    reason: last?.reason ?? '',
    operations: steps.map((s) => describeDecision(s.decision)),
    costUsd: 0,
    estimatedUsd: result.plan.reduce((n, s) => n + s.estimatedUsd, 0),
    seconds: 0,
    reportFile: null,
  };
}

/** Called with the session once it holds the unit's lock, and with null once it gave it back: a signal handler's target. */
export type SessionWatcher = (session: SyncSession | null) => void;

/**
 * `nx run <unit>:sync` without Nx: take the unit's lock, run the engine with every operation
 * of the catalogue, charge the workspace's shared ledger, write a JSON run report, and say what
 * happened. A dry run (and the safe profile without a person to ask) prints the plan only.
 * Signals and exit codes are the caller's: `watch` hands it the session to interrupt.
 */
export async function runSyncCommand(
  unit: PromptUnit,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
  o: SyncCommandOptions,
  log: (line: string) => void,
  watch: SessionWatcher = () => {},
): Promise<SyncCommandResult> {
  const options = syncOptionsFor(unit, o);
  const table = loadModelTable(workspaceRoot, homedir());
  const estimate = stepCostEstimator(workspaceRoot, unit, table, env);
  const storeFile = join(workspaceRoot, pddLayout(unit).stateDb);
  const dependencies = await dependencyInterfaces(workspaceRoot, o.dependencies ?? []);
  // The commit's time asks git (a process): only when a fingerprint or run report is written.
  let recorded: Date | undefined;
  const recordedAt = () => (recorded ??= recordTime(workspaceRoot, env));

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
      return {
        outcome: null,
        plan: plan.steps,
        reportFile: null,
        ok: false,
        summary: [`${unit.id}: not carried out (the safe profile asked, and the answer was no)`],
      };
    }
  }

  const session = SyncSession.open({ workspaceRoot, unit, env, options: o, table, dependenciesKey: dependenciesKey(dependencies), recordedAt, log });
  watch(session);
  try {
    const impl =
      (op: OperationName): OperationImpl =>
      async (u) => {
        const r = await runOperation(op, u, session.operationEnv);
        const lines = [...r.files.map((f) => `${f.path} ${f.action}`), ...r.notes];
        if (r.model) lines.push(r.cached ? 'answered from the response cache ($0)' : `${r.model}: ${formatUsd(r.costUsd)}`);
        const conflict = r.files.find((f) => f.conflict)?.conflict;
        for (const f of r.files)
          if (f.merge && f.action === 'merged')
            lines.push(
              `${f.path}: your edits merged with the new generation (${f.merge.method === 'line' ? 'by lines' : 'by declarations'})`,
              ...f.merge.notes,
            );
        return {
          costUsd: r.costUsd,
          model: r.model,
          lines,
          exampleOk: r.outcome?.exampleOk,
          verified: r.outcome?.verified,
          depsAnalyzed: op === OP.autoDeps ? true : undefined,
          ...(conflict ? { conflict: describeConflict(conflict, o.project ?? unit.id) } : {}),
        };
      };
    const resolve = async (u: PromptUnit, resolution: Resolution) => {
      const r = await resolveConflict(u, resolution, session.operationEnv);
      if (r.model) r.lines.push(`${r.model}: ${formatUsd(r.costUsd)}`);
      return r;
    };
    if (o.resolve && !readConflict(workspaceRoot, unit)) log(`note: --resolve=${o.resolve} ignored: ${unit.id} has no open conflict`);
    const started = Date.now();
    const synced = await syncUnit(
      unit,
      {
        workspaceRoot,
        store: session.store,
        runId: session.runId,
        operations: Object.fromEntries(OPERATION_NAMES.map((op) => [op, impl(op)])),
        resolve,
        version: `nx-pdd`,
        log,
        dependencies,
        recordedAt,
        interrupted: session.lock.tookOver !== null,
      },
      options,
    );
    // The ledger's figure, not a sum kept on the side: every paid call of this run, rejected answers included.
    const outcome = { ...synced, costUsd: session.ledger.ownSpentUsd };
    const seconds = (Date.now() - started) / 1000;
    const conflict = outcome.state === 'conflict' ? readConflict(workspaceRoot, unit) : null;
    const summary = outcomeLines(unit, outcome, seconds, conflict ? describeConflict(conflict, o.project ?? unit.id) : null);
    const reportFile = joinPosix(pddLayout(unit).runs, `${session.runId}-${unit.id.replace(/\//g, '_')}.json`);
    writeFileAtomic(
      join(workspaceRoot, reportFile),
      JSON.stringify({ runId: session.runId, host: hostname(), profile: o.profile, seconds, ...outcome }, null, 2),
    );
    return { outcome, plan: null, reportFile, ok: outcome.ok, summary, seconds };
  } finally {
    session.close();
    watch(null);
  }
}
