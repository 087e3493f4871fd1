import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The plugin uses @nx-pdd/core only through its chosen public API (core's index.ts, named
// exports): never a deep import into core's files, so core can change inside freely.
describe("the plugin and core's public API", () => {
  const src = __dirname;
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));

  it('imports core only as "@nx-pdd/core"', () => {
    const deep: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(src, f), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)) {
        if (/^@nx-pdd\/core\/|packages\/core|\.\.\/\.\.\/core\//.test(m[1])) deep.push(`${f}: ${m[1]}`);
      }
    }
    expect(deep).toEqual([]);
  });

  it('core\'s index names what it exports (no "export *")', () => {
    const index = readFileSync(join(src, '../../core/src/index.ts'), 'utf8');
    expect(index.split('\n').filter((l) => /^export \*/.test(l))).toEqual([]);
  });
});
