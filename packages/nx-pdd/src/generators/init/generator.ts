import { readJson, readNxJson, Tree, updateJson, updateNxJson } from '@nx/devkit';
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

/** Dependencies whose install scripts nx-pdd needs (npm 11 runs none it was not told to allow). */
export const ALLOWED_SCRIPTS = ['better-sqlite3'];

export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  registerPlugin(tree, options.promptsDir);
  if (!options.skipGitignore) ignoreLocalState(tree);
  allowInstallScripts(tree);
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
  updateNxJson(tree, nxJson);
}

function ignoreLocalState(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const present = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
  if (!missing.length) return;
  const header = present.has(GITIGNORE_HEADER) ? [] : [GITIGNORE_HEADER];
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${sep}${current ? '\n' : ''}${[...header, ...missing].join('\n')}\n`);
}

export default initGenerator;
