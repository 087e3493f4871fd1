import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { findPromptFiles, resolveUnits } from './units';

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
    expect(resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root, pluginSettings: { promptsDir: 'specs' } }).units.map((u) => u.id)).toEqual(['calc_python']);
    expect(resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root, env: { PDD_PROMPTS_DIR: 'specs' } }).units.map((u) => u.id)).toEqual(['calc_python']);
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
    expect(r.skipped).toEqual([{ file: 'prompts/calc_python.prompt', reason: expect.stringMatching(/^its \.pddrc cannot be read: \.pddrc:\d+: invalid YAML/), suspicious: true }]);
  });

  it('a .pddrc that is a folder is named as such', () => {
    ws.write({ '.pddrc/x': '', 'prompts/calc_python.prompt': 'x' });
    expect(resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).skipped[0].reason).toBe('its .pddrc cannot be read: .pddrc: is a folder, not a file');
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
    const r = resolveUnits(['pdd/prompts/commands/calc_Python.prompt', 'pdd/prompts/calc_python.prompt', 'pdd/prompts/main_gen_prompt.prompt', 'pdd/prompts/notes_LLM.prompt'], { workspaceRoot: ws.root });
    expect(r.skipped).toEqual([]);
    expect(r.units.map((u) => [u.id, u.promptFile, u.logicalPromptFile, u.metaFile, u.context, u.paths.code])).toEqual([
      ['calc_python', 'pdd/prompts/calc_python.prompt', 'prompts/calc_python.prompt', '.pdd/meta/calc_python.json', null, 'calc.py'],
      ['commands/calc_python', 'pdd/prompts/commands/calc_Python.prompt', 'prompts/commands/calc_Python.prompt', '.pdd/meta/commands_calc_python.json', 'commands', 'pdd/commands/calc.py'],
    ]);
  });
});
