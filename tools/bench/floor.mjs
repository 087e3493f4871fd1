// Issue #16: nx-pdd against the floor Nx sets for the same project graph. For N units it writes
// the synthetic workspace twice: with nx-pdd, and with replay-plugin.js, which returns the
// projects, targets and edges nx-pdd inferred there (recorded once into replay.json) and does
// nothing else. Then it times warm `nx show projects` and `nx graph --file` in the three Nx
// modes (median of --runs, after a warm-up), and prints nx-pdd / floor.
//   node tools/bench/floor.mjs --units=1000 --runs=5      (after npm run build)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate-workspace.mjs';
import { arg, median, MODES, nx as runNx, repo } from './nx-runner.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = arg('units', '1000').split(',').map(Number);
const runs = Number(arg('runs', 3));
const COMMANDS = { 'show projects': ['show', 'projects'], 'graph --file': ['graph', '--file=graph.json'] };
const nx = (cwd, env, args) => runNx(cwd, env, args).ms;

/** nx-pdd's projects (by prompt file) and edges for the workspace, from the plugin itself (run-plugin.cjs). */
function record(cwd) {
  const out = execFileSync(process.execPath, [join(here, 'run-plugin.cjs'), '--graph'], {
    cwd,
    env: { ...MODES.isolated, NODE_PATH: join(repo, 'node_modules') },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return JSON.stringify(JSON.parse(out).graph);
}

const f = (x) => `${Math.round(x)}`.padStart(6);
console.log(`warm nx commands, median of ${runs} runs after a warm-up, ms; floor = replay-plugin.js (the same projects, targets and edges, no work)`);
console.log('units | command       | mode       |  floor | nx-pdd | nx-pdd/floor');
for (const n of sizes) {
  const base = mkdtempSync(join(tmpdir(), `nx-pdd-floor-${n}-`));
  const pdd = join(base, 'nx-pdd');
  const floor = join(base, 'floor');
  generateWorkspace(pdd, n, { plugin: 'nx-pdd' });
  symlinkSync(join(repo, 'node_modules'), join(pdd, 'node_modules'));
  cpSync(pdd, floor, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(floor, 'replay.json'), record(pdd));
  writeFileSync(join(floor, 'replay-plugin.js'), readFileSync(join(here, 'replay-plugin.js')));
  writeFileSync(join(floor, 'nx.json'), JSON.stringify({ analytics: false, plugins: ['./replay-plugin.js'] }));
  for (const [label, args] of Object.entries(COMMANDS)) {
    for (const [mode, env] of Object.entries(MODES)) {
      const times = { floor: [], pdd: [] };
      for (const dir of [floor, pdd]) nx(dir, env, args); // warm-up (and the daemon's start)
      for (let i = 0; i < runs; i++) {
        times.floor.push(nx(floor, env, args));
        times.pdd.push(nx(pdd, env, args));
      }
      if (mode === 'daemon') for (const dir of [floor, pdd]) nx(dir, env, ['daemon', '--stop']);
      const [a, b] = [median(times.floor), median(times.pdd)];
      console.log(
        `${String(n).padStart(5)} | ${label.padEnd(13)} | ${mode.padEnd(10)} | ${f(a)} | ${f(b)} | ${(b / a).toFixed(2)}x${b / a <= 1.2 ? '' : '  (over 1.2x)'}`,
      );
    }
  }
  rmSync(base, { recursive: true, force: true });
}
