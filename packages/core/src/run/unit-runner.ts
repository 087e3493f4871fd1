import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PddError } from '../errors';
import { guardFiles, protectedFilesOf, workspaceProtectedFiles } from './protected-files';
import { unitTestFiles } from '../fingerprint';
import { PromptUnit } from '../units';
import { dirnamePosix } from '../workspace-paths';
import { runProcess, RunResult } from './process-runner';
import { SandboxMode, sandboxFor } from './sandbox';
import { pythonInterpreter } from './python-interpreter';
import { parseCoverage } from './coverage';
import type { JsTestRunner } from './js-test-runners';
import { classifyFailure, FailureClass, parseJestJson, parseJUnit, TestRunResult } from './test-results';

export { JS_TEST_RUNNERS } from './js-test-runners';
export type { JsTestRunner } from './js-test-runners';

export interface RunnerOptions {
  workspaceRoot: string;
  /** Per language id: the runner to use instead of the one the workspace's configuration implies. */
  testRunners?: Record<string, JsTestRunner>;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Environment variables that hold secrets (the model table's key variables). */
  secretVars?: readonly string[];
  /** Variables passed to generated code besides the allowlist (plugin option `passEnv`). */
  passEnv?: readonly string[];
  /** Where generated code runs (docs/security.md); default `auto`. */
  sandbox?: SandboxMode;
  /** The Python interpreter (default: the unit's, run/python-interpreter.ts). */
  python?: string;
}

export interface ExampleRun {
  ok: boolean;
  run: RunResult;
  failureClass: FailureClass | null;
  /** The first relevant lines of the error, for the report and the fix prompt. */
  error: string | null;
}

export interface TestsRun {
  result: TestRunResult;
  run: RunResult;
  /** Percent, or null when not measured (never 0 for "unknown"). */
  coverage: number | null;
  command: string;
}

function python(o: RunnerOptions, unit: PromptUnit): string {
  return o.python ?? pythonInterpreter(o.workspaceRoot, unit, o.env).command;
}

/** Where the unit's programs run: its PDD root, with the code's folder importable (Python). */
function runEnv(unit: PromptUnit, o: RunnerOptions): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = join(o.workspaceRoot, unit.pddRoot);
  const codeDir = join(o.workspaceRoot, dirnamePosix(unit.paths.code));
  const pythonPath = [codeDir, cwd, o.env.PYTHONPATH].filter(Boolean).join(delimiter);
  return { cwd, env: { ...o.env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1' } };
}

/** The argv of a language-table command (`python {file}`), `python` meaning the configured interpreter. */
export function commandLine(template: string, file: string, o: RunnerOptions, unit: PromptUnit): string[] {
  const argv = template
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => a.replace('{file}', file));
  if (argv[0] === 'python' || argv[0] === 'python3') argv[0] = python(o, unit);
  // npx must not download a missing tool (offline it would hang): it fails and says so.
  if (argv[0] === 'npx' && argv[1] !== '--no-install') argv.splice(1, 0, '--no-install');
  return argv;
}

/** npx could not find the tool (not installed locally; --no-install forbids a download). */
function assertNpxToolPresent(argv: string[], run: RunResult, unit: PromptUnit): void {
  if (argv[0] !== 'npx' || run.exitCode === 0) return;
  if (/missing packages|could not determine executable|npm error 404|: not found/i.test(run.stderr)) {
    const tool = argv.find((a, i) => i > 0 && !a.startsWith('-')) ?? 'the tool';
    throw new PddError('TOOL_MISSING', `${tool} is not installed in this workspace: npm install -D ${tool}, to run ${unit.id}'s ${unit.language.name} files`);
  }
}

function firstError(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

const CONFIGS: Array<[JsTestRunner, RegExp]> = [
  ['vitest', /^vitest\.config\.(ts|mts|cts|js|mjs|cjs)$/],
  ['jest', /^jest\.config\.(ts|mts|cts|js|mjs|cjs|json)$/],
];

/**
 * The runner for a JavaScript/TypeScript unit: the plugin option for its language, else what
 * the unit's folder or the workspace root is configured for (vitest.config.*, jest.config.* or
 * a "jest" key in package.json), else `node --test`.
 */
export function chooseJsTestRunner(unit: PromptUnit, o: Pick<RunnerOptions, 'workspaceRoot' | 'testRunners'>): JsTestRunner {
  const configured = o.testRunners?.[unit.language.id];
  if (configured) return configured;
  for (const dir of [...new Set([join(o.workspaceRoot, unit.pddRoot), o.workspaceRoot])]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const [runner, re] of CONFIGS) if (names.some((n) => re.test(n))) return runner;
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).jest) return 'jest';
    } catch {
      // no package.json, or not JSON
    }
  }
  return 'node-test';
}

/** How the tests of a unit are run, for the generate-tests prompt. */
export function describeTestRunner(unit: PromptUnit, o: Pick<RunnerOptions, 'workspaceRoot' | 'testRunners'>): string | null {
  if (unit.language.id === 'python') return 'pytest';
  if (!/^(java|type)script(react)?$/.test(unit.language.id)) return null;
  const runner = chooseJsTestRunner(unit, o);
  const viaTsx = unit.language.id.startsWith('typescript') && runner === 'node-test' ? ', run through tsx' : '';
  return runner === 'node-test'
    ? `node:test (node --test${viaTsx}; import test from 'node:test' and assert from 'node:assert/strict')`
    : runner === 'jest'
      ? 'jest (global test/expect)'
      : "vitest (import { test, expect } from 'vitest')";
}

/**
 * Run the example or the tests as untrusted code: the files they must not change guarded (and
 * bound read-only in the sandbox), then put back; a missing npx tool is an error that says so.
 * `tampered`: the files the run changed and that were put back.
 */
async function runGuarded(
  unit: PromptUnit,
  o: RunnerOptions,
  running: 'example' | 'tests',
  argv: string[],
  where: { cwd: string; env: NodeJS.ProcessEnv; writable: string[] },
): Promise<{ run: RunResult; tampered: string[] }> {
  const guard = guardRun(unit, o, running);
  const run = await runProcess({
    command: argv[0],
    args: argv.slice(1),
    ...where,
    timeoutMs: o.timeoutMs,
    secretVars: o.secretVars,
    passEnv: o.passEnv,
    sandbox: o.sandbox ?? 'auto',
    readOnly: guard.readOnly,
  });
  const tampered = guard.restore();
  assertNpxToolPresent(argv, run, unit);
  return { run, tampered };
}

/**
 * Guard what a run must leave alone. The unit's own files are read before and restored after
 * (with or without a sandbox). The workspace's shared ones (every prompt, `.pddrc`, all of
 * `.pdd/meta` and `.pdd/generated`) are bound read-only inside the sandbox only: parallel syncs
 * of other units change their own fingerprints meanwhile, so comparing them after the run would
 * undo those syncs' work.
 */
function guardRun(unit: PromptUnit, o: RunnerOptions, running: 'example' | 'tests'): { restore(): string[]; readOnly: string[] } {
  const own = protectedFilesOf(o.workspaceRoot, unit, running);
  const guard = guardFiles(o.workspaceRoot, own);
  // Without the sandbox there is nothing to bind: the workspace is not walked for prompts.
  if (sandboxFor(o.sandbox ?? 'auto') !== 'bwrap') return { restore: () => guard.restore(), readOnly: [] };
  const shared = workspaceProtectedFiles(o.workspaceRoot, unit);
  const inFolder = (f: string) => shared.folders.some((folder) => f.startsWith(`${folder}/`));
  // Real files and folders only (bwrap cannot bind over a symlink); files inside a bound folder are covered by it.
  const readOnly = [...new Set([...own, ...shared.files])]
    .filter((f) => !inFolder(f))
    .concat(shared.folders)
    .map((f) => join(o.workspaceRoot, f))
    .filter((f) => {
      try {
        const s = lstatSync(f);
        return s.isFile() || s.isDirectory();
      } catch {
        return false;
      }
    });
  return { restore: () => guard.restore(), readOnly };
}

function tamperedMessage(what: string, files: string[]): string {
  return `the ${what} changed files it must not (${files.join(', ')}): they were put back as they were, and this run counts as failed`;
}

/** pytest under coverage.py's API (for environments with coverage.py but no pytest-cov): argv = source, JSON report, pytest's args. */
const COVERAGE_PY_RUN = [
  'import sys, coverage, pytest',
  'cov = coverage.Coverage(data_file=None, source=[sys.argv[1]])',
  'cov.start()',
  'rc = pytest.main(sys.argv[3:])',
  'cov.stop()',
  'cov.json_report(outfile=sys.argv[2])',
  'sys.exit(int(rc))',
].join('\n');

/** Run the unit's example as untrusted code. A non-zero exit, a signal or the timeout is a crash. */
export async function runExample(unit: PromptUnit, o: RunnerOptions): Promise<ExampleRun> {
  if (!unit.paths.example) throw new PddError('OPERATION', `${unit.id}: ${unit.language.name} units have no example to run`);
  if (!unit.language.runCommand)
    throw new PddError('OPERATION', `${unit.id}: no run command for ${unit.language.name}: add "runCommand" for it in the plugin option "languages"`);
  const { cwd, env } = runEnv(unit, o);
  const [command, ...args] = commandLine(unit.language.runCommand, join(o.workspaceRoot, unit.paths.example), o, unit);
  const { run, tampered } = await runGuarded(unit, o, 'example', [command, ...args], { cwd, env, writable: [o.workspaceRoot] });
  if (tampered.length) return { ok: false, run, failureClass: 'crash', error: tamperedMessage('example', tampered) };
  const ok = run.exitCode === 0 && !run.timedOut;
  if (ok) return { ok, run, failureClass: null, error: null };
  const error = run.timedOut
    ? `the example did not finish within ${Math.round(o.timeoutMs / 1000)} s and was killed`
    : firstError(run.stderr || run.stdout) || `exit code ${run.exitCode ?? run.signal}`;
  return { ok, run, failureClass: run.timedOut ? 'timeout' : run.signal ? 'crash' : classifyFailure(run.stderr || run.stdout), error };
}

/**
 * Run the unit's tests with a runner that writes JUnit XML: pytest for Python, `node --test`
 * for JavaScript (through tsx for TypeScript). Coverage for Python when pytest-cov is there,
 * else not measured. A run that writes no report (the runner itself crashed) is one error.
 */
export async function runTests(unit: PromptUnit, o: RunnerOptions): Promise<TestsRun> {
  const files = unitTestFiles(o.workspaceRoot, unit).map((f) => join(o.workspaceRoot, f));
  if (!files.length) throw new PddError('PREREQUISITE', `${unit.id}: no test file (${unit.paths.test}); run generate-tests first`);
  const { cwd, env } = runEnv(unit, o);
  const dir = mkdtempSync(join(tmpdir(), 'nx-pdd-tests-'));
  const junit = join(dir, 'junit.xml');
  const jestJson = join(dir, 'jest.json');
  const coverageJson = join(dir, 'coverage.json');
  let runner: JsTestRunner | 'pytest' | 'command' = 'pytest';
  try {
    let argv: string[];
    let withCoverage = false;
    const id = unit.language.id;
    if (id === 'python') {
      // One probe, in the sandbox like the tests (the interpreter may be the project's): exit 1
      // without pytest; prints which coverage tool the environment has (pytest-cov, coverage.py, none).
      const interpreter = python(o, unit);
      const probe = await runProcess({
        command: interpreter,
        args: [
          '-c',
          'import importlib.util as u, pytest; print("pytest-cov" if u.find_spec("pytest_cov") else "coverage" if u.find_spec("coverage") else "none")',
        ],
        cwd,
        env,
        timeoutMs: 60_000,
        secretVars: o.secretVars,
        passEnv: o.passEnv,
        sandbox: o.sandbox ?? 'auto',
        writable: [o.workspaceRoot],
      });
      if (probe.exitCode !== 0)
        throw new PddError(
          'TOOL_MISSING',
          `pytest is not installed for ${interpreter}: install it (${interpreter} -m pip install pytest) to run ${unit.id}'s tests`,
        );
      const tool = probe.stdout.trim();
      withCoverage = tool === 'pytest-cov' || tool === 'coverage';
      const source = join(o.workspaceRoot, dirnamePosix(unit.paths.code));
      const pytestArgs = [...files, `--junitxml=${junit}`, '-q', '-p', 'no:cacheprovider'];
      argv =
        tool === 'pytest-cov'
          ? [interpreter, '-m', 'pytest', ...pytestArgs, `--cov=${source}`, `--cov-report=json:${coverageJson}`]
          : tool === 'coverage'
            ? [interpreter, '-c', COVERAGE_PY_RUN, source, coverageJson, ...pytestArgs]
            : [interpreter, '-m', 'pytest', ...pytestArgs];
    } else if (/^(java|type)script(react)?$/.test(id)) {
      runner = chooseJsTestRunner(unit, o);
      if (runner === 'jest') {
        withCoverage = true;
        argv = [
          'npx',
          '--no-install',
          'jest',
          '--json',
          `--outputFile=${jestJson}`,
          '--coverage',
          '--coverageReporters=json-summary',
          `--coverageDirectory=${dir}`,
          '--runTestsByPath',
          ...files,
        ];
      } else if (runner === 'vitest') {
        argv = ['npx', '--no-install', 'vitest', 'run', '--reporter=junit', `--outputFile=${junit}`, ...files];
      } else {
        const reporter = ['--test-reporter=junit', `--test-reporter-destination=${junit}`, '--test-reporter=spec', '--test-reporter-destination=stdout'];
        argv = id.startsWith('typescript')
          ? ['npx', '--no-install', 'tsx', '--test', ...reporter, ...files]
          : [process.execPath, '--test', ...reporter, ...files];
      }
    } else if (unit.language.testCommand) {
      // Any other language: its test command, through the shell, once per test file joined by
      // spaces; a JUnit report when the language says it writes one, else the exit code alone.
      runner = 'command';
      const quoted = files.map((f) => `'${f.replace(/'/g, `'\\''`)}'`).join(' ');
      const command = unit.language.testCommand.replace(/\{file\}/g, quoted).replace(/\{junit\}/g, `'${junit}'`);
      argv = ['sh', '-c', command];
    } else {
      throw new PddError(
        'OPERATION',
        `${unit.id}: no test command for ${unit.language.name}: set "testCommand" (and "testReport": "junit" if it writes JUnit XML to {junit}) for it in the plugin option "languages"`,
      );
    }
    const { run, tampered } = await runGuarded(unit, o, 'tests', argv, { cwd, env, writable: [o.workspaceRoot, dir] });
    let result: TestRunResult;
    const report = runner === 'jest' ? jestJson : junit;
    if (runner === 'command' && unit.language.testReport !== 'junit' && !run.timedOut) {
      const ok = run.exitCode === 0;
      const trace = ok ? null : firstError(run.stderr || run.stdout);
      result = {
        passed: ok ? 1 : 0,
        failed: ok ? 0 : 1,
        errored: 0,
        skipped: 0,
        durationMs: run.durationMs,
        tests: [
          {
            name: `(${unit.language.testCommand})`,
            classname: '',
            status: ok ? 'passed' : 'failed',
            message: ok ? null : `exit code ${run.exitCode ?? run.signal}`,
            trace,
            failureClass: ok ? null : classifyFailure(trace ?? ''),
            durationMs: run.durationMs,
          },
        ],
      };
    } else if (existsSync(report) && !run.timedOut) {
      result = runner === 'jest' ? parseJestJson(readFileSync(report, 'utf8')) : parseJUnit(readFileSync(report, 'utf8'));
      if (!result.tests.length) {
        // pytest exits 5 and writes an empty report: nothing was tested, which is not a pass.
        const trace = firstError(run.stdout || run.stderr);
        result = {
          ...result,
          errored: 1,
          tests: [
            {
              name: '(test run)',
              classname: '',
              status: 'errored',
              message: `no tests were collected from ${files.map((f) => f.slice(o.workspaceRoot.length + 1)).join(', ')}`,
              trace,
              failureClass: 'collection',
              durationMs: run.durationMs,
            },
          ],
        };
      }
    } else {
      const message = run.timedOut
        ? `the tests did not finish within ${Math.round(o.timeoutMs / 1000)} s and were killed`
        : `the test runner wrote no report (exit ${run.exitCode ?? run.signal})`;
      const trace = firstError(run.stderr || run.stdout);
      result = {
        passed: 0,
        failed: 0,
        errored: 1,
        skipped: 0,
        durationMs: run.durationMs,
        tests: [
          {
            name: '(test run)',
            classname: '',
            status: 'errored',
            message,
            trace,
            failureClass: run.timedOut ? 'timeout' : classifyFailure(trace),
            durationMs: run.durationMs,
          },
        ],
      };
    }
    if (tampered.length) {
      // Tests that rewrite the prompt, the code or nx-pdd's records fail, whatever they report.
      const message = tamperedMessage('tests', tampered);
      result = {
        ...result,
        errored: result.errored + 1,
        tests: [
          ...result.tests,
          { name: '(files the tests must not change)', classname: '', status: 'errored', message, trace: null, failureClass: 'crash', durationMs: 0 },
        ],
      };
    }
    let coverage: number | null = null;
    const summary = join(dir, 'coverage-summary.json');
    if (withCoverage && runner === 'pytest' && existsSync(coverageJson)) coverage = parseCoverage(readFileSync(coverageJson, 'utf8'), 'coverage.py');
    if (withCoverage && runner === 'jest' && existsSync(summary)) coverage = parseCoverage(readFileSync(summary, 'utf8'), 'istanbul');
    return { result, run, coverage, command: argv.join(' ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
