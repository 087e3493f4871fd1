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
});
