import { readFileSync } from 'node:fs';
import { E2EWorkspace } from './support/e2e-workspace';

describe('generators and bad input through real nx', () => {
  let ws: E2EWorkspace;
  beforeAll(() => (ws = new E2EWorkspace({}, {})));
  afterAll(() => ws?.dispose());

  it('nx g nx-pdd:init registers the plugin, twice is a no-op', () => {
    ws.nxOk('g', 'nx-pdd:init', '--no-interactive');
    const nxJson = readFileSync(ws.path('nx.json'), 'utf8');
    expect(JSON.parse(nxJson).plugins).toEqual(['nx-pdd']);
    expect(readFileSync(ws.path('.gitignore'), 'utf8')).toContain('**/.pdd/state.db*');
    ws.nxOk('g', 'nx-pdd:init', '--no-interactive');
    expect(readFileSync(ws.path('nx.json'), 'utf8')).toBe(nxJson);
  });

  it('nx g nx-pdd:unit writes a prompt that becomes a project at once', () => {
    ws.nxOk('g', 'nx-pdd:unit', '--name=commands/fix', '--language=python', '--description=Fixes things.', '--no-interactive');
    expect(readFileSync(ws.path('prompts/commands/fix_python.prompt'), 'utf8')).toContain('Fixes things.');
    expect(ws.nxJson<string[]>('show', 'projects', '--json')).toEqual(['commands-fix']);
    const out = ws.nxOk('run', 'commands-fix:preprocess', '--print');
    expect(out).toContain('% You are an expert Python engineer. Write the module "fix".');
    expect(out).not.toContain('This file is a PDD prompt');
  });

  it('nx g nx-pdd:unit refuses an unknown language with a clear message', () => {
    const r = ws.nx('g', 'nx-pdd:unit', '--name=x', '--language=klingon', '--no-interactive');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('unknown language "klingon"');
  });

  it('a broken prompt keeps the graph working and fails its own target with file:line', () => {
    ws.write({ 'prompts/broken_python.prompt': 'Broken.\n<include>context/nowhere.md</include>\n' });
    const list = ws.nx('show', 'projects', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout.slice(list.stdout.indexOf('['))).sort()).toEqual(['broken', 'commands-fix']);
    expect(list.stdout + list.stderr).toContain('prompts/broken_python.prompt:2: include "context/nowhere.md" not found');
    const run = ws.nx('run', 'broken:preprocess');
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('prompts/broken_python.prompt:2: include "context/nowhere.md" not found');
  });

  it('an include cycle is named in full', () => {
    ws.write({ 'prompts/loop_python.prompt': '<include>context/a.md</include>\n', 'context/a.md': 'a\n<include>prompts/loop_python.prompt</include>\n' });
    const run = ws.nx('run', 'loop:preprocess');
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('include cycle: prompts/loop_python.prompt:1 -> context/a.md:2 -> prompts/loop_python.prompt');
  });
});
