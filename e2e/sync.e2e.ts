import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { calcWorkspace, py } from './support/fake-model';

/*
 * A Python unit through the whole loop against tools/fake-llm, scripted like a real model that
 * gets things wrong first: the generated code subtracts, the example imports a name that does
 * not exist (crash -> fix), the tests catch the bug (test fails -> fix -> pass).
 */
describe('nx run calc:sync (real nx, real pytest, tools/fake-llm)', () => {
  let fake: FakeLlmProcess;
  let ws: E2EWorkspace;
  const requests = async () => (await fake.requests()).length;
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [
          { match: 'Running the example failed', responses: [{ content: 'FILE: examples/calc_example.py\n' + py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Judge from the example', responses: [{ content: '```json\n{"verdict": "yes", "reasons": []}\n```' }] },
          { match: 'Failures (', responses: [{ content: 'FILE: calc.py\n' + py('def add(a, b):\n    return a + b') }] },
          { match: 'usage example of this module', responses: [{ content: py('from calc import plus\nprint(plus(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
          { match: 'VERSION TWO', responses: [{ content: py('def add(a, b):\n    """Sum of a and b."""\n    return a + b') }] },
          { match: 'Write the module "calc"', responses: [{ content: py('def add(a, b):\n    return a - b') }] },
        ],
      },
    });
    ws = calcWorkspace(fake.url);
  });
  afterAll(async () => {
    ws?.dispose();
    await fake?.close();
  });

  it('--dry-run prints the plan with reasons and estimates, writes and spends nothing', () => {
    const r = ws.nx('run', 'calc:sync', '--dryRun');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /calc_python: plan \(dry run: no unit file is written, nothing is spent\)\n\s+1\. generate — no code file yet \(~\$[\d.]+\)\n\s+2\. example/,
    );
    expect(existsSync(ws.path('calc.py'))).toBe(false);
    expect(existsSync(ws.path('.pdd/state.db'))).toBe(false);
    expect(existsSync(ws.path('.pdd/meta'))).toBe(false);
  });

  it('takes a new unit to in sync: crash fix, failing tests fixed, exit 0 (verify asked for)', async () => {
    expect(await requests()).toBe(0);
    const r = ws.nx('run', 'calc:sync', '--outputStyle=stream', '--skipVerify=false');
    expect(r.code).toBe(0);
    const text = out(r);
    expect(text).toMatch(/\[1\] generate: no code file yet/);
    expect(text).toMatch(/example failed \(import\): ImportError: cannot import name 'plus'/);
    expect(text).toContain('0 passed, 1 failed, 0 errors, 0 skipped (coverage not measured)');
    expect(text).toContain('1 passed, 0 failed, 0 errors, 0 skipped (coverage not measured)');
    expect(text).toMatch(
      /calc_python: in sync: .*\n(calc: )?\s+operations: generate, example, crash, verify, generate-tests, test, fix, crash, verify; cost \$[\d.]+/,
    );
    expect(read('calc.py')).toBe('def add(a, b):\n    return a + b\n');
    const fp = JSON.parse(read('.pdd/meta/calc_python.json'));
    expect(fp).toMatchObject({ command: 'verify', pdd_version: 'nx-pdd' });
    expect(Object.keys(fp).slice(0, 9)).toEqual([
      'pdd_version',
      'timestamp',
      'command',
      'prompt_hash',
      'code_hash',
      'example_hash',
      'test_hash',
      'test_files',
      'include_deps',
    ]);
    expect(JSON.parse(read('.pdd/meta/calc_python_run.json'))).toMatchObject({ exit_code: 0, tests_passed: 1, tests_failed: 0 });
    // generate, example, crash fix, verify, generate-tests, fix, and verify again after the fix
    // changed the code (the example runs again for free; its new output is checked again).
    expect(await requests()).toBe(7);
  });

  it('nothing changed: no request; the run after that is an Nx cache hit', async () => {
    const second = ws.nx('run', 'calc:sync');
    expect(second.code).toBe(0);
    expect(out(second)).toMatch(/calc_python: in sync: .*\n(calc: )?\s+operations: none; cost \$0\.00/);
    expect(ws.nxOk('run', 'calc:sync')).toMatch(/existing outputs match the cache|local cache|read the output from the cache/);
    ws.nxOk('reset');
    expect(out(ws.nx('run', 'calc:sync'))).toContain('operations: none; cost $0.00');
    expect(await requests()).toBe(7);
    // --json: the outcome as JSON on stdout (Nx frames it with its own lines), progress on stderr.
    const json = ws.nx('run', 'calc:sync', '--json', '--skip-nx-cache');
    const doc = JSON.parse(json.stdout.slice(json.stdout.indexOf('{\n'), json.stdout.lastIndexOf('\n}') + 2));
    expect(doc).toMatchObject({
      unit: 'calc_python',
      ok: true,
      outcome: { state: 'completed', costUsd: 0, steps: [{ status: 'skipped', decision: { kind: 'done', rule: 17 } }] },
    });
    expect(json.stdout).not.toContain('operations: none');
    // --dry-run in sync: nothing to do.
    expect(ws.nxOk('run', 'calc:sync', '--dryRun')).toMatch(/1\. done — prompt, code, example and tests agree\n.*estimated cost: up to \$0\.00/);
  });

  it('code edited by hand: update the prompt, extend the tests for the new sub(), no regeneration', async () => {
    // The fake answers update with the prompt below: the code now also has sub(), which the tests get.
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [
        {
          match: 'Write the updated prompts/calc_python.prompt',
          responses: [{ content: '```prompt\nWrite add(a, b) returning the sum, and sub(a, b) returning the difference.\n```' }],
        },
        {
          match: 'Write tests/test_calc.py',
          responses: [{ content: py('from calc import add, sub\n\ndef test_add():\n    assert add(2, 3) == 5\n\ndef test_sub():\n    assert sub(3, 2) == 1') }],
        },
      ],
    });
    const before = await requests();
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n');
    const r = ws.nx('run', 'calc:sync');
    expect(r.code).toBe(0);
    expect(out(r)).toMatch(/operations: update, crash, generate-tests, test;/);
    expect(read('prompts/calc_python.prompt')).toContain('sub(a, b)');
    expect(read('calc.py')).toContain('def sub');
    expect(await requests()).toBe(before + 2);
  });

  it('stops at the budget with a clear message and a consistent state', async () => {
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION TWO: write add(a, b) with a docstring.\n');
    const before = await requests();
    // --dry-run after a prompt edit: regenerate, then run and check again; nothing spent.
    expect(ws.nxOk('run', 'calc:sync', '--dryRun')).toMatch(
      /1\. generate — the prompt changed \(~\$[\d.]+\)\n.*2\. crash — the example has not run against the current code/,
    );
    const r = ws.nx('run', 'calc:sync', '--budget=0.000001');
    expect(r.code).toBe(1);
    expect(out(r)).toMatch(/NOT in sync \(failed\): stopped by the budget: budget of \$0\.000001 would be exceeded by calc_python generate \(gpt-fake\)/);
    expect(await requests()).toBe(before);
    expect(read('calc.py')).toContain('def sub');
    expect(existsSync(ws.path('.pdd/journal/calc_python.json'))).toBe(false);
  });

  it('two syncs of one unit at once: one runs, the other fails clearly; nothing is corrupted', async () => {
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [
        { match: 'Judge from the example', responses: [{ content: '```json\n{"verdict": "yes", "reasons": []}\n```' }] },
        { match: 'SLOW', responses: [{ content: py('def add(a, b):\n    return a + b  # slow\n\n\ndef sub(a, b):\n    return a - b'), hold: {} }] },
        { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
      ],
    });
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'SLOW: write add(a, b) returning the sum.\n');
    writeFileSync(ws.path('calc.py'), read('.pdd/generated/calc_python/calc.py'));
    // The first sync holds the lock while its model answer is held; the second starts only then (an event, not a sleep).
    const first = ws.nxAsync('run', 'calc:sync', '--skip-nx-cache');
    const asked = async () => (await fake.requests()).some((q) => q.text.includes('SLOW'));
    for (let i = 0; i < 1200 && !(await asked()); i++) await new Promise((r) => setTimeout(r, 100));
    const second = await ws.nxAsync('run', 'calc:sync', '--skip-nx-cache');
    await fake.release();
    const a = await first;
    expect(`exit ${a.code}\n${out(a)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(second.code).toBe(1);
    expect(out(second)).toMatch(/calc_python is locked by pid \d+ on host .* since \d{4}-/);
    expect(read('calc.py')).toBe('def add(a, b):\n    return a + b  # slow\n\n\ndef sub(a, b):\n    return a - b\n');
    expect(existsSync(ws.path('.pdd/locks/calc_python.lock'))).toBe(false);
  });
});
