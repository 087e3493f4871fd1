import { LanguageSpec, LanguageTable } from './languages';

export interface ParsedPromptName {
  /** Path relative to the prompts dir without `_<language>.prompt`: `commands/fix`. */
  basename: string;
  /** The language token as written in the file name (`Python`, `python`). */
  languageToken: string;
  language: LanguageSpec;
}

export type PromptNameVerdict =
  { kind: 'unit'; parsed: ParsedPromptName } | { kind: 'template' } | { kind: 'not-a-prompt' } | { kind: 'no-language'; reason: string };

const SUFFIX = '.prompt';

/**
 * Parse a prompt path relative to its prompts dir (posix separators), following PDD: split
 * on the LAST `_`, match the language case-insensitively; `*_LLM.prompt` are PDD's templates.
 */
export function parsePromptFileName(relativePath: string, languages: LanguageTable): PromptNameVerdict {
  if (!relativePath.endsWith(SUFFIX)) return { kind: 'not-a-prompt' };
  const stem = relativePath.slice(0, -SUFFIX.length);
  const slash = stem.lastIndexOf('/');
  const underscore = stem.lastIndexOf('_');
  if (underscore <= slash + 1) {
    return { kind: 'no-language', reason: `expected <basename>_<language>.prompt, found no "_<language>" in "${relativePath}"` };
  }
  const languageToken = stem.slice(underscore + 1);
  // PDD's sync_order: the suffix is `_([a-zA-Z0-9]+)$`, and `_LLM` / `_prompt` files are
  // runtime prompts (PDD's own templates, `main_gen_prompt.prompt`), never code units.
  if (/^(llm|prompt)$/i.test(languageToken)) return { kind: 'template' };
  const language = /^[A-Za-z0-9]+$/.test(languageToken) ? languages.get(languageToken) : undefined;
  if (!language) {
    return { kind: 'no-language', reason: `unknown language "${languageToken}" in "${relativePath}" (add it with the plugin option "languages")` };
  }
  return { kind: 'unit', parsed: { basename: stem.slice(0, underscore), languageToken, language } };
}
