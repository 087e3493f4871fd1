import { pddLayout } from '../pdd-layout';
import { writeContainedFile } from '../contained-write';
import { PddError } from '../errors';
import { fencedBlocks } from '../llm/code-extraction';
import { LlmError } from '../llm/errors';
import { LlmResult } from '../llm/types';
import { MergedPiece, markerLines, renderMerge } from '../merge/line-merge';
import { mergeGeneration } from '../merge/merge-file';
import { parses } from '../merge/syntax';
import { fromLines, toLines } from '../merge/text';
import { runExample, runTests } from '../run/unit-runner';
import { PromptUnit } from '../units';
import { readIfExists } from './artifact-store';
import { clearConflict, ConflictRecord, readConflict } from './conflict-store';
import { fenced, OperationEnvironment, usablePrompt } from './operation';
import { runner } from './run-operations';
import { renderTemplate } from './templates';

export type Resolution = 'ours' | 'theirs' | 'merged' | 'llm';

export interface ResolveReport {
  costUsd: number;
  model: string | null;
  lines: string[];
}

/**
 * End a unit's merge conflict the way the user chose (docs/merge.md, "Resolving"). The new
 * generation becomes the pristine base in every case; the working file becomes ours, theirs,
 * the edited proposal, or the model's merge (kept only if it parses and the unit's tests pass,
 * or, without tests, its example runs). A refused resolution throws and changes nothing.
 */
export async function resolveConflict(unit: PromptUnit, resolution: Resolution, env: OperationEnvironment): Promise<ResolveReport> {
  const root = env.workspaceRoot;
  const record = readConflict(root, unit);
  if (!record) throw new PddError('RESOLVE', `${unit.id} has no open conflict to resolve`);
  const theirs = readIfExists(root, record.theirs);
  if (theirs === null)
    throw new PddError(
      'RESOLVE',
      `${record.theirs} is missing: the conflict cannot be resolved; delete ${record.proposal.replace(/[^/]+$/, '')} and sync again to regenerate`,
    );
  const ours = readIfExists(root, record.working) ?? '';
  const write = (file: string, text: string) => writeContainedFile(root, file, text);
  const lines: string[] = [];
  let costUsd = 0;
  let model: string | null = null;

  if (resolution === 'merged') {
    const proposal = readIfExists(root, record.proposal);
    if (proposal === null) throw new PddError('RESOLVE', `${record.proposal} is missing; use --resolve=ours or --resolve=theirs`);
    const left = markerLines(toLines(proposal).lines);
    if (left.length)
      throw new PddError(
        'RESOLVE',
        `${record.proposal} still has conflict markers at line${left.length === 1 ? '' : 's'} ${left.join(', ')}: edit them away, then run --resolve=merged again (nothing was changed)`,
      );
    if ((await parses(unit.language.id, proposal)) === false)
      throw new PddError(
        'RESOLVE',
        `${record.proposal} does not parse as ${unit.language.name}: correct it, then run --resolve=merged again (nothing was changed)`,
      );
    write(record.working, proposal);
    lines.push(`${record.working}: your merge from ${record.proposal}`);
  } else if (resolution === 'theirs') {
    write(record.working, theirs);
    lines.push(`${record.working}: the new generation`);
  } else if (resolution === 'ours') {
    lines.push(`${record.working}: kept as you left it`);
  } else {
    const merged = await mergeWithModel(unit, record, ours, theirs, env);
    costUsd = merged.result.costUsd;
    model = merged.result.model;
    write(record.working, merged.text);
    const check = await checkWorks(unit, env);
    if (!check.ok) {
      write(record.working, ours);
      env.llm.forget(merged.result);
      throw new LlmError('bad-answer', `--resolve=llm: the model's merge ${check.detail}; the conflict stands (${record.proposal})`);
    }
    lines.push(`${record.working}: merged by ${merged.result.model}: ${merged.resolved.join('; ')}; ${check.detail}`);
  }
  write(pddLayout(unit).pristine(record.kind), theirs);
  const kept = clearConflict(root, unit, record, resolution === 'theirs' && ours !== theirs ? ours : undefined);
  if (kept) lines.push(`your version is kept in ${kept}`);
  return { costUsd, model, lines };
}

/** Ask the model for each conflicting place; apply its answers into the merge; it must parse. */
async function mergeWithModel(
  unit: PromptUnit,
  record: ConflictRecord,
  ours: string,
  theirs: string,
  env: OperationEnvironment,
): Promise<{ text: string; result: LlmResult; resolved: string[] }> {
  const base = readIfExists(env.workspaceRoot, record.base);
  const merge = await mergeGeneration({ languageId: unit.language.id, base, ours, theirs, labels: { ours: record.working, theirs: 'new generation' } });
  const conflicts = merge.conflicts.filter((c) => c.ours.length || c.theirs.length);
  if (!conflicts.length)
    throw new PddError(
      'RESOLVE',
      `--resolve=llm: the conflict in ${record.working} is not in particular lines (${merge.notes.join('; ') || 'the merged file does not parse'}); edit ${record.proposal} and use --resolve=merged`,
    );
  const fence = unit.language.extension.replace(/^\./, '') || unit.language.id;
  const messages = renderTemplate('resolve', {
    language: unit.language.name,
    fence,
    module: unit.name,
    prompt: usablePrompt(unit, env, 'expand').text.trim(),
    code_path: record.working,
    proposal_block: fenced(fence, merge.text),
    conflicts: conflicts
      .map(
        (c, i) =>
          `CONFLICT ${i + 1} (${c.where ?? `line ${c.line}`}):\nours:\n${fenced(fence, c.ours.join('\n'))}\nbase:\n${fenced(fence, c.base.join('\n'))}\ntheirs:\n${fenced(fence, c.theirs.join('\n'))}`,
      )
      .join('\n\n'),
  });
  const result = await env.llm.complete(messages, { unit: unit.id, operation: 'resolve' });
  const answers = new Map<number, string[]>();
  for (const part of result.content.split(/^###\s*CONFLICT\s+/im).slice(1)) {
    const n = Number(/^(\d+)/.exec(part)?.[1]);
    const block = fencedBlocks(part)[0];
    if (n && block) answers.set(n, block.code.replace(/\n$/, '').split('\n'));
  }
  const missing = conflicts.map((_, i) => i + 1).filter((n) => !answers.has(n));
  if (missing.length) {
    env.llm.forget(result);
    throw new LlmError('bad-answer', `--resolve=llm: the answer has no merge for conflict ${missing.join(', ')}; the conflict stands`);
  }
  // Rebuild the file: every conflict replaced by the model's lines.
  let i = 0;
  const pieces: MergedPiece[] = merge.pieces.map((p) => ('ok' in p ? p : { ok: answers.get(++i)! }));
  const eol = toLines(ours);
  const text = fromLines(renderMerge(pieces, { ours: '', theirs: '' }).lines, eol.eol, eol.finalNewline);
  if ((await parses(unit.language.id, text)) === false) {
    env.llm.forget(result);
    throw new LlmError('bad-answer', `--resolve=llm: the model's merge does not parse; the conflict stands (${record.proposal})`);
  }
  return { text, result, resolved: conflicts.map((c, n) => `conflict ${n + 1} (${c.where ?? `line ${c.line}`})`) };
}

/** The unit's tests pass, or (without tests) its example runs. */
async function checkWorks(unit: PromptUnit, env: OperationEnvironment): Promise<{ ok: boolean; detail: string }> {
  const o = runner(env);
  if (unit.paths.test && readIfExists(env.workspaceRoot, unit.paths.test) !== null) {
    const t = await runTests(unit, o);
    const ok = t.run.exitCode === 0 && t.result.failed === 0;
    return { ok, detail: ok ? `the tests pass (${t.result.passed})` : `fails the tests (${t.result.failed} failing)` };
  }
  if (unit.paths.example && readIfExists(env.workspaceRoot, unit.paths.example) !== null) {
    const e = await runExample(unit, o);
    return { ok: e.ok, detail: e.ok ? 'the example runs (the unit has no tests)' : `breaks the example (${e.failureClass})` };
  }
  return { ok: false, detail: 'cannot be checked: the unit has neither tests nor an example' };
}
