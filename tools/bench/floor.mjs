// Issue #16: nx-pdd against the floor Nx sets for the same project graph. For N units it writes
// the synthetic workspace twice: with nx-pdd, and with replay-plugin.js, which returns the
// projects, targets and edges nx-pdd inferred there (recorded once into replay.json) and does
// nothing else. Then it times warm `nx show projects` and `nx graph --file` in the three Nx
// modes (median of --runs, after a warm-up), and prints nx-pdd / floor.
//   node tools/bench/floor.mjs --units=1000 --runs=5      (after npm run build)
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate-workspace.mjs';
import { arg, inferredGraph, median, MODES, nx as runNx, nxBin, repo } from './nx-runner.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = arg('units', '1000').split(',').map(Number);
const runs = Number(arg('runs', 3));
// The graph file goes outside the workspace: written inside it, it is a changed workspace file,
// and a daemon would compute the whole graph again for the next command (a cold run, not a warm one).
// 'show, 1 edit': a file of the workspace changed before each run, which a daemon answers by
// computing the graph again (without a daemon every run computes it anyway).
let edits = 0;
const COMMANDS = {
  'show projects': () => ['show', 'projects'],
  'graph --file': (dir) => ['graph', `--file=${dir}.graph.json`],
  'show, 1 edit': (dir) => (writeFileSync(join(dir, 'edited.md'), `edit ${++edits}\n`), ['show', 'projects']),
};
const MODES_OF = { 'show, 1 edit': ['daemon'] };
const nx = (cwd, env, args) => runNx(cwd, env, args).ms;

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
  writeFileSync(join(floor, 'replay.json'), JSON.stringify(inferredGraph(pdd)));
  writeFileSync(join(floor, 'replay-plugin.js'), readFileSync(join(here, 'replay-plugin.js')));
  writeFileSync(join(floor, 'nx.json'), JSON.stringify({ analytics: false, plugins: ['./replay-plugin.js'] }));
  for (const [label, args] of Object.entries(COMMANDS)) {
    for (const [mode, env] of Object.entries(MODES)) {
      if (MODES_OF[label] && !MODES_OF[label].includes(mode)) continue;
      const times = { floor: [], pdd: [] };
      for (const dir of [floor, pdd]) nx(dir, env, args(dir)); // warm-up (and the daemon's start)
      for (let i = 0; i < runs; i++) {
        times.floor.push(nx(floor, env, args(floor)));
        times.pdd.push(nx(pdd, env, args(pdd)));
      }
      if (mode === 'daemon') for (const dir of [floor, pdd]) nx(dir, env, ['daemon', '--stop']);
      const [a, b] = [median(times.floor), median(times.pdd)];
      console.log(
        `${String(n).padStart(5)} | ${label.padEnd(13)} | ${mode.padEnd(10)} | ${f(a)} | ${f(b)} | ${(b / a).toFixed(2)}x${b / a <= 1.2 ? '' : '  (over 1.2x)'}`,
      );
    }
  }
  const [floorMb, pddMb] = [await workerPeakMb(floor, MODES.isolated), await workerPeakMb(pdd, MODES.isolated)];
  console.log(`${String(n).padStart(5)} | plugin worker peak RSS (isolated show projects): floor ${floorMb} MB, nx-pdd ${pddMb} MB`);
  rmSync(base, { recursive: true, force: true });
}

/**
 * The highest peak RSS (VmHWM) of the plugin workers an `nx show projects` in `cwd` starts, in
 * MB, read from /proc while it runs (Linux; "n/a" elsewhere). Nx's own plugins run in workers
 * of their own: only the workspace's plugin (nx-pdd or the replay) is counted.
 */
async function workerPeakMb(cwd, env) {
  if (!existsSync('/proc/self/status')) return 'n/a';
  const child = spawn(process.execPath, [nxBin, 'show', 'projects'], { cwd, env, stdio: 'ignore' });
  let peakKb = 0;
  const poll = () => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.includes('plugin-worker') || !/nx-pdd|replay-plugin/.test(cmd)) continue;
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // the process ended between the listing and the read
      }
    }
  };
  const timer = setInterval(poll, 10);
  await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  return Math.round(peakKb / 1024);
}
