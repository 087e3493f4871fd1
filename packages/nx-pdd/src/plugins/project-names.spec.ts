import { assignProjectNames, NameableUnit } from './project-names';

const u = (promptFile: string, basename: string, languageId: string, pddRoot = ''): NameableUnit => ({ promptFile, basename, languageId, pddRoot });

describe('assignProjectNames', () => {
  it('uses the basename, with / as -', () => {
    const names = assignProjectNames([u('prompts/calc_python.prompt', 'calc', 'python'), u('prompts/commands/fix_python.prompt', 'commands/fix', 'python')]);
    expect([...names.values()]).toEqual(['calc', 'commands-fix']);
  });

  it('adds the language only to units whose names clash', () => {
    const names = assignProjectNames([
      u('prompts/calc_python.prompt', 'calc', 'python'),
      u('prompts/calc_typescript.prompt', 'calc', 'typescript'),
      u('prompts/fmt_python.prompt', 'fmt', 'python'),
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'prompts/calc_python.prompt': 'calc-python',
      'prompts/calc_typescript.prompt': 'calc-typescript',
      'prompts/fmt_python.prompt': 'fmt',
    });
  });

  it('adds the PDD root folder when the language is not enough', () => {
    const names = assignProjectNames([
      u('prompts/calc_python.prompt', 'calc', 'python'),
      u('apps/api/prompts/calc_python.prompt', 'calc', 'python', 'apps/api'),
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'prompts/calc_python.prompt': 'calc-python',
      'apps/api/prompts/calc_python.prompt': 'apps-api-calc-python',
    });
  });

  it('resolves a clash created by a raised name', () => {
    const names = assignProjectNames([
      u('p/calc_python.prompt', 'calc', 'python'),
      u('p/calc_go.prompt', 'calc', 'go'),
      u('p/calc-python_go.prompt', 'calc-python', 'go'),
    ]);
    expect(new Set(names.values()).size).toBe(3);
  });

  it('falls back to the prompt path, then its hash, and never fails (one clash must not hide other units)', () => {
    const names = assignProjectNames([
      u('prompts/a/b_python.prompt', 'a/b', 'python'),
      u('prompts/a-b_python.prompt', 'a-b', 'python'),
      u('prompts/c_python.prompt', 'c', 'python'),
    ]);
    expect(names.get('prompts/c_python.prompt')).toBe('c');
    const clashed = [names.get('prompts/a/b_python.prompt'), names.get('prompts/a-b_python.prompt')];
    expect(clashed.every((n) => /^prompts-a-b_python-[0-9a-f]{6}$/.test(n!))).toBe(true);
    expect(new Set(clashed).size).toBe(2);
  });

  it('keeps letters of any script, and names a unit with none by its path', () => {
    const names = assignProjectNames([u('prompts/计算_python.prompt', '计算', 'python'), u('prompts/+++_python.prompt', '+++', 'python')]);
    expect(names.get('prompts/计算_python.prompt')).toBe('计算');
    expect(names.get('prompts/+++_python.prompt')).toBe('prompts--_python');
  });

  it('prefixes every name', () => {
    expect([...assignProjectNames([u('prompts/calc_python.prompt', 'calc', 'python')], 'pdd-').values()]).toEqual(['pdd-calc']);
  });
});
