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

  it('is idempotent', async () => {
    tree.write('.gitignore', 'node_modules');
    await initGenerator(tree, { promptsDir: 'specs' });
    const nxJson = tree.read('nx.json', 'utf-8');
    const gitignore = tree.read('.gitignore', 'utf-8');
    await initGenerator(tree, { promptsDir: 'specs' });
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
    expect(tree.read('.gitignore', 'utf-8')).toBe(gitignore);
    expect(gitignore!.startsWith('node_modules\n\n# nx-pdd local state')).toBe(true);
    expect(readNxJson(tree)?.plugins?.filter((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-pdd')).toEqual([{ plugin: 'nx-pdd', options: { promptsDir: 'specs' } }]);
  });

  it('keeps existing plugin options when adding a prompts dir', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: 'nx-pdd', options: { projectNamePrefix: 'pdd-' } }];
    tree.write('nx.json', JSON.stringify(nxJson));
    await initGenerator(tree, { promptsDir: 'p', skipGitignore: true });
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'nx-pdd', options: { projectNamePrefix: 'pdd-', promptsDir: 'p' } }]);
    expect(tree.exists('.gitignore')).toBe(false);
  });

  it('lets npm run better-sqlite3\'s install script, keeping a denial the user wrote', async () => {
    await initGenerator(tree, {});
    expect(JSON.parse(tree.read('package.json', 'utf-8')!).allowScripts).toEqual({ 'better-sqlite3': true });
    tree.write('package.json', JSON.stringify({ name: 'w', allowScripts: { 'better-sqlite3': false, sharp: true } }));
    await initGenerator(tree, {});
    expect(JSON.parse(tree.read('package.json', 'utf-8')!).allowScripts).toEqual({ 'better-sqlite3': false, sharp: true });
  });
});
