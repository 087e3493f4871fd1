import type { ExecutorContext } from '@nx/devkit';
import { createInterface } from 'node:readline/promises';
import {
  InterfaceSource,
  killRunningPrograms,
  parseSyncFlags,
  runRecordOf,
  runSyncCommand,
  saveRunRecord,
  SessionWatcher,
  SyncFlags,
  SyncSession,
} from '@nx-pdd/core';
import { readCutEdges } from '../../plugins/unit-cycles-file';
import { UnitProjectMetadata } from '../../plugins/unit-project';
import { resolveExecutorUnit } from '../shared/operation-executor';

export interface SyncExecutorOptions extends SyncFlags {
  prompt: string;
  pddRoot?: string;
  json?: boolean;
  strength?: number;
  temperature?: number;
  time?: number;
  model?: string;
  nxPddVersion?: string;
}

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

/**
 * Ctrl-C or a TERM from CI while a sync runs: the session puts back what the open step had
 * written and frees the lock, then this process exits 130 or 143. Installed before the sync
 * starts, so a signal at any point never leaves the lock behind.
 */
function onSignals(): { watch: SessionWatcher; remove(): void } {
  let session: SyncSession | null = null;
  const handler = (signal: NodeJS.Signals) => {
    const message = session ? session.interrupt(signal) : (killRunningPrograms(), `interrupted (${signal})`);
    process.stderr.write(`nx-pdd: ${message}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    watch: (s) => (session = s),
    remove: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `nx run <unit>:sync`: parse the flags, run core's sync, print, and succeed only when the unit is in sync. */
export default async function syncExecutor(options: SyncExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const started = performance.now();
  // With --json, stdout carries only the JSON; the progress lines go to stderr.
  const log = (line: string) => (options.json ? console.error(line) : console.log(line));
  const signals = onSignals();
  try {
    for (const e of context.projectName ? readCutEdges(context.root, context.projectName).filter((c) => c.source === context.projectName) : []) {
      log(`note: dependency not ordered (it closes a cycle between units, so ${e.source} may sync before ${e.target}): ${e.description}`);
    }
    const { unit, plugin } = resolveExecutorUnit(options, context);
    const flags = parseSyncFlags(options, { sandbox: plugin.sandbox, llmCache: process.env.NX_PDD_LLM_CACHE });
    const commandOptions = {
      ...flags,
      testRunners: plugin.testRunners,
      passEnv: plugin.passEnv,
      interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
      confirm: ask,
      project: context.projectName,
      dependencies: dependencyUnits(context),
    };
    const result = await runSyncCommand(unit, context.root, process.env, commandOptions, (line) => log(`nx-pdd: ${line}`), signals.watch);
    for (const line of result.summary) log(line);
    const invocation = process.env.NX_PDD_INVOCATION;
    const record = runRecordOf(unit, result);
    if (invocation && context.projectName && record)
      saveRunRecord(context.root, invocation, {
        ...record,
        project: context.projectName,
        ...(result.outcome ? { executorMs: Math.round(performance.now() - started) } : {}),
      });
    if (result.reportFile) log(`run report: ${result.reportFile}`);
    if (options.json)
      console.log(
        JSON.stringify(
          {
            unit: unit.id,
            ok: result.ok,
            outcome: result.outcome,
            plan: result.plan,
            ...(result.changes ? { changes: result.changes } : {}),
            reportFile: result.reportFile,
          },
          null,
          2,
        ),
      );
    return { success: result.ok };
  } catch (e) {
    console.error(`nx-pdd: sync failed: ${(e as Error).message}`);
    return { success: false };
  } finally {
    signals.remove();
  }
}
