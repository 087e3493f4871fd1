import { INTERFACE_MEMO_DIR, pddLayout } from '../pdd-layout';
import { formatUsd } from '../llm/ledger';
import { join } from 'node:path';
import { sweepStaleTemporaries } from '../atomic-write';
import { codeDeclarationNames, writeInterfaceFile } from '../code-interface';
import { dirnamePosix } from '../workspace-paths';
import { currentHashes, FileHashes, Fingerprint, nextFingerprint, writeFingerprint } from '../fingerprint';
import { LlmError } from '../llm/errors';
import { formatLocation, PddError } from '../errors';
import { preprocessUnit } from '../preprocess';

import { PromptUnit } from '../units';
import { availableProducts, Decision, decide, DecisionOptions, FileStatus, Observation, SyncState } from './decision';
import { exampleKey, EXTRAS_KEY, extrasOf, NxPddFingerprintExtras, observeForDecision } from './observe';
import { checkPrerequisites } from './operation-graph';
import { artifactFiles, filesWrittenBy, OP, OperationName, OPERATIONS } from '../operations/catalogue';
import { StateStore } from './state-store';
import { recoverJournal, Transaction } from './transaction';

/** What an operation reports back to the engine. */
export interface StepResult {
  costUsd: number;
  model: string | null;
  /** Human-readable lines (files written, notes). */
  lines: string[];
  /** crash: whether the example now runs. */
  exampleOk?: boolean;
  /** verify: whether the example's output shows what the prompt asks. */
  verified?: boolean;
  /** auto-deps ran. */
  depsAnalyzed?: boolean;
  /** The generation's merge with hand edits conflicts: what to tell the user (nothing was recorded). */
  conflict?: string;
}

export type OperationImpl = (unit: PromptUnit) => Promise<StepResult>;

export interface SyncOptions extends DecisionOptions {
  maxAttempts: number;
  /** Steps at the most in one run (a loop guard beyond the no-progress check). */
  maxSteps: number;
  /** Seconds the whole sync may take: no new step starts after that. */
  maxSeconds?: number;
  /** Run this operation first (its prerequisites must hold), then decide as usual. */
  resumeFrom?: OperationName;
}

export interface SyncEnvironment {
  workspaceRoot: string;
  store: StateStore;
  runId: string;
  /** The operations this build can run; a decision for another one stops the run and says so. */
  operations: Partial<Record<OperationName, OperationImpl>>;
  /** Ends a merge conflict the way `--resolve` says (throws when refused; nothing changes then). */
  resolve?: (unit: PromptUnit, resolution: NonNullable<DecisionOptions['resolve']>) => Promise<StepResult>;
  /** Written as the fingerprint's pdd_version. */
  version: string;
  /** The interface hashes of the units this one depends on (`dependencyInterfaces`). */
  dependencies?: Record<string, string>;
  /** The time written into fingerprints (default now; sync-command uses the commit's time, so machines agree); asked only when one is written. */
  recordedAt?: () => Date;
  /**
   * Whether an earlier sync of this unit may have been killed mid-write: its lock was taken
   * over from a process that is gone (a SIGKILL or a power cut leaves the lock; any other end
   * releases it, and an atomic write that fails removes its own temporary file). Only then are
   * the unit's folders listed for the temporary files such a writer left: listing them on every
   * sync cost O(files in each folder) per unit, ~10 ms a sync at 2,000 units in shared folders.
   * Unset: they are listed (a caller that holds no lock cannot tell).
   */
  interrupted?: boolean;
  log: (line: string) => void;
}

export interface SyncStep {
  decision: Decision;
  operation?: OperationName;
  status: 'ok' | 'failed' | 'recorded' | 'skipped';
  costUsd: number;
  error?: string;
}

export interface SyncOutcome {
  unit: string;
  /** True only when the unit ended in sync. */
  ok: boolean;
  state: SyncState;
  reason: string;
  steps: SyncStep[];
  costUsd: number;
  warnings: string[];
  /** Which limit stopped the run, if one did. */
  limit?: 'budget' | 'attempts' | 'no-progress' | 'steps' | 'time';
}

/** The files a step may write: snapshotted in its transaction, with the fingerprint it records. */
export function stepFiles(unit: PromptUnit, operation: OperationName): string[] {
  return [...filesWrittenBy(unit, operation), unit.metaFile];
}

function record(
  env: SyncEnvironment,
  unit: PromptUnit,
  previous: Fingerprint | null,
  command: string,
  extras: NxPddFingerprintExtras,
  hashes: FileHashes = currentHashes(env.workspaceRoot, unit, previous),
): void {
  const fp = nextFingerprint(previous, hashes, command, env.version, env.recordedAt?.());
  const deps = env.dependencies ?? {};
  const merged: NxPddFingerprintExtras = {
    ...extrasOf(previous),
    ...extras,
    ...(Object.keys(deps).length || extrasOf(previous).dependencies ? { dependencies: deps } : {}),
  };
  writeFingerprint(env.workspaceRoot, unit.metaFile, { ...fp, [EXTRAS_KEY]: merged });
}

/** What a killed writer left: its temporary files beside the unit's files and records. */
function sweepUnitTemporaries(workspaceRoot: string, unit: PromptUnit): void {
  const layout = pddLayout(unit);
  const files = [
    unit.metaFile,
    unit.paths.code,
    unit.paths.example,
    unit.paths.test,
    unit.promptFile,
    layout.pristine('code'),
    layout.journal,
    layout.interface,
  ];
  const dirs = [...files.filter((f): f is string => !!f).map(dirnamePosix), INTERFACE_MEMO_DIR];
  sweepStaleTemporaries(dirs.map((d) => join(workspaceRoot, d)));
}

/**
 * Sync one unit: recover an interrupted run, then observe -> decide -> run -> record until the
 * unit is in sync or a limit stops it. Every operation runs in a journaled transaction that
 * also covers the fingerprint it records. Decisions come only from `decide` (a pure function);
 * the caller holds the unit's lock and provides the ledger inside the operations.
 */
export async function syncUnit(unit: PromptUnit, env: SyncEnvironment, initialOptions: SyncOptions): Promise<SyncOutcome> {
  let options = initialOptions;
  const steps: SyncStep[] = [];
  const warnings: string[] = [];
  const attempts = new Map<OperationName, number>();
  const seen = new Set<string>();
  let costUsd = 0;
  const finish = async (state: SyncState, ok: boolean, reason: string, limit?: SyncOutcome['limit']): Promise<SyncOutcome> => {
    env.store.setState(unit.id, state);
    // What the sync tasks of dependents hash: written from the code as it now is.
    await writeInterfaceFile(env.workspaceRoot, unit);
    return { unit: unit.id, ok, state, reason, steps, costUsd, warnings, ...(limit ? { limit } : {}) };
  };

  if (env.interrupted ?? true) sweepUnitTemporaries(env.workspaceRoot, unit);
  const recovery = recoverJournal(env.workspaceRoot, pddLayout(unit).journal, unit);
  if (recovery) {
    const line = `recovered: "${recovery.operation}" (pid ${recovery.pid}, ${recovery.started}) did not finish; rolled back ${recovery.restored.join(', ')}`;
    warnings.push(line);
    env.log(line);
    env.store.logOperation({
      run_id: env.runId,
      unit_id: unit.id,
      operation: recovery.operation,
      status: 'interrupted',
      error: 'rolled back by the next run',
      started_at: recovery.started,
      ended_at: new Date().toISOString(),
    });
    env.store.setState(unit.id, 'initial');
  }

  const runStarted = Date.now();
  for (let step = 1; step <= options.maxSteps; step++) {
    if (options.maxSeconds !== undefined && Date.now() - runStarted > options.maxSeconds * 1000) {
      return finish(
        'failed',
        false,
        `stopped by --timeout: ${options.maxSeconds} s passed; done: ${
          steps
            .filter((s) => s.status === 'ok')
            .map((s) => s.operation)
            .join(', ') || 'nothing'
        }`,
        'time',
      );
    }
    const stateRow = env.store.getState(unit.id);
    const seenState = stateRow?.state === 'interrupted' ? 'initial' : (stateRow?.state ?? null);
    const obs = await observeForDecision(env.workspaceRoot, unit, seenState, env.dependencies);
    for (const w of obs.warnings) if (!warnings.includes(w)) warnings.push(w);
    let decision = decide(obs.observation, options);
    if (step === 1 && options.resumeFrom) {
      try {
        checkPrerequisites(options.resumeFrom, availableProducts(obs.observation));
      } catch (e) {
        return finish('failed', false, `--resume-from=${options.resumeFrom}: ${(e as Error).message}`);
      }
      decision = { kind: 'run', operation: options.resumeFrom, rule: 0, reason: `--resume-from=${options.resumeFrom}` };
    }
    const progressKey = JSON.stringify([decision, obs.hashes]);
    if (seen.has(progressKey)) {
      return finish('failed', false, `no progress: "${describeDecision(decision)}" again on the same files`, 'no-progress');
    }
    seen.add(progressKey);

    if (decision.kind === 'done') {
      steps.push({ decision, status: 'skipped', costUsd: 0 });
      return finish('completed', true, decision.reason);
    }
    if (decision.kind === 'stop') {
      steps.push({ decision, status: 'skipped', costUsd: 0 });
      return finish(decision.state, false, decision.reason);
    }
    if (decision.kind === 'recover') {
      // A journal appeared while we were running (or the state says interrupted): roll back and look again.
      recoverJournal(env.workspaceRoot, pddLayout(unit).journal, unit);
      env.store.setState(unit.id, 'initial');
      continue;
    }
    if (decision.kind === 'resolve') {
      if (!env.resolve) return finish('conflict', false, `--resolve=${decision.resolution}: this build cannot resolve conflicts`);
      env.log(`[${step}] resolve: ${decision.reason}`);
      const files = artifactFiles(unit, ['code', 'example', 'test']);
      try {
        const result = await Transaction.run(
          env.workspaceRoot,
          pddLayout(unit).journal,
          { unit: unit.id, operation: 'resolve' },
          [...files, unit.metaFile],
          async () => {
            const r = await env.resolve!(unit, decision.resolution);
            record(env, unit, obs.fingerprint, OP.generate, {});
            return r;
          },
        );
        costUsd += result.costUsd;
        for (const line of result.lines) env.log(`    ${line}`);
        steps.push({ decision, status: 'ok', costUsd: result.costUsd });
        env.store.setState(unit.id, 'code_generated', { operation: OP.generate, status: 'ok' });
        options = { ...options, resolve: null };
      } catch (e) {
        steps.push({ decision, status: 'failed', costUsd: 0, error: (e as Error).message });
        return finish('conflict', false, (e as Error).message);
      }
      continue;
    }
    if (decision.kind === 'record') {
      env.log(`[${step}] record: ${decision.reason}`);
      await Transaction.run(env.workspaceRoot, pddLayout(unit).journal, { unit: unit.id, operation: 'record' }, [unit.metaFile], async () =>
        record(env, unit, obs.fingerprint, 'record', {}),
      );
      steps.push({ decision, status: 'recorded', costUsd: 0 });
      continue;
    }

    const operation = decision.operation;
    const impl = env.operations[operation];
    if (!impl) return finish('failed', false, `the next step is "${operation}" (${decision.reason}), which this build cannot run yet`);
    const attempt = (attempts.get(operation) ?? 0) + 1;
    attempts.set(operation, attempt);
    if (attempt > options.maxAttempts) {
      return finish(
        'failed',
        false,
        `"${operation}" failed ${options.maxAttempts} times (--max-attempts); last: ${steps.filter((s) => s.operation === operation).pop()?.error ?? decision.reason}`,
        'attempts',
      );
    }
    env.log(`[${step}] ${operation}${attempt > 1 ? ` (${ordinal(attempt)} time)` : ''}: ${decision.reason} — spent so far ${formatUsd(costUsd)}`);
    const started = new Date();
    /** The step's outcome, in this run's steps and in the state store's operation log. */
    const logStep = (status: 'ok' | 'failed', cost: number, more: { model?: string | null; error?: string } = {}) => {
      steps.push({ decision, operation, status, costUsd: cost, ...(more.error === undefined ? {} : { error: more.error }) });
      env.store.logOperation({
        run_id: env.runId,
        unit_id: unit.id,
        operation,
        status,
        attempt,
        cost_usd: cost,
        ...more,
        duration_ms: Date.now() - started.getTime(),
        started_at: started.toISOString(),
        ended_at: new Date().toISOString(),
      });
    };
    try {
      const result = await Transaction.run(env.workspaceRoot, pddLayout(unit).journal, { unit: unit.id, operation }, stepFiles(unit, operation), async () => {
        const r = await impl(unit);
        if (r.conflict) return r; // nothing is recorded: the files are as they were
        const after = currentHashes(env.workspaceRoot, unit, obs.fingerprint);
        const extras: NxPddFingerprintExtras = {};
        if (r.exampleOk !== undefined) extras.example_run = { ok: r.exampleOk, files: exampleKey(after, obs.depsKey) };
        if (r.verified) extras.verified = exampleKey(after, obs.depsKey);
        if (r.depsAnalyzed && after.prompt_hash) extras.deps_analyzed = after.prompt_hash;
        if (OPERATIONS[operation].recordsTestedDeclarations) extras.tested_declarations = await codeDeclarationNames(env.workspaceRoot, unit);
        record(env, unit, obs.fingerprint, operation, extras, after);
        return r;
      });
      costUsd += result.costUsd;
      for (const line of result.lines) env.log(`    ${line}`);
      if (result.conflict) {
        logStep('failed', result.costUsd, { model: result.model, error: 'merge conflict' });
        return finish('conflict', false, result.conflict);
      }
      env.store.setState(unit.id, OPERATIONS[operation].stateAfter, { operation, status: 'ok' });
      logStep('ok', result.costUsd, { model: result.model });
    } catch (e) {
      const message = (e as Error).message;
      // Rejected answers were paid for: their cost is the step's.
      const paid = e instanceof LlmError ? e.paidUsd : 0;
      costUsd += paid;
      env.log(`    failed: ${message}${paid ? ` (${formatUsd(paid)} spent on rejected answers)` : ''}`);
      logStep('failed', paid, { error: message });
      if (e instanceof LlmError && e.kind === 'budget') return finish('failed', false, `stopped by the budget: ${message}`, 'budget');
      // Asked again with the reason and still rejected: another attempt would send the identical first request.
      if (e instanceof LlmError && e.kind === 'bad-answer') return finish('failed', false, message);
      if (e instanceof LlmError && (e.kind === 'auth' || e.kind === 'no-model' || e.kind === 'replay-miss')) return finish('failed', false, message);
      // A prompt that cannot be expanded stays so until someone edits it: no second attempt.
      if (e instanceof PddError && e.code === 'PROMPT') return finish('failed', false, message);
      seen.delete(progressKey); // a failed attempt may be retried on the same files
    }
  }
  return finish('failed', false, `not in sync after ${options.maxSteps} steps`, 'steps');
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

export function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'run':
      return `${d.operation}${d.merge ? ' + merge' : ''}`;
    case 'resolve':
      return `resolve ${d.resolution}`;
    default:
      return d.kind;
  }
}

/** What an operation assumed to succeed leaves behind, for `--dry-run`'s plan (the catalogue's `dryRun`). */
export function assumeSuccess(o: Observation, operation: OperationName): Observation {
  const { settles, creates, clears = [], proves = [] } = OPERATIONS[operation].dryRun;
  // The fingerprint recorded after any operation covers every file as it then is.
  const recorded = (s: FileStatus | null): FileStatus | null => (s === 'untracked' ? 'unchanged' : s);
  const next: Observation = {
    ...o,
    prompt: recorded(o.prompt)!,
    code: recorded(o.code)!,
    example: recorded(o.example),
    tests: recorded(o.tests),
    hasFingerprint: true,
    journalOpen: false,
    state: OPERATIONS[operation].stateAfter,
  };
  // A settled file is as recorded; one that is not there stays so unless the operation creates it.
  for (const f of settles) if (next[f] !== null && (next[f] !== 'missing' || creates === f)) next[f] = 'unchanged';
  for (const r of clears) Object.assign(next, r === 'verified' ? { verified: false } : { [r]: null });
  for (const r of proves) {
    if (r === 'exampleRun') next.exampleRun = { ok: true };
    else if (r === 'verified') next.verified = true;
    else if (r === 'testRun') next.testRun = { failed: 0, passed: 1, exitCode: 0, coverage: null };
    else next.depsAnalyzed = true;
  }
  return next;
}

export interface PlannedStep {
  decision: Decision;
  estimatedUsd: number;
}

/**
 * `--dry-run`: the steps sync would take if each succeeded, from the same `decide`, with an
 * estimated cost each. Reads files, writes nothing, calls no model.
 */
/**
 * The dry run's plan. `producedByDependencies`: files the syncs of the units this one depends
 * on write (their code and examples); an include of one that does not exist yet is no error,
 * since Nx runs those syncs first.
 */
export async function planSync(
  workspaceRoot: string,
  unit: PromptUnit,
  state: SyncState | null,
  options: SyncOptions,
  /** USD for one step, given the expanded prompt's length in characters. */
  estimate: (op: OperationName, expandedPromptChars: number) => number,
  dependencies: Record<string, string> = {},
  producedByDependencies: ReadonlySet<string> = new Set(),
): Promise<{ steps: PlannedStep[]; warnings: string[]; fingerprint: Fingerprint | null }> {
  const observed = await observeForDecision(workspaceRoot, unit, state, dependencies);
  let o = observed.observation;
  // The prompt expanded once, when a step sends it: for the estimates and the check below.
  let expanded: ReturnType<typeof preprocessUnit> | undefined;
  const expand = () => (expanded ??= preprocessUnit(unit, { workspaceRoot, mode: 'resolve' }));
  const steps: PlannedStep[] = [];
  for (let i = 0; i < options.maxSteps; i++) {
    const decision = decide(o, options);
    const llm = decision.kind === 'run' && decision.operation !== OP.test;
    steps.push({ decision, estimatedUsd: llm && decision.kind === 'run' ? estimate(decision.operation, expand().text.length) : 0 });
    if (decision.kind === 'done' || decision.kind === 'stop' || decision.kind === 'resolve') break;
    if (decision.kind === 'recover') o = { ...o, journalOpen: false, state: 'initial' };
    else if (decision.kind === 'record')
      o = {
        ...o,
        hasFingerprint: true,
        prompt: o.prompt === 'missing' ? 'missing' : 'unchanged',
        code: o.code === 'missing' ? 'missing' : 'unchanged',
        example: o.example === null || o.example === 'missing' ? o.example : 'unchanged',
        tests: o.tests === null || o.tests === 'missing' ? o.tests : 'unchanged',
      };
    else o = assumeSuccess(o, decision.operation);
  }
  const warnings = [...observed.warnings];
  // A prompt that cannot be expanded (a missing include, an include cycle) fails every
  // operation that sends it: such a plan is the unit's error, not a plan.
  if (observed.observation.prompt !== 'missing' && steps.some((s) => s.decision.kind === 'run' && s.decision.operation !== OP.test)) {
    const pre = expand();
    warnings.push(...pre.warnings.map((w) => w.message));
    const waitsFor = (e: PddError) =>
      e.code === 'INCLUDE_MISSING' &&
      pre.includes.find(
        (r) =>
          r.resolved === null &&
          r.from.file === e.location?.file &&
          r.from.line === e.location?.line &&
          r.candidates.some((c) => producedByDependencies.has(c)),
      );
    for (const e of pre.errors) {
      const r = waitsFor(e);
      if (r) warnings.push(`${formatLocation(r.from)}: include "${r.declared}" does not exist yet: the sync of a dependency writes it first`);
    }
    const errors = pre.errors.filter((e) => !waitsFor(e));
    // An empty prompt asks for nothing: no model is asked to write a module from it.
    if (!errors.length && !pre.text.trim())
      errors.push(new PddError('PROMPT_EMPTY', 'the prompt is empty: write what the module should do', { file: unit.promptFile }));
    if (errors.length) {
      const reason = `${unit.promptFile} cannot be used (this does not change by retrying; fix the prompt):\n    ${errors.map((e) => e.message).join('\n    ')}`;
      return { steps: [{ decision: { kind: 'stop', state: 'failed', rule: 3, reason }, estimatedUsd: 0 }], warnings, fingerprint: observed.fingerprint };
    }
  }
  return { steps, warnings, fingerprint: observed.fingerprint };
}
