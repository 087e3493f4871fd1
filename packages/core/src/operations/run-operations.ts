import { OP } from './catalogue';
import { pddLayout } from '../pdd-layout';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { writeContainedFile } from '../contained-write';
import { sha256, unitTestFiles } from '../fingerprint';
import { fencedBlocks } from '../llm/code-extraction';
import { LlmError } from '../llm/errors';
import { LlmResult } from '../llm/types';
import { writeRunReport } from '../run-report';
import { runProcess } from '../run/process-runner';
import { describeFailures } from '../run/test-results';
import { ExampleRun, runExample, RunnerOptions, runTests, TestsRun } from '../run/unit-runner';
import { PromptUnit } from '../units';
import { ArtifactKind, FileOutcome, readIfExists } from './artifact-store';
import { fenced, OperationEnvironment, OperationReport, reportOf, usablePrompt } from './operation';
import { renderTemplate } from './templates';

/** How operations run the unit's example and tests: the environment's timeout, secrets and test runners. */
export const runner = (env: OperationEnvironment): RunnerOptions => {
  env.beforeRun?.();
  return {
    workspaceRoot: env.workspaceRoot,
    env: process.env,
    timeoutMs: env.runTimeoutMs ?? 120_000,
    secretVars: env.secretVars,
    passEnv: env.passEnv,
    sandbox: env.sandbox,
    testRunners: env.testRunners,
  };
};
const fenceOf = (unit: PromptUnit) => unit.language.extension.replace(/^\./, '') || unit.language.id;

/** Whether `content` parses in the unit's language (Python: ast; JS/TS: TypeScript's parser). Null: it does. */
export async function syntaxError(unit: PromptUnit, content: string, env: OperationEnvironment): Promise<string | null> {
  const id = unit.language.id;
  if (id === 'python') {
    const tmp = join(env.workspaceRoot, pddLayout(unit).syntaxCheck(process.pid, '.py'));
    writeFileAtomic(tmp, content);
    try {
      const r = await runProcess({
        command: process.env.PDD_PYTHON ?? 'python3',
        args: ['-c', 'import ast,sys; ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])', tmp],
        cwd: env.workspaceRoot,
        env: process.env,
        timeoutMs: 30_000,
      });
      return r.exitCode === 0 ? null : r.stderr.trim().split('\n').slice(-3).join('\n') || 'does not parse';
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  if (/^(java|type)script(react)?$/.test(id)) {
    // Loaded here, not at the top: graph inference loads this package and must not pay for TypeScript.
    const ts = require('typescript') as typeof import('typescript');
    const out = ts.transpileModule(content, {
      fileName: `x${unit.language.extension}`,
      reportDiagnostics: true,
      compilerOptions: { jsx: ts.JsxEmit.Preserve },
    });
    const d = out.diagnostics?.[0];
    return d ? ts.flattenDiagnosticMessageText(d.messageText, '\n') : null;
  }
  return null;
}

/** What the crash and fix templates share: the unit, its prompt, its code, the files the answer may name. */
function fixTemplateVars(unit: PromptUnit, env: OperationEnvironment, allowed: string[]): Record<string, string> {
  const fence = fenceOf(unit);
  return {
    language: unit.language.name,
    module: unit.name,
    fence,
    allowed_files: allowed.join(', '),
    prompt: usablePrompt(unit, env, 'expand').text.trim(),
    code_path: unit.paths.code,
    code_block: fenced(fence, readIfExists(env.workspaceRoot, unit.paths.code) ?? ''),
  };
}

/** A fix answer: `FILE: <path>` (one of `allowed`), optional `REASON: ...`, one fenced block. */
function parseFixAnswer(answer: string, allowed: string[], fence: string, where: string): { path: string; content: string; reason: string | null } {
  const file = /^\s*FILE:\s*(\S+)/m.exec(answer)?.[1];
  if (!file || !allowed.includes(file))
    throw new LlmError(
      'bad-answer',
      `${where}: the answer must name one of ${allowed.join(', ')} on a FILE: line (it named ${file ?? 'none'}); nothing was written`,
    );
  const blocks = fencedBlocks(answer).filter((b) => b.code.trim());
  if (!blocks.length) throw new LlmError('bad-answer', `${where}: the answer has no fenced code block; nothing was written`);
  const tagged = blocks.filter((b) => b.tag === fence || b.tag === '');
  const block = (tagged.length ? tagged : blocks).reduce((a, b) => (b.code.length > a.code.length ? b : a));
  return { path: file, content: block.code.replace(/\s+$/, '') + '\n', reason: /^\s*REASON:\s*(.+)$/m.exec(answer)?.[1]?.trim() ?? null };
}

/** Apply a validated fix to a working file; the fixed version becomes its pristine base too. */
async function applyFix(unit: PromptUnit, env: OperationEnvironment, kind: ArtifactKind, path: string, content: string, where: string): Promise<FileOutcome> {
  const error = await syntaxError(unit, content, env);
  if (error) throw new LlmError('bad-answer', `${where}: the corrected ${path} does not parse (${error}); nothing was written`);
  const before = readIfExists(env.workspaceRoot, path);
  writeContainedFile(env.workspaceRoot, path, content);
  writeContainedFile(env.workspaceRoot, pddLayout(unit).pristine(kind), content);
  return { kind, path, pristine: pddLayout(unit).pristine(kind), action: before === content ? 'unchanged' : 'updated' };
}

function exampleLines(run: ExampleRun): string[] {
  return run.ok ? [`example ran: exit 0 in ${run.run.durationMs} ms`] : [`example failed (${run.failureClass}): ${run.error?.split('\n').pop() ?? ''}`];
}

/**
 * One crash-style fix: the model sees the prompt, code, example and the failure, names the file
 * it corrects (code or example), and the correction is applied only if it parses.
 */
async function fixCodeOrExample(
  unit: PromptUnit,
  env: OperationEnvironment,
  operation: typeof OP.crash | typeof OP.verify,
  failureClass: string,
  failure: string,
): Promise<{ result: LlmResult; file: FileOutcome; path: string }> {
  const fence = fenceOf(unit);
  const allowed = [unit.paths.code, unit.paths.example!];
  const messages = renderTemplate(OP.crash, {
    ...fixTemplateVars(unit, env, allowed),
    example_path: unit.paths.example!,
    example_block: fenced(fence, readIfExists(env.workspaceRoot, unit.paths.example!) ?? ''),
    failure_class: failureClass,
    error_block: fenced('text', failure),
  });
  const result = await env.llm.complete(messages, { unit: unit.id, operation });
  const where = `${unit.id} ${operation} fix (${result.model})`;
  const fix = parseFixAnswer(result.content, allowed, fence, where);
  const file = await applyFix(unit, env, fix.path === unit.paths.code ? 'code' : 'example', fix.path, fix.content, where);
  return { result, file, path: fix.path };
}

/** `crash`: run the example; when it fails, one LLM fix of the code or the example, then run it again. */
export async function runCrash(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const o = runner(env);
  const first = await runExample(unit, o);
  if (first.ok) return { ...reportOf(OP.crash, unit, null, [], exampleLines(first)), outcome: { exampleOk: true } };
  const { result, file, path } = await fixCodeOrExample(unit, env, OP.crash, first.failureClass ?? 'crash', first.error ?? '');
  const again = await runExample(unit, o);
  return { ...reportOf(OP.crash, unit, result, [file], [...exampleLines(first), `fixed ${path}`, ...exampleLines(again)]), outcome: { exampleOk: again.ok } };
}

/** `verify`: run the example and ask the model whether its output shows what the prompt asks; on "no", fix as crash does. */
export async function runVerify(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const o = runner(env);
  const run = await runExample(unit, o);
  if (!run.ok) return { ...reportOf(OP.verify, unit, null, [], exampleLines(run)), outcome: { exampleOk: false, verified: false } };
  const pre = usablePrompt(unit, env, 'expand');
  const fence = fenceOf(unit);
  const messages = renderTemplate(OP.verify, {
    module: unit.name,
    prompt: pre.text.trim(),
    example_path: unit.paths.example!,
    example_block: fenced(fence, readIfExists(env.workspaceRoot, unit.paths.example!) ?? ''),
    output_block: fenced('text', (run.run.stdout + (run.run.stderr ? `\n[stderr]\n${run.run.stderr}` : '')).slice(0, 8000)),
  });
  const result = await env.llm.complete(messages, { unit: unit.id, operation: OP.verify });
  const where = `${unit.id} verify (${result.model})`;
  const json = fencedBlocks(result.content).find((b) => b.tag === 'json' || b.code.trim().startsWith('{'));
  let verdict: { verdict?: string; reasons?: unknown };
  try {
    verdict = JSON.parse(json?.code ?? '');
  } catch {
    throw new LlmError('bad-answer', `${where}: the answer has no JSON verdict ({"verdict": "yes"|"no", "reasons": [...]})`);
  }
  if (verdict.verdict !== 'yes' && verdict.verdict !== 'no')
    throw new LlmError('bad-answer', `${where}: the verdict must be "yes" or "no" (it was ${JSON.stringify(verdict.verdict)})`);
  const reasons = Array.isArray(verdict.reasons) ? verdict.reasons.map(String) : [];
  if (verdict.verdict === 'yes')
    return {
      ...reportOf(OP.verify, unit, result, [], ["verified: the example's output shows what the prompt asks"]),
      outcome: { exampleOk: true, verified: true },
    };
  // "no": a crash-style fix with the reasons as the failure; the engine runs and verifies again.
  const failure = `The example runs, but its output does not show what the prompt asks:\n${reasons.map((r) => `- ${r}`).join('\n')}\n\nOutput:\n${run.run.stdout.slice(0, 4000)}`;
  const fix = await fixCodeOrExample(unit, env, OP.verify, 'verification', failure);
  return {
    ...reportOf(OP.verify, unit, [result, fix.result], [fix.file], [`not verified: ${reasons.join('; ') || 'no reason given'}`, `fixed ${fix.path}`]),
    outcome: { verified: false },
  };
}

function assertions(text: string): number {
  return (text.match(/\bassert\b|\bexpect\s*\(/g) ?? []).length;
}

function recordTests(unit: PromptUnit, env: OperationEnvironment, t: TestsRun): void {
  const root = env.workspaceRoot;
  const testFiles: Record<string, string> = {};
  for (const f of unitTestFiles(root, unit)) testFiles[f.slice(f.lastIndexOf('/') + 1)] = sha256(readIfExists(root, f) ?? '');
  const failed = t.result.failed + t.result.errored;
  writeRunReport(root, pddLayout(unit).runReport, {
    timestamp: (env.recordedAt?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    exit_code: t.run.timedOut ? 124 : (t.run.exitCode ?? 1),
    tests_passed: t.result.passed,
    tests_failed: failed,
    coverage: t.coverage ?? 0,
    test_hash: unit.paths.test ? sha256(readIfExists(root, unit.paths.test) ?? '') : null,
    test_files: testFiles,
    nx_pdd_code_hash: sha256(readIfExists(root, unit.paths.code) ?? ''),
    ...(env.dependenciesKey ? { nx_pdd_deps_key: env.dependenciesKey } : {}),
    nx_pdd_coverage_measured: t.coverage !== null,
    nx_pdd_skipped: t.result.skipped,
    nx_pdd_failures: t.result.tests
      .filter((c) => c.status === 'failed' || c.status === 'errored')
      .slice(0, 20)
      .map((c) => ({ test: `${c.classname ? `${c.classname}::` : ''}${c.name}`, class: c.failureClass, message: (c.message ?? '').slice(0, 500) })),
  });
}

function testLines(t: TestsRun): string[] {
  const r = t.result;
  const cov = t.coverage === null ? 'coverage not measured' : `coverage ${t.coverage}%`;
  const head = `${r.passed} passed, ${r.failed} failed, ${r.errored} errors, ${r.skipped} skipped (${cov})`;
  const failures = r.tests
    .filter((c) => c.status === 'failed' || c.status === 'errored')
    .slice(0, 5)
    .map((c) => `  ${c.name}: ${c.failureClass} — ${(c.message ?? '').split('\n')[0].slice(0, 160)}`);
  return [head, ...failures];
}

const passing = (t: TestsRun) => t.result.failed + t.result.errored === 0 && t.run.exitCode === 0 && !t.run.timedOut;

/** `test`: run the unit's tests and record the run report (PDD's fields plus ours). No LLM. */
export async function runTestOperation(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const t = await runTests(unit, runner(env));
  recordTests(unit, env, t);
  return {
    ...reportOf(OP.test, unit, null, [{ kind: 'test', path: pddLayout(unit).runReport, action: 'updated' }], testLines(t)),
    outcome: { testsPassing: passing(t) },
  };
}

/**
 * `fix`: run the tests; on failures, one LLM fix of the code (or of a test the prompt
 * contradicts, with the reason, reported, and never by dropping assertions), then run them
 * again and record the result.
 */
export async function runFix(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const o = runner(env);
  const before = await runTests(unit, o);
  if (passing(before)) {
    recordTests(unit, env, before);
    return { ...reportOf(OP.fix, unit, null, [], testLines(before)), outcome: { testsPassing: true } };
  }
  const fence = fenceOf(unit);
  const testPath = unit.paths.test!;
  const allowed = [unit.paths.code, testPath];
  const testsBefore = readIfExists(env.workspaceRoot, testPath) ?? '';
  const messages = renderTemplate(OP.fix, {
    ...fixTemplateVars(unit, env, allowed),
    test_path: testPath,
    test_block: fenced(fence, testsBefore),
    failed: String(before.result.failed + before.result.errored),
    passed: String(before.result.passed),
    failures: fenced('text', describeFailures(before.result)),
  });
  const result: LlmResult = await env.llm.complete(messages, { unit: unit.id, operation: OP.fix });
  const where = `${unit.id} fix (${result.model})`;
  const fix = parseFixAnswer(result.content, allowed, fence, where);
  const notes: string[] = [...testLines(before)];
  if (fix.path === testPath) {
    if (!fix.reason)
      throw new LlmError(
        'bad-answer',
        `${where}: the answer changes the tests without a REASON: line naming the requirement they contradict; nothing was written`,
      );
    const lost = assertions(testsBefore) - assertions(fix.content);
    if (lost > 0)
      throw new LlmError(
        'bad-answer',
        `${where}: the answer removes ${lost} assertion${lost > 1 ? 's' : ''} from ${testPath}; tests are never weakened to pass; nothing was written`,
      );
    notes.push(`CHANGED THE TESTS ${testPath}: ${fix.reason}`);
  }
  const file = await applyFix(unit, env, fix.path === unit.paths.code ? 'code' : 'test', fix.path, fix.content, where);
  const after = await runTests(unit, o);
  recordTests(unit, env, after);
  return { ...reportOf(OP.fix, unit, result, [file], [...notes, `fixed ${fix.path}`, ...testLines(after)]), outcome: { testsPassing: passing(after) } };
}
