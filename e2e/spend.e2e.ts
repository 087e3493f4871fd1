import { readFileSync, writeFileSync } from 'node:fs';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace } from './support/e2e-workspace';
import { calcWorkspace, py } from './support/fake-model';

/*
 * Issue #13 against real nx and tools/fake-llm: calls per outcome in the standard profile,
 * tests for a function a prompt edit adds (this machine's python3 has no pytest-cov), rejected
 * answers asked again with the reason and paid for, and spend that stays within --budget
 * whatever the provider reports.
 */
describe('spend and calls per outcome (real nx, real pytest, tools/fake-llm)', () => {
  let fake: FakeLlmProcess;
  let ws: E2EWorkspace;
  const requests = async () => (await fake.requests()).length;
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
  const cost = (text: string) => Number(/operations: .*; cost \$([\d.]+)/.exec(text)?.[1]);
  const addCode = 'def add(a, b):\n    return a + b';
  const addTest = 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5';

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [
          { match: 'usage example of this module', responses: [{ content: py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py(addTest) }] },
          { match: 'Write the module "calc"', responses: [{ content: py(addCode) }] },
        ],
      },
    });
    ws = calcWorkspace(fake.url);
  });
  afterAll(async () => {
    ws?.dispose();
    await fake?.close();
  });

  it('a new unit to passing tests: 3 requests (generate, example, tests)', async () => {
    const r = ws.nx('run', 'calc:sync', '--skip-nx-cache');
    expect(r.code).toBe(0);
    expect(out(r)).toMatch(/operations: generate, example, crash, generate-tests, test; cost \$/);
    expect(await requests()).toBe(3);
  });

  it('a hand edit of the code only: 1 request (update)', async () => {
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [
        {
          match: 'Write the updated prompts/calc_python.prompt',
          responses: [{ content: '```prompt\nWrite add(a, b) returning the sum of two numbers, b first.\n```' }],
        },
      ],
    });
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return b + a\n');
    const r = ws.nx('run', 'calc:sync', '--skip-nx-cache');
    expect(r.code).toBe(0);
    expect(out(r)).toMatch(/operations: update, crash, test; cost \$/);
    expect(await requests()).toBe(4);
  });

  it('a prompt edit that adds a function: the tests are extended for it, with coverage not measured', async () => {
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [
        {
          match: 'Write tests/test_calc.py',
          responses: [{ content: py(`${addTest.replace('import add', 'import add, multiply')}\n\ndef test_multiply():\n    assert multiply(2, 3) == 6`) }],
        },
        { match: 'Write the module "calc"', responses: [{ content: py(`${addCode}\n\n\ndef multiply(a, b):\n    return a * b`) }] },
      ],
    });
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Write add(a, b) returning the sum and multiply(a, b) returning the product.\n');
    const r = ws.nx('run', 'calc:sync', '--skip-nx-cache');
    expect(r.code).toBe(0);
    expect(out(r)).toContain('the code gained multiply, which no test mentions: extend the tests');
    expect(out(r)).toContain('(coverage not measured)');
    expect(out(r)).toMatch(/operations: generate, crash, generate-tests, test; cost \$/);
    expect(read('tests/test_calc.py')).toContain('def test_multiply');
    expect(await requests()).toBe(6);
  });

  it('the prompt and the code both edited: 1 request (generate), the hand edit merged in', async () => {
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [
        {
          match: 'Write the module "calc"',
          responses: [{ content: py(`def add(a, b):\n    """Sum of a and b."""\n    return a + b\n\n\ndef multiply(a, b):\n    return a * b`) }],
        },
      ],
    });
    writeFileSync(ws.path('calc.py'), read('calc.py').replace('    return a * b', '    return a * b  # kept by hand'));
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Write add(a, b) returning the sum, with a docstring, and multiply(a, b) returning the product.\n');
    const n = await requests();
    const r = ws.nx('run', 'calc:sync', '--skip-nx-cache');
    expect(r.code).toBe(0);
    expect(out(r)).toContain('calc.py: your edits merged with the new generation');
    expect(out(r)).toMatch(/operations: generate, crash, test; cost \$/);
    expect(read('calc.py')).toContain('"""Sum of a and b."""');
    expect(read('calc.py')).toContain('return a * b  # kept by hand');
    expect(await requests()).toBe(n + 1);
  });

  it('a rejected answer is asked again with the reason (not the identical request); rejected answers are paid and shown', async () => {
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [
        // The code keeps multiply(): the tests of the step before test it.
        { match: 'Your answer was rejected', responses: [{ content: py(`${addCode}  # v3\n\n\ndef multiply(a, b):\n    return a * b`) }] },
        { match: 'Write the module "calc"', responses: [{ content: '```javascript\nexport const add = (a, b) => a + b;\n```' }] },
      ],
    });
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION THREE: write add(a, b) returning the sum.\n');
    const before = (await fake.requests()).length;
    const r = ws.nx('run', 'calc:sync', '--skip-nx-cache');
    expect(r.code).toBe(0);
    const [first, retry] = (await fake.requests()).slice(before, before + 2);
    expect(retry.text).not.toBe(first.text);
    expect(retry.text.startsWith(first.text.trimEnd().slice(0, 200))).toBe(true);
    expect(retry.text).toMatch(/Your answer was rejected: calc_python generate \(gpt-fake\): .*javascript/);
    expect(out(r)).toMatch(/1 rejected answer asked again with the reason \(\$[\d.]+ of this step's cost\)/);
    expect(read('calc.py')).toContain('# v3');

    // Every answer rejected: 1 request and 2 follow-ups, then a clear stop; what they cost is in the summary.
    await fake.setScenario({
      requireKey: 'e2e-key',
      rules: [{ match: 'Write the module "calc"', responses: [{ content: '```javascript\nexport const add = (a, b) => a + b;\n```' }] }],
    });
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'VERSION FOUR: write add(a, b) returning the sum.\n');
    const n = await requests();
    const bad = ws.nx('run', 'calc:sync', '--skip-nx-cache');
    expect(bad.code).toBe(1);
    expect(await requests()).toBe(n + 3);
    expect(out(bad)).toMatch(/\(after 2 follow-ups stating the reason\)/);
    expect(cost(out(bad))).toBeGreaterThan(0);
  });

  it('a provider that reports 40x the usage, or answers far more than max_tokens: spend stays within the budget', async () => {
    const cases = [
      // The new sub() needs its tests extended: a further call, which must not start.
      {
        name: '40x usage',
        response: {
          content: py(`${addCode}  # v5\n\n\ndef multiply(a, b):\n    return a * b\n\n\ndef sub(a, b):\n    return a - b`),
          usage: { input: 400_000, output: 100 },
        },
        stops: /stopped by the budget: .* not sent: a provider reported usage beyond what its request could cost/,
      },
      // 3 MB: paid, charged at most max_tokens, and rejected unread (never parsed).
      {
        name: 'huge answer',
        response: { content: py(`${addCode}  # v6\n${'# padding\n'.repeat(300_000)}`) },
        stops: /answered \d+ characters, more than 8192 output tokens can hold .*; the answer was rejected unread/,
      },
    ];
    for (const { name, response, stops } of cases) {
      await fake.setScenario({ requireKey: 'e2e-key', rules: [{ match: 'Write the module "calc"', responses: [response] }] });
      writeFileSync(ws.path('prompts/calc_python.prompt'), `${name}: write add(a, b) returning the sum.\n`);
      const r = ws.nx('run', 'calc:sync', '--skip-nx-cache', '--budget=0.05');
      const text = out(r);
      expect(text).toMatch(/beyond what this request can cost .* no further call starts in this run/);
      expect(text).toMatch(stops);
      expect(cost(text)).toBeGreaterThan(0);
      expect(cost(text)).toBeLessThanOrEqual(0.05);
      expect(r.code).toBe(1);
    }
  });
});
