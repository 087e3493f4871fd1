// Times a warm `nx show projects` on a synthetic workspace (generate-workspace.mjs) with the
// nx-pdd plugin options given as JSON, in-process and isolated; median of 3 after one warm-up.
//   node tools/bench/operation-targets.mjs '{}' 1000
//   node tools/bench/operation-targets.mjs '{"operationTargets": false}' 1000
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate-workspace.mjs';
import { NATIVE_FILE_CACHE } from './nx-runner.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nxBin = join(repo, 'node_modules/nx/dist/bin/nx.js');
const options = JSON.parse(process.argv[2] ?? '{}');
const units = Number(process.argv[3] ?? 1000);
const ws = mkdtempSync(join(tmpdir(), 'nx-pdd-bench-targets-'));
try {
  generateWorkspace(ws, units, { plugin: 'nx-pdd' });
  writeFileSync(join(ws, 'nx.json'), JSON.stringify({ analytics: false, plugins: [{ plugin: 'nx-pdd', options }] }));
  symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'));
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: ws });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'bench');
  for (const [mode, env] of [
    ['in-process', { NX_ISOLATE_PLUGINS: 'false' }],
    ['isolated', {}],
  ]) {
    const times = [];
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const r = spawnSync(process.execPath, [nxBin, 'show', 'projects'], {
        cwd: ws,
        env: { ...process.env, ...NATIVE_FILE_CACHE, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(r.stderr);
      times.push(Date.now() - started);
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(`${units} units, options ${JSON.stringify(options)}, ${mode}: warm nx show projects median ${warm[1]} ms (runs ${warm.join(', ')})`);
  }
} finally {
  rmSync(ws, { recursive: true, force: true });
}
