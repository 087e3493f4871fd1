import { existsSync, readFileSync } from 'node:fs';
import type { ExecutorContext } from '@nx/devkit';
import { TempWorkspace } from '../../../../../tools/testing/temp-workspace';
import preprocessExecutor from './executor';

describe('preprocess executor', () => {
  let ws: TempWorkspace;
  let context: ExecutorContext;
  let errors: string[];
  beforeEach(() => {
    ws = new TempWorkspace();
    context = { root: ws.root, cwd: ws.root, isVerbose: false } as ExecutorContext;
    errors = [];
    jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    ws.dispose();
  });

  it('writes the expanded prompt', async () => {
    ws.write({ 'prompts/a_python.prompt': 'A <include>x.md</include><pdd>note</pdd>', 'x.md': 'X' });
    const r = await preprocessExecutor({ prompt: 'prompts/a_python.prompt', output: '.pdd/preprocessed/a_python.prompt' }, context);
    expect(r).toEqual({ success: true });
    expect(readFileSync(ws.path('.pdd/preprocessed/a_python.prompt'), 'utf8')).toBe('A X');
  });

  it('fails with every error and writes nothing', async () => {
    ws.write({ 'prompts/a_python.prompt': '<include>gone.md</include>\n<web>http://x</web>' });
    const r = await preprocessExecutor({ prompt: 'prompts/a_python.prompt', output: 'out.prompt' }, context);
    expect(r).toEqual({ success: false });
    expect(existsSync(ws.path('out.prompt'))).toBe(false);
    expect(errors).toEqual([
      'nx-pdd: prompts/a_python.prompt has 1 problem(s); nothing was written:',
      expect.stringContaining('prompts/a_python.prompt:1: include "gone.md" not found'),
    ]);
  });

  it('runs <shell> only when allowed', async () => {
    ws.write({ 'prompts/a_python.prompt': 'v=<shell>echo 42</shell>' });
    expect(await preprocessExecutor({ prompt: 'prompts/a_python.prompt', output: 'o' }, context)).toEqual({ success: false });
    expect(await preprocessExecutor({ prompt: 'prompts/a_python.prompt', output: 'o', allowShell: true }, context)).toEqual({ success: true });
    expect(readFileSync(ws.path('o'), 'utf8')).toBe('v=42\n');
  });

  it('reports an unreadable prompt', async () => {
    expect(await preprocessExecutor({ prompt: 'prompts/none_python.prompt', output: 'o' }, context)).toEqual({ success: false });
    expect(errors[0]).toContain('cannot read prompts/none_python.prompt');
  });
});
