import type { ExecutorContext } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { FakeLlm, startFakeLlm } from '../../../../tools/fake-llm/fake-llm';
import { fakeModelTable, py } from '../../../../tools/testing/fake-model';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import autoDeps from './auto-deps/executor';
import crash from './crash/executor';
import example from './example/executor';
import fix from './fix/executor';
import generateTests from './generate-tests/executor';
import generate from './generate/executor';
import preprocess from './preprocess/executor';
import sync from './sync/executor';
import test from './test/executor';
import update from './update/executor';
import verify from './verify/executor';

/*
 * Every executor called as Nx calls it, without Nx: a hand-made ExecutorContext, an in-process
 * fake LLM, a temp workspace, real python and pytest. What each prints and returns.
 */
describe('executors (no Nx)', () => {
  let fake: FakeLlm;
  let ws: TempWorkspace;
  let out: string[];
  const saved = { key: process.env.OPENAI_API_KEY, scope: process.env.NX_PDD_BUDGET_SCOPE };
  const prompt = 'prompts/calc_python.prompt';
  const base = { prompt, sandbox: 'off' as const };
  const context = () =>
    ({
      root: ws.root,
      cwd: ws.root,
      isVerbose: false,
      projectName: 'calc',
      nxJsonConfiguration: { plugins: ['nx-pdd'] },
      projectGraph: { nodes: {}, dependencies: {} },
      projectsConfigurations: { version: 2, projects: {} },
    }) as unknown as ExecutorContext;
  const printed = () => out.join('\n');
  const requests = () => fake.requests.length;

  beforeAll(async () => {
    process.env.OPENAI_API_KEY = 'k';
    process.env.NX_PDD_BUDGET_SCOPE = 'executors-spec';
    fake = await startFakeLlm({
      scenario: {
        rules: [
          { match: 'Judge from the example', responses: [{ content: '```json\n{"verdict": "yes", "reasons": []}\n```' }] },
          { match: 'Write the updated prompts/calc_python.prompt', responses: [{ content: '```prompt\nWrite add(a, b) returning b + a.\n```' }] },
          { match: 'usage example of this module', responses: [{ content: py('from calc import add\nprint(add(2, 3))') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5') }] },
          { match: 'Write the module "calc"', responses: [{ content: py('def add(a, b):\n    return a + b') }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await fake.close();
    for (const [name, value] of [
      ['OPENAI_API_KEY', saved.key],
      ['NX_PDD_BUDGET_SCOPE', saved.scope],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  beforeEach(() => {
    out = [];
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(console, level).mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    ws = new TempWorkspace().write({ [prompt]: 'Write add(a, b) returning the sum.\n', '.pdd/llm_model.csv': fakeModelTable(fake.url) });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    ws.dispose();
  });

  it('each operation executor does its one step, in the order sync would, and says what it wrote', async () => {
    expect(await preprocess({ prompt, output: '.pdd/preprocessed/calc_python.prompt' }, context())).toEqual({ success: true });
    expect(readFileSync(ws.path('.pdd/preprocessed/calc_python.prompt'), 'utf8')).toContain('Write add(a, b)');
    expect(await generate(base, context())).toEqual({ success: true });
    expect(printed()).toContain('nx-pdd: calc_python generate: calc.py created (gpt-fake');
    expect(await example(base, context())).toEqual({ success: true });
    expect(await crash(base, context())).toEqual({ success: true });
    expect(await verify(base, context())).toEqual({ success: true });
    expect(await generateTests(base, context())).toEqual({ success: true });
    expect(await test(base, context())).toEqual({ success: true });
    expect(JSON.parse(readFileSync(ws.path('.pdd/meta/calc_python_run.json'), 'utf8'))).toMatchObject({ tests_passed: 1, tests_failed: 0 });
    const before = requests();
    // The tests pass: fix has nothing to do and calls no model.
    expect(await fix(base, context())).toEqual({ success: true });
    expect(requests()).toBe(before);
    ws.write({ 'calc.py': 'def add(a, b):\n    return b + a\n' });
    expect(await update(base, context())).toEqual({ success: true });
    expect(readFileSync(ws.path(prompt), 'utf8')).toBe('Write add(a, b) returning b + a.\n');
    // No context folders: nothing to offer, no call.
    expect(await autoDeps({ ...base, contextDirs: ['context'] }, context())).toEqual({ success: true });
    expect(requests()).toBe(before + 1);
  }, 180_000);

  it('a failing run fails its executor (rule tests-decide), and a unit that is no unit is a clear error', async () => {
    ws.write({
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'tests/test_calc.py': 'from calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 5\n',
    });
    expect(await test(base, context())).toEqual({ success: false });
    expect(printed()).toContain('nx-pdd: calc_python test: tests failing');
    expect(await generate({ ...base, prompt: 'prompts/nothing.txt' }, context())).toEqual({ success: false });
    expect(printed()).toMatch(/nx-pdd: generate failed: prompts\/nothing\.txt is not a prompt unit/);
  }, 120_000);

  it('sync: a dry run with --json prints only the plan on stdout; a sync brings the unit in sync; a bad flag is refused', async () => {
    const logged: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    expect(await sync({ ...base, dryRun: true, json: true }, context())).toEqual({ success: true });
    expect(JSON.parse(logged.join('\n'))).toMatchObject({
      unit: 'calc_python',
      ok: true,
      outcome: null,
      plan: [{ decision: { kind: 'run', operation: 'generate' } }, {}, {}, {}, {}, {}],
    });
    expect(existsSync(ws.path('calc.py'))).toBe(false);
    expect(await sync(base, context())).toEqual({ success: true });
    expect(logged.join('\n')).toMatch(/calc_python: in sync.*\n.*operations: generate, example, crash, generate-tests, test; cost \$[\d.]+/);
    expect(await sync({ ...base, profile: 'fast' }, context())).toEqual({ success: false });
    expect(printed()).toContain('nx-pdd: sync failed: unknown profile "fast" (profiles: quick, standard, thorough, safe)');
  }, 180_000);
});
