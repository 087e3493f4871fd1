// The README's main job: copy examples/demo to a temporary git workspace that uses the nx-pdd
// plugin built from this repo, start tools/fake-llm with prepared answers (tools/demo/scenario.json),
// and run `nx run-many -t sync`: every unit is generated, its example run, its tests generated and
// run. Works offline and spends nothing: the answers are prepared, not a model's.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { spawnFakeLlm } = require('../fake-llm/fake-llm.js');
const { fakeModelTable } = require('../testing/fake-model.js');
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ws = mkdtempSync(join(tmpdir(), 'nx-pdd-demo-'));
const nxPkg = join(repo, 'node_modules', 'nx');
const nxBin = join(nxPkg, JSON.parse(readFileSync(join(nxPkg, 'package.json'), 'utf8')).bin.nx);

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text) => process.stdout.write(`\n${bold(`== ${text}`)}\n`);
// Nx copies its native module to a folder per workspace root in TMPDIR and never removes it:
// every demo workspace is new, so the demo keeps one copy in the repo's node_modules instead.
const nativeCache = join(repo, 'node_modules', '.cache', 'nx-native-file-cache');
let env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', NX_NATIVE_FILE_CACHE_DIRECTORY: nativeCache };
function run(cmd, args, { quiet = false, allowFail = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: ws, env, encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) {
    process.stderr.write(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  if (!quiet) process.stdout.write(r.stdout);
  return r.stdout;
}
const nx = (...args) => run(process.execPath, [nxBin, ...args]);
const nxQuiet = (...args) => run(process.execPath, [nxBin, ...args], { quiet: true });
const git = (...args) => run('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], { quiet: true });
const show = (file) => console.log(`--- ${file}\n${readFileSync(join(ws, file), 'utf8').trimEnd()}`);

cpSync(join(repo, 'examples', 'demo'), ws, { recursive: true });
symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'));
writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'nx-pdd-demo', private: true }, null, 2));
writeFileSync(join(ws, 'nx.json'), JSON.stringify({ analytics: false, plugins: ['nx-pdd'] }, null, 2));
writeFileSync(
  join(ws, '.gitignore'),
  'node_modules\n.nx\n.pdd/preprocessed/\n.pdd/cache/\n.pdd/state.db*\n.pdd/locks/\n.pdd/journal/\n.pdd/runs/\n.pdd/llm_model.csv\n',
);
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'demo');
console.log(`nx-pdd demo workspace: ${ws}`);

const fake = await spawnFakeLlm({ scenario: JSON.parse(readFileSync(join(repo, 'tools', 'demo', 'scenario.json'), 'utf8')) });
try {
  // The model table points at the fake server (a new port each run: gitignored here); the key is a placeholder it accepts.
  mkdirSync(join(ws, '.pdd'), { recursive: true });
  writeFileSync(join(ws, '.pdd', 'llm_model.csv'), fakeModelTable(fake.url, { model: 'demo-model', input: '1.0', output: '4.0', keyVar: 'NX_PDD_DEMO_KEY' }));
  env = { ...env, NX_PDD_DEMO_KEY: 'demo' };
  console.log(`fake LLM (prepared answers, tools/demo/scenario.json) on ${fake.url}`);

  say('nx show projects: one Nx project per prompt unit');
  nx('show', 'projects');

  say("nx graph: edges between units (report includes calc's example)");
  nxQuiet('graph', '--file=graph.json');
  const graph = JSON.parse(readFileSync(join(ws, 'graph.json'), 'utf8')).graph;
  for (const deps of Object.values(graph.dependencies)) for (const d of deps) console.log(`${d.source} -> ${d.target} (${d.type})`);

  say('nx run calc:sync --dryRun: the plan, decided by a table, not by an LLM (spends nothing)');
  nx('run', 'calc:sync', '--dryRun', '--outputStyle=stream');

  say('nx run-many -t sync: dependencies first; generate, run the example, generate and run the tests');
  nx('run-many', '-t', 'sync', '--outputStyle=stream');

  say('what was generated');
  for (const f of ['src/calc.py', 'tests/test_calc.py', 'src/report.ts', 'examples/report_example.ts', 'src/settings.json'])
    if (existsSync(join(ws, f))) show(f);
  show('.pdd/meta/calc_python_run.json');

  // The first run's task hashes were taken before it wrote the files, so its cache entries are
  // for the empty state: the next run finds the synced state new to Nx, checks it (no LLM
  // request) and records it; from then on Nx answers from its cache without running anything.
  say('the same again: everything is in sync, no LLM request (Nx records the synced state in its cache)');
  const before = (await fake.requests()).length;
  nx('run-many', '-t', 'sync');
  console.log(`LLM requests for this run: ${(await fake.requests()).length - before}`);

  say('and once more: every sync task is now an Nx cache hit (nothing runs)');
  nx('run-many', '-t', 'sync');

  say('commit the synced files, then edit the shared context file: which units are affected');
  git('add', '-A');
  git('commit', '-q', '-m', 'sync');
  writeFileSync(join(ws, 'context/house_style.md'), 'House style: small pure functions, explicit errors, docstrings.\n');
  nx('show', 'projects', '--affected', '--base=HEAD');

  console.log(`\nAll answers above were prepared (tools/demo/scenario.json): no model was called.`);
  console.log(
    `To use a real model: set OPENAI_API_KEY (or ANTHROPIC_API_KEY), delete ${join(ws, '.pdd/llm_model.csv')}, and run npx nx run-many -t sync there.`,
  );
  console.log(`Explore it: cd ${ws} && npx nx graph   (headless: npx nx graph --file=graph.html, then open the file; remove it with: rm -rf ${ws})`);
} finally {
  await fake.close();
}
