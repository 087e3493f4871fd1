// What the inference benchmarks share: the repo's nx, the three Nx modes, timing one command.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nxPkg = join(repo, 'node_modules', 'nx');
export const nxBin = join(nxPkg, JSON.parse(readFileSync(join(nxPkg, 'package.json'), 'utf8')).bin.nx);
/**
 * Nx copies its 23 MB native module to a folder per workspace root in TMPDIR and never removes
 * it; every benchmark workspace is new. One folder for all of them.
 */
export const NATIVE_FILE_CACHE = { NX_NATIVE_FILE_CACHE_DIRECTORY: join(repo, 'node_modules', '.cache', 'nx-native-file-cache') };
const baseEnv = { ...process.env, ...NATIVE_FILE_CACHE, NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_DAEMON: 'false' };
delete baseEnv.CI;
/** isolated: no daemon, plugins in workers (Nx's default without a daemon); in-process; a warm daemon. */
export const MODES = {
  isolated: { ...baseEnv },
  'in-process': { ...baseEnv, NX_ISOLATE_PLUGINS: 'false' },
  daemon: { ...baseEnv, NX_DAEMON: 'true' },
};
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;

/** Runs nx in `cwd`; its time in ms and its stdout. Throws with the output when it fails. */
export function nx(cwd, env, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [nxBin, ...args], { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`nx ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** nx-pdd's projects (by prompt file) and edges for the workspace in `cwd`, from the plugin itself (run-plugin.cjs --graph). */
export function inferredGraph(cwd) {
  const out = execFileSync(process.execPath, [join(repo, 'tools/bench/run-plugin.cjs'), '--graph'], {
    cwd,
    env: { ...MODES.isolated, NODE_PATH: join(repo, 'node_modules') },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return JSON.parse(out).graph;
}
