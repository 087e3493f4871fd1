import { logger, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { unitGenerator } from './generator';

describe('unit generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes a self-explaining prompt skeleton', async () => {
    await unitGenerator(tree, { name: 'calc', language: 'python', description: 'Adds numbers.' });
    const text = tree.read('prompts/calc_python.prompt', 'utf-8')!;
    expect(text).toContain('the code in calc.py, a usage example in examples/calc_example.py, unit tests in tests/test_calc.py');
    expect(text).toContain('% Purpose\nAdds numbers.');
    expect(text).toContain('npx nx run calc:preprocess --print');
  });

  it('handles folders, code-only languages and the .pddrc defaults', async () => {
    tree.write(
      '.pddrc',
      'contexts:\n  default:\n    defaults:\n      default_language: typescript\n      prompts_dir: specs\n      generate_output_path: src/\n',
    );
    await unitGenerator(tree, { name: 'commands/fix' });
    expect(tree.read('specs/commands/fix_typescript.prompt', 'utf-8')).toContain('the code in src/fix.ts');
    await unitGenerator(tree, { name: 'settings', language: 'json' });
    const json = tree.read('specs/settings_json.prompt', 'utf-8')!;
    expect(json).toContain('the code in src/settings.json.');
    expect(json).not.toContain('usage example');
  });

  it('rejects bad names, unknown languages and existing prompts with nothing written', async () => {
    await expect(unitGenerator(tree, { name: '../evil' })).rejects.toThrow('invalid unit name "../evil"');
    await expect(unitGenerator(tree, { name: 'x', language: 'klingon' })).rejects.toThrow(/unknown language "klingon". Known: .*python/);
    await unitGenerator(tree, { name: 'calc' });
    const before = tree.read('prompts/calc_python.prompt', 'utf-8');
    await expect(unitGenerator(tree, { name: 'calc' })).rejects.toThrow('prompts/calc_python.prompt already exists; nothing was written');
    expect(tree.read('prompts/calc_python.prompt', 'utf-8')).toBe(before);
    expect(tree.exists('prompts/x_klingon.prompt')).toBe(false);
  });

  it('honours the plugin prompts dir and extra languages from nx.json', async () => {
    const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
    nxJson.plugins = [{ plugin: 'nx-pdd', options: { promptsDir: 'pdd', languages: [{ name: 'Zig', extension: '.zig', runCommand: 'zig run {file}' }] } }];
    tree.write('nx.json', JSON.stringify(nxJson));
    await unitGenerator(tree, { name: 'alloc', language: 'zig' });
    expect(tree.read('pdd/alloc_zig.prompt', 'utf-8')).toContain('the code in alloc.zig');
  });
});
