import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PostTasksExecution, PreTasksExecution } from '@nx/devkit';
import { invocationRecordsDir, summaryLines, takeRunRecords, writeInvocationReports } from '@nx-pdd/core/graph';
import type { SummaryRow, TaskEnd } from '@nx-pdd/core/graph';
import { normalizeOptions, NxPddPluginOptions } from './options';
import { readCutEdges } from './unit-cycles-file';

/** The id every sync task of one Nx invocation shares: its budget scope and where it leaves its record. */
export const INVOCATION_ENV = 'NX_PDD_INVOCATION';

/** Before the tasks: give them the invocation's id (Nx passes env changes made here to every task). */
export const preTasksExecution: PreTasksExecution<NxPddPluginOptions> = (_options, context) => {
  if (!process.env[INVOCATION_ENV]) process.env[INVOCATION_ENV] = context.id;
};

/**
 * After the tasks: one table of what each unit's sync did and cost (cache hits and units not
 * run because a dependency failed included), `.pdd/runs/last-invocation.json` and
 * `.junit.xml`, and the JUnit file at NX_PDD_JUNIT when set. Printed where Nx prints plugin
 * output (the terminal without the Nx daemon, e.g. in CI; the daemon's log with it).
 */
export const postTasksExecution: PostTasksExecution<NxPddPluginOptions> = (rawOptions, context) => {
  const syncTarget = normalizeOptions(rawOptions).targetNames.sync;
  const invocation = process.env[INVOCATION_ENV] ?? context.id;
  const results = Object.values(context.taskResults).filter((r) => r.task.target.target === syncTarget);
  // Most invocations run no sync (nx build, nx test, ...). Records left by sync tasks of a
  // target with another name are still removed. The summary never loads the engine (it took
  // ~50 ms of every run-many -t sync, even one served from the cache).
  if (!results.length && !existsSync(join(context.workspaceRoot, invocationRecordsDir(invocation)))) return;
  const records = takeRunRecords(context.workspaceRoot, invocation);
  if (!results.length) return;
  const failed = new Set(results.filter((r) => r.status === 'failure').map((r) => r.task.target.project));
  let deps: Record<string, { target: string }[]> = {};
  let graphNodes: Record<string, { data: { targets?: Record<string, unknown> } }> = {};
  // The graph is needed only to name what a failure stopped (reading it costs ~0.1 s at 1,000 units).
  if (failed.size) {
    try {
      const graph = (require('@nx/devkit') as typeof import('@nx/devkit')).readCachedProjectGraph();
      deps = graph.dependencies;
      graphNodes = graph.nodes;
    } catch {
      // no cached graph: units not run are not listed
    }
  }
  const blockers = (project: string): string[] => {
    const seen = new Set<string>();
    const out: string[] = [];
    const walk = (p: string) => {
      for (const d of deps[p] ?? []) {
        if (seen.has(d.target)) continue;
        seen.add(d.target);
        if (failed.has(d.target)) out.push(d.target);
        else walk(d.target);
      }
    };
    walk(project);
    return out.sort();
  };
  const rows: SummaryRow[] = results.map((r): SummaryRow => {
    const project = r.task.target.project;
    // No record of a task that ran: it failed before the sync started (a cycle, a bad flag), or
    // it ran without this invocation's id (then only Nx's status is known).
    const end: TaskEnd = /cache/.test(r.status)
      ? 'cache'
      : r.status === 'skipped'
        ? 'skipped'
        : records.has(project) || r.status === 'success'
          ? 'ran'
          : 'failed-to-start';
    return { project, end, record: records.get(project) ?? null, blockedBy: end === 'skipped' ? blockers(project) : [] };
  });
  // Nx leaves the tasks it did not run (a dependency failed) out of taskResults. For run-many
  // and affected over every project, those are the units that depend on a failed one.
  const everyProject = /\b(run-many|affected)\b/.test(context.argv.join(' ')) && !context.argv.some((a) => /^(--projects|-p|--exclude)\b/.test(a));
  if (failed.size && everyProject) {
    const ran = new Set(rows.map((r) => r.project));
    for (const [project, node] of Object.entries(graphNodes)) {
      if (ran.has(project) || !node.data.targets?.[syncTarget]) continue;
      const blockedBy = blockers(project);
      if (blockedBy.length) rows.push({ project, end: 'skipped', record: null, blockedBy });
    }
  }
  rows.sort((a, b) => a.project.localeCompare(b.project));
  const written = writeInvocationReports(context.workspaceRoot, rows, process.env.NX_PDD_JUNIT);
  const cut = readCutEdges(context.workspaceRoot).filter((e) => rows.some((r) => r.project === e.source));
  const cycleLines = cut.length
    ? [
        `  ${cut.length} dependenc${cut.length === 1 ? 'y' : 'ies'} not ordered (each closes a cycle between units; the units of a cycle sync in a fixed order):`,
        ...cut.map((e) => `    ${e.description}`),
      ]
    : [];
  const dryRun = context.argv.some((a) => /^--dry-?run(=true)?$/i.test(a));
  console.log(['', ...summaryLines(rows, { dryRun }), ...cycleLines, `  reports: ${written.join(', ')}`, ''].join('\n'));
};
