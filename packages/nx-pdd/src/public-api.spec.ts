import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as main from '@nx-pdd/core';
import * as graph from '@nx-pdd/core/graph';

// The plugin uses @nx-pdd/core only through its chosen public API (core's index.ts, named
// exports): never a deep import into core's files, so core can change inside freely.
describe("the plugin and core's public API", () => {
  const src = __dirname;
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));

  it('imports core only as "@nx-pdd/core" or its graph entry "@nx-pdd/core/graph"', () => {
    const deep: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(src, f), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)) {
        if (m[1] !== '@nx-pdd/core/graph' && /^@nx-pdd\/core\/|packages\/core|\.\.\/\.\.\/core\//.test(m[1])) deep.push(`${f}: ${m[1]}`);
      }
    }
    expect(deep).toEqual([]);
  });

  it('the graph entry exports a part of the main one, the same bindings', () => {
    const names = Object.keys(graph) as (keyof typeof graph)[];
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect([name, (main as Record<string, unknown>)[name]]).toEqual([name, graph[name]]);
  });

  it("the plugin module loads no engine: its static imports reach neither core's index nor an operation runner, the LLM layer, the runners, the merge or the sync, nor @nx/devkit's values", () => {
    const coreSrc = join(src, '../../core/src');
    const reached = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = readFileSync(file, 'utf8');
      // Value imports and re-exports only: `import type` is erased, a require in a function is lazy.
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
        const spec = m[1];
        const target =
          spec === '@nx-pdd/core'
            ? join(coreSrc, 'index.ts')
            : spec === '@nx-pdd/core/graph'
              ? join(coreSrc, 'graph.ts')
              : spec.startsWith('.')
                ? join(dirname(file), spec)
                : null;
        if (!target) {
          packages.add(`${relative(src, file)}: ${spec}`);
          continue;
        }
        const resolved = [`${target}.ts`, join(target, 'index.ts'), target].find((c) => c.endsWith('.ts') && existsSync(c));
        if (resolved) visit(resolved);
      }
    };
    visit(join(src, 'index.ts'));
    // The end-of-run summary of sync tasks (postTasksExecution) is the one part of sync/ it loads:
    // it reads the tasks' records and writes the reports, and formats dollars with the ledger's
    // formatter (whose module imports only the LLM errors). Nothing else of either folder.
    const summary = ['sync/invocation-report.ts', 'llm/ledger.ts', 'llm/errors.ts'];
    const engine = [...reached]
      .map((f) => relative(coreSrc, f))
      .filter((f) => !f.startsWith('..') && !summary.includes(f))
      .filter((f) => f === 'index.ts' || /^(llm|merge|sync|run\/(?!js-test-runners))|-operations\.ts$/.test(f));
    expect(engine).toEqual([]);
    expect([...reached].map((f) => relative(coreSrc, f))).toContain('operations/catalogue.ts');
    // Nor a package Nx has not loaded itself or a warm run does not need (loaded where used):
    // @nx/devkit's values add ~180 modules to an in-process nx command, yaml and picomatch parse
    // .pddrc files, typescript scans imports (tools/bench/README.md, "Loading the plugin").
    expect([...packages].filter((p) => /: (@nx\/devkit|yaml|picomatch|typescript)$/.test(p))).toEqual([]);
    expect([...packages].some((p) => p.endsWith(': node:fs'))).toBe(true);
  });

  it('core\'s index names what it exports (no "export *")', () => {
    const index = readFileSync(join(src, '../../core/src/index.ts'), 'utf8');
    expect(index.split('\n').filter((l) => /^export \*/.test(l))).toEqual([]);
  });
});
