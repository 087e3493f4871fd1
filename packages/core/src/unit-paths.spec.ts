import { defaultLanguages } from './languages';
import { computeUnitPaths, expandPathTemplate, splitBasename } from './unit-paths';
import { resolveUnitSettings } from './unit-settings';

const python = defaultLanguages.get('python')!;
const tsx = defaultLanguages.get('typescriptreact')!;
const json = defaultLanguages.get('json')!;

describe('computeUnitPaths', () => {
  it('follows PDD conventions by default', () => {
    expect(computeUnitPaths('', splitBasename('calc'), python, resolveUnitSettings({}))).toEqual({
      code: 'calc.py',
      example: 'examples/calc_example.py',
      test: 'tests/test_calc.py',
      testSiblings: { dir: 'tests', prefix: 'test_calc', extension: '.py' },
    });
  });

  it('an output path that leaves the PDD root, or is absolute, is an error naming the key and the value', () => {
    const at =
      (pluginOptions: object, root = 'apps/x') =>
      () =>
        computeUnitPaths(root, splitBasename('calc'), python, resolveUnitSettings({ pluginOptions }));
    expect(at({ generateOutputPath: '../../../escape/' })).toThrow(
      'generate_output_path "../../../escape/" leads outside the PDD root apps/x/ (to ../escape/calc.py)',
    );
    expect(at({ testOutputPath: '/tmp/x' })).toThrow('test_output_path "/tmp/x" leads outside the PDD root apps/x/');
    expect(at({ exampleOutputPath: '../y/' }, '')).toThrow('example_output_path "../y/" leads outside the workspace (to ../y/calc_example.py)');
    expect(() =>
      computeUnitPaths(
        'apps/x',
        splitBasename('calc'),
        python,
        resolveUnitSettings({ context: { name: 'c', paths: [], defaults: { outputs: { code: { path: '../../../../tmp/{name}.py' } } } } }),
      ),
    ).toThrow('outputs.code.path "../../../../tmp/{name}.py" leads outside the PDD root apps/x/');
    expect(at({ generateOutputPath: 'src/../lib/' })().code).toBe('apps/x/lib/calc.py');
  });

  it('keeps the basename folders and the PDD root', () => {
    const p = computeUnitPaths('apps/x', splitBasename('commands/fix'), python, resolveUnitSettings({}));
    expect(p.code).toBe('apps/x/commands/fix.py');
    expect(p.example).toBe('apps/x/examples/commands/fix_example.py');
    expect(p.test).toBe('apps/x/tests/commands/test_fix.py');
  });

  it('treats a trailing slash as a complete directory', () => {
    const s = resolveUnitSettings({ pluginOptions: { generateOutputPath: 'src/', testOutputPath: 'spec', exampleOutputPath: 'demo/' } });
    const p = computeUnitPaths('', splitBasename('commands/fix'), python, s);
    expect(p.code).toBe('src/fix.py');
    expect(p.test).toBe('spec/commands/test_fix.py');
    expect(p.example).toBe('demo/fix_example.py');
  });

  it('uses legacy context/ examples when asked', () => {
    expect(computeUnitPaths('', splitBasename('calc'), python, resolveUnitSettings({}), true).example).toBe('context/calc_example.py');
  });

  it('prefers .pddrc output templates', () => {
    const s = resolveUnitSettings({
      pluginOptions: { outputTemplates: { code: 'src/{category}/{name_pascal}.{ext}', test: '__tests__/{name_kebab}.test.{ext}' } },
    });
    const p = computeUnitPaths('', splitBasename('ui/user_card'), tsx, s);
    expect(p.code).toBe('src/ui/UserCard.tsx');
    expect(p.test).toBe('__tests__/user-card.test.tsx');
    expect(p.example).toBe('examples/ui/user_card_example.tsx');
  });

  it('gives code-only languages no example and no test', () => {
    expect(computeUnitPaths('', splitBasename('config'), json, resolveUnitSettings({}))).toEqual({
      code: 'config.json',
      example: null,
      test: null,
      testSiblings: null,
    });
  });
});

describe('expandPathTemplate', () => {
  it('knows every PDD placeholder', () => {
    const out = expandPathTemplate(
      '{dir_prefix}|{category}|{name}|{ext}|{language}|{name_snake}|{name_pascal}|{name_kebab}',
      splitBasename('a/b/userCard'),
      tsx,
      't',
    );
    expect(out).toBe('a/b/|a/b|userCard|tsx|typescriptreact|user_card|UserCard|user-card');
  });

  it('rejects an unknown placeholder, naming it', () => {
    expect(() => expandPathTemplate('src/{nam}.py', splitBasename('x'), python, 'outputs.code.path')).toThrow('unknown placeholder {nam}');
  });
});
