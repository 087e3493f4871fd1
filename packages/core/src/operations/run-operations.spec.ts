import { readFileSync } from 'node:fs';
import { scriptedLlm } from '../../../../tools/testing/scripted-llm';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { LlmClient } from '../llm/client';
import { ProviderCall } from '../llm/providers/provider';
import { readRunReport } from '../run-report';
import { resolveUnits } from '../units';
import { runCrash, runFix, runTestOperation, runVerify } from './run-operations';

describe('operations that run the unit: crash, verify, test, fix (real python3 + pytest)', () => {
  jest.setTimeout(60_000); // each pytest run takes about a second here
  let ws: TempWorkspace;
  let answers: string[];
  let calls: ProviderCall[];
  let llm: LlmClient;
  const env = () => ({
    workspaceRoot: ws.root,
    runTimeoutMs: 20_000,
    llm,
  });
  const unit = () => resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
  const read = (p: string) => readFileSync(ws.path(p), 'utf8');

  beforeEach(() => {
    ws = new TempWorkspace().write({
      'prompts/calc_python.prompt': 'Write add(a, b) returning the sum.\n',
      'calc.py': 'def add(a, b):\n    return a - b\n',
      'examples/calc_example.py': 'from calc import plus\nprint(plus(2, 3))\n',
      'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n',
    });
    answers = [];
    ({ llm, calls } = scriptedLlm(ws.path('.pdd/cache/llm'), answers));
  });
  afterEach(() => ws.dispose());

  it('crash: runs the example, gives the classified error to the model, applies its fix, runs again', async () => {
    answers.push('FILE: examples/calc_example.py\n```py\nfrom calc import add\nprint(add(2, 3))\n```');
    const r = await runCrash(unit(), env());
    expect(calls[0].request.messages[1].content).toContain('Running the example failed (import):\n\n```text\nTraceback');
    expect(r.outcome).toEqual({ exampleOk: true });
    expect(r.files[0]).toMatchObject({ path: 'examples/calc_example.py', action: 'updated' });
    expect(read('.pdd/generated/calc_python/calc_example.py')).toBe(read('examples/calc_example.py'));
    // A running example costs nothing.
    expect((await runCrash(unit(), env())).model).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it('crash: a fix that does not parse, or names another file, writes nothing', async () => {
    answers.push('FILE: examples/calc_example.py\n```py\ndef broken(:\n```', 'FILE: /etc/hosts\n```py\nx = 1\n```');
    await expect(runCrash(unit(), env())).rejects.toThrow(/the corrected examples\/calc_example.py does not parse .*SyntaxError.*nothing was written/s);
    await expect(runCrash(unit(), env())).rejects.toThrow('must name one of calc.py, examples/calc_example.py on a FILE: line (it named /etc/hosts)');
    expect(read('examples/calc_example.py')).toBe('from calc import plus\nprint(plus(2, 3))\n');
  });

  it("test: records PDD's run report fields plus the code it ran against and each failure", async () => {
    const r = await runTestOperation(unit(), env());
    expect(r.outcome).toEqual({ testsPassing: false });
    expect(r.notes[0]).toBe('0 passed, 1 failed, 0 errors, 0 skipped (coverage not measured)');
    const { report } = readRunReport(ws.root, '.pdd/meta/calc_python_run.json');
    expect(report).toMatchObject({
      exit_code: 1,
      tests_passed: 0,
      tests_failed: 1,
      coverage: 0,
      nx_pdd_coverage_measured: false,
      test_files: { 'test_calc.py': expect.any(String) },
    });
    expect((report!.nx_pdd_failures as any[])[0]).toMatchObject({ test: 'tests.test_calc::test_add', class: 'assertion' });
    expect(calls).toHaveLength(0);
  });

  it('fix: failing tests -> the model fixes the code -> the tests pass, recorded', async () => {
    answers.push('FILE: calc.py\n```py\ndef add(a, b):\n    return a + b\n```');
    const r = await runFix(unit(), env());
    expect(calls[0].request.messages[1].content).toMatch(/Failures \(1 failed, 0 passed\):[\s\S]*test_add \[assertion\]/);
    expect(r.outcome).toEqual({ testsPassing: true });
    expect(r.notes.at(-1)).toBe('1 passed, 0 failed, 0 errors, 0 skipped (coverage not measured)');
    expect(readRunReport(ws.root, '.pdd/meta/calc_python_run.json').report).toMatchObject({ exit_code: 0, tests_failed: 0 });
  });

  it('fix: a test change needs a reason, is reported, and may not drop assertions', async () => {
    answers.push(
      'FILE: tests/test_calc.py\n```py\nfrom calc import add\n\ndef test_add():\n    assert add(2, 3) == -1\n```',
      'FILE: tests/test_calc.py\nREASON: the prompt says nothing\n```py\nfrom calc import add\n\ndef test_add():\n    pass\n```',
      'FILE: tests/test_calc.py\nREASON: the prompt asks for the sum; the test expected the difference\n```py\nfrom calc import add\n\ndef test_add():\n    assert add(2, 3) == -1\n```',
    );
    await expect(runFix(unit(), env())).rejects.toThrow('changes the tests without a REASON: line');
    await expect(runFix(unit(), env())).rejects.toThrow('removes 1 assertion from tests/test_calc.py; tests are never weakened to pass');
    const r = await runFix(unit(), env());
    expect(r.notes).toContain('CHANGED THE TESTS tests/test_calc.py: the prompt asks for the sum; the test expected the difference');
  });

  it('verify: "yes" verifies; "no" sends the reasons to a fix', async () => {
    ws.write({ 'examples/calc_example.py': 'from calc import add\nprint(add(2, 3))\n' });
    answers.push(
      '```json\n{"verdict": "no", "reasons": ["add(2, 3) printed -1, the prompt asks for the sum 5"]}\n```',
      'FILE: calc.py\n```py\ndef add(a, b):\n    return a + b\n```',
      '```json\n{"verdict": "yes", "reasons": []}\n```',
    );
    const no = await runVerify(unit(), env());
    expect(no.outcome).toEqual({ verified: false });
    expect(no.notes[0]).toBe('not verified: add(2, 3) printed -1, the prompt asks for the sum 5');
    expect(calls[1].request.messages[1].content).toContain('- add(2, 3) printed -1, the prompt asks for the sum 5');
    expect(calls[0].request.messages[1].content).toContain('Its output (exit code 0):\n\n```text\n-1\n');
    const yes = await runVerify(unit(), env());
    expect(yes.outcome).toEqual({ exampleOk: true, verified: true });
    expect(calls[2].request.messages[1].content).toContain('```text\n5\n');
  });
});
