import { pddLayout } from '../pdd-layout';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { currentHashes, FileHashes, Fingerprint, readFingerprint, sha256, unitTestFiles } from '../fingerprint';
import { codeDeclarationNames, dependenciesKey } from '../code-interface';
import { readContainedText } from '../contained-read';
import { codeChangeIsCommentOnly } from './change-report';
import { readRunReport, RunReport } from '../run-report';
import { PromptUnit } from '../units';
import { FileStatus, Observation, SyncState } from './decision';
import { conflictRecordPath } from '../operations/conflict-store';

/**
 * What nx-pdd adds to PDD's fingerprint, under its own key (PDD's keys are never changed):
 * results that hold only for the exact files they were made with, keyed by those files' hashes.
 */
export interface NxPddFingerprintExtras {
  /** The example ran (ok or not) against these code + example hashes. */
  example_run?: { ok: boolean; files: string };
  /** verify passed for these code + example hashes. */
  verified?: string;
  /** auto-deps ran for this prompt hash. */
  deps_analyzed?: string;
  /** The interface hashes of the units this one depends on, as they were at this sync. */
  dependencies?: Record<string, string>;
  /** The code's public names when its tests were last written (generate-tests, fix): what they were written for. */
  tested_declarations?: string[];
}

export const EXTRAS_KEY = 'nx_pdd';

/** The run report key nx-pdd adds: the code hash the tests ran against (PDD records only the tests'). */
export const RUN_REPORT_CODE_KEY = 'nx_pdd_code_hash';

export interface UnitObservation {
  observation: Observation;
  hashes: FileHashes;
  /** The dependencies' interface hashes now, and their one key. */
  dependencies: Record<string, string>;
  depsKey: string;
  fingerprint: Fingerprint | null;
  runReport: RunReport | null;
  warnings: string[];
}

/** The key results are stored under: the code and example as they are, and the interfaces of the units they depend on. */
export function exampleKey(hashes: Pick<FileHashes, 'code_hash' | 'example_hash'>, depsKey = ''): string {
  return sha256(`${hashes.code_hash ?? '-'}:${hashes.example_hash ?? '-'}${depsKey ? `:${depsKey}` : ''}`);
}

/** The run report key nx-pdd adds: the interfaces of the dependencies the tests ran against. */
export const RUN_REPORT_DEPS_KEY = 'nx_pdd_deps_key';

export function extrasOf(fp: Fingerprint | null): NxPddFingerprintExtras {
  const v = fp?.[EXTRAS_KEY];
  return v && typeof v === 'object' ? (v as NxPddFingerprintExtras) : {};
}

function status(fp: Fingerprint | null, recorded: string | null | undefined, now: string | null): FileStatus {
  if (now === null) return 'missing';
  if (!fp || !recorded) return 'untracked';
  return recorded === now ? 'unchanged' : 'changed';
}

function testsStatus(fp: Fingerprint | null, hashes: FileHashes): FileStatus {
  if (hashes.test_hash === null && !Object.keys(hashes.test_files).length) return 'missing';
  if (!fp || (!fp.test_hash && !fp.test_files)) return 'untracked';
  if (fp.test_files) {
    const a = JSON.stringify(Object.entries(fp.test_files).sort());
    const b = JSON.stringify(Object.entries(hashes.test_files).sort());
    return a === b ? 'unchanged' : 'changed';
  }
  return fp.test_hash === hashes.test_hash ? 'unchanged' : 'changed';
}

/** PDD commands after which, in PDD's workflow, the example ran (crash) and was verified. */
const PDD_AFTER_CRASH = new Set(['crash', 'verify', 'test', 'test_extend', 'fix', 'update']);
/** PDD's COMPLETED_VERIFY_COMMANDS (a `skip:` command means the step was skipped, not done). */
const PDD_AFTER_VERIFY = new Set(['verify', 'test', 'fix', 'update']);

/**
 * A fingerprint written by PDD itself (no nx-pdd key) whose code and example still match, with
 * PDD's run report beside it: PDD's workflow had run and verified the example before the
 * command it records, so an adopted project that is in sync costs nothing.
 */
function adoptedFromPdd(fp: Fingerprint | null, hashes: FileHashes, depsKey: string, runReport: RunReport | null): NxPddFingerprintExtras {
  if (!fp || fp[EXTRAS_KEY] !== undefined) return {};
  // PDD itself validates the example again when it has no run report ("All files exist but
  // needs validation - no run_report"): without one, nothing says the example ran. With one
  // that ran clean, PDD takes the example as validated whatever command came last.
  if (runReport === null) return {};
  const ranClean = runReport.exit_code === 0 && runReport.tests_failed === 0;
  if (fp.code_hash !== hashes.code_hash || (fp.example_hash ?? null) !== hashes.example_hash) return {};
  // PDD ran them with the dependencies as they are now (it records no interfaces).
  const key = exampleKey(hashes, depsKey);
  return {
    ...(PDD_AFTER_CRASH.has(fp.command) || ranClean ? { example_run: { ok: true, files: key } } : {}),
    ...(PDD_AFTER_VERIFY.has(fp.command) ? { verified: key } : {}),
  };
}

/** The key nx-pdd adds to a run report: whether coverage was measured at all (PDD writes 0.0 when it was not). */
export const RUN_REPORT_COVERAGE_KEY = 'nx_pdd_coverage_measured';

/** Coverage of a run report, or null when it was not measured: ours say so; PDD's 0.0 means "not measured" (PDD #621). */
export function measuredCoverage(report: RunReport): number | null {
  const measured = report[RUN_REPORT_COVERAGE_KEY];
  if (measured === false) return null;
  if (measured === undefined && report.coverage === 0) return null;
  return report.coverage;
}

/** Read a unit's files, fingerprint, run report and state into the decision engine's input. */
export function observeUnit(workspaceRoot: string, unit: PromptUnit, state: SyncState | null, dependencies: Record<string, string> = {}): UnitObservation {
  const warnings: string[] = [];
  const fpRead = readFingerprint(workspaceRoot, unit.metaFile);
  if (fpRead.warning) warnings.push(fpRead.warning);
  const fingerprint = fpRead.fingerprint;
  const hashes = currentHashes(workspaceRoot, unit, fingerprint);
  const rr = readRunReport(workspaceRoot, pddLayout(unit).runReport);
  if (rr.warning) warnings.push(rr.warning);
  const runReport = rr.report;
  const depsKey = dependenciesKey(dependencies);
  const extras = { ...adoptedFromPdd(fingerprint, hashes, depsKey, runReport), ...extrasOf(fingerprint) };
  const key = exampleKey(hashes, depsKey);
  const recordedDeps = extrasOf(fingerprint).dependencies;
  const dependencyChanges = recordedDeps
    ? [...new Set([...Object.keys(recordedDeps), ...Object.keys(dependencies)])].filter((d) => recordedDeps[d] !== dependencies[d]).sort()
    : [];
  const hasExample = unit.paths.example !== null;
  const hasTests = unit.paths.test !== null;
  // PDD's run reports do not say which code the tests ran against: the fingerprint's code hash stands in.
  const ranAgainst = runReport?.[RUN_REPORT_CODE_KEY] ?? fingerprint?.code_hash ?? null;
  // As PDD's _is_workflow_complete: a report that lists its test files holds only for exactly those files.
  const sameTestFiles =
    !runReport?.test_files || JSON.stringify(Object.entries(runReport.test_files).sort()) === JSON.stringify(Object.entries(hashes.test_files).sort());
  const testRunValid =
    runReport !== null &&
    hashes.test_hash !== null &&
    runReport.test_hash === hashes.test_hash &&
    sameTestFiles &&
    ranAgainst === hashes.code_hash &&
    (runReport[RUN_REPORT_CODE_KEY] === undefined || (runReport[RUN_REPORT_DEPS_KEY] ?? '') === depsKey);
  return {
    fingerprint,
    hashes,
    dependencies,
    depsKey,
    runReport,
    warnings,
    observation: {
      hasFingerprint: fingerprint !== null,
      prompt: status(fingerprint, fingerprint?.prompt_hash, hashes.prompt_hash),
      code: status(fingerprint, fingerprint?.code_hash, hashes.code_hash),
      example: hasExample ? status(fingerprint, fingerprint?.example_hash, hashes.example_hash) : null,
      tests: hasTests ? testsStatus(fingerprint, hashes) : null,
      primaryTest: hasTests ? status(fingerprint, fingerprint?.test_hash, hashes.test_hash) : null,
      exampleRun: extras.example_run && extras.example_run.files === key ? { ok: extras.example_run.ok } : null,
      verified: extras.verified === key,
      testRun: testRunValid
        ? { failed: runReport!.tests_failed, passed: runReport!.tests_passed, exitCode: runReport!.exit_code, coverage: measuredCoverage(runReport!) }
        : null,
      depsAnalyzed: !!hashes.prompt_hash && extras.deps_analyzed === hashes.prompt_hash,
      // The conflict files are the conflict state (they outlive a deleted state.db); a stored
      // `conflict` whose files were removed by hand is no conflict any more.
      state: existsSync(join(workspaceRoot, conflictRecordPath(unit))) ? 'conflict' : state === 'conflict' ? null : state,
      journalOpen: existsSync(join(workspaceRoot, pddLayout(unit).journal)),
      dependencyChanges,
    },
  };
}

/**
 * observeUnit, plus what needs the code's syntax tree: whether a code change is comments or
 * whitespace only. What the engine and the dry run decide from.
 */
export async function observeForDecision(
  workspaceRoot: string,
  unit: PromptUnit,
  state: SyncState | null,
  dependencies: Record<string, string> = {},
): Promise<UnitObservation> {
  const observed = observeUnit(workspaceRoot, unit, state, dependencies);
  if (observed.observation.code === 'changed') observed.observation.codeCommentOnly = await codeChangeIsCommentOnly(workspaceRoot, unit, observed.fingerprint);
  observed.observation.untestedDeclarations = await untestedDeclarations(workspaceRoot, unit, extrasOf(observed.fingerprint).tested_declarations);
  return observed;
}

/**
 * Public names the code gained since its tests were written that no test file mentions (as a
 * word). Empty when nothing was recorded (a unit whose tests nx-pdd never wrote) or there are
 * no tests: only a gain is judged, so existing units are not re-tested wholesale.
 */
export async function untestedDeclarations(workspaceRoot: string, unit: PromptUnit, tested: readonly string[] | undefined): Promise<string[]> {
  if (!tested || unit.paths.test === null) return [];
  const testFiles = unitTestFiles(workspaceRoot, unit);
  if (!testFiles.length) return [];
  const gained = (await codeDeclarationNames(workspaceRoot, unit)).filter((name) => !tested.includes(name));
  if (!gained.length) return [];
  const tests = testFiles.map((f) => readContainedText(workspaceRoot, f) ?? '').join('\n');
  return gained.filter((name) => !new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(tests));
}
