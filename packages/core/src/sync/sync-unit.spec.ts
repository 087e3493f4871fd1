import { pddLayout } from '../pdd-layout';
import { readFileSync, writeFileSync } from 'node:fs';
import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { readFingerprint, sha256 } from '../fingerprint';
import { LlmError } from '../llm/errors';
import { ProviderCall } from '../llm/providers/provider';
import { runOperation } from '../operations/run-operation';
import { writeRunReport } from '../run-report';
import { PromptUnit, resolveUnits } from '../units';
import { RUN_REPORT_CODE_KEY } from './observe';
import { OperationName } from '../operations/catalogue';
import { OperationImpl, planSync, StepResult, syncUnit, SyncOptions } from './sync-unit';
import { StateStore } from './state-store';

const options: SyncOptions = {
  skipVerify: false,
  skipTests: false,
  targetCoverage: 90,
  autoDeps: false,
  mergeAvailable: false,
  resolve: null,
  maxAttempts: 3,
  maxSteps: 20,
};
const fenced = (lang: string, body: string) => '```' + lang + '\n' + body + '\n```';

describe('syncUnit: the engine loop', () => {
  let ws: TempWorkspace;
  let store: StateStore;
  let calls: ProviderCall[];
  let log: string[];
  const answer = (call: ProviderCall) => {
    calls.push(call);
    const text = call.request.messages.map((m) => m.content).join('\n');
    if (text.includes('Write the updated')) return { content: fenced('prompt', 'Write add(a, b) and sub(a, b).'), usage: { input: 10, output: 10 } };
    if (text.includes('usage example')) return { content: fenced('python', 'from calc import add\nprint(add(1, 2))'), usage: { input: 10, output: 10 } };
    if (text.includes('Write tests/test_calc.py'))
      return { content: fenced('python', 'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3'), usage: { input: 10, output: 10 } };
    return { content: fenced('python', 'def add(a, b):\n    return a + b'), usage: { input: 100, output: 1000 } };
  };
  const unit = (): PromptUnit => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
  const llmOps = () => {
    const env = { workspaceRoot: ws.root, llm: scriptedLlm(ws.path('.pdd/cache/llm'), answer).llm };
    const viaCore =
      (op: 'generate' | 'example' | 'generate-tests' | 'update'): OperationImpl =>
      async (u) => {
        const r = await runOperation(op, u, env);
        return { costUsd: r.costUsd, model: r.model, lines: r.files.map((f) => `${f.path} ${f.action}`) };
      };
    return { generate: viaCore('generate'), example: viaCore('example'), 'generate-tests': viaCore('generate-tests'), update: viaCore('update') };
  };
  // Stand-ins for issue #5's runner: they record what a real run would.
  const ran: string[] = [];
  const crash: OperationImpl = async () => (ran.push('crash'), { costUsd: 0, model: null, lines: ['example ran, exit 0'], exampleOk: true });
  const verify: OperationImpl = async () => (ran.push('verify'), { costUsd: 0.001, model: 'gpt-x', lines: ['verified'], verified: true });
  const test: OperationImpl = async (u) => {
    ran.push('test');
    const code = sha256(readFileSync(ws.path(u.paths.code)));
    const tests = sha256(readFileSync(ws.path(u.paths.test!)));
    writeRunReport(ws.root, pddLayout(u).runReport, {
      timestamp: 't',
      exit_code: 0,
      tests_passed: 1,
      tests_failed: 0,
      coverage: 100,
      test_hash: tests,
      [RUN_REPORT_CODE_KEY]: code,
      nx_pdd_coverage_measured: true,
    });
    return { costUsd: 0, model: null, lines: ['1 passed'] } as StepResult;
  };
  const allOps = () => ({ ...llmOps(), crash, verify, test });
  const env = (operations: Partial<Record<OperationName, OperationImpl>> = allOps()) => ({
    workspaceRoot: ws.root,
    store,
    runId: 'r1',
    operations,
    version: 'nx-pdd-test',
    log: (l: string) => log.push(l),
  });

  beforeEach(() => {
    ws = new TempWorkspace().write({ 'prompts/calc_python.prompt': 'Write add(a, b).\n' });
    store = StateStore.open(ws.path('.pdd/state.db'));
    calls = [];
    log = [];
    ran.length = 0;
  });

  it('a prompt that cannot be expanded stops at once with its reason in full, and the dry run says so instead of planning', async () => {
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Write add(a, b).\n<include>context/gone.md</include>\n');
    const plan = await planSync(ws.root, unit(), null, options, () => 0.01);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0].decision).toMatchObject({
      kind: 'stop',
      state: 'failed',
      reason: expect.stringContaining('prompts/calc_python.prompt:2: include "context/gone.md" not found'),
    });
    const out = await syncUnit(unit(), env(), options);
    expect(out).toMatchObject({ ok: false, state: 'failed' });
    expect(out.reason).toContain('include "context/gone.md" not found');
    expect(out.steps.filter((s) => s.operation === 'generate')).toHaveLength(1);
    expect(calls).toHaveLength(0);
    // Not an error when the file is what a dependency's sync writes first.
    const waiting = await planSync(ws.root, unit(), null, options, () => 0.01, {}, new Set(['context/gone.md']));
    expect(waiting.steps[0].decision).toMatchObject({ kind: 'run', operation: 'generate' });
    expect(waiting.warnings).toContain('prompts/calc_python.prompt:2: include "context/gone.md" does not exist yet: the sync of a dependency writes it first');
  });
  afterEach(() => {
    store.close();
    ws.dispose();
  });

  it("takes a new unit to in sync, in the operation graph's order, and the second run does nothing", async () => {
    const out = await syncUnit(unit(), env(), options);
    expect(out).toMatchObject({ ok: true, state: 'completed' });
    expect(out.steps.map((s) => s.operation ?? s.decision.kind)).toEqual(['generate', 'example', 'crash', 'verify', 'generate-tests', 'test', 'done']);
    expect(calls).toHaveLength(3);
    expect(out.costUsd).toBeCloseTo((100 * 1 + 1000 * 2) / 1e6 + (2 * (10 + 20)) / 1e6 + 0.001, 8);
    const fp = readFingerprint(ws.root, '.pdd/meta/calc_python.json').fingerprint!;
    expect(fp).toMatchObject({ command: 'test', pdd_version: 'nx-pdd-test', code_hash: sha256('def add(a, b):\n    return a + b\n') });
    expect(store.getState('calc_python')?.state).toBe('completed');
    expect(log[0]).toMatch(/^\[1\] generate: no code file yet — spent so far \$0\.00$/);

    const again = await syncUnit(unit(), env(), options);
    expect(again.steps.map((s) => s.decision.kind)).toEqual(['done']);
    expect(again.costUsd).toBe(0);
    expect(calls).toHaveLength(3);
  });

  it('code-only edit: update the prompt, run the example again, extend the tests for the new sub(), never regenerate', async () => {
    await syncUnit(unit(), env(), options);
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n');
    calls = [];
    const out = await syncUnit(unit(), env(), options);
    expect(out.ok).toBe(true);
    expect(out.steps.map((s) => s.operation ?? s.decision.kind)).toEqual(['update', 'crash', 'verify', 'generate-tests', 'test', 'done']);
    expect(readFileSync(ws.path('prompts/calc_python.prompt'), 'utf8')).toBe('Write add(a, b) and sub(a, b).\n');
    expect(readFileSync(ws.path('calc.py'), 'utf8')).toContain('def sub');
  });

  it('prompt and code both edited: conflict, nothing written, exit not ok', async () => {
    await syncUnit(unit(), env(), options);
    writeFileSync(ws.path('calc.py'), 'def add(a, b):\n    return b + a  # mine\n');
    writeFileSync(ws.path('prompts/calc_python.prompt'), 'Write add(a, b) with type hints.\n');
    calls = [];
    const out = await syncUnit(unit(), env(), options);
    expect(out).toMatchObject({ ok: false, state: 'conflict' });
    expect(out.reason).toContain('the prompt and the code changed');
    expect(calls).toHaveLength(0);
    expect(readFileSync(ws.path('calc.py'), 'utf8')).toContain('# mine');
  });

  it('stops at the budget, names it, and leaves consistent files (the failed step rolled back)', async () => {
    const ops = allOps();
    ops.example = async () => {
      throw new LlmError('budget', 'budget of $0.01 would be exceeded by calc_python example');
    };
    const out = await syncUnit(unit(), env(ops), options);
    expect(out).toMatchObject({ ok: false, state: 'failed', limit: 'budget' });
    expect(out.reason).toContain('stopped by the budget: budget of $0.01 would be exceeded');
    expect(out.steps.map((s) => `${s.operation}:${s.status}`)).toEqual(['generate:ok', 'example:failed']);
    expect(readFingerprint(ws.root, '.pdd/meta/calc_python.json').fingerprint).toMatchObject({ command: 'generate' });
  });

  it('retries a failing operation up to --max-attempts, rolling back each attempt', async () => {
    const ops = allOps();
    let tries = 0;
    ops.example = async (u) => {
      tries++;
      ws.write({ [u.paths.example!]: 'half written' });
      throw new Error('the model answered prose');
    };
    const out = await syncUnit(unit(), env(ops), { ...options, maxAttempts: 2 });
    expect(out).toMatchObject({ ok: false, state: 'failed', limit: 'attempts' });
    expect(out.reason).toBe('"example" failed 2 times (--max-attempts); last: the model answered prose');
    expect(tries).toBe(2);
    expect(() => readFileSync(ws.path('examples/calc_example.py'))).toThrow();
  });

  it('says so when the next step is an operation this build cannot run', async () => {
    const { crash: _c, ...withoutCrash } = allOps();
    const out = await syncUnit(unit(), env(withoutCrash), options);
    expect(out).toMatchObject({ ok: false, state: 'failed' });
    expect(out.reason).toBe('the next step is "crash" (the example has not run against the current code), which this build cannot run yet');
  });

  it("an existing PDD project in sync (PDD's own fingerprint and run report) costs nothing", async () => {
    const files = { 'calc.py': 'def add(a, b): return a + b\n', 'examples/calc_example.py': 'print(1)\n', 'tests/test_calc.py': 'def test(): pass\n' };
    ws.write(files);
    const h = (p: keyof typeof files) => sha256(files[p]);
    ws.write({
      '.pdd/meta/calc_python.json': JSON.stringify(
        {
          pdd_version: '0.0.300',
          timestamp: 't',
          command: 'fix',
          prompt_hash: sha256('Write add(a, b).\n'),
          code_hash: h('calc.py'),
          example_hash: h('examples/calc_example.py'),
          test_hash: h('tests/test_calc.py'),
          test_files: { 'test_calc.py': h('tests/test_calc.py') },
        },
        null,
        2,
      ),
      '.pdd/meta/calc_python_run.json': JSON.stringify(
        { timestamp: 't', exit_code: 0, tests_passed: 3, tests_failed: 0, coverage: 95.0, test_hash: h('tests/test_calc.py') },
        null,
        2,
      ),
    });
    const out = await syncUnit(unit(), env(), options);
    expect(out.steps.map((s) => s.decision.kind)).toEqual(['done']);
    expect(calls).toHaveLength(0);
    expect(ran).toEqual([]);
  });

  it('recovers a journal left by a killed run before deciding, and says so', async () => {
    await syncUnit(unit(), env(), options);
    const before = readFileSync(ws.path('calc.py'), 'utf8');
    ws.write({
      '.pdd/journal/calc_python.json': JSON.stringify({
        unit: 'calc_python',
        operation: 'fix',
        pid: 4242,
        started: 'T',
        files: [{ path: 'calc.py', previous: Buffer.from(before).toString('base64') }],
      }),
      'calc.py': 'half written by a killed fix',
    });
    const out = await syncUnit(unit(), env(), options);
    expect(out.warnings[0]).toBe('recovered: "fix" (pid 4242, T) did not finish; rolled back calc.py');
    expect(readFileSync(ws.path('calc.py'), 'utf8')).toBe(before);
    expect(out.ok).toBe(true);
    expect(store.operations('calc_python')[0]).toMatchObject({ operation: 'fix', status: 'interrupted' });
  });

  it('--resume-from runs that operation first when its prerequisites hold, and says which one is missing otherwise', async () => {
    const early = await syncUnit(unit(), env(), { ...options, resumeFrom: 'crash' });
    expect(early).toMatchObject({ ok: false, reason: '--resume-from=crash: "crash" needs code file, which "generate" produces; it is missing' });
    await syncUnit(unit(), env(), options);
    ran.length = 0;
    const out = await syncUnit(unit(), env(), { ...options, resumeFrom: 'test' });
    expect(out.steps.map((s) => s.operation ?? s.decision.kind)).toEqual(['test', 'done']);
    expect(ran).toEqual(['test']);
  });

  it('--timeout: no new step starts after it, and the summary says what was done', async () => {
    const ops = allOps();
    const generate = ops.generate;
    ops.generate = async (u) => {
      await new Promise((r) => setTimeout(r, 30));
      return generate(u);
    };
    const out = await syncUnit(unit(), env(ops), { ...options, maxSeconds: 0.01 });
    expect(out).toMatchObject({ ok: false, limit: 'time', reason: 'stopped by --timeout: 0.01 s passed; done: generate' });
  });

  it('--dry-run plans with reasons and estimates, and writes nothing', async () => {
    const plan = await planSync(ws.root, unit(), null, options, (op) => (op === 'crash' ? 0 : 0.01));
    expect(plan.steps.map((s) => `${s.decision.kind === 'run' ? s.decision.operation : s.decision.kind}:${s.estimatedUsd}`)).toEqual([
      'generate:0.01',
      'example:0.01',
      'crash:0',
      'verify:0.01',
      'generate-tests:0.01',
      'test:0',
      'done:0',
    ]);
    expect(() => readFileSync(ws.path('calc.py'))).toThrow();
    expect(() => readFileSync(ws.path('.pdd/meta/calc_python.json'))).toThrow();
  });
});
