import { OP } from './catalogue';
import { pddLayout } from '../pdd-layout';
import { PddError } from '../errors';
import { extractCode } from '../llm/code-extraction';
import { LlmError } from '../llm/errors';
import { parses } from '../merge/syntax';
import { describeTestRunner } from '../run/unit-runner';
import { PromptUnit } from '../units';
import { applyGeneration, ArtifactKind, readIfExists } from './artifact-store';
import { fenced, OperationEnvironment, OperationReport, reportOf, usablePrompt } from './operation';
import { renderTemplate } from './templates';

/** The operations that write one of the unit's files from the prompt (the catalogue names which). */
export type GeneratingOperation = typeof OP.generate | typeof OP.example | typeof OP.generateTests;

const DEFAULT_TEST_RUNNERS: Record<string, string> = {
  python: 'pytest',
  typescript: 'node:test (node --test, run through tsx)',
  typescriptreact: 'node:test (node --test, run through tsx)',
  javascript: 'node:test (node --test)',
  javascriptreact: 'node:test (node --test)',
  go: 'go test',
  rust: 'cargo test',
  java: 'JUnit 5',
};

/**
 * Run one generating operation of a unit: build the messages from our template, call the
 * model, extract the code, store it (never overwriting manual edits). Throws PddError for a
 * broken prompt, a missing prerequisite or a bad answer; nothing is written then.
 */
export async function runGeneratingOperation(
  operation: GeneratingOperation,
  kind: ArtifactKind,
  unit: PromptUnit,
  env: OperationEnvironment,
): Promise<OperationReport> {
  const target = kind === 'code' ? unit.paths.code : kind === 'example' ? unit.paths.example : unit.paths.test;
  if (!target) throw new PddError('OPERATION', `${unit.id}: ${unit.language.name} units have no ${kind} file, so "${operation}" does not apply`);

  const pre = usablePrompt(unit, env, 'expand');

  const fence = unit.language.extension.replace(/^\./, '') || unit.language.id;
  const vars: Record<string, string> = {
    language: unit.language.name,
    fence,
    module: unit.name,
    prompt: pre.text.trim(),
    code_path: unit.paths.code,
    example_path: unit.paths.example ?? '',
    test_path: unit.paths.test ?? '',
    test_runner: describeTestRunner(unit, env) ?? DEFAULT_TEST_RUNNERS[unit.language.id] ?? `the usual test runner for ${unit.language.name}`,
  };
  if (operation !== OP.generate) {
    const code = readIfExists(env.workspaceRoot, unit.paths.code);
    if (code === null) throw new PddError('PREREQUISITE', `${unit.id}: "${operation}" needs the code file ${unit.paths.code}; run generate first`);
    vars.code_block = fenced(fence, code);
  }
  let handWrittenTests: string | undefined;
  if (operation === OP.generateTests) {
    const example = unit.paths.example ? readIfExists(env.workspaceRoot, unit.paths.example) : null;
    const tests = readIfExists(env.workspaceRoot, unit.paths.test!);
    // Tests that are still exactly our last generation are regenerated from scratch (the same
    // request as before, so the response cache answers it); tests with manual edits are shown
    // to the model to be kept and extended.
    if (tests !== null && tests !== readIfExists(env.workspaceRoot, pddLayout(unit).pristine('test'))) handWrittenTests = tests;
    vars.example_section = example === null ? '' : `\nIts usage example (${unit.paths.example}):\n\n${fenced(fence, example)}\n`;
    vars.existing_tests_section =
      handWrittenTests === undefined ? '' : `\nExisting tests (${unit.paths.test}): keep every one of them:\n\n${fenced(fence, handWrittenTests)}\n`;
  }

  const messages = renderTemplate(operation, vars);
  const result = await env.llm.complete(messages, { unit: unit.id, operation });
  const where = `${unit.id} ${operation} (${result.model})`;
  const content = extractCode(result.content, unit.language, where);
  // Code that does not parse is never written (where nx-pdd has the language's grammar).
  if ((await parses(unit.language.id, content)) === false) {
    throw new LlmError('bad-answer', `${where}: the answer's ${kind} does not parse as ${unit.language.name}; nothing was written`);
  }
  const file = await applyGeneration(env.workspaceRoot, unit, kind, content, { shownToModel: handWrittenTests });
  return reportOf(operation, unit, result, [file]);
}
