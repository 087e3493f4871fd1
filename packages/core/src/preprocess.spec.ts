import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../../tools/testing/temp-workspace';
import { preprocessPrompt, PreprocessOptions } from './preprocess';

describe('preprocessPrompt', () => {
  let ws: TempWorkspace;
  let opts: PreprocessOptions;
  beforeEach(() => {
    ws = new TempWorkspace();
    opts = { workspaceRoot: ws.root, pddRoot: '', mode: 'resolve' };
  });
  afterEach(() => ws.dispose());

  const run = (prompt: string, extra: Partial<PreprocessOptions> = {}) => {
    ws.write({ 'prompts/a_python.prompt': prompt });
    return preprocessPrompt('prompts/a_python.prompt', { ...opts, ...extra });
  };

  it('expands every include form and lists the files read', () => {
    ws.write({ 'context/x.py': 'X = 1\n', 'context/y.md': 'why', 'context/z.txt': 'zed', 'context/w.py': 'W = 2' });
    const r = run(
      [
        'Start',
        '<include>context/x.py</include>',
        '<include path="context/y.md"/>',
        '<include-many>context/z.txt,\ncontext/w.py</include-many>',
        '```<context/x.py>```',
        '<pdd>a private note</pdd>End',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.text).toBe('Start\nX = 1\n\nwhy\nzed\n\nW = 2\n```\nX = 1\n```\nEnd');
    expect(r.filesRead).toEqual(['context/w.py', 'context/x.py', 'context/y.md', 'context/z.txt', 'prompts/a_python.prompt']);
    expect(r.includes.map((i) => [i.kind, i.declared, i.resolved, i.from.line])).toEqual([
      ['include', 'context/x.py', 'context/x.py', 2],
      ['include', 'context/y.md', 'context/y.md', 3],
      ['include-many', 'context/z.txt', 'context/z.txt', 4],
      ['include-many', 'context/w.py', 'context/w.py', 4],
      ['backtick', 'context/x.py', 'context/x.py', 6],
    ]);
  });

  it('leaves tags inside fenced code and inline code alone', () => {
    const prompt = 'Use `<include>nope.md</include>` like this:\n```\n<include>also-nope.md</include>\n<pdd>kept</pdd>\n```\n';
    const r = run(prompt);
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(prompt);
    expect(r.filesRead).toEqual(['prompts/a_python.prompt']);
  });

  it('expands nested includes of prompt-like files, not of code files', () => {
    ws.write({
      'context/outer.md': 'outer(<include>context/inner.md</include>)',
      'context/inner.md': 'inner',
      'context/code.py': 's = "<include>context/inner.md</include>"',
    });
    const r = run('<include>context/outer.md</include>|<include>context/code.py</include>');
    expect(r.text).toBe('outer(inner)|s = "<include>context/inner.md</include>"');
    expect(r.filesRead).toEqual(['context/code.py', 'context/inner.md', 'context/outer.md', 'prompts/a_python.prompt']);
  });

  it('reports a missing include with the prompt file and line', () => {
    const r = run('line one\n<include>context/missing.py</include>\n');
    expect(r.errors.map((e) => e.message)).toEqual([
      'prompts/a_python.prompt:2: include "context/missing.py" not found (looked in: context/missing.py, prompts/context/missing.py)',
    ]);
    expect(r.errors[0].code).toBe('INCLUDE_MISSING');
    expect(r.watchFiles).toEqual(['context/missing.py', 'prompts/context/missing.py']);
  });

  it('skips a missing optional include silently but watches for it', () => {
    const r = run('a<include path="context/later.md" optional/>b<include optional>context/later2.md</include>c');
    expect(r.errors).toEqual([]);
    expect(r.text).toBe('abc');
    expect(r.watchFiles).toEqual(['context/later.md', 'context/later2.md', 'prompts/context/later.md', 'prompts/context/later2.md']);
  });

  it('names the whole chain of a cycle', () => {
    ws.write({ 'context/b.md': 'b1\n<include>context/c.md</include>', 'context/c.md': '<include>prompts/a_python.prompt</include>' });
    const r = run('first\n<include>context/b.md</include>');
    expect(r.errors.map((e) => e.message)).toEqual([
      'context/c.md:1: include cycle: prompts/a_python.prompt:2 -> context/b.md:2 -> context/c.md:1 -> prompts/a_python.prompt',
    ]);
    expect(r.errors[0].code).toBe('INCLUDE_CYCLE');
  });

  it('allows the same file twice when it is not a cycle', () => {
    ws.write({ 'context/shared.md': 'S', 'context/b.md': '<include>context/shared.md</include>' });
    const r = run('<include>context/shared.md</include><include>context/b.md</include>');
    expect(r.errors).toEqual([]);
    expect(r.text).toBe('SS');
  });

  it('refuses includes that escape the workspace: ../, absolute paths, symlinks', () => {
    const outside = new TempWorkspace('nx-pdd-outside-').write({ 'secret.txt': 'secret' });
    try {
      ws.link('context/link.txt', outside.path('secret.txt'));
      const r = run(`<include>../../etc/passwd</include>\n<include>${outside.path('secret.txt')}</include>\n<include>context/link.txt</include>`);
      expect(r.errors.map((e) => [e.code, e.location?.line])).toEqual([
        ['INCLUDE_OUTSIDE', 1],
        ['INCLUDE_OUTSIDE', 2],
        ['INCLUDE_OUTSIDE', 3],
      ]);
      expect(r.text).not.toContain('secret');
    } finally {
      outside.dispose();
    }
  });

  it('accepts an absolute path inside the workspace', () => {
    ws.write({ 'context/x.md': 'inside' });
    expect(run(`<include>${join(ws.root, 'context/x.md')}</include>`).text).toBe('inside');
  });

  it('resolves from the PDD root first, then the workspace root, then the prompt folder, and watches shadowing paths', () => {
    ws.write({ 'apps/p/prompts/a_python.prompt': '<include>notes.md</include>', 'notes.md': 'root', 'apps/p/prompts/notes.md': 'beside' });
    const r = preprocessPrompt('apps/p/prompts/a_python.prompt', { ...opts, pddRoot: 'apps/p' });
    expect(r.text).toBe('root');
    expect(r.watchFiles).toEqual(['apps/p/notes.md']);
    writeFileSync(ws.path('apps/p/notes.md'), 'pdd root');
    expect(preprocessPrompt('apps/p/prompts/a_python.prompt', { ...opts, pddRoot: 'apps/p' }).text).toBe('pdd root');
  });

  it('never runs <shell> unless allowed, and never while resolving', () => {
    const ran: string[] = [];
    const runShell = (cmd: string) => {
      ran.push(cmd);
      return 'OUT';
    };
    const disabled = run('x<shell>echo hi</shell>y', { mode: 'expand', runShell });
    expect(disabled.errors.map((e) => e.code)).toEqual(['SHELL_DISABLED']);
    expect(run('x<shell>echo hi</shell>y', { mode: 'resolve', allowShell: true, runShell }).errors).toEqual([]);
    expect(ran).toEqual([]);
    const r = run('x<shell>echo hi</shell>y', { mode: 'expand', allowShell: true, runShell });
    expect(r.text).toBe('xOUTy');
    expect(ran).toEqual(['echo hi']);
  });

  it('runs <shell> for real in the PDD root when allowed', () => {
    const r = run('<shell>printf "%s" "$(basename "$PWD")"</shell>', { mode: 'expand', allowShell: true });
    expect(r.text).toBe(ws.root.split('/').pop());
  });

  it('warns about <web> and narrowing include attributes with the line, and includes the whole file', () => {
    ws.write({ 'context/x.py': 'x' });
    const r = run('<web>https://example.com</web>\n<include path="context/x.py" select="def:foo"/>\n<include colour="red">context/x.py</include>');
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((e) => [e.code, e.location?.line])).toEqual([
      ['WEB_UNSUPPORTED', 1],
      ['INCLUDE_ATTRIBUTE', 2],
    ]);
    expect(r.text).toBe('<web>https://example.com</web>\nx\nx');
  });

  it('leaves a tag that touches a code span literal, and never opens prose as a path (PDD)', () => {
    ws.write({ 'context/x.py': 'X' });
    const prose = [
      'Use `<include>` tags to pull files in.',
      ...Array.from({ length: 30 }, (_, i) => `line ${i}`),
      'end </include>',
      '<include>context/x.py</include>',
    ].join('\n');
    const r = run(prose);
    expect(r.errors).toEqual([]);
    expect(r.text.endsWith('\nX')).toBe(true);
    expect(r.text).toContain('Use `<include>` tags');
  });

  it('an <include> whose body runs over lines is prose, not a file to open; scanning goes on after it', () => {
    ws.write({ 'context/x.py': 'X' });
    const r = run('intro <include> tags\nnot\na path <include>context/x.py</include>\n</include>');
    expect(r.errors).toEqual([]);
    expect(r.text).toBe('intro <include> tags\nnot\na path X\n</include>');
  });

  it('a self-closing include does not run on to a later </include>', () => {
    ws.write({ 'context/a.md': 'A', 'context/b.md': 'B' });
    const r = run('<include path="context/a.md"/>-<include>context/b.md</include>');
    expect(r.text).toBe('A-B');
  });

  it('records declared dependencies and keeps their tags', () => {
    const r = run('Uses <pdd-dependency>calc_python.prompt</pdd-dependency> here');
    expect(r.declaredDependencies).toEqual([{ prompt: 'calc_python.prompt', from: { file: 'prompts/a_python.prompt', line: 1 } }]);
    expect(r.text).toContain('<pdd-dependency>');
  });

  it('throws only when the prompt itself cannot be read', () => {
    expect(() => preprocessPrompt('prompts/none_python.prompt', opts)).toThrow(/ENOENT/);
  });
});
