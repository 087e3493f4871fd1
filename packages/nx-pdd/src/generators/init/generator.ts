import { GeneratorCallback, logger, readJson, readNxJson, Tree, updateJson, updateNxJson, writeJson } from '@nx/devkit';
import { spawnSync } from 'node:child_process';
import { LOCAL_STATE, TEMPORARY_FILE_PATTERN } from '@nx-pdd/core';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = 'nx-pdd';

/**
 * nx-pdd's local-only state (core's `LOCAL_STATE`): never committed. (`.pdd/meta/` fingerprints,
 * PDD's shared truth, stay committed.) Each starts with `**` and a slash because a pattern with a slash is anchored at the
 * .gitignore's folder, and a nested `.pddrc` keeps its `.pdd/` beside it (`apps/api/.pdd/`).
 */
export const GITIGNORE_LINES = [...LOCAL_STATE.map((p) => `**/${p}`), TEMPORARY_FILE_PATTERN];
const GITIGNORE_HEADER = '# nx-pdd local state (fingerprints in .pdd/meta/ stay committed)';

/** What any Nx workspace keeps out of git; added when no line covers it yet (`node_modules`, `/node_modules/`, ... count). */
const WORKSPACE_IGNORES: { line: string; coveredBy: RegExp }[] = [
  { line: 'node_modules/', coveredBy: /^\/?node_modules\/?$/ },
  { line: '.nx/cache', coveredBy: /^\/?\.nx(\/|\/cache\/?)?$/ },
  { line: '.nx/workspace-data', coveredBy: /^\/?\.nx(\/|\/workspace-data\/?)?$/ },
];

/** Dependencies whose install scripts nx-pdd needs (npm 11 runs none it was not told to allow). */
export const ALLOWED_SCRIPTS = ['better-sqlite3'];

export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<GeneratorCallback> {
  if (!tree.exists('package.json')) throw new Error('nx-pdd init: there is no package.json here; run "npm init -y" and "npm install -D nx" first');
  registerPlugin(tree, options.promptsDir);
  if (!options.skipGitignore) ignoreLocalState(tree);
  allowInstallScripts(tree);
  return () => buildStateStore(tree.root);
}

/**
 * After the files are written: the state store needs better-sqlite3's native part, which npm 11
 * did not build during the install (it ran no install script that `allowScripts` did not name
 * yet). Built here when it does not load; on failure, the one command to run is said.
 */
function buildStateStore(root: string): void {
  const loads = () =>
    spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root, stdio: 'ignore', timeout: 60_000 }).status === 0;
  if (loads()) return;
  logger.info("nx-pdd: building better-sqlite3 (the state store's native part; npm ran no install script for it)...");
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', timeout: 600_000 });
  if (r.status === 0 && loads()) return;
  logger.warn(
    'nx-pdd: better-sqlite3 could not be built here (it needs python3, make and a C++ compiler when no prebuilt binary can be downloaded). Run "npm rebuild better-sqlite3" once that is fixed; until then every sync fails saying so.',
  );
}

/**
 * The sync engine's state store is SQLite through better-sqlite3, whose native part is built
 * by its install script; npm 11 skips dependency install scripts unless package.json's
 * `allowScripts` names them. An explicit `false` the user wrote is kept.
 */
function allowInstallScripts(tree: Tree): void {
  if (!tree.exists('package.json')) return;
  const allowed = (readJson(tree, 'package.json').allowScripts ?? {}) as Record<string, unknown>;
  if (ALLOWED_SCRIPTS.every((name) => name in allowed)) return;
  updateJson(tree, 'package.json', (pkg) => {
    pkg.allowScripts = { ...pkg.allowScripts };
    for (const name of ALLOWED_SCRIPTS) if (!(name in pkg.allowScripts)) pkg.allowScripts[name] = true;
    return pkg;
  });
}

function registerPlugin(tree: Tree, promptsDir: string | undefined): void {
  // No nx.json (a workspace that only installed nx): create it, or nothing would be registered.
  if (!tree.exists('nx.json')) writeJson(tree, 'nx.json', {});
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const index = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (index < 0) {
    plugins.push(promptsDir ? { plugin: PLUGIN_NAME, options: { promptsDir } } : PLUGIN_NAME);
  } else if (promptsDir) {
    const existing = plugins[index];
    const entry = typeof existing === 'string' ? { plugin: PLUGIN_NAME, options: {} } : existing;
    entry.options = { ...(entry.options as object | undefined), promptsDir };
    plugins[index] = entry;
  }
  nxJson.plugins = plugins;
  // `nx affected` compares with defaultBase (Nx's default: main): the branch this repo is on.
  const branch = currentBranch(tree);
  if (!nxJson.defaultBase && !(nxJson as { affected?: { defaultBase?: string } }).affected?.defaultBase && branch) nxJson.defaultBase = branch;
  updateNxJson(tree, nxJson);
}

/** The branch `.git/HEAD` names (also in a repo with no commits yet), or null outside git. */
function currentBranch(tree: Tree): string | null {
  const head = tree.exists('.git/HEAD') ? tree.read('.git/HEAD', 'utf-8') : null;
  return head?.match(/^ref: refs\/heads\/(.+)\s*$/)?.[1] ?? null;
}

function ignoreLocalState(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const lines = current.split(/\r?\n/).map((l) => l.trim());
  const present = new Set(lines);
  const workspace = WORKSPACE_IGNORES.filter((w) => !lines.some((l) => w.coveredBy.test(l))).map((w) => w.line);
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
  if (!missing.length && !workspace.length) return;
  const header = !missing.length || present.has(GITIGNORE_HEADER) ? [] : [GITIGNORE_HEADER];
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  const block = [...workspace, ...(workspace.length && missing.length ? [''] : []), ...header, ...missing];
  tree.write('.gitignore', `${current}${sep}${current ? '\n' : ''}${block.join('\n')}\n`);
}

export default initGenerator;
