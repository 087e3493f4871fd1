export interface NameableUnit {
  promptFile: string;
  basename: string;
  languageId: string;
  pddRoot: string;
}

const slug = (s: string) => s.replace(/\//g, '-').replace(/[^A-Za-z0-9._@-]+/g, '-');

/**
 * Project names for units. Rule, applied only to units whose name clashes:
 * 1. the basename, `/` replaced by `-` (`commands/fix` -> `commands-fix`);
 * 2. plus `-<language>` (`calc-python`, `calc-typescript`);
 * 3. plus the PDD root folder in front (`apps-api-calc-python`).
 * A clash left after rule 3 is an error naming both prompt files. `prefix` goes before every name.
 */
export function assignProjectNames(units: NameableUnit[], prefix = ''): Map<string, string> {
  const level = new Map(units.map((u) => [u.promptFile, 0]));
  const nameAt = (u: NameableUnit, l: number) => {
    const base = slug(u.basename);
    if (l === 0) return base;
    if (l === 1 || !u.pddRoot) return `${base}-${u.languageId}`;
    return `${slug(u.pddRoot)}-${base}-${u.languageId}`;
  };
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
    for (const [name, list] of clashes) {
      const raisable = list.filter((u) => level.get(u.promptFile)! < 2);
      if (!raisable.length) {
        const files = list.map((u) => u.promptFile).sort();
        throw new Error(
          `nx-pdd: prompt units ${files.map((f) => `"${f}"`).join(' and ')} would both be named "${prefix}${name}". Rename one of the prompt files (project names are the basename, then -<language>, then the .pddrc folder).`,
        );
      }
      raisable.forEach((u) => level.set(u.promptFile, level.get(u.promptFile)! + 1));
    }
  }
}
