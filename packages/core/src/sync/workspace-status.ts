import { pddLayout } from '../pdd-layout';
import { formatUsd } from '../llm/ledger';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { dependencyInterfaces, interfaceSourceOf } from '../code-interface';
import { importLanguageOf, ImportLanguage, ImportRef, scanImports } from '../import-scan';
import { loadModelTable } from '../llm/model-table';
import { ModuleResolver } from '../module-resolution';
import { preprocessUnit } from '../preprocess';
import { computeUnitEdges, mostDirectEdges, UnitGraphNode } from '../unit-dependencies';
import { cutCycles } from '../unit-cycles';
import { PromptUnit } from '../units';
import { StateStore } from './state-store';
import { stepCostEstimator } from './sync-command';
import { SyncProfile, syncOptionsFor } from './sync-options';
import { describeDecision, planSync } from './sync-unit';
import { readContainedText } from '../contained-read';

/** Where a unit stands, as `nx run <unit>:sync --dryRun` would plan it. */
export type UnitStanding = 'in sync' | 'to do' | 'conflict' | 'error';

export interface UnitStatus {
  unit: string;
  /** The Nx project name, when the caller knows it. */
  project: string;
  prompt: string;
  standing: UnitStanding;
  /** The first step that does something (record, an operation, resolve), or null when in sync. */
  next: string | null;
  reason: string;
  /** Every planned step, as `describeDecision` names it. */
  steps: string[];
  estimatedUsd: number;
  warnings: string[];
}

export interface WorkspaceStatusOptions {
  env: NodeJS.ProcessEnv;
  profile?: SyncProfile;
  /** Unit id -> Nx project name. */
  projectNames?: Map<string, string>;
}

/**
 * Every unit's plan in one process, with no LLM call and nothing written: the same plan
 * `nx run <unit>:sync --dryRun` prints (the same dependency edges, cycles cut the same way, so
 * a dependency's interface counts as it does in a sync), without starting a task per unit.
 */
export async function workspaceStatus(workspaceRoot: string, units: PromptUnit[], options: WorkspaceStatusOptions): Promise<UnitStatus[]> {
  const table = loadModelTable(workspaceRoot, homedir());
  const dependencies = directDependencies(workspaceRoot, units);
  const byId = new Map(units.map((u) => [u.id, u]));
  const out: UnitStatus[] = [];
  for (const unit of units) {
    const deps = (dependencies.get(unit.id) ?? []).map((id) => interfaceSourceOf(byId.get(id)!));
    const storeFile = join(workspaceRoot, pddLayout(unit).stateDb);
    let plan: Awaited<ReturnType<typeof planSync>>;
    try {
      plan = await planSync(
        workspaceRoot,
        unit,
        StateStore.peekState(storeFile, unit.id),
        syncOptionsFor(unit, { profile: options.profile ?? 'standard' }),
        stepCostEstimator(workspaceRoot, unit, table, options.env),
        await dependencyInterfaces(workspaceRoot, deps),
        new Set(deps.flatMap((d) => [d.code, ...(d.example ? [d.example] : [])])),
      );
    } catch (e) {
      // One unit's files that cannot be read (a link out of the workspace, a FIFO) are its error alone.
      out.push({
        unit: unit.id,
        project: options.projectNames?.get(unit.id) ?? unit.id,
        prompt: unit.promptFile,
        standing: 'error',
        next: null,
        reason: (e as Error).message,
        steps: [],
        estimatedUsd: 0,
        warnings: [],
      });
      continue;
    }
    const first = plan.steps.find((s) => s.decision.kind !== 'done');
    const last = plan.steps[plan.steps.length - 1]?.decision;
    const standing: UnitStanding = last?.kind === 'stop' ? (last.state === 'conflict' ? 'conflict' : 'error') : first ? 'to do' : 'in sync';
    out.push({
      unit: unit.id,
      project: options.projectNames?.get(unit.id) ?? unit.id,
      prompt: unit.promptFile,
      standing,
      next: first ? describeDecision(first.decision) : null,
      reason: (standing === 'error' || standing === 'conflict' ? last!.reason : (first ?? plan.steps[0])?.decision.reason) ?? '',
      steps: plan.steps.map((s) => describeDecision(s.decision)),
      estimatedUsd: plan.steps.reduce((n, s) => n + s.estimatedUsd, 0),
      warnings: plan.warnings,
    });
  }
  return out.sort((a, b) => a.project.localeCompare(b.project));
}

/** Unit id -> the ids it depends on directly, from the edges the plugin gives Nx (cycles cut). */
function directDependencies(workspaceRoot: string, units: PromptUnit[]): Map<string, string[]> {
  const nodes: UnitGraphNode[] = units.map((u) => {
    let filesRead: string[] = [];
    let includeCandidates: string[] = [];
    let declaredDependencies: string[] = [];
    try {
      const pre = preprocessUnit(u, { workspaceRoot, mode: 'resolve' });
      filesRead = pre.filesRead;
      includeCandidates = pre.watchFiles;
      declaredDependencies = pre.declaredDependencies.map((d) => d.prompt);
    } catch {
      // an unreadable prompt has no include edges; its plan says why
    }
    return {
      project: u.id,
      promptFile: u.promptFile,
      language: u.language.id,
      codeFile: u.paths.code,
      exampleFile: u.paths.example,
      filesRead,
      includeCandidates,
      declaredDependencies,
    };
  });
  const imports = new Map<string, { language: ImportLanguage; imports: ImportRef[] }>();
  for (const u of units) {
    const language = importLanguageOf(u.language.id);
    if (!language) continue;
    try {
      const code = readContainedText(workspaceRoot, u.paths.code);
      if (code !== null) imports.set(u.paths.code, { language, imports: scanImports(language, code) });
    } catch {
      // no code yet
    }
  }
  const { kept } = cutCycles(mostDirectEdges(computeUnitEdges(nodes, imports, new ModuleResolver(units.map((u) => u.paths.code)))));
  const out = new Map<string, string[]>();
  for (const e of kept) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  return out;
}

/** The status as a table: one line per unit, then the totals. */
export function statusLines(rows: UnitStatus[]): string[] {
  const width = Math.max(4, ...rows.map((r) => r.project.length));
  const count = (s: UnitStanding) => rows.filter((r) => r.standing === s).length;
  const total = rows.reduce((n, r) => n + r.estimatedUsd, 0);
  return [
    `${'unit'.padEnd(width)}  ${'status'.padEnd(8)}  ${'next'.padEnd(16)}  ${'estimate'.padStart(8)}  reason`,
    ...rows.map(
      (r) =>
        `${r.project.padEnd(width)}  ${r.standing.padEnd(8)}  ${(r.next ?? '-').padEnd(16)}  ${formatUsd(r.estimatedUsd).padStart(9)}  ${r.reason.split('\n')[0]}`,
    ),
    `${rows.length} unit${rows.length === 1 ? '' : 's'}: ${count('in sync')} in sync, ${count('to do')} to do, ${count('conflict')} in conflict, ${count('error')} with errors; estimated ${formatUsd(total)} if every step succeeds first time`,
  ];
}
