import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { findPromptFiles, promptFileCover } from './prompt-files';
import { resolveUnits } from './units';

describe('resolveUnits', () => {
  let ws: TempWorkspace;
  beforeEach(() => (ws = new TempWorkspace()));
  afterEach(() => ws.dispose());

  it('finds units in a flat prompts folder and in subfolders, skipping templates', () => {
    ws.write({
      'prompts/calc_python.prompt': 'x',
      'prompts/commands/fix_Python.prompt': 'x',
      'prompts/format_typescript.prompt': 'x',
      'prompts/generate_code_LLM.prompt': 'x',
      'prompts/notes.prompt': 'x',
      'docs/other_python.prompt': 'x',
    });
    const r = resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root });
    expect(r.units.map((u) => [u.id, u.promptFile, u.paths.code, u.metaFile])).toEqual([
      ['calc_python', 'prompts/calc_python.prompt', 'calc.py', '.pdd/meta/calc_python.json'],
      ['commands/fix_python', 'prompts/commands/fix_Python.prompt', 'commands/fix.py', '.pdd/meta/commands_fix_python.json'],
      ['format_typescript', 'prompts/format_typescript.prompt', 'format.ts', '.pdd/meta/format_typescript.json'],
    ]);
    expect(r.skipped).toEqual([
      { file: 'docs/other_python.prompt', reason: 'not under a prompts dir (prompts)', suspicious: false },
      { file: 'prompts/notes.prompt', reason: expect.stringContaining('no "_<language>"'), suspicious: true },
    ]);
  });

  it('uses the nearest .pddrc upward as the PDD root, with its contexts', () => {
    ws.write({
      '.pddrc': 'contexts:\n  default:\n    defaults:\n      generate_output_path: "src/"\n',
      'apps/api/.pddrc': 'contexts:\n  backend:\n    defaults:\n      prompts_dir: "specs"\n      generate_output_path: "lib/"\n      budget: 3\n',
      'prompts/calc_python.prompt': 'x',
      'apps/api/specs/users_python.prompt': 'x',
    });
    const r = resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root });
    const [users, calc] = r.units;
    expect(calc).toMatchObject({ id: 'calc_python', pddRoot: '', context: 'default', paths: { code: 'src/calc.py' } });
    expect(users).toMatchObject({
      id: 'users_python',
      pddRoot: 'apps/api',
      pddrcFile: 'apps/api/.pddrc',
      promptsDir: 'apps/api/specs',
      context: 'backend',
      metaFile: 'apps/api/.pdd/meta/users_python.json',
      paths: { code: 'apps/api/lib/users.py', test: 'apps/api/tests/test_users.py' },
    });
    expect(users.settings.budget).toBe(3);
    expect(r.pddrcFiles).toEqual(['.pddrc', 'apps/api/.pddrc']);
  });

  it('honours the prompts dir from plugin options and the environment', () => {
    ws.write({ 'specs/calc_python.prompt': 'x', 'prompts/old_python.prompt': 'x' });
    expect(resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root, pluginSettings: { promptsDir: 'specs' } }).units.map((u) => u.id)).toEqual([
      'calc_python',
    ]);
    expect(resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root, env: { PDD_PROMPTS_DIR: 'specs' } }).units.map((u) => u.id)).toEqual([
      'calc_python',
    ]);
  });

  it('switches to legacy context/ examples only when examples/ is absent', () => {
    ws.write({ 'prompts/calc_python.prompt': 'x', 'context/old_example.py': 'x' });
    expect(resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0].paths.example).toBe('context/calc_example.py');
    ws.write({ 'examples/.keep': '' });
    expect(resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0].paths.example).toBe('examples/calc_example.py');
  });

  it('surfaces .pddrc warnings; a broken .pddrc is an error of its own units only', () => {
    ws.write({ '.pddrc': 'weird: 1\n', 'prompts/calc_python.prompt': 'x' });
    expect(resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).warnings).toEqual([expect.stringContaining('unknown key "weird"')]);
    ws.write({ '.pddrc': 'contexts: [\n', 'apps/api/.pddrc': 'version: "1.0"\n', 'apps/api/prompts/x_python.prompt': 'x' });
    const r = resolveUnits(['prompts/calc_python.prompt', 'apps/api/prompts/x_python.prompt'], { workspaceRoot: ws.root });
    expect(r.units.map((u) => u.id)).toEqual(['x_python']);
    expect(r.skipped).toEqual([
      { file: 'prompts/calc_python.prompt', reason: expect.stringMatching(/^its \.pddrc cannot be read: \.pddrc:\d+: invalid YAML/), suspicious: true },
    ]);
  });

  it('a .pddrc that is a folder is named as such', () => {
    ws.write({ '.pddrc/x': '', 'prompts/calc_python.prompt': 'x' });
    expect(resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).skipped[0].reason).toBe(
      'its .pddrc cannot be read: .pddrc: is a folder, not a file',
    );
  });

  it('reads a prompts dir behind a symlink by the path through the link, and keeps its subfolders in the basename', () => {
    ws.write({
      '.pddrc': 'contexts:\n  commands:\n    defaults:\n      prompts_dir: prompts/commands\n      generate_output_path: pdd/commands/\n',
      'pdd/prompts/commands/calc_Python.prompt': 'x',
      'pdd/prompts/calc_python.prompt': 'y',
      'pdd/prompts/main_gen_prompt.prompt': 'z',
      'pdd/prompts/notes_LLM.prompt': 'z',
    });
    ws.link('prompts', 'pdd/prompts');
    const r = resolveUnits(
      ['pdd/prompts/commands/calc_Python.prompt', 'pdd/prompts/calc_python.prompt', 'pdd/prompts/main_gen_prompt.prompt', 'pdd/prompts/notes_LLM.prompt'],
      { workspaceRoot: ws.root },
    );
    expect(r.skipped).toEqual([]);
    expect(r.units.map((u) => [u.id, u.promptFile, u.logicalPromptFile, u.metaFile, u.context, u.paths.code])).toEqual([
      ['calc_python', 'pdd/prompts/calc_python.prompt', 'prompts/calc_python.prompt', '.pdd/meta/calc_python.json', null, 'calc.py'],
      [
        'commands/calc_python',
        'pdd/prompts/commands/calc_Python.prompt',
        'prompts/commands/calc_Python.prompt',
        '.pdd/meta/commands_calc_python.json',
        'commands',
        'pdd/commands/calc.py',
      ],
    ]);
  });

  it('takes code paths from architecture.json before .pddrc, and names examples and tests after the code as PDD does', () => {
    ws.write({
      '.pddrc': 'contexts:\n  default:\n    defaults:\n      example_output_path: context/\n      test_output_path: tests/\n',
      'architecture.json': JSON.stringify([
        { filename: 'cli_python.prompt', filepath: 'pdd/cli.py' },
        { filename: 'core/cli_python.prompt', filepath: 'pdd/core/cli.py' },
        { filename: 'gen_python.prompt', filepath: 'pdd/code_gen.py' },
        { filename: 'gen_LLM.prompt' },
        { filename: 'evil_python.prompt', filepath: '../../etc/x.py' },
      ]),
      'prompts/cli_python.prompt': 'a',
      'prompts/core/cli_python.prompt': 'b',
      'prompts/gen_python.prompt': 'c',
      'prompts/evil_python.prompt': 'd',
      'tests/test_gen.py': 'existing',
    });
    const r = resolveUnits(['prompts/cli_python.prompt', 'prompts/core/cli_python.prompt', 'prompts/gen_python.prompt', 'prompts/evil_python.prompt'], {
      workspaceRoot: ws.root,
    });
    const paths = Object.fromEntries(r.units.map((u) => [u.id, [u.paths.code, u.paths.example, u.paths.test]]));
    // A leaf two modules share (cli) takes the code path as its stem; a unique one the code's name.
    expect(paths['core/cli_python']).toEqual(['pdd/core/cli.py', 'context/pdd_core_cli_example.py', 'tests/test_pdd_core_cli.py']);
    expect(paths['cli_python']).toEqual(['pdd/cli.py', 'context/pdd_cli_example.py', 'tests/test_pdd_cli.py']);
    // An existing test named after the prompt is kept.
    expect(paths['gen_python']).toEqual(['pdd/code_gen.py', 'context/code_gen_example.py', 'tests/test_gen.py']);
    // An entry that leaves the root is not taken: .pddrc decides.
    expect(paths['evil_python']).toEqual(['evil.py', 'context/evil_example.py', 'tests/test_evil.py']);
  });

  it('ignores an architecture.json that is not JSON, with a warning naming it', () => {
    ws.write({ 'architecture.json': '{ nope', 'prompts/calc_python.prompt': 'x' });
    const r = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root });
    expect(r.units[0].paths.code).toBe('calc.py');
    expect(r.warnings).toEqual([expect.stringMatching(/^architecture\.json: not valid JSON .*: ignored, paths come from \.pddrc$/)]);
  });

  it("a complete output folder keeps the folders below the context's own prompts dir (PDD)", () => {
    ws.write({
      '.pddrc':
        'contexts:\n  ui:\n    defaults:\n      prompts_dir: prompts/frontend\n      generate_output_path: src/frontend/\n      test_output_path: src/frontend/tests/\n',
      'architecture.json': JSON.stringify([{ filename: 'theme_json.prompt', filepath: 'prompts/theme_json.prompt' }]),
      'prompts/frontend/components/Card_typescriptreact.prompt': 'a',
      'prompts/theme_json.prompt': 'b',
    });
    const r = resolveUnits(['prompts/frontend/components/Card_typescriptreact.prompt', 'prompts/theme_json.prompt'], { workspaceRoot: ws.root });
    const card = r.units.find((u) => u.name === 'Card')!;
    expect([card.basename, card.paths.code, card.paths.test]).toEqual([
      'frontend/components/Card',
      'src/frontend/components/Card.tsx',
      'src/frontend/tests/components/test_Card.tsx',
    ]);
    // An architecture entry whose filepath is a prompt says nothing of code.
    expect(r.units.find((u) => u.name === 'theme')!.paths.code).toBe('theme.json');
  });
});

describe('promptFileCover', () => {
  let ws: TempWorkspace;
  beforeEach(() => (ws = new TempWorkspace()));
  afterEach(() => ws.dispose());

  it('names a folder of nothing but prompts once, and every other prompt file by itself', () => {
    ws.write({
      'prompts/calc_python.prompt': 'x',
      'prompts/api/users_python.prompt': 'x',
      'specs/README.md': 'not a prompt',
      'specs/a_python.prompt': 'x',
      'specs/deep/b_python.prompt': 'x',
      'src/c_python.prompt': 'x',
      'src/c.py': 'x',
      'top_python.prompt': 'x',
      'node_modules/pkg/d_python.prompt': 'x',
      'empty-ish/notes.txt': 'x',
    });
    expect(promptFileCover(ws.root)).toEqual({
      folders: ['prompts', 'specs/deep'],
      files: ['specs/a_python.prompt', 'src/c_python.prompt', 'top_python.prompt'],
    });
  });

  it('covers exactly what findPromptFiles finds', () => {
    ws.write({ 'prompts/a_python.prompt': 'x', 'prompts/x/b_python.prompt': 'x', 'lib/c_python.prompt': 'x', 'lib/c.py': 'x' });
    const { folders, files } = promptFileCover(ws.root);
    const covered = findPromptFiles(ws.root).filter((f) => files.includes(f) || folders.some((d) => f.startsWith(`${d}/`)));
    expect(covered).toEqual(findPromptFiles(ws.root));
  });
});
