import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, unlinkSync } from 'node:fs';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { answersAsRecorded, RecordingDiskView } from './disk-view';
import { findPromptFiles } from './prompt-files';
import { resolveUnits } from './units';

describe('DiskView: what resolving units looked at, asked again', () => {
  let ws: TempWorkspace;
  beforeEach(() => (ws = new TempWorkspace()));
  afterEach(() => ws.dispose());

  /** Resolve with a recording view; the record and the result. */
  const record = () => {
    const disk = new RecordingDiskView(ws.root);
    const resolved = resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root, disk });
    return { looks: disk.looks, resolved };
  };
  const holds = (looks: ReturnType<typeof record>['looks']) => answersAsRecorded(ws.root, looks);

  it('resolves the same units with a recording view as without, and the result survives JSON', () => {
    ws.write({
      '.pddrc': 'contexts:\n  default:\n    defaults:\n      generate_output_path: "src/"\n      budget: 3\n',
      'architecture.json': JSON.stringify([{ filename: 'cli_python.prompt', filepath: 'pdd/cli.py' }]),
      'prompts/calc_python.prompt': 'x',
      'prompts/cli_python.prompt': 'x',
      'prompts/web/card_TypeScriptReact.prompt': 'x',
      'context/old_example.py': 'x',
    });
    const { looks, resolved } = record();
    expect(resolved).toEqual(resolveUnits(findPromptFiles(ws.root), { workspaceRoot: ws.root }));
    // What the plugin stores and later returns in its place: the same, undefined fields included.
    expect(JSON.parse(JSON.stringify(resolved))).toStrictEqual(resolved);
    expect(looks.map(([kind, path]) => `${kind} ${path}`)).toEqual(
      expect.arrayContaining(['exists prompts/.pddrc', 'exists .pddrc', 'read .pddrc', 'read architecture.json', 'exists examples', 'list context']),
    );
    expect(holds(looks)).toBe(true);
  });

  it.each([
    ['a .pddrc appears in a folder above a prompt', () => ws.write({ 'prompts/web/.pddrc': 'contexts: {}\n' })],
    ['the .pddrc changes', () => ws.write({ '.pddrc': 'contexts:\n  default:\n    defaults:\n      generate_output_path: "lib/"\n' })],
    ['the .pddrc goes', () => unlinkSync(ws.path('.pddrc'))],
    ['architecture.json changes', () => ws.write({ 'architecture.json': '[]' })],
    ['examples/ appears (the legacy layout no longer applies)', () => ws.write({ 'examples/x_example.py': 'x' })],
    ['an example appears in context/', () => ws.write({ 'context/deep/new_example.py': 'x' })],
    ['a test named after the prompt, which PDD keeps, appears', () => ws.write({ 'tests/test_gen.py': 'x' })],
  ])('answers differently when %s', (_what, change) => {
    ws.write({
      '.pddrc': 'contexts:\n  default:\n    defaults:\n      generate_output_path: "src/"\n',
      'prompts/web/card_python.prompt': 'x',
      'prompts/gen_python.prompt': 'x',
      'architecture.json': JSON.stringify([{ filename: 'gen_python.prompt', filepath: 'pdd/code_gen.py' }]),
      'context/old_example.py': 'x',
    });
    const { looks } = record();
    expect(holds(looks)).toBe(true);
    change();
    expect(holds(looks)).toBe(false);
  });

  it('answers differently when a prompts folder that is a link leads elsewhere', () => {
    ws.write({ 'pdd/prompts/calc_python.prompt': 'x', 'other/prompts/calc_python.prompt': 'x' }).link('prompts', 'pdd/prompts');
    const { looks, resolved } = record();
    expect(resolved.units.map((u) => u.logicalPromptFile)).toContain('prompts/calc_python.prompt');
    expect(holds(looks)).toBe(true);
    unlinkSync(ws.path('prompts'));
    ws.link('prompts', 'other/prompts');
    expect(holds(looks)).toBe(false);
  });

  it('records a refused read by its refusal, and a refusal that changes answers differently', () => {
    ws.write({ 'prompts/calc_python.prompt': 'x', 'outside/.pddrc': 'contexts: {}\n' });
    execFileSync('mkfifo', [ws.path('.pddrc')], { timeout: 30_000 });
    const { looks, resolved } = record();
    expect(resolved.skipped[0].reason).toMatch(/not a regular file/);
    expect(looks).toContainEqual(['read', '.pddrc', expect.stringMatching(/^error:READ_SPECIAL:/), 1024 * 1024]);
    expect(holds(looks)).toBe(true);
    rmSync(ws.path('.pddrc'));
    renameSync(ws.path('outside/.pddrc'), ws.path('.pddrc'));
    expect(holds(looks)).toBe(false);
  });

  it('believes no look of a kind it does not know', () => {
    expect(answersAsRecorded(ws.root, [['exists', 'x', false]])).toBe(true);
    expect(answersAsRecorded(ws.root, [['glob' as 'exists', 'x', false]])).toBe(false);
  });
});
