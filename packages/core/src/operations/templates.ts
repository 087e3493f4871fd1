import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PddError } from '../errors';
import type { LlmMessage } from '../llm/types';
import type { OperationName } from './catalogue';

/** Each operation that calls a model has its template (`templates/<operation>.prompt`); `resolve` ends merge conflicts. */
export type TemplateName = Exclude<OperationName, 'test'> | 'resolve';

/** Where nx-pdd's own prompt templates live (shipped in the package, versioned with it). */
export const TEMPLATES_DIR = join(__dirname, '..', '..', 'templates');

/**
 * Render `templates/<name>.prompt` into chat messages. The file has a `[system]` and a
 * `[user]` section; `{{name}}` placeholders must all be given (an unknown one is an error).
 */
export function renderTemplate(name: TemplateName, vars: Record<string, string>): LlmMessage[] {
  const file = join(TEMPLATES_DIR, `${name}.prompt`);
  const text = readFileSync(file, 'utf8');
  const sections = /^\[system\]\n([\s\S]*?)^\[user\]\n([\s\S]*)$/m.exec(text);
  if (!sections) throw new PddError('TEMPLATE', `${file} needs a [system] and a [user] section`);
  const fill = (part: string) =>
    part.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      if (!(key in vars)) throw new PddError('TEMPLATE', `${file}: no value for {{${key}}}`);
      return vars[key];
    });
  return [
    { role: 'system', content: fill(sections[1]).trim() },
    { role: 'user', content: fill(sections[2]).trim() },
  ];
}

const digests = new Map<string, string>();

/** A short content hash of a template: part of its target's options, so editing a template re-runs the target. */
export function templateDigest(name: TemplateName): string {
  let digest = digests.get(name);
  if (!digest) {
    digest = createHash('sha256')
      .update(readFileSync(join(TEMPLATES_DIR, `${name}.prompt`)))
      .digest('hex')
      .slice(0, 16);
    digests.set(name, digest);
  }
  return digest;
}
