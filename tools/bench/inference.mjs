// Times graph inference: real `nx show projects` on a workspace of N prompt units, with
// nx-pdd, with a do-nothing plugin inferring the same N projects (Nx's own cost of N
// projects), and with no plugin, in three Nx modes; plus nx-pdd's createNodes and
// createDependencies in-process. See tools/bench/README.md for how to read it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate-workspace.mjs';
import { arg, median, MODES, nx, repo } from './nx-runner.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = arg('units', '100,1000,5000').split(',').map(Number);
const runs = Number(arg('runs', 3));
function warm(cwd, mode) {
  const env = MODES[mode];
  nx(cwd, env, ['show', 'projects']);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(nx(cwd, env, ['show', 'projects']).ms);
  if (mode === 'daemon') nx(cwd, env, ['daemon', '--stop']);
  return median(times);
}
function cold(cwd) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    nx(cwd, MODES.isolated, ['reset']);
    times.push(nx(cwd, MODES.isolated, ['show', 'projects']).ms);
  }
  return median(times);
}
/** nx-pdd's load, createNodes and createDependencies, timed in a fresh process (run-plugin.cjs). */
function inProcess(cwd) {
  const out = execFileSync(process.execPath, [join(here, 'run-plugin.cjs')], {
    cwd,
    env: { ...MODES.isolated, NODE_PATH: join(repo, 'node_modules') },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const f = (x) => `${Math.round(x)}`.padStart(5);
const summary = [];
console.log(`nx show projects, median of ${runs} runs, ms. "trivial" = a do-nothing plugin inferring the same projects.`);
console.log('units | mode            |  none | trivial | nx-pdd |   static | nx-pdd/none | nx-pdd/trivial |   static/none');
for (const n of sizes) {
  const base = mkdtempSync(join(tmpdir(), `nx-pdd-bench-${n}-`));
  const ws = {};
  for (const plugin of ['none', 'trivial', 'nx-pdd', 'nx-pdd-static']) {
    ws[plugin] = join(base, plugin);
    generateWorkspace(ws[plugin], n, { plugin });
    symlinkSync(join(repo, 'node_modules'), join(ws[plugin], 'node_modules'));
  }
  const count = nx(ws['nx-pdd'], MODES.isolated, ['show', 'projects']).stdout.trim().split('\n').length;
  if (count !== n) throw new Error(`expected ${n} projects, nx showed ${count}`);
  const rows = {};
  for (const mode of Object.keys(MODES)) rows[mode] = Object.fromEntries(Object.entries(ws).map(([k, dir]) => [k, warm(dir, mode)]));
  rows.cold = Object.fromEntries(Object.entries(ws).map(([k, dir]) => [k, cold(dir)]));
  for (const [mode, r] of Object.entries(rows)) {
    const label = mode === 'cold' ? 'cold (reset)' : `warm ${mode}`;
    const x = (a, b) => `${(a / b).toFixed(2)}x`;
    console.log(
      `${String(n).padStart(5)} | ${label.padEnd(15)} | ${f(r.none)} | ${f(r.trivial)}   | ${f(r['nx-pdd'])}  | ${f(r['nx-pdd-static'])}    | ${x(r['nx-pdd'], r.none).padStart(11)} | ${x(r['nx-pdd'], r.trivial).padStart(14)} | ${x(r['nx-pdd-static'], r.none).padStart(13)}`,
    );
  }
  rmSync(join(ws['nx-pdd'], '.nx'), { recursive: true, force: true });
  const c = inProcess(ws['nx-pdd']);
  const w = inProcess(ws['nx-pdd']);
  console.log(
    `${String(n).padStart(5)} | plugin alone: load ${Math.round(w.load)} ms (after @nx/devkit), createNodes cold ${Math.round(c.createNodes)} / warm ${Math.round(w.createNodes)} ms, createDependencies cold ${Math.round(c.createDependencies)} / warm ${Math.round(w.createDependencies)} ms, ${w.edges} edges`,
  );
  summary.push({ n, rows, w });
  rmSync(base, { recursive: true, force: true });
}
const k = summary.find((s) => s.n === 1000);
if (k) {
  const pct = (a, b) => `${((a / b - 1) * 100).toFixed(1)}%`;
  const own = k.w.load + k.w.createNodes + k.w.createDependencies;
  console.log(`\ntarget: nx-pdd adds under 10% to a warm nx show projects at 1,000 units.`);
  for (const mode of Object.keys(MODES)) {
    const r = k.rows[mode];
    console.log(
      `  warm ${mode.padEnd(10)}: nx-pdd (implicit edges) +${pct(r['nx-pdd'], r.none)} over no plugin (${r['nx-pdd'] / r.none < 1.1 ? 'MET' : 'NOT MET'}), ` +
        `static edges +${pct(r['nx-pdd-static'], r.none)} (${r['nx-pdd-static'] / r.none < 1.1 ? 'MET' : 'NOT MET'}); a do-nothing plugin with the same projects: +${pct(r.trivial, r.none)}`,
    );
  }
  console.log(`  nx-pdd's own work (load + createNodes + createDependencies, fresh process): ${Math.round(own)} ms`);
}
