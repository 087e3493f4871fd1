import { hostname } from 'node:os';
import { join } from 'node:path';
import { LlmClient } from '../llm/client';
import { ModelTable } from '../llm/model-table';
import { createLlmClient } from '../operations/llm-session';
import { OperationEnvironment } from '../operations/operation';
import { pddLayout } from '../pdd-layout';
import { killRunningPrograms } from '../run/process-runner';
import { sandboxFor } from '../run/sandbox';
import { PromptUnit } from '../units';
import { SharedLedger } from './shared-ledger';
import { StateStore } from './state-store';
import { recoverJournal } from './transaction';
import { acquireUnitLock, UnitLock } from './unit-lock';
import { SyncCommandOptions } from './sync-options';
import { readFileSync } from 'node:fs';

/** What the session needs to open: the unit, where, and the options that shape its client and limits. */
export interface SessionSpec {
  workspaceRoot: string;
  unit: PromptUnit;
  env: NodeJS.ProcessEnv;
  options: Pick<
    SyncCommandOptions,
    'budget' | 'dailyCeiling' | 'rateLimit' | 'llmCache' | 'callTimeout' | 'runTimeout' | 'passEnv' | 'sandbox' | 'testRunners'
  >;
  table: ModelTable;
  /** The interface key of the unit's dependencies, recorded with its test runs. */
  dependenciesKey: string;
  recordedAt: () => Date;
  log: (line: string) => void;
}

/**
 * Everything one sync of one unit holds while it runs: the unit's lock (rule one-writer), the
 * state store, the shared ledger (rule bounded-spend), the LLM client and the environment the
 * operations run in. `open` takes them in that order and says what it found; `close` gives them
 * back; `interrupt` is what a signal handler calls (it never exits the process: the executor
 * does, with its exit code).
 */
export class SyncSession {
  readonly runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  private closed = false;

  private constructor(
    private readonly spec: SessionSpec,
    readonly lock: UnitLock,
    readonly store: StateStore,
    readonly ledger: SharedLedger,
    readonly llm: LlmClient,
    readonly operationEnv: OperationEnvironment,
  ) {}

  static open(spec: SessionSpec): SyncSession {
    const { workspaceRoot, unit, env, options: o, table, log } = spec;
    const lock = acquireUnitLock(workspaceRoot, unit);
    let store: StateStore | null = null;
    try {
      if (lock.tookOver)
        log(
          lock.tookOver.pid === -1
            ? `took over ${lock.path}: it held no process id (empty or broken)`
            : `took over the lock of pid ${lock.tookOver.pid} (no longer running)`,
        );
      store = StateStore.open(join(workspaceRoot, pddLayout(unit).stateDb));
      if (store.warning) log(`warning: ${store.warning}`);
      for (const refused of table.refused ?? []) log(`warning: ${refused}`);
      // --sandbox=require without bubblewrap fails here, before a model is called. Otherwise the
      // sandbox is probed (a bwrap process) and named only when generated code first runs: a
      // sync with nothing to run starts no process.
      if (o.sandbox === 'require') sandboxFor('require');
      let said = false;
      const sayWhereCodeRuns = () => {
        if (said) return;
        said = true;
        log(
          sandboxFor(o.sandbox ?? 'auto') === 'bwrap'
            ? 'generated code runs in a bubblewrap sandbox (private /proc, no network, only the workspace writable)'
            : `generated code runs without a sandbox (${o.sandbox === 'off' ? '--sandbox=off' : 'bubblewrap is not usable here: apt-get install bubblewrap'}); its environment is allowlisted and its output redacted`,
        );
      };
      const ledger = new SharedLedger(store, {
        scope: budgetScope(env),
        budgetUsd: o.budget ?? unit.settings.budget,
        unitId: unit.id,
        ...(o.dailyCeiling !== undefined ? { dailyCeilingUsd: o.dailyCeiling } : {}),
        ...(o.rateLimit !== undefined ? { callsPerMinute: o.rateLimit } : {}),
      });
      const llm = createLlmClient({ workspaceRoot, unit, env, cacheMode: o.llmCache, ledger, table, timeoutMs: o.callTimeout * 1000, log });
      const operationEnv: OperationEnvironment = {
        workspaceRoot,
        llm,
        runTimeoutMs: o.runTimeout * 1000,
        secretVars: table.rows.flatMap((r) => r.apiKeyVars),
        passEnv: o.passEnv,
        sandbox: o.sandbox ?? 'auto',
        beforeRun: sayWhereCodeRuns,
        testRunners: o.testRunners,
        dependenciesKey: spec.dependenciesKey,
        recordedAt: spec.recordedAt,
      };
      return new SyncSession(spec, lock, store, ledger, llm, operationEnv);
    } catch (e) {
      store?.close();
      lock.release();
      throw e;
    }
  }

  /**
   * A signal arrived: stop the programs the unit runs, put back what the open step had written,
   * record the state, free the lock. Returns what to tell the user. Safe to call once, after or
   * instead of `close`.
   */
  interrupt(signal: string): string {
    killRunningPrograms();
    if (this.closed) return `${this.spec.unit.id}: interrupted (${signal})`;
    const { workspaceRoot, unit } = this.spec;
    const recovery = recoverJournal(workspaceRoot, pddLayout(unit).journal, unit);
    this.store.setState(unit.id, recovery ? 'initial' : (this.store.getState(unit.id)?.state ?? 'initial'));
    this.close();
    return `${unit.id}: interrupted (${signal})${recovery ? `; "${recovery.operation}" rolled back: ${recovery.restored.join(', ')}` : ''}`;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.store.close();
    this.lock.release();
  }
}

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
