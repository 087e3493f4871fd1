import { INVOCATION_REPORTS, invocationRecordsDir } from '../pdd-layout';
import { formatUsd } from '../llm/ledger';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';

/** What one sync task of an invocation left for the end-of-run summary. */
export interface UnitRunRecord {
  project: string;
  unit: string;
  ok: boolean;
  state: string;
  reason: string;
  operations: string[];
  costUsd: number;
  /** A dry run (state `planned`): what the plan would cost at the most. */
  estimatedUsd?: number;
  seconds: number;
  /** Milliseconds the executor took, from its start to its answer to Nx (process start and module loading not included). */
  executorMs?: number;
  /** The unit's run report (`.pdd/runs/...json`). */
  reportFile: string | null;
}

/** How Nx ended a sync task. */
export type TaskEnd = 'ran' | 'cache' | 'skipped' | 'failed-to-start';

export interface SummaryRow {
  project: string;
  end: TaskEnd;
  record: UnitRunRecord | null;
  /** For skipped tasks: the failed dependencies that stopped it. */
  blockedBy: string[];
}

const recordsDir = (workspaceRoot: string, invocation: string) => join(workspaceRoot, invocationRecordsDir(invocation));

/** Called by the sync executor: leave this unit's outcome for the invocation's summary. */
export function saveRunRecord(workspaceRoot: string, invocation: string, record: UnitRunRecord): void {
  writeFileAtomic(join(recordsDir(workspaceRoot, invocation), `${record.project}.json`), JSON.stringify(record));
}

/** The records of one invocation (then removed). */
export function takeRunRecords(workspaceRoot: string, invocation: string): Map<string, UnitRunRecord> {
  const dir = recordsDir(workspaceRoot, invocation);
  const out = new Map<string, UnitRunRecord>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as UnitRunRecord;
      out.set(r.project, r);
    } catch {
      // a record cut short: the row says "no record"
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

function describe(row: SummaryRow, dryRun = false): string {
  if (row.end === 'cache') return dryRun ? 'dry run replayed from the Nx cache (its plan is printed above)' : 'in sync (Nx cache: no work)';
  if (row.end === 'skipped') return `not run: ${row.blockedBy.length ? `its dependency ${row.blockedBy.join(', ')} failed` : 'a dependency failed'}`;
  if (!row.record)
    return row.end === 'failed-to-start' ? 'failed before sync ran (see its output above)' : 'succeeded (no record of its work: see its output above)';
  const r = row.record;
  if (r.state === 'planned')
    return `dry run: ${r.operations.length ? r.operations.join(', ') : 'nothing to do'}; estimated ${formatUsd(r.estimatedUsd ?? 0)}${r.ok ? '' : ` — stops: ${r.reason.split('\n')[0]}`}`;
  return `${r.ok ? 'in sync' : `NOT in sync (${r.state})`}: ${r.operations.length ? r.operations.join(', ') : 'no operation'}; ${formatUsd(r.costUsd)}; ${r.seconds.toFixed(1)} s${r.ok ? '' : ` — ${r.reason.split('\n')[0]}`}`;
}

/** The end-of-invocation table: one line per unit, then the totals ("in sync" only for units with nothing to do). */
export function summaryLines(rows: SummaryRow[], options: { dryRun?: boolean } = {}): string[] {
  const width = Math.max(...rows.map((r) => r.project.length), 4);
  const cost = rows.reduce((n, r) => n + (r.record?.costUsd ?? 0), 0);
  const failed = rows.filter((r) => (r.record && !r.record.ok) || r.end === 'failed-to-start').length;
  const skipped = rows.filter((r) => r.end === 'skipped').length;
  const plannedRows = rows.filter((r) => r.record?.state === 'planned' && r.record.ok);
  const toDo = plannedRows.filter((r) => r.record!.operations.length > 0);
  const estimated = toDo.reduce((n, r) => n + (r.record!.estimatedUsd ?? 0), 0);
  const dryRun = options.dryRun ?? rows.every((r) => r.record?.state === 'planned' || r.end !== 'ran');
  // A dry run replayed from the Nx cache says nothing new about whether the unit is in sync.
  const replayed = dryRun ? rows.filter((r) => r.end === 'cache').length : 0;
  const inSync = rows.length - failed - skipped - toDo.length - replayed;
  const parts = [
    `${inSync} in sync`,
    ...(toDo.length || dryRun ? [`${toDo.length} with work to do (dry run, estimated ${formatUsd(estimated)})`] : []),
    ...(replayed ? [`${replayed} dry runs replayed from the Nx cache`] : []),
    `${failed} failed`,
    `${skipped} not run`,
  ];
  return [
    `nx-pdd sync summary${dryRun ? ' (dry run: no unit file written, nothing spent; this summary is in .pdd/runs/)' : ''}`,
    ...rows.map((r) => `  ${r.project.padEnd(width)}  ${describe(r, dryRun)}`),
    `  ${rows.length} unit${rows.length === 1 ? '' : 's'}: ${parts.join(', ')}; cost ${formatUsd(cost)}`,
  ];
}

/** XML 1.0 cannot carry these control characters, even escaped: they are dropped. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(XML_INVALID, '');

/** The same as JUnit XML (one test case per unit), so CI systems show the sync results natively. */
export function summaryJunit(rows: SummaryRow[]): string {
  const failures = rows.filter((r) => (r.record && !r.record.ok) || r.end === 'failed-to-start').length;
  const skipped = rows.filter((r) => r.end === 'skipped').length;
  const time = rows.reduce((n, r) => n + (r.record?.seconds ?? 0), 0);
  const cases = rows.map((r) => {
    const head = `    <testcase classname="nx-pdd.sync" name="${xml(r.project)}" time="${(r.record?.seconds ?? 0).toFixed(3)}">`;
    const body =
      r.end === 'skipped'
        ? `      <skipped message="${xml(describe(r))}"/>`
        : (r.record && !r.record.ok) || r.end === 'failed-to-start'
          ? `      <failure message="${xml(r.record ? `${r.record.state}: ${r.record.reason.split('\n')[0]}` : describe(r))}">${xml(r.record?.reason ?? describe(r))}</failure>`
          : `      <system-out>${xml(describe(r))}</system-out>`;
    return `${head}\n${body}\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nx-pdd sync" tests="${rows.length}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">`,
    `  <testsuite name="nx-pdd sync" tests="${rows.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Write `.pdd/runs/last-invocation.json` and `.junit.xml` (and the JUnit file to `junitPath` when given). */
export function writeInvocationReports(workspaceRoot: string, rows: SummaryRow[], junitPath?: string): string[] {
  const dir = join(workspaceRoot, INVOCATION_REPORTS.dir);
  mkdirSync(dir, { recursive: true });
  const junit = summaryJunit(rows);
  writeFileAtomic(join(dir, 'last-invocation.json'), JSON.stringify({ units: rows }, null, 2) + '\n');
  writeFileAtomic(join(dir, 'last-invocation.junit.xml'), junit);
  const written = [INVOCATION_REPORTS.json, INVOCATION_REPORTS.junit];
  if (junitPath) {
    writeFileAtomic(join(workspaceRoot, junitPath), junit);
    written.push(junitPath);
  }
  return written;
}
