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
    const names = assignProjectNames([u('prompts/calc_python.prompt', 'calc', 'python'), u('apps/api/prompts/calc_python.prompt', 'calc', 'python', 'apps/api')]);
    expect(Object.fromEntries(names)).toEqual({
      'prompts/calc_python.prompt': 'calc-python',
      'apps/api/prompts/calc_python.prompt': 'apps-api-calc-python',
    });
  });

  it('resolves a clash created by a raised name', () => {
    const names = assignProjectNames([u('p/calc_python.prompt', 'calc', 'python'), u('p/calc_go.prompt', 'calc', 'go'), u('p/calc-python_go.prompt', 'calc-python', 'go')]);
    expect(new Set(names.values()).size).toBe(3);
  });

  it('fails naming both files when no rule separates them', () => {
    expect(() => assignProjectNames([u('prompts/a/b_python.prompt', 'a/b', 'python'), u('prompts/a-b_python.prompt', 'a-b', 'python')])).toThrow(
      'nx-pdd: prompt units "prompts/a-b_python.prompt" and "prompts/a/b_python.prompt" would both be named "a-b-python"',
    );
  });

  it('prefixes every name', () => {
    expect([...assignProjectNames([u('prompts/calc_python.prompt', 'calc', 'python')], 'pdd-').values()]).toEqual(['pdd-calc']);
  });
});
