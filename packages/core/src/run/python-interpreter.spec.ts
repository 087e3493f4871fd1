import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { resolveUnits } from '../units';
import { pythonInterpreter } from './python-interpreter';

describe("a Python unit's interpreter", () => {
  let ws: TempWorkspace;
  const unit = (pluginSettings = {}) => resolveUnits(['api/prompts/calc_python.prompt'], { workspaceRoot: ws.root, pluginSettings }).units[0];
  const venv = (dir: string) => {
    mkdirSync(ws.path(`${dir}/bin`), { recursive: true });
    writeFileSync(ws.path(`${dir}/bin/python`), '#!/bin/sh\n');
    chmodSync(ws.path(`${dir}/bin/python`), 0o755);
  };
  beforeEach(() => {
    ws = new TempWorkspace().write({ 'api/.pddrc': 'version: "1.0"\ncontexts:\n  default:\n    defaults: {}\n', 'api/prompts/calc_python.prompt': 'x' });
  });
  afterEach(() => ws.dispose());

  it('python3 on PATH when the project has none', () => {
    expect(pythonInterpreter(ws.root, unit(), {})).toEqual({ command: 'python3', source: 'python3 on PATH' });
  });

  it('in order: the setting, VIRTUAL_ENV, .venv/ or venv/ of the PDD root, then of the workspace', () => {
    venv('.venv');
    expect(pythonInterpreter(ws.root, unit(), {})).toEqual({ command: ws.path('.venv/bin/python'), source: '.venv/' });
    venv('api/venv');
    expect(pythonInterpreter(ws.root, unit(), {})).toEqual({ command: ws.path('api/venv/bin/python'), source: 'api/venv/' });
    venv('elsewhere');
    expect(pythonInterpreter(ws.root, unit(), { VIRTUAL_ENV: ws.path('elsewhere') })).toEqual({
      command: ws.path('elsewhere/bin/python'),
      source: 'VIRTUAL_ENV',
    });
    expect(pythonInterpreter(ws.root, unit({ python: 'tools/py' }), { VIRTUAL_ENV: ws.path('elsewhere') })).toEqual({
      command: ws.path('api/tools/py'),
      source: 'the python setting',
    });
    expect(pythonInterpreter(ws.root, unit({ python: 'python3.12' }), {}).command).toBe('python3.12');
    const fromEnv = resolveUnits(['api/prompts/calc_python.prompt'], { workspaceRoot: ws.root, env: { PDD_PYTHON: '/opt/py/bin/python' } }).units[0];
    expect(pythonInterpreter(ws.root, fromEnv, {}).command).toBe('/opt/py/bin/python');
  });
});
