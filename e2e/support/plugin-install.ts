import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/**
 * The Nx version an e2e project runs against: the jest project's global `NX_PDD_E2E_NX`
 * (jest.config.ts: `e2e` takes the workspace's own Nx, `e2e-nx24` 24.0.6), else the
 * environment's, else the workspace's own.
 */
export function e2eNxVersion(projectGlobals: Record<string, unknown> = globalThis as Record<string, unknown>): string {
  const fromProject = projectGlobals.NX_PDD_E2E_NX;
  if (typeof fromProject === 'string' && fromProject) return fromProject;
  return process.env.NX_PDD_E2E_NX ?? JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies.nx;
}

/**
 * Where Nx keeps its copy of its native module for everything run from an install (it makes one
 * per workspace root in TMPDIR and never removes it: 23 MB for each e2e workspace).
 */
export const NX_NATIVE_FILE_CACHE = '.nx-native-file-cache';

/** What every install folder and state file of this clone of the repo and this Nx version starts with (runs side by side never share one). */
const installPrefix = (nxVersion: string) =>
  join(tmpdir(), `nx-pdd-e2e-install-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 8)}-${nxVersion}`);

/** Where the global setup leaves the install folder for the tests. */
const stateFile = (nxVersion: string) => `${installPrefix(nxVersion)}.json`;

/**
 * Packs @nx-pdd/core and nx-pdd from this repo (as `npm publish` would) and installs the two
 * tarballs with nx and @nx/devkit into one folder that every e2e workspace links as its
 * node_modules. Reused while the tarballs and versions are unchanged; a new one replaces the
 * folders this clone made before for the same Nx version (each is about 220 MB, and every
 * change to the packages makes a new one).
 */
export function preparePluginInstall(nxVersion: string): string {
  for (const pkg of ['core', 'nx-pdd']) {
    if (!existsSync(join(REPO_ROOT, 'packages', pkg, 'dist', 'index.js'))) {
      throw new Error(`packages/${pkg} is not built: run "npm run build" (npm test does it for you)`);
    }
  }
  const packDir = join(tmpdir(), `nx-pdd-e2e-pack-${process.pid}`);
  try {
    const tarballs = packPackages(packDir);
    const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    // @nx/devkit comes with nx-pdd (its dependency), as in a user's workspace.
    const versions = {
      nx: nxVersion,
      typescript: rootPkg.devDependencies.typescript,
      // TypeScript units' examples and tests run with tsx, as a user's workspace would have it.
      tsx: rootPkg.devDependencies.tsx,
    };
    const hash = createHash('sha256');
    tarballs.forEach((t) => hash.update(readFileSync(t)));
    hash.update(JSON.stringify(versions));
    const installDir = `${installPrefix(nxVersion)}-${hash.digest('hex').slice(0, 16)}`;
    if (!existsSync(join(installDir, '.ready'))) {
      rmSync(installDir, { recursive: true, force: true });
      // The tarballs stay inside the install, so its file: specs hold for reruns.
      const kept = join(installDir, 'tarballs');
      mkdirSync(kept, { recursive: true });
      const deps: Record<string, string> = { ...versions };
      for (const t of tarballs) {
        copyFileSync(t, join(kept, basename(t)));
        deps[t.includes('nx-pdd-core') ? '@nx-pdd/core' : 'nx-pdd'] = `file:${join(kept, basename(t))}`;
      }
      // better-sqlite3's native part is compiled by its install script (~60 s, no prebuilt binary
      // can be downloaded here). The e2e install takes the exact version this repo built, skips
      // the script, and copies the repo's compiled build folder in: same version, same Node.
      const sqlite = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
      deps['better-sqlite3'] = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')).version;
      writeFileSync(
        join(installDir, 'package.json'),
        JSON.stringify({ name: 'nx-pdd-e2e-install', private: true, dependencies: deps, allowScripts: { 'better-sqlite3': false } }, null, 2),
      );
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: installDir,
        stdio: ['ignore', 'inherit', 'inherit'],
        // nx's postinstall loads its native module, which Nx copies into TMPDIR for good otherwise.
        env: { ...process.env, NX_NATIVE_FILE_CACHE_DIRECTORY: join(installDir, NX_NATIVE_FILE_CACHE) },
      });
      cpSync(join(sqlite, 'build'), join(installDir, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });
      writeFileSync(join(installDir, '.ready'), new Date().toISOString());
    }
    removeOlderInstalls(nxVersion, installDir);
    writeFileSync(stateFile(nxVersion), JSON.stringify({ installDir }));
    return installDir;
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/**
 * Removes the install folders of this clone and Nx version but `current`: they were made for
 * packages since rebuilt. (A second run of the same clone started before this one, on the older
 * build, would lose its folder: the suite is not meant to run twice at once in one clone.)
 */
function removeOlderInstalls(nxVersion: string, current: string): void {
  const prefix = `${basename(installPrefix(nxVersion))}-`;
  for (const name of readdirSync(tmpdir())) {
    const ours = name.startsWith(prefix) && /^[0-9a-f]{16}$/.test(name.slice(prefix.length));
    if (ours && join(tmpdir(), name) !== current) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** `npm pack` of @nx-pdd/core and nx-pdd (as `npm publish` would send them) into `dir`: their paths, core first. */
export function packPackages(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return ['packages/core', 'packages/nx-pdd'].map((p) => {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir, join(REPO_ROOT, p)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return join(dir, out.trim().split('\n').pop()!);
  });
}

/** The folder prepared by the global setup (its node_modules has nx and nx-pdd). */
export function pluginInstallDir(): string {
  const file = stateFile(e2eNxVersion());
  if (!existsSync(file)) throw new Error('e2e global setup did not run');
  const { installDir } = JSON.parse(readFileSync(file, 'utf8'));
  if (!existsSync(join(installDir, 'node_modules', 'nx-pdd'))) throw new Error(`nx-pdd is not installed in ${installDir}`);
  return installDir;
}
