import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { calcWorkspace, py } from './support/fake-model';

/*
 * Issue #6 end to end: hand edits and a prompt edit between two syncs are merged; a conflicting
 * pair stops in `conflict` with both versions on disk, and --resolve=ours completes it.
 */
describe('merging hand edits with a regeneration (real nx, real pytest, tools/fake-llm)', () => {
  let fake: FakeLlmProcess;
  let ws: E2EWorkspace;
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [
          { match: 'Judge from the example', responses: [{ content: '```json\n{"verdict": "yes", "reasons": []}\n```' }] },
          { match: 'usage example of this module', responses: [{ content: py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
          {
            match: 'VERSION THREE',
            responses: [{ content: py('def add(a, b):\n    """Sum of a and b."""\n    return sum((a, b))\n\n\ndef mul(a, b):\n    return a * b') }],
          },
          {
            match: 'VERSION TWO',
            responses: [{ content: py('def add(a, b):\n    """Sum of a and b."""\n    return a + b\n\n\ndef mul(a, b):\n    return a * b') }],
          },
          { match: 'Write the module "calc"', responses: [{ content: py('def add(a, b):\n    return a + b') }] },
        ],
      },
    });
    ws = calcWorkspace(fake.url);
    expect(ws.nx('run', 'calc:sync').code).toBe(0);
    expect(read('calc.py')).toBe('def add(a, b):\n    return a + b\n');
  });
  afterAll(async () => {
    ws?.dispose();
    await fake?.close();
  });

  it('code and prompt both edited: the hand edit is in the new code and the tests pass', async () => {
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    # written by hand\n    return a - b\n');
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Write add(a, b) returning the sum, and mul(a, b). VERSION TWO\n');
    const r = ws.nx('run', 'calc:sync', '--outputStyle=stream');
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toMatch(/generate \+ merge|the prompt and the code changed/);
    expect(out(r)).toContain('calc.py: your edits merged with the new generation');
    const code = read('calc.py');
    expect(code).toContain('"""Sum of a and b."""');
    expect(code).toContain('def mul(a, b):');
    expect(code).toContain('def sub(a, b):\n    # written by hand\n    return a - b');
    // The pristine store keeps the generation alone: the base of the next merge.
    expect(read('.pdd/generated/calc_python/calc.py')).not.toContain('def sub');
    expect(JSON.parse(read('.pdd/meta/calc_python_run.json'))).toMatchObject({ tests_failed: 0, tests_passed: 1 });
  });

  it('a conflicting pair stops in conflict with both versions on disk; --resolve=ours completes it', async () => {
    const mine = read('calc.py').replace('    return a + b', '    return b + a  # order matters for my floats');
    writeFileSync(ws.path('calc.py'), mine);
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Write add(a, b) returning the sum, and mul(a, b). VERSION THREE\n');
    const r = ws.nx('run', 'calc:sync', '--outputStyle=stream');
    expect(r.code).not.toBe(0);
    const text = out(r);
    expect(text).toContain('NOT in sync (conflict)');
    expect(text).toContain('.pdd/conflicts/calc_python/calc.py');
    expect(text).toContain('--resolve=ours');
    // The working file is as the user left it; the proposal has both sides; theirs is beside it.
    expect(read('calc.py')).toBe(mine);
    const proposal = read('.pdd/conflicts/calc_python/calc.py');
    expect(proposal).toMatch(/<<<<<<< ours \(calc\.py\)\n {4}return b \+ a {2}# order matters for my floats\n/);
    expect(proposal).toContain('    return sum((a, b))');
    expect(proposal).toContain('def sub(a, b):');
    expect(read('.pdd/conflicts/calc_python/calc.py.theirs')).toContain('return sum((a, b))');
    // Still in conflict: a plain sync says so and changes nothing.
    const again = ws.nx('run', 'calc:sync');
    expect(again.code).not.toBe(0);
    expect(out(again)).toContain('the unit is in conflict');
    expect(out(again)).toContain('.pdd/conflicts/calc_python/calc.py');
    expect(ws.nx('run', 'calc:sync', '--dryRun').stdout).toMatch(/1\. stop — the unit is in conflict/);

    const resolved = ws.nx('run', 'calc:sync', '--resolve=ours', '--outputStyle=stream');
    expect(`exit ${resolved.code}\n${out(resolved)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(resolved)).toContain('calc.py: kept as you left it');
    expect(read('calc.py')).toBe(mine);
    expect(existsSync(ws.path('.pdd/conflicts/calc_python'))).toBe(false);
    // The new generation is the base now: the next sync finds nothing to do.
    expect(read('.pdd/generated/calc_python/calc.py')).toContain('return sum((a, b))');
    expect(out(ws.nx('run', 'calc:sync', '--skip-nx-cache'))).toMatch(/operations: none/);
  });
});
