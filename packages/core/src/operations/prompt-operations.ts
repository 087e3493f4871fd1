import { OP } from './catalogue';
import { pddLayout } from '../pdd-layout';
import { writeContainedFile } from '../contained-write';
import { PddError } from '../errors';
import { fencedBlocks } from '../llm/code-extraction';
import { LlmError } from '../llm/errors';
import { PromptUnit } from '../units';
import { joinPosix } from '../workspace-paths';
import { FileOutcome, readIfExists, workingPath } from './artifact-store';
import { listContextFiles, rankContextFiles } from './context-candidates';
import { fenced, OperationEnvironment, OperationReport, reportOf, usablePrompt } from './operation';
import { renderTemplate } from './templates';

/**
 * `update`: the code was changed by hand; ask the model for the prompt that describes the
 * code as it is now, keeping the prompt's structure and every tag. The old prompt goes to
 * `promptBackupPath`, and the current code becomes the pristine base of the new prompt, so
 * the code is not regenerated over the edits. An answer that drops an include, or has no
 * prompt in it, writes nothing.
 */
export async function runUpdate(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const root = env.workspaceRoot;
  const pre = usablePrompt(unit, env, 'resolve');
  const code = readIfExists(root, unit.paths.code);
  if (code === null)
    throw new PddError('PREREQUISITE', `${unit.id}: "update" needs the code file ${unit.paths.code}; there is nothing to describe yet (run generate)`);
  const prompt = readIfExists(root, unit.promptFile)!;
  const pristineCode = pddLayout(unit).pristine('code');
  const generated = readIfExists(root, pristineCode);
  const fence = unit.language.extension.replace(/^\./, '') || unit.language.id;
  const messages = renderTemplate(OP.update, {
    prompt_file: unit.promptFile,
    module: unit.name,
    language: unit.language.name,
    code_path: unit.paths.code,
    prompt_block: fenced('prompt', prompt),
    generated_section:
      generated === null || generated === code
        ? ''
        : `\nThe code as it was generated from this prompt, before the hand edits:\n\n${fenced(fence, generated)}\n`,
    code_block: fenced(fence, code),
  });
  const result = await env.llm.complete(messages, { unit: unit.id, operation: OP.update });
  const where = `${unit.id} update (${result.model})`;
  const blocks = fencedBlocks(result.content).filter((b) => b.code.trim());
  if (!blocks.length) throw new LlmError('bad-answer', `${where}: the answer has no fenced prompt block; nothing was written`);
  const tagged = blocks.filter((b) => b.tag === 'prompt');
  const newPrompt = (tagged.length ? tagged : blocks).reduce((a, b) => (b.code.length > a.code.length ? b : a)).code.replace(/\s+$/, '') + '\n';
  const ownIncludes = [...new Set(pre.includes.filter((i) => i.from.file === unit.promptFile).map((i) => i.declared))];
  const dropped = ownIncludes.filter((declared) => !newPrompt.includes(declared));
  if (dropped.length)
    throw new LlmError('bad-answer', `${where}: the answer drops the include${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')}; nothing was written`);

  const files: FileOutcome[] = [];
  if (newPrompt === prompt) {
    files.push({ kind: 'prompt', path: unit.promptFile, action: 'unchanged' });
  } else {
    const backup = pddLayout(unit).promptBackup;
    writeContainedFile(root, backup, prompt);
    writeContainedFile(root, unit.promptFile, newPrompt);
    files.push({ kind: 'prompt', path: unit.promptFile, pristine: backup, action: 'updated' });
  }
  if (generated !== code) writeContainedFile(root, pristineCode, code);
  return reportOf(
    OP.update,
    unit,
    result,
    files,
    generated !== code ? [`${unit.paths.code} as it is now is the base of the new prompt (${pristineCode})`] : [],
  );
}

const AUTO_DEPS_BLOCK = /^<pdd>nx-pdd auto-deps:[^\n]*<\/pdd>\n[\s\S]*?^<pdd>\/nx-pdd auto-deps<\/pdd>\n?/m;

/** The prompt text with its auto-deps block set to `includes` (removed when empty; appended when new). */
export function withAutoDepsBlock(prompt: string, unitName: string, includes: readonly string[]): string {
  const block = includes.length
    ? `<pdd>nx-pdd auto-deps: chosen by "nx run ${unitName}:auto-deps"; edit freely, a new run rewrites only this block</pdd>\n${includes.map((p) => `<include>${p}</include>`).join('\n')}\n<pdd>/nx-pdd auto-deps</pdd>\n`
    : '';
  if (AUTO_DEPS_BLOCK.test(prompt)) return block ? prompt.replace(AUTO_DEPS_BLOCK, block) : prompt.replace(AUTO_DEPS_BLOCK, '').replace(/\n+$/, '\n');
  if (!block) return prompt;
  return `${prompt.replace(/\s*$/, '')}\n\n${block}`;
}

/** The includes currently in a prompt's auto-deps block. */
export function autoDepsIncludes(prompt: string): string[] {
  const m = AUTO_DEPS_BLOCK.exec(prompt);
  return m ? [...m[0].matchAll(/<include>([^<]+)<\/include>/g)].map((x) => x[1].trim()) : [];
}

/**
 * `auto-deps`: offer the model the best local matches among the context folders' files (not
 * the unit's own files, not what the prompt already includes outside the block) and record
 * its choice as `<include>` tags in a marked block of the prompt. With nothing to offer it
 * makes no call. An answer naming a file that was not offered writes nothing.
 */
export async function runAutoDeps(unit: PromptUnit, env: OperationEnvironment): Promise<OperationReport> {
  const root = env.workspaceRoot;
  const pre = usablePrompt(unit, env, 'resolve');
  const prompt = readIfExists(root, unit.promptFile)!;
  const inBlock = new Set(autoDepsIncludes(prompt));
  const own = [unit.promptFile, ...(['code', 'example', 'test'] as const).map((k) => workingPath(unit, k)).filter((p): p is string => !!p)];
  const includedElsewhere = pre.includes.filter((i) => i.resolved && !inBlock.has(i.declared)).map((i) => i.resolved!);
  const dirs = (env.contextDirs ?? ['examples', 'context']).map((d) => joinPosix(unit.pddRoot, d));
  const files = listContextFiles(root, dirs, new Set([...own, ...includedElsewhere]));
  const offered = rankContextFiles(prompt.replace(AUTO_DEPS_BLOCK, ''), files);
  if (!offered.length) {
    const next = withAutoDepsBlock(prompt, unit.name, []);
    if (next !== prompt) writeContainedFile(root, unit.promptFile, next);
    return reportOf(
      OP.autoDeps,
      unit,
      null,
      [{ kind: 'prompt', path: unit.promptFile, action: next === prompt ? 'unchanged' : 'updated' }],
      [`no file in ${dirs.join(', ')} matches the prompt; no LLM call`],
    );
  }
  const messages = renderTemplate(OP.autoDeps, {
    prompt_file: unit.promptFile,
    module: unit.name,
    language: unit.language.name,
    prompt_block: fenced('prompt', prompt.replace(AUTO_DEPS_BLOCK, '')),
    candidates: offered.map((c) => `${c.path}:\n${fenced('', c.preview)}`).join('\n\n'),
  });
  const result = await env.llm.complete(messages, { unit: unit.id, operation: OP.autoDeps });
  const where = `${unit.id} auto-deps (${result.model})`;
  const blocks = fencedBlocks(result.content);
  if (!blocks.length) throw new LlmError('bad-answer', `${where}: the answer has no fenced list of paths; nothing was written`);
  const chosen = [
    ...new Set(
      blocks[0].code
        .split('\n')
        .map((l) => l.trim().replace(/^[-*]\s+/, ''))
        .filter(Boolean),
    ),
  ];
  const unknown = chosen.filter((p) => !offered.some((c) => c.path === p));
  if (unknown.length) throw new LlmError('bad-answer', `${where}: the answer names files that were not offered (${unknown.join(', ')}); nothing was written`);
  const ordered = offered.map((c) => c.path).filter((p) => chosen.includes(p));
  const next = withAutoDepsBlock(prompt, unit.name, ordered);
  if (next !== prompt) writeContainedFile(root, unit.promptFile, next);
  return reportOf(
    OP.autoDeps,
    unit,
    result,
    [{ kind: 'prompt', path: unit.promptFile, action: next === prompt ? 'unchanged' : 'updated' }],
    [ordered.length ? `includes ${ordered.join(', ')} (offered ${offered.length})` : `includes nothing of the ${offered.length} offered`],
  );
}
