import { createHash } from 'node:crypto';

export interface NameableUnit {
  promptFile: string;
  basename: string;
  languageId: string;
  pddRoot: string;
}

/** Letters and digits of any script stay (a unit named 计算 is project 计算), other runs become `-`. */
const slug = (s: string) => s.replace(/\//g, '-').replace(/[^\p{L}\p{N}._@-]+/gu, '-');
const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 6);

/**
 * Project names for units. Rule, applied only to units whose name clashes:
 * 1. the basename, `/` replaced by `-` (`commands/fix` -> `commands-fix`);
 * 2. plus `-<language>` (`calc-python`, `calc-typescript`);
 * 3. plus the PDD root folder in front (`apps-api-calc-python`);
 * 4. the prompt's path (`prompts-a-b_python`);
 * 5. that and a short hash of the path, which no two prompt files share.
 * A name with no letter or digit (a basename of punctuation only) starts at rule 4.
 * `prefix` goes before every name. Naming never fails, so no clash can hide other units.
 */
export function assignProjectNames(units: NameableUnit[], prefix = ''): Map<string, string> {
  const nameAt = (u: NameableUnit, l: number) => {
    const base = slug(u.basename);
    const pathName = slug(u.promptFile.replace(/\.prompt$/, ''));
    if (l === 0) return base;
    if (l === 1) return `${base}-${u.languageId}`;
    if (l === 2) return u.pddRoot ? `${slug(u.pddRoot)}-${base}-${u.languageId}` : `${base}-${u.languageId}`;
    if (l <= 3) return pathName;
    return `${pathName}-${shortHash(u.promptFile)}`;
  };
  const readable = (u: NameableUnit) => /[\p{L}\p{N}]/u.test(slug(u.basename));
  const level = new Map(units.map((u) => [u.promptFile, readable(u) ? 0 : 3]));
  for (;;) {
    const byName = new Map<string, NameableUnit[]>();
    for (const u of units) {
      const name = nameAt(u, level.get(u.promptFile)!);
      byName.set(name, [...(byName.get(name) ?? []), u]);
    }
    const clashes = [...byName.entries()].filter(([, list]) => list.length > 1);
    if (!clashes.length) {
      return new Map([...byName.entries()].map(([name, [u]]) => [u.promptFile, prefix + name]));
    }
    const stuck = clashes.filter(([, list]) => list.every((u) => level.get(u.promptFile) === 4));
    if (stuck.length) {
      // Two prompt paths with one slug and one short hash: number them in path order.
      const names = new Map([...byName.entries()].filter(([, list]) => list.length === 1).map(([name, [u]]) => [u.promptFile, prefix + name]));
      for (const [name, list] of byName)
        if (list.length > 1)
          [...list].sort((a, b) => a.promptFile.localeCompare(b.promptFile)).forEach((u, i) => names.set(u.promptFile, `${prefix}${name}-${i + 1}`));
      return names;
    }
    for (const [, list] of clashes) list.forEach((u) => level.set(u.promptFile, Math.min(level.get(u.promptFile)! + 1, 4)));
  }
}
