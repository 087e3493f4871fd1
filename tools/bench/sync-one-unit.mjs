// Issue #16, nx-pdd's side of the comparison with PDD's `pdd sync`: one Python unit from its
// prompt alone to in sync (code, example, the example run, tests, the tests run), and then a
// sync with nothing to do (`--skip-nx-cache`, so the engine runs), against tools/fake-llm
// answering at once, or after --delay ms (a model's latency; nx-pdd makes 3 requests for a new
// unit, PDD 8: e2e/spend.e2e.ts). PDD's figures for the scenario are in tools/bench/README.md.
//   npm run build && node tools/bench/sync-one-unit.mjs [--runs=5] [--delay=0]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { arg, median, MODES, nx as runNx, repo } from './nx-runner.mjs';

const require = createRequire(import.meta.url);
const { spawnFakeLlm } = require('../fake-llm/fake-llm.js');
const { fakeModelTable, py } = require('../testing/fake-model.js');
const runs = Number(arg('runs', 5));
const delayMs = Number(arg('delay', 0));
const answer = (body) => [{ content: py(body), delayMs }];
const env = { ...MODES.isolated, OPENAI_API_KEY: 'bench-key', CI: 'true' };

/** A git workspace with the prompt of one unit, `calc`, and the fake model's table. */
function newWorkspace(url) {
  const ws = mkdtempSync(join(tmpdir(), 'nx-pdd-bench-unit-'));
  const files = {
    'package.json': '{"name":"bench","private":true}',
    'nx.json': JSON.stringify({ analytics: false, plugins: ['nx-pdd'] }),
    '.gitignore': 'node_modules\n.nx\n.pdd/cache/\n.pdd/state.db*\n.pdd/runs/\n.pdd/locks/\n',
    'prompts/calc_python.prompt': 'Write add(a, b) returning the sum of two numbers.\n',
    '.pdd/llm_model.csv': fakeModelTable(url),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, file)), { recursive: true });
    writeFileSync(join(ws, file), text);
  }
  symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'));
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: ws });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'bench');
  return ws;
}

/** `nx run calc:sync`: wall ms, and the engine's seconds and operations from the run record. */
function sync(ws, ...flags) {
  const { ms } = runNx(ws, env, ['run', 'calc:sync', '--outputStyle=static', ...flags]);
  const record = JSON.parse(readFileSync(join(ws, '.pdd/runs/last-invocation.json'), 'utf8')).units[0].record;
  if (!record.ok || record.state !== 'completed') throw new Error(`calc did not end in sync: ${JSON.stringify(record)}`);
  return { ms, engineMs: record.seconds * 1000, executorMs: record.executorMs, operations: record.operations.join(', ') };
}

const fake = await spawnFakeLlm({
  scenario: {
    requireKey: 'bench-key',
    rules: [
      { match: 'usage example of this module', responses: answer('from calc import add\nprint(add(2, 3))') },
      { match: 'Write tests/test_calc.py', responses: answer('from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5') },
      { match: 'Write the module "calc"', responses: answer('def add(a, b):\n    return a + b') },
    ],
  },
});
const fresh = [];
const noop = [];
try {
  // A new workspace for each new-unit run; no-op runs interleaved with them, each in the last synced workspace.
  for (let i = 0; i < runs; i++) {
    const ws = newWorkspace(fake.url);
    try {
      fresh.push(sync(ws));
      noop.push(sync(ws, '--skip-nx-cache'));
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }
} finally {
  await fake.close();
}
const row = (label, rs, pddSeconds, target) => {
  const wall = median(rs.map((r) => r.ms));
  const ratio = (pddSeconds * 1000) / wall;
  console.log(
    `${label.padEnd(26)} | ${(wall / 1000).toFixed(1).padStart(6)} s | ${(median(rs.map((r) => r.engineMs)) / 1000).toFixed(2).padStart(6)} s | ${String(pddSeconds).padStart(5)} s | PDD/nx-pdd ${ratio.toFixed(1)}x (target ${target}x) | ${rs[0].operations || '(nothing run)'}`,
  );
};
console.log(
  `median of ${runs}, answers after ${delayMs} ms; wall = the whole \`nx run calc:sync\` (Nx start, graph, executor); engine = the sync engine's own time`,
);
console.log('scenario                   |   wall   |  engine  |  PDD    | ratio                            | operations');
row('new unit to in sync', fresh, 51, 1.43);
row('nothing to do (engine run)', noop, 29.9, 5);
