import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// DESIGN.md's layer rule: packages/core never imports Nx, so the engine runs (and is tested)
// without it, and the plugin stays a thin face.
describe('packages/core layering', () => {
  it('imports nothing from Nx', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(__dirname, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(__dirname, file), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]((?:@nx\/|nx\/|nx['"])[^'"]*)/g)) offenders.push(`${file}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });

  // The plugin reuses a resolution while every look it recorded through its DiskView answers the
  // same (disk-view.ts): a look past it would be a dependency the record misses.
  it('resolves units with no disk access but through the DiskView it is given', () => {
    const offenders: string[] = [];
    for (const file of ['units.ts', 'pddrc.ts', 'architecture.ts', 'unit-paths.ts', 'unit-settings.ts', 'prompt-file-name.ts', 'languages.ts']) {
      const text = readFileSync(join(__dirname, file), 'utf8');
      for (const m of text.matchAll(/from\s+['"]((?:node:)?(?:fs|fs\/promises|child_process)|\.\/contained-read|\.\/preprocess)['"]/g))
        offenders.push(`${file}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
