// Writes a synthetic PDD workspace with `units` prompt units for benchmarks: half Python,
// half TypeScript, in a flat prompts/ folder plus one subfolder level; every third unit
// includes the example of an earlier unit, every code file imports an earlier unit's code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** plugin: 'nx-pdd' | 'nx-pdd-static' (staticEdges: true) | 'trivial' (tools/bench/trivial-plugin.js) | 'none'. */
export function generateWorkspace(root, units, { plugin = 'nx-pdd' } = {}) {
  const write = (rel, content) => {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  write('package.json', JSON.stringify({ name: 'bench', private: true }));
  const plugins = {
    'nx-pdd': ['nx-pdd'],
    'nx-pdd-static': [{ plugin: 'nx-pdd', options: { staticEdges: true } }],
    trivial: ['./trivial-plugin.js'],
    none: [],
  }[plugin];
  write('nx.json', JSON.stringify({ analytics: false, plugins }));
  if (plugin === 'trivial') write('trivial-plugin.js', readFileSync(new URL('./trivial-plugin.js', import.meta.url), 'utf8'));
  write('.gitignore', 'node_modules\n.nx\n');
  // Nx needs a tsconfig to load a local plugin file; all variants get the same one.
  write('tsconfig.base.json', JSON.stringify({ compilerOptions: {} }));
  write('context/style.md', 'House style.\n');
  for (let i = 0; i < units; i++) {
    const py = i % 2 === 0;
    const dir = i % 10 === 0 ? `group${i % 7}/` : '';
    const name = `${dir}unit${i}`;
    const base = `unit${i}`;
    const dep = i >= 2 ? i - 2 : null; // same language as i
    const depBase = dep === null ? null : `unit${dep}`;
    const depDir = dep !== null && dep % 10 === 0 ? `group${dep % 7}/` : '';
    const lines = [`Write ${base}.`, '<include>context/style.md</include>'];
    if (dep !== null && i % 3 === 0) lines.push(`<include>examples/${depDir}${depBase}_example.${py ? 'py' : 'ts'}</include>`);
    write(`prompts/${name}_${py ? 'python' : 'typescript'}.prompt`, lines.join('\n') + '\n');
    if (py) {
      write(`${name}.py`, `${dep !== null ? `import ${depBase}\n` : ''}def f${i}():\n    return ${i}\n`);
      write(`examples/${name}_example.py`, `from ${base} import f${i}\nprint(f${i}())\n`);
    } else {
      const rel = dep !== null ? `${dir ? '../' : './'}${depDir}${depBase}` : null;
      write(`${name}.ts`, `${rel ? `import { f${dep} } from '${rel}';\n` : ''}export const f${i} = () => ${i};\n`);
      write(`examples/${name}_example.ts`, `import { f${i} } from '../${name}';\nconsole.log(f${i}());\n`);
    }
  }
}
