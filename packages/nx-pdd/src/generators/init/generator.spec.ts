import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNxJson, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { GITIGNORE_LINES, initGenerator } from './generator';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => (tree = createTreeWithEmptyWorkspace()));

  it('registers the plugin and ignores local state', async () => {
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toContainEqual('nx-pdd');
    const gitignore = tree.read('.gitignore', 'utf-8')!;
    for (const line of GITIGNORE_LINES) expect(gitignore.split('\n')).toContain(line);
    // PDD's fingerprints are shared truth: no rule may ignore them.
    const rules = gitignore.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rules.filter((r) => ['.pdd', '.pdd/', '.pdd/*', '.pdd/meta', '.pdd/meta/'].includes(r))).toEqual([]);
  });

  it('its lines ignore local state beside a nested .pddrc too, and never a fingerprint (checked by git)', async () => {
    await initGenerator(tree, {});
    const dir = mkdtempSync(join(tmpdir(), 'init-gitignore-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: dir });
      writeFileSync(join(dir, '.gitignore'), tree.read('.gitignore', 'utf-8')!);
      const ignored = (path: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: dir }).status === 0;
      for (const root of ['', 'apps/api/']) {
        for (const local of [
          '.pdd/state.db',
          '.pdd/state.db-wal',
          '.pdd/cache/llm/x.json',
          '.pdd/locks/a.lock',
          '.pdd/runs/r.json',
          '.pdd/journal/a.json',
          '.pdd/conflicts/a/x.py',
          '.pdd/preprocessed/a.prompt',
        ])
          expect({ [root + local]: ignored(root + local) }).toEqual({ [root + local]: true });
        for (const shared of ['.pdd/meta/calc_python.json', '.pdd/generated/calc_python/calc.py', '.pdd/interface/calc_python.txt'])
          expect({ [root + shared]: ignored(root + shared) }).toEqual({ [root + shared]: false });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('is idempotent', async () => {
    tree.write('.gitignore', 'node_modules');
    await initGenerator(tree, { promptsDir: 'specs' });
    const nxJson = tree.read('nx.json', 'utf-8');
    const gitignore = tree.read('.gitignore', 'utf-8');
    await initGenerator(tree, { promptsDir: 'specs' });
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
    expect(tree.read('.gitignore', 'utf-8')).toBe(gitignore);
    expect(gitignore!.startsWith('node_modules\n\n.nx/cache\n.nx/workspace-data\n\n# nx-pdd local state')).toBe(true);
    expect(readNxJson(tree)?.plugins?.filter((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-pdd')).toEqual([
      { plugin: 'nx-pdd', options: { promptsDir: 'specs' } },
    ]);
  });

  it('works from a workspace with only nx installed: creates nx.json, sets defaultBase to the current branch, ignores node_modules and .nx', async () => {
    tree.delete('nx.json');
    tree.delete('.gitignore');
    tree.write('.git/HEAD', 'ref: refs/heads/master\n');
    const done = await initGenerator(tree, {});
    expect(typeof done).toBe('function');
    expect(readNxJson(tree)).toEqual({ plugins: ['nx-pdd'], defaultBase: 'master' });
    expect(tree.read('.gitignore', 'utf-8')!.split('\n').slice(0, 3)).toEqual(['node_modules/', '.nx/cache', '.nx/workspace-data']);
    // A defaultBase the user chose stays.
    const nxJson = readNxJson(tree)!;
    tree.write('nx.json', JSON.stringify({ ...nxJson, defaultBase: 'develop' }));
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.defaultBase).toBe('develop');
  });

  it('says what to do, and writes nothing, without a package.json', async () => {
    tree.delete('package.json');
    const before = tree.listChanges().length;
    await expect(initGenerator(tree, {})).rejects.toThrow('there is no package.json here; run "npm init -y" and "npm install -D nx" first');
    expect(tree.listChanges().length).toBe(before);
  });

  it('keeps existing plugin options when adding a prompts dir', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: 'nx-pdd', options: { projectNamePrefix: 'pdd-' } }];
    tree.write('nx.json', JSON.stringify(nxJson));
    await initGenerator(tree, { promptsDir: 'p', skipGitignore: true });
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'nx-pdd', options: { projectNamePrefix: 'pdd-', promptsDir: 'p' } }]);
    expect(tree.exists('.gitignore')).toBe(false);
  });

  it("lets npm run better-sqlite3's install script, keeping a denial the user wrote", async () => {
    await initGenerator(tree, {});
    expect(JSON.parse(tree.read('package.json', 'utf-8')!).allowScripts).toEqual({ 'better-sqlite3': true });
    tree.write('package.json', JSON.stringify({ name: 'w', allowScripts: { 'better-sqlite3': false, sharp: true } }));
    await initGenerator(tree, {});
    expect(JSON.parse(tree.read('package.json', 'utf-8')!).allowScripts).toEqual({ 'better-sqlite3': false, sharp: true });
  });
});
