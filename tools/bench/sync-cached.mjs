// `nx run-many -t sync` fully cached over N synced units, against `nx run-many -t noop` over the
// same workspace (target: within 1.2x), and a no-op sync with the Nx cache skipped (target:
// under 50 ms of executor work per unit).
//   npm run build && node tools/bench/sync-cached.mjs [units=500]
//   KEEP=1 node tools/bench/sync-cached.mjs 500; node tools/bench/sync-cached.mjs --workspace=<the folder it printed>
//   node tools/bench/sync-cached.mjs --workspace=<folder> --daemon   # the same three commands with a warm Nx daemon
// The units are Python units in sync as PDD would leave them (code, example, tests in one
// shared tests/ folder, a fingerprint whose command is verify), each depending on unit
// floor(i/2) (a tree, so tasks have order). --skipTests: the tests are not run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { arg, inferredGraph, median, NATIVE_FILE_CACHE, nxBin, repo } from './nx-runner.mjs';

const require = createRequire(import.meta.url);
const core = require(join(repo, 'packages/core/dist/index.js'));
// --workspace=DIR times again a workspace a KEEP=1 run left (its setup passes take most of the time).
const reuse = arg('workspace');
const positional = process.argv.slice(2).find((a) => !a.startsWith('--'));
const units = reuse ? readdirSync(join(reuse, 'prompts')).length : Number(arg('units', positional ?? 500));
if (!Number.isInteger(units) || units < 2) {
  console.error('usage: node tools/bench/sync-cached.mjs [<units> | --units=<units>] | --workspace=<folder a KEEP=1 run left>');
  process.exit(2);
}
const ws = reuse ?? mkdtempSync(join(tmpdir(), 'nx-pdd-bench-sync-'));
const write = (file, text) => {
  mkdirSync(dirname(join(ws, file)), { recursive: true });
  writeFileSync(join(ws, file), text);
};
// --daemon: Nx's daemon serves the graph, the hashes and which outputs already match (a developer's
// machine); without it, as in CI.
const daemon = process.argv.includes('--daemon');
const nxEnv = { ...process.env, ...NATIVE_FILE_CACHE, NX_DAEMON: daemon ? 'true' : 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };
if (daemon) delete nxEnv.CI; // Nx starts no daemon in CI
const nx = (...args) => {
  const started = Date.now();
  const r = spawnSync(process.execPath, [nxBin, ...args], {
    cwd: ws,
    env: nxEnv,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
  return { ms: Date.now() - started, out: r.stdout };
};

const sync = ['run-many', '-t', 'sync', '--skipTests', '--parallel=2', '--outputStyle=static'];
const cachedNoop = ['run-many', '-t', 'cached-noop', '--parallel=2', '--outputStyle=static'];

function setUp() {
  for (let i = 0; i < units; i++) {
    const dep = i > 0 ? Math.floor(i / 2) : null;
    write(`prompts/u${i}_python.prompt`, `Write u${i}() returning ${i}.\n${dep !== null ? `<pdd-dependency>u${dep}_python.prompt</pdd-dependency>\n` : ''}`);
    write(`u${i}.py`, `${dep !== null ? `from u${dep} import u${dep}\n\n\n` : ''}def u${i}():\n    return ${i}\n`);
    write(`examples/u${i}_example.py`, `from u${i} import u${i}\nprint(u${i}())\n`);
    write(`tests/test_u${i}.py`, `from u${i} import u${i}\n\n\ndef test_u${i}():\n    assert u${i}() == ${i}\n`);
  }
  write('nx.json', JSON.stringify({ analytics: false, plugins: ['nx-pdd', './noop-target-plugin.js'] }));
  writeFileSync(join(ws, 'noop-target-plugin.js'), readFileSync(join(repo, 'tools/bench/noop-target-plugin.js')));
  write('package.json', '{"name":"bench","private":true}');
  write('tsconfig.json', '{}'); // Nx resolves local plugins through a tsconfig
  // What `nx g nx-pdd:init` ignores (nx-pdd's local state, e.g. the interface memo in .pdd/cache/).
  write('.gitignore', ['node_modules', '.nx', ...core.LOCAL_STATE.map((p) => `**/${p}`), core.TEMPORARY_FILE_PATTERN, ''].join('\n'));
  symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'));
  const { units: resolved } = core.resolveUnits(
    Array.from({ length: units }, (_, i) => `prompts/u${i}_python.prompt`),
    { workspaceRoot: ws },
  );
  for (const unit of resolved) core.writeFingerprint(ws, unit.metaFile, core.nextFingerprint(null, core.currentHashes(ws, unit, null), 'verify', '0.0.80'));
  // The sync targets' inputs and outputs as nx-pdd infers them: noop-target-plugin.js gives each
  // unit a `cached-noop` target with the same ones (and dependencies) whose command does nothing.
  const shape = Object.fromEntries(
    Object.entries(inferredGraph(ws).projects).map(([file, projects]) => {
      const { inputs, outputs } = Object.values(projects)[0].targets.sync;
      return [file, { inputs, outputs }];
    }),
  );
  writeFileSync(join(ws, 'sync-shape.json'), JSON.stringify(shape));
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: ws });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'bench');
  console.log(`${units} units in ${ws}`);
  const first = nx(...sync);
  console.log(`first run-many -t sync (adopts every unit, writes its interface file): ${(first.ms / 1000).toFixed(1)} s`);
  nx(...sync); // the synced state's entries (see docs/multi-unit.md)
  nx(...cachedNoop); // stores its entries: the same output files, as they are now
}

try {
  if (reuse) console.log(`${units} units in ${ws} (set up by an earlier run)`);
  else setUp();
  if (daemon) timeWithDaemon();
  else timeWithoutDaemon();
} finally {
  if (daemon) spawnSync(process.execPath, [nxBin, 'daemon', '--stop'], { cwd: ws, env: nxEnv });
  if (!process.env.KEEP && !reuse) rmSync(ws, { recursive: true, force: true });
}

/** As in CI: the three commands interleaved, then one sync of every unit with the cache skipped. */
function timeWithoutDaemon() {
  // Interleaved, so drift of a shared machine hits all alike.
  const cached = [];
  const noop = [];
  const floor = [];
  // A timed run counts only if Nx took every task from the cache.
  const fullyCached = (r) => {
    if (!new RegExp(`from the cache instead of running the command for ${units} out of ${units} tasks`).test(r.out))
      throw new Error(`not fully cached:\n${r.out.slice(-2000)}`);
    return r.ms;
  };
  for (let i = 0; i < 5; i++) {
    cached.push(fullyCached(nx(...sync)));
    noop.push(nx('run-many', '-t', 'noop', '--parallel=2', '--outputStyle=static').ms);
    floor.push(fullyCached(nx(...cachedNoop)));
  }
  console.log(`run-many -t sync, fully cached:        median ${median(cached)} ms (${cached.join(', ')})`);
  console.log(`run-many -t noop (nx:noop):             median ${median(noop)} ms (${noop.join(', ')})`);
  console.log(`run-many -t cached-noop, fully cached:  median ${median(floor)} ms (${floor.join(', ')})`);
  console.log(`ratio to noop: ${(median(cached) / median(noop)).toFixed(2)}x (target: within 1.2x)`);
  console.log(
    `ratio to cached-noop (an Nx target with the sync's inputs, outputs and dependencies that runs nothing): ${(median(cached) / median(floor)).toFixed(2)}x`,
  );
  const cold = nx(...sync, '--skip-nx-cache');
  const rows = JSON.parse(readFileSync(join(ws, '.pdd/runs/last-invocation.json'), 'utf8')).units.filter((r) => r.record);
  const executor = rows.map((r) => r.record.executorMs ?? 0);
  const engine = rows.map((r) => r.record.seconds * 1000);
  console.log(`no-op sync with the Nx cache skipped: ${(cold.ms / 1000).toFixed(1)} s wall for ${units} tasks (--parallel=2)`);
  console.log(
    `  executor work per unit: median ${median(executor)} ms, max ${Math.max(...executor)} ms (target: under 50 ms); of which engine: median ${median(engine).toFixed(0)} ms`,
  );
  console.log(`  wall per task (process start, module load, Nx): ${((cold.ms / units) * 2).toFixed(0)} ms at --parallel=2`);
}

/**
 * With a warm daemon: each command three times in a row (sync and cached-noop write the same
 * files, so interleaving them would make each restore the other's outputs), and how many tasks
 * Nx restored from the cache against how many it found already matching.
 */
function timeWithDaemon() {
  const commands = { sync, noop: ['run-many', '-t', 'noop', '--parallel=2', '--outputStyle=static'], 'cached-noop': cachedNoop };
  nx('daemon', '--start');
  const times = {};
  for (const [name, args] of Object.entries(commands)) {
    nx(...args); // warms the daemon's graph and its record of outputs for these tasks
    for (let i = 0; i < 3; i++) {
      const r = nx(...args);
      const restored = (r.out.match(/\[local cache\]/g) ?? []).length;
      const kept = (r.out.match(/\[existing outputs match the cache, left as is\]/g) ?? []).length;
      (times[name] ??= []).push(r.ms);
      if (name !== 'noop') console.log(`  ${name} with the daemon, run ${i + 1}: ${r.ms} ms; outputs restored for ${restored} tasks, kept for ${kept}`);
    }
  }
  for (const [name, t] of Object.entries(times)) console.log(`run-many -t ${name} with the daemon: median ${median(t)} ms (${t.join(', ')})`);
  console.log(
    `ratio to noop with the daemon: sync ${(median(times.sync) / median(times.noop)).toFixed(2)}x, cached-noop ${(median(times['cached-noop']) / median(times.noop)).toFixed(2)}x`,
  );
}
