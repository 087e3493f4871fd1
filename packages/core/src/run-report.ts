import { writeContainedFile } from './contained-write';
import { numberOf, parsePythonJson, pythonFloat, stringifyPythonJson } from './python-json';
import { readContainedText } from './contained-read';

/**
 * PDD's run report (`.pdd/meta/<...>_<language>_run.json`): the last run of a unit's tests.
 * Field names are PDD's; `coverage` is a percentage, PDD writes it as a float.
 */
export interface RunReport {
  timestamp: string;
  exit_code: number;
  tests_passed: number;
  tests_failed: number;
  coverage: number;
  test_hash?: string | null;
  test_files?: Record<string, string>;
  [other: string]: unknown;
}

export type RunReportRead = { report: RunReport; warning?: undefined } | { report: null; warning?: string };

/** Read a run report; missing: null; malformed: null with a warning naming the file. */
export function readRunReport(workspaceRoot: string, file: string): RunReportRead {
  let text: string | null;
  try {
    text = readContainedText(workspaceRoot, file, 4 * 1024 * 1024);
  } catch (e) {
    return { report: null, warning: `${(e as Error).message}; the run report is ignored` };
  }
  if (text === null) return { report: null };
  try {
    const v = parsePythonJson(text) as Record<string, unknown>;
    const exit = numberOf(v?.exit_code);
    if (!v || typeof v !== 'object' || exit === null) throw new Error('no exit_code');
    return {
      report: {
        ...v,
        timestamp: typeof v.timestamp === 'string' ? v.timestamp : '',
        exit_code: exit,
        tests_passed: numberOf(v.tests_passed) ?? 0,
        tests_failed: numberOf(v.tests_failed) ?? 0,
        coverage: numberOf(v.coverage) ?? 0,
      },
    };
  } catch (e) {
    return { report: null, warning: `${file} is not a valid run report (${(e as Error).message}); it is ignored` };
  }
}

/** The text PDD writes for a run report (`json.dump(..., indent=2)`, coverage a float). */
export function serializeRunReport(report: RunReport): string {
  return stringifyPythonJson({ ...report, coverage: pythonFloat(report.coverage) });
}

export function writeRunReport(workspaceRoot: string, file: string, report: RunReport): void {
  writeContainedFile(workspaceRoot, file, serializeRunReport(report));
}
