import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient } from '../llm/client';
import { resolveUnits } from '../units';
import { applyGeneration } from './artifact-store';
import { readConflict } from './conflict-store';
import { resolveConflict } from './resolve-conflict';

describe('resolving a merge conflict', () => {
  let ws: TempWorkspace;
  let answers: string[];
  let llm: LlmClient;
  const env = () => ({ workspaceRoot: ws.root, llm });
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');
  const BASE = 'def add(a, b):\n    return a + b\n';
  const OURS = 'def add(a, b):\n    return b + a  # mine\n';
  const THEIRS = 'def add(a, b):\n    return sum((a, b))\n';

  beforeEach(async () => {
    ws = new TempWorkspace().write({
      'prompts/calc_python.prompt': 'Add numbers.\n',
      'calc.py': OURS,
      '.pdd/generated/calc_python/calc.py': BASE,
      'tests/test_calc.py': 'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n',
    });
    answers = [];
    ({ llm } = scriptedLlm(ws.path('.pdd/cache/llm'), answers));
    const outcome = await applyGeneration(ws.root, unit(), 'code', THEIRS);
    expect(outcome.action).toBe('conflict');
  });
  afterEach(() => ws.dispose());

  it('a conflict changes neither the working file nor the base, and writes the proposal and theirs', () => {
    expect(read('calc.py')).toBe(OURS);
    expect(read('.pdd/generated/calc_python/calc.py')).toBe(BASE);
    const record = readConflict(ws.root, unit())!;
    expect(record).toMatchObject({ working: 'calc.py', proposal: '.pdd/conflicts/calc_python/calc.py', theirs: '.pdd/conflicts/calc_python/calc.py.theirs' });
    expect(record.hunks).toEqual([{ where: 'function_definition:add', line: 2 }]);
    expect(read(record.theirs)).toBe(THEIRS);
    expect(read(record.proposal)).toContain(
      '<<<<<<< ours (calc.py)\n    return b + a  # mine\n||||||| base (last generation)\n    return a + b\n=======\n    return sum((a, b))\n>>>>>>> theirs (new generation)',
    );
  });

  it('merged: refused while markers remain (nothing changes), taken once they are gone', async () => {
    await expect(resolveConflict(unit(), 'merged', env())).rejects.toThrow(/still has conflict markers at lines 2, 4, 6, 8/);
    expect(read('calc.py')).toBe(OURS);
    writeFileSync(ws.path('.pdd/conflicts/calc_python/calc.py'), 'def add(a, b):\n    return sum((b, a))  # mine\n');
    await resolveConflict(unit(), 'merged', env());
    expect(read('calc.py')).toBe('def add(a, b):\n    return sum((b, a))  # mine\n');
    expect(read('.pdd/generated/calc_python/calc.py')).toBe(THEIRS);
    expect(readConflict(ws.root, unit())).toBeNull();
  });

  it('merged: a proposal that does not parse is refused', async () => {
    writeFileSync(ws.path('.pdd/conflicts/calc_python/calc.py'), 'def add(a, b:\n    return 1\n');
    await expect(resolveConflict(unit(), 'merged', env())).rejects.toThrow(/does not parse as Python/);
  });

  it('theirs: the new generation, with the working file kept as .ours', async () => {
    const r = await resolveConflict(unit(), 'theirs', env());
    expect(read('calc.py')).toBe(THEIRS);
    expect(read('.pdd/conflicts/calc_python/calc.py.ours')).toBe(OURS);
    expect(r.lines).toContain('your version is kept in .pdd/conflicts/calc_python/calc.py.ours');
    expect(existsSync(ws.path('.pdd/conflicts/calc_python/conflict.json'))).toBe(false);
  });

  it('llm: applied when it parses and the tests pass; the summary names the conflicts', async () => {
    answers.push('### CONFLICT 1\n```python\n    return sum((b, a))  # mine\n```\n');
    const r = await resolveConflict(unit(), 'llm', env());
    expect(read('calc.py')).toBe('def add(a, b):\n    return sum((b, a))  # mine\n');
    expect(r.lines[0]).toMatch(/calc\.py: merged by .*: conflict 1 \(function_definition:add\); the tests pass \(1\)/);
  });

  it('llm: a merge that fails the tests leaves the conflict standing and the file as it was', async () => {
    answers.push('### CONFLICT 1\n```python\n    return a - b\n```\n');
    await expect(resolveConflict(unit(), 'llm', env())).rejects.toThrow(/fails the tests \(1 failing\); the conflict stands/);
    expect(read('calc.py')).toBe(OURS);
    expect(readConflict(ws.root, unit())).not.toBeNull();
  });
});
