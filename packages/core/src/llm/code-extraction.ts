import { LanguageSpec } from '../languages';
import { LlmError } from './errors';

export interface CodeBlock {
  tag: string;
  code: string;
}

const EXTRA_TAGS: Record<string, string[]> = {
  python: ['py', 'python3'],
  typescript: ['ts'],
  typescriptreact: ['tsx'],
  javascript: ['js', 'node', 'mjs', 'cjs'],
  javascriptreact: ['jsx'],
  bash: ['sh', 'shell', 'zsh'],
  shell: ['sh', 'bash'],
  yaml: ['yml'],
  yml: ['yaml'],
  markdown: ['md'],
  csharp: ['cs', 'c#'],
  cpp: ['c++', 'cxx', 'cc'],
  go: ['golang'],
  rust: ['rs'],
  makefile: ['make'],
};

/** The fence tags that mean `language`: its id, its name, its extension and common aliases. */
export function languageTags(language: LanguageSpec): Set<string> {
  return new Set([language.id, language.name.toLowerCase(), language.extension.replace(/^\./, ''), ...(EXTRA_TAGS[language.id] ?? [])].filter(Boolean));
}

/** Every fenced block (``` or ~~~, closed by the same fence) with its info tag, in order. */
export function fencedBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j]);
    }
    if (j >= lines.length) break; // an unclosed fence is not a block
    blocks.push({ tag: open[2].toLowerCase(), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/**
 * The code of an answer: the fenced block tagged with the unit's language (the largest if
 * several), else the largest untagged block. No block, only blocks of another language, an
 * empty block or an empty answer is an error: nothing may be written from it. The code ends
 * with exactly one newline.
 */
export function extractCode(answer: string, language: LanguageSpec, where: string): string {
  if (!answer.trim()) throw new LlmError('bad-answer', `${where}: the model returned an empty answer`);
  const blocks = fencedBlocks(answer).filter((b) => b.code.trim());
  if (!blocks.length) {
    const preview = answer.trim().slice(0, 120).replace(/\s+/g, ' ');
    throw new LlmError(
      'bad-answer',
      `${where}: the answer has no fenced code block (it starts "${preview}${answer.trim().length > 120 ? '…' : ''}"); nothing was written`,
    );
  }
  const tags = languageTags(language);
  const tagged = blocks.filter((b) => tags.has(b.tag));
  // A block tagged with another language (```javascript for a Python unit) is never taken: an
  // untagged block is, as the answer's code.
  const pool = tagged.length ? tagged : blocks.filter((b) => b.tag === '');
  if (!pool.length) {
    const other = [...new Set(blocks.map((b) => b.tag))].join(', ');
    throw new LlmError('bad-answer', `${where}: the answer's code is ${other}, not ${language.name} (fence tags ${[...tags].join(', ')}); nothing was written`);
  }
  const best = pool.reduce((a, b) => (b.code.length > a.code.length ? b : a));
  return best.code.replace(/\s+$/, '') + '\n';
}
