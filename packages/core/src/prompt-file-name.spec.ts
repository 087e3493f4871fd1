import { defaultLanguages, LanguageTable } from './languages';
import { parsePromptFileName } from './prompt-file-name';

describe('parsePromptFileName', () => {
  it('splits on the last underscore and matches the language case-insensitively', () => {
    const v = parsePromptFileName('my_calc_Python.prompt', defaultLanguages);
    expect(v).toMatchObject({ kind: 'unit', parsed: { basename: 'my_calc', languageToken: 'Python' } });
    expect(v.kind === 'unit' && v.parsed.language.id).toBe('python');
  });

  it('keeps subdirectories in the basename', () => {
    const v = parsePromptFileName('commands/fix_python.prompt', defaultLanguages);
    expect(v).toMatchObject({ kind: 'unit', parsed: { basename: 'commands/fix' } });
  });

  it('treats *_LLM.prompt as a template, not a unit', () => {
    expect(parsePromptFileName('generate_code_LLM.prompt', defaultLanguages)).toEqual({ kind: 'template' });
  });

  it('explains a missing or unknown language', () => {
    expect(parsePromptFileName('notes.prompt', defaultLanguages)).toMatchObject({ kind: 'no-language' });
    expect(parsePromptFileName('dir_x/notes.prompt', defaultLanguages)).toMatchObject({ kind: 'no-language' });
    const v = parsePromptFileName('calc_klingon.prompt', defaultLanguages);
    expect(v.kind === 'no-language' && v.reason).toContain('unknown language "klingon"');
  });

  it('ignores files that are not prompts', () => {
    expect(parsePromptFileName('calc_python.txt', defaultLanguages)).toEqual({ kind: 'not-a-prompt' });
  });

  it('accepts languages added by the user', () => {
    const table = new LanguageTable([{ name: 'Zig', extension: '.zig', comment: '//', runCommand: 'zig run {file}' }]);
    const v = parsePromptFileName('calc_zig.prompt', table);
    expect(v.kind === 'unit' && v.parsed.language).toMatchObject({ id: 'zig', extension: '.zig', outputs: ['code', 'example', 'test'] });
  });
});

describe('language table', () => {
  it('has the languages the foundation promises, with code-only formats', () => {
    for (const id of ['python', 'typescript', 'javascript', 'typescriptreact', 'go', 'rust', 'java', 'bash']) {
      expect(defaultLanguages.get(id)?.outputs).toEqual(['code', 'example', 'test']);
    }
    for (const id of ['json', 'yaml', 'markdown', 'toml', 'csv']) {
      expect(defaultLanguages.get(id)?.outputs).toEqual(['code']);
    }
    expect(defaultLanguages.get('TypeScriptReact')?.extension).toBe('.tsx');
    expect(defaultLanguages.get('makefile')?.extension).toBe('');
  });
});
